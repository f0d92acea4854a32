# ruff: noqa: F811
"""codereview16b F3: a self-signed-up client nobody at the agency has approved (sandbox mode)
mailed invitations to any address, its self-chosen company name in the text, from Inning's own
sender (5 posts: 5 mails to burger0..4@gmail.example). Until approval its own people invite
only their own (non-public) domain; the refusal has a code and Dutch words, in the API and the
console alike; the agency, and the client once approved, invite anyone."""

from __future__ import annotations

import json
import re

from shared.api.http import ApiResponse
from shared.domain.parties import Client
from shared.domain.people.authorisation import Role, Target
from tests.unit.api.conftest import World, world  # noqa: F401
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.people.conftest import Person, Tenants, make_person, session_call, tenants  # noqa: F401
from tests.unit.people.test_signup_claims import _open, _signed_up

NAME = "Belastingdienst - aanslag 2026 betalen via inning"


def _sandbox(world: World, email: str) -> tuple[Client, Person]:
    _open(world)
    (client, _), _ = _signed_up(world, NAME, email, "10.0.0.66")
    assert client.sandbox
    domain = email.rsplit("@", 1)[1]
    admin = make_person(world, Role.CLIENT_ADMIN, Target("agency-a", client.client_id),
                        f"admin2@{domain}")  # fmt: skip
    return client, admin


def _invite(world: World, person: Person, client: Client, email: str) -> ApiResponse:
    body = json.dumps({"email": email, "role": "read_only", "client": client.number}).encode()
    return session_call(world, person.signed, "POST", "/v1/users", body)


def _code(answer: ApiResponse) -> object:
    details = json.loads(answer.encoded())["error"]["details"]
    return details[0].get("code")


def _mailed_to(world: World, client: Client, before: int) -> list[str]:
    people, messaging = world.services.people, world.services.messaging
    found = [messaging.outbox.get(client.client_id, key) for key in people.kit.sent[before:]]
    assert None not in found  # every mail of these invitations is filed under the client
    return [f[0].to for f in found if f is not None]


def test_an_unapproved_client_invites_no_stranger(world: World, tenants: Tenants) -> None:
    client, admin = _sandbox(world, "fraud@throwaway.example")
    before = len(world.services.people.kit.sent)
    for n in range(5):
        answer = _invite(world, admin, client, f"burger{n}@gmail.example")
        assert answer.status == 422
        assert _code(answer) == "invite_sandbox_domain"
    assert _mailed_to(world, client, before) == []
    invited = world.services.people.kit.people.users.of_tenant("agency-a", client.client_id)
    assert not [u for u in invited if u.email.startswith("burger")]  # nothing written either
    # a colleague of the signed-up address's own domain: invited, mailed to the address itself
    assert _invite(world, admin, client, "collega@throwaway.example").status == 202
    assert _mailed_to(world, client, before) == ["collega@throwaway.example"]


def test_a_public_mail_domain_has_no_colleagues(world: World, tenants: Tenants) -> None:
    client, admin = _sandbox(world, "fraud@gmail.com")
    before = len(world.services.people.kit.sent)
    answer = _invite(world, admin, client, "someone@gmail.com")
    assert answer.status == 422
    assert _code(answer) == "invite_sandbox_domain"
    assert _mailed_to(world, client, before) == []


def test_the_refusal_is_the_same_for_an_address_with_an_account(
    world: World, tenants: Tenants
) -> None:
    client, admin = _sandbox(world, "fraud@throwaway.example")
    make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "ceo@c1.example")
    before = len(world.services.people.kit.sent)
    answer = _invite(world, admin, client, "ceo@c1.example")
    assert answer.status == 422  # no "already has an account" notice mailed from the sandbox
    assert _code(answer) == "invite_sandbox_domain"
    assert _mailed_to(world, client, before) == []


def test_the_agency_and_the_approved_client_invite_anyone(world: World, tenants: Tenants) -> None:
    client, admin = _sandbox(world, "shop@throwaway.example")
    agency = make_person(
        world, Role.AGENCY_ADMIN, Target("agency-a", None), "boss@agency-a.example"
    )
    before = len(world.services.people.kit.sent)
    assert _invite(world, agency, client, "eigenaar@elders.example").status == 202
    assert _mailed_to(world, client, before) == ["eigenaar@elders.example"]
    world.services.client_settings.add_iban(client, "NL91ABNA0417164300", by_agency=False)
    approved = session_call(world, agency.signed, "POST", f"/v1/clients/{client.number}/approve")
    assert approved.status == 200
    before = len(world.services.people.kit.sent)
    assert _invite(world, admin, client, "boekhouder@elders.example").status == 202
    assert _mailed_to(world, client, before) == ["boekhouder@elders.example"]


