"""Ending a person's sessions for a suspected takeover ends the keys they minted and the
invitations they sent too: the API's ``end-sessions`` and ``reset-factor``, the console's
"Reset second factor" (the same service) and ``inning user reset-factor`` (attack26 L3: the
person's sessions ended and a key they, or whoever held their session, had minted kept reading
every client: 200; an invitation they sent still made an agency admin)."""

from __future__ import annotations

import json

import pytest

from shared.cli import app_settings
from shared.cli.main import main
from shared.domain.people.audit import Event
from shared.domain.people.authorisation import Role, Target
from shared.services.people.accounts import LinkInvalid
from tests.unit.api.conftest import ApiClient, World
from tests.unit.people.conftest import (
    PASSWORD,
    Person,
    Tenants,
    link_token,
    make_person,
    session_call,
)

AGENCY = Target("agency-a", None)


def _mint(world: World, person: Person, body: dict[str, object]) -> ApiClient:
    minted = session_call(world, person.signed, "POST", "/v1/keys", json.dumps(body).encode())
    assert minted.status == 201, minted.encoded()
    return ApiClient(world.api, json.loads(minted.encoded())["key"])


def _taken_over(world: World) -> tuple[Person, Person, list[ApiClient], ApiClient]:
    """The boss, the person whose account was taken, the keys minted with their session (and
    by one of those), and the boss's own key."""
    boss = make_person(world, Role.AGENCY_ADMIN, Target("agency-a", None), "boss@agency-a.example")
    victim = make_person(
        world, Role.AGENCY_ADMIN, Target("agency-a", None), "lost@agency-a.example"
    )
    first = _mint(world, victim, {"scope": "agency", "label": "van de indringer"})
    second = first.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "label": "kind"})
    assert second.status == 201
    keys = [first, ApiClient(world.api, second.body["key"])]
    bosses = _mint(world, boss, {"scope": "agency", "label": "van de baas"})
    for key in (*keys, bosses):
        assert key.call("GET", "/v1/clients/C1/invoices").status == 200
    return boss, victim, keys, bosses


@pytest.mark.parametrize("action", ["end-sessions", "reset-factor"])
def test_the_admins_action_ends_the_persons_keys(
    world: World, tenants: Tenants, action: str
) -> None:
    boss, victim, keys, bosses = _taken_over(world)
    done = session_call(world, boss.signed, "POST", f"/v1/users/{victim.user_id}/{action}")
    assert done.status == 200, done.encoded()
    for key in keys:
        assert key.call("GET", "/v1/clients/C1/invoices").status == 401
    assert bosses.call("GET", "/v1/clients/C1/invoices").status == 200
    assert world.agency_a.call("GET", "/v1/clients/C1/invoices").status == 200  # nobody's key
    said = [
        e for e in world.services.people.kit.people.audit.between("agency:agency-a", "0", "g")
        if e.subject == victim.user_id and e.event in (Event.SESSIONS_REVOKED, Event.FACTOR_RESET)
    ]  # fmt: skip
    assert [e.detail.get("keys_ended") for e in said] == ["2"]


def test_the_operators_reset_ends_the_persons_keys(
    world: World,
    tenants: Tenants,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(app_settings, "cli_services", lambda *_: world.services)
    _, victim, keys, bosses = _taken_over(world)
    assert main(["user", "reset-factor", victim.email]) == 0
    assert "2 API keys they minted ended" in capsys.readouterr().out
    for key in keys:
        assert key.call("GET", "/v1/clients/C1/invoices").status == 401
    assert bosses.call("GET", "/v1/clients/C1/invoices").status == 200


@pytest.mark.parametrize("action", ["end-sessions", "reset-factor"])
def test_the_invitations_sent_before_end_too(world: World, tenants: Tenants, action: str) -> None:
    """Whoever held the session could also invite a private address as an agency admin: that
    link is refused once the person's sessions were ended; one they send afterwards stands."""
    people = world.services.people
    boss, victim, _, _ = _taken_over(world)
    _, sent = people.admin.invite_into(AGENCY, "friend@private.example", Role.AGENCY_ADMIN,
                                       victim.user_id)  # fmt: skip
    world.clock.advance(seconds=60)
    done = session_call(world, boss.signed, "POST", f"/v1/users/{victim.user_id}/{action}")
    assert done.status == 200
    with pytest.raises(LinkInvalid):
        people.accounts.accept_invitation(link_token(sent), PASSWORD, "10.9.9.9")
    world.clock.advance(seconds=60)  # the person, back in their account, invites again
    _, again = people.admin.invite_into(AGENCY, "friend@private.example", Role.AGENCY_STAFF,
                                        victim.user_id)  # fmt: skip
    signed = people.accounts.accept_invitation(link_token(again), PASSWORD, "10.0.0.7")
    assert signed.user.role is Role.AGENCY_STAFF
