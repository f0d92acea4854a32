"""sec28: a key minted while its person's access was being ended survived the ending.

``end-sessions``, ``reset-factor`` and deactivation write the person's row, then revoke the
keys ``IssuedBy`` them (people27). A mint by the taken-over session (or by a key of theirs)
whose session was checked just before the ending and whose key was stored just after the
keys were listed kept a key that read every client: 201, then 200 with it after the end. Here
the ending runs between the mint's authentication and its handler, the widest such window:
now the mint answers 401 and its key is revoked. A mint after the ending is 401 as before,
and one nobody ended goes on."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from shared.domain.people.authorisation import Role, Target
from tests.unit.api.conftest import ApiClient, World
from tests.unit.people.conftest import Person, Tenants, make_person, session_call

AGENCY = Target("agency-a", None)


def _ending_midway(world: World, end: Callable[[], Any]) -> None:
    """The next request's principal is checked, then ``end`` runs, then its handler."""
    router = world.api.router
    checked = router.authenticate

    def authenticate_then_end(request: Any) -> Any:
        found = checked(request)
        router.authenticate = checked  # once
        end()
        return found

    router.authenticate = authenticate_then_end


def _keys_of(world: World, user_id: str) -> list[Any]:
    return [k for k, _ in world.services.repos.api_keys.issued_by(user_id)]


@pytest.mark.parametrize("action", ["end-sessions", "reset-factor", "deactivate"])
def test_a_sessions_mint_during_the_ending_gets_no_key(
    world: World, tenants: Tenants, action: str
) -> None:
    boss = make_person(world, Role.AGENCY_ADMIN, AGENCY, "boss@agency-a.example")
    victim = make_person(world, Role.AGENCY_ADMIN, AGENCY, "lost@agency-a.example")

    def end() -> None:
        done = session_call(world, boss.signed, "POST", f"/v1/users/{victim.user_id}/{action}")
        assert done.status == 200, done.encoded()

    _ending_midway(world, end)
    body = json.dumps({"scope": "agency", "label": "van de indringer"}).encode()
    minted = session_call(world, victim.signed, "POST", "/v1/keys", body)
    assert minted.status == 401, minted.encoded()
    assert "key" not in json.loads(minted.encoded())
    [stored] = _keys_of(world, victim.user_id)
    assert stored.revoked_at is not None  # stored, and revoked
    # after the ending the session itself is refused, as before
    again = session_call(world, victim.signed, "POST", "/v1/keys", body)
    assert again.status == 401


def test_a_mint_by_the_persons_key_during_the_ending_gets_no_key(
    world: World, tenants: Tenants
) -> None:
    boss = make_person(world, Role.AGENCY_ADMIN, AGENCY, "boss@agency-a.example")
    victim: Person = make_person(world, Role.AGENCY_ADMIN, AGENCY, "lost@agency-a.example")
    body = json.dumps({"scope": "agency", "label": "eerste"}).encode()
    first = ApiClient(world.api, json.loads(
        session_call(world, victim.signed, "POST", "/v1/keys", body).encoded())["key"])  # fmt: skip
    world.clock.advance(seconds=5)

    def end() -> None:
        path = f"/v1/users/{victim.user_id}/end-sessions"
        assert session_call(world, boss.signed, "POST", path).status == 200

    _ending_midway(world, end)
    child = first.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "label": "kind"})
    assert child.status == 401, child.body
    assert all(k.revoked_at is not None for k in _keys_of(world, victim.user_id))
    # the boss's own mint, nobody's access ended, goes on
    mine = session_call(world, boss.signed, "POST", "/v1/keys", body)
    assert mine.status == 201, mine.encoded()
    key = ApiClient(world.api, json.loads(mine.encoded())["key"])
    assert key.call("GET", "/v1/clients/C1/invoices").status == 200
    # a key minted by a key of nobody (the agency's) goes on too
    plain = world.agency_a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"})
    assert plain.status == 201, plain.body