def test_the_console_refuses_in_dutch(world: World, tenants: Tenants) -> None:
    client, _ = _sandbox(world, "fraud@throwaway.example")
    desk = desk_for(world, Role.CLIENT_ADMIN, client.client_id, "baas@throwaway.example")
    before = len(world.services.people.kit.sent)
    page = desk.post("/settings", {"csrf": csrf_of(desk.get("/settings")), "do": "invite",
                                   "email": "burger@gmail.example", "role": "client_staff"})  # fmt: skip
    assert page.status == 422
    html = page.encoded().decode()
    notice = re.search(r'<p class="notice error"[^>]*>(.*?)</p>', html, flags=re.S)
    assert notice is not None, html[:400]
    assert "nog niet goedgekeurd" in notice.group(1) and "throwaway.example" in notice.group(1)
    assert _mailed_to(world, client, before) == []


def test_an_unapproved_client_sends_a_handful_of_invitations_at_most(
    world: World, tenants: Tenants
) -> None:
    """codereview16c 1: no list of public mail providers is complete (a sign-up at hotmail.be,
    gmx.nl or mail.ru invited 'colleagues' at the same provider, 30 an hour). Those named are
    refused, and a client in sandbox mode sends at most SANDBOX_INVITES invitations before the
    agency approves it, whatever its domain."""
    from shared.services.people.sandbox_invites import SANDBOX_INVITES

    for provider in ("hotmail.be", "gmx.nl", "mail.ru"):
        listed, person = _sandbox(world, f"fraud@{provider}")
        assert (
            _code(_invite(world, person, listed, f"burger@{provider}")) == "invite_sandbox_domain"
        )
    client, admin = _sandbox(world, "fraud@unlisted-mail.example")
    before = len(world.services.people.kit.sent)
    for n in range(SANDBOX_INVITES):
        assert _invite(world, admin, client, f"buur{n}@unlisted-mail.example").status == 202
    over = _invite(world, admin, client, "buur9@unlisted-mail.example")
    assert over.status == 422 and _code(over) == "invite_sandbox_limit"
    assert len(_mailed_to(world, client, before)) == SANDBOX_INVITES


def test_only_invitations_mailed_spend_the_five(world: World, tenants: Tenants) -> None:
    """failure17 F3: five forms refused for a role a client cannot have (nothing written, nothing
    mailed) used the five up, and the first real colleague was refused invite_sandbox_limit. A
    place is kept only for a mail written: not for a refused form, nor for an invitation the
    address's hourly limit left unmailed."""
    from shared.services.people.admin import INVITE_MAILS_PER_ADDRESS_PER_HOUR
    from shared.services.people.sandbox_invites import SANDBOX_INVITES

    client, admin = _sandbox(world, "eigenaar@bakkerij-jansen.example")
    before = len(world.services.people.kit.sent)
    for _ in range(SANDBOX_INVITES):
        body = json.dumps({"email": "collega0@bakkerij-jansen.example", "role": "agency_admin",
                           "client": client.number}).encode()  # fmt: skip
        assert session_call(world, admin.signed, "POST", "/v1/users", body).status == 422
    # the same colleague asked again and again: mailed within the hour's limit, then not
    for _ in range(INVITE_MAILS_PER_ADDRESS_PER_HOUR + 1):
        assert _invite(world, admin, client, "collega0@bakkerij-jansen.example").status == 202
    mailed = INVITE_MAILS_PER_ADDRESS_PER_HOUR
    for n in range(1, SANDBOX_INVITES - mailed + 1):
        assert _invite(world, admin, client, f"collega{n}@bakkerij-jansen.example").status == 202
    over = _invite(world, admin, client, "collega9@bakkerij-jansen.example")
    assert over.status == 422 and _code(over) == "invite_sandbox_limit"
    assert len(_mailed_to(world, client, before)) == SANDBOX_INVITES
