# ruff: noqa: F811
"""An invitation is not an account (attack16b F1, F2, F4; codereview16 F4).

F1: C1's administrator invited finance@b1.example (B1's bookkeeper, no account yet); the
INVITED row held the address for good: B1's own invitation answered 202 and made nothing (the
bookkeeper got "you already have an account"), the company's verified sign-up and agency B's
onboarding were refused address_has_account. Now an invitation nobody accepted holds nothing:
each organisation's invitation is its own row, and the owner's acceptance binds the address.

F4: after the alike 202, the inviter's GET /v1/users listed the invitation only for an address
without an account; in sandbox the notice "you already have an account" went to the inviter's
own mailbox. Now the invitation is listed either way and the notice goes to the owner only.

F2: the 3-an-hour mail limits counted per address, whoever caused the mail: a stranger's 3
posts silenced B1's invitation and the company's own sign-up. Now per (address, inviter) and
per (address, caller), under a higher cap for all together."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from shared.domain.people.authorisation import Role, Target
from shared.domain.people.tokens import Purpose
from shared.services.errors import Invalid
from shared.services.people.admin import INVITE_MAILS_PER_ADDRESS_PER_HOUR
from shared.services.people.onboarding import SIGNUP_MAILS_PER_RECIPIENT_PER_HOUR
from tests.unit.api.conftest import World, world  # noqa: F401
from tests.unit.people.conftest import (
    PASSWORD,
    link_token,
    make_person,
    session_call,
    tenants,  # noqa: F401
)
from tests.unit.people.test_accounts import _defaults, _link_in
from tests.unit.people.test_signup_claims import _open, _signed_up

VICTIM = "finance@b1.example"  # B1's new bookkeeper, no account anywhere yet
ONBOARD = {"number": "N1", "name": "B1 Finance B.V.", "kvk_number": "11223344",
           "vat_deductible": True, "iban": "NL91ABNA0417164300", "language": "nl",
           "first_email": VICTIM, "first_mobile": "06 12345678"}  # fmt: skip


def _post(world, person, email: str, number: str, role: str = "read_only"):  # type: ignore[no-untyped-def]
    body = json.dumps({"email": email, "role": role, "client": number}).encode()
    answer = session_call(world, person.signed, "POST", "/v1/users", body)
    assert answer.status == 202, answer.encoded()
    return answer


def _squat(world, tenants, sandbox: bool = False):  # type: ignore[no-untyped-def]
    """C1's administrator invites the address by the API (202) and never tells anyone."""
    if sandbox:
        clients = world.services.repos.clients
        c1, etag = clients.get(tenants.c1)
        # (signed up with an address of the victim's domain: a sandbox client invites no
        # other domain, codereview16b F3)
        clients.save(replace(c1, sandbox=True, sandbox_email="me@b1.example"), etag)
    attacker = make_person(
        world, Role.CLIENT_ADMIN, Target("agency-a", tenants.c1), "adm@c1.example"
    )
    _post(world, attacker, VICTIM, "C1")
    return attacker


def _listed(world, person, number: str) -> list[str]:  # type: ignore[no-untyped-def]
    answer = session_call(world, person.signed, "GET", "/v1/users", query={"client": number})
    assert answer.status == 200
    return [u["email"] for u in answer.body["items"]]


def test_the_real_organisation_still_invites_its_person_who_then_comes_in(world, tenants):
    _squat(world, tenants)
    world.clock.advance(hours=2)
    b1 = make_person(world, Role.CLIENT_ADMIN, Target("agency-b", tenants.b1), "ceo@b1.example")
    kit = world.services.people.kit
    before = len(kit.sent)
    _post(world, b1, VICTIM, "B1", "client_staff")
    assert VICTIM in _listed(world, b1, "B1")
    (key,) = kit.sent[before:]
    link = _link_in(world, tenants.b1, key)  # the invitation, to the bookkeeper
    people = world.services.people
    people.accounts.accept_invitation(link_token(link), PASSWORD, "10.0.0.7")
    owner = people.kit.people.users.by_email(VICTIM)
    assert owner is not None and owner[0].client_id == tenants.b1
    # C1's invitation stays C1's record; its link no longer makes an account
    c1 = make_person(world, Role.CLIENT_ADMIN, Target("agency-a", tenants.c1), "adm2@c1.example")
    assert VICTIM in _listed(world, c1, "C1")
    squat = next(u for u in people.kit.people.users.of_tenant("agency-a", tenants.c1)
                 if u.email == VICTIM)  # fmt: skip
    token = people.accounts.issue_link(Purpose.INVITE, squat.user_id)
    with pytest.raises(Invalid, match="already has an account"):
        people.accounts.accept_invitation(token, PASSWORD, "10.0.0.66")


def test_the_company_can_still_sign_up_with_its_own_address(world, tenants):
    world.services.people._signup_agency = "agency-a"  # type: ignore[attr-defined]
    _defaults(world)
    _squat(world, tenants)
    world.clock.advance(hours=2)
    people = world.services.people
    people.onboarding.sign_up("B1 Finance B.V.", "11223344", VICTIM, "0612345678", "nl", "10.0.0.7")
    link = _link_in(world, "@signup.agency-a", people.kit.sent[-1])
    client, user = people.onboarding.verify(link.rsplit("/", 1)[1])
    assert user.email == VICTIM and user.client_id == client.client_id


@pytest.mark.parametrize("sandbox,deactivated", [(False, False), (True, False), (False, True)])
def test_an_agency_can_still_onboard_a_client_with_that_first_user(
    world, tenants, sandbox, deactivated
):
    attacker = _squat(world, tenants, sandbox)
    if deactivated:  # the squatter deactivates its invitation: still no account
        people = world.services.people
        squat = people.kit.people.users.by_email(VICTIM)[0]
        people.admin.deactivate(attacker.signed.user.principal(""), squat.user_id)
    world.clock.advance(hours=2)
    answer = world.agency_b.call("POST", "/v1/onboarding/clients", ONBOARD)
    assert answer.status == 201, f"agency B's onboarding: {answer.status} {answer.body}"
    again = world.agency_b.call("POST", "/v1/onboarding/clients", ONBOARD)  # a retry: the same
    assert again.status == 201 and again.body == answer.body, again.body


def test_the_list_after_an_invitation_tells_nothing_about_other_agencies(world, tenants):
    make_person(world, Role.AGENCY_ADMIN, Target("agency-b", None), "boss@agency-b.example")
    admin = make_person(world, Role.CLIENT_ADMIN, Target("agency-a", tenants.c1), "adm@c1.example")
    probes = ("boss@agency-b.example", "nobody@agency-b.example")
    for email in probes:
        _post(world, admin, email, "C1")
    users = {u["email"]: u for u in session_call(world, admin.signed, "GET", "/v1/users",
                                                 query={"client": "C1"}).body["items"]}  # fmt: skip
    assert all(email in users for email in probes), sorted(users)
    assert users[probes[0]]["status"] == users[probes[1]]["status"]
    # the console's Settings list shows the same
    from tests.unit.console.conftest import desk_for

    page = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "adm2@c1.example").get("/settings")
    assert all(email.encode() in page.encoded() for email in probes)


def test_a_sandbox_inviters_mailbox_tells_nothing_and_the_owner_hears(world, tenants):
    """codereview16 F4: the notice to an address with an account went to the sandbox
    inviter's own mailbox, its subject saying so; now neither mail goes there. (The sign-up
    is of the owner's domain: a sandbox client invites no other, codereview16b F3.)"""
    _open(world)
    make_person(world, Role.CLIENT_ADMIN, Target("agency-b", tenants.b1), "ceo@b1.example")
    (snoop, _), _ = _signed_up(world, "Nieuwsgierig B.V.", "snoop@b1.example", "10.0.0.66")
    assert snoop.sandbox
    me = make_person(world, Role.CLIENT_ADMIN, Target("agency-a", snoop.client_id),
                     "snoop2@b1.example")  # fmt: skip
    people, messaging = world.services.people, world.services.messaging
    mails = {}
    for email in ("ceo@b1.example", "nobody@b1.example"):
        before = len(people.kit.sent)
        _post(world, me, email, snoop.number, "client_staff")
        (key,) = people.kit.sent[before:]
        message, _ = messaging.outbox.get(snoop.client_id, key)
        mails[email] = (
            message.to,
            message.sandbox_of,
            messaging.content(snoop.client_id, key).subject,
        )
    assert mails["ceo@b1.example"][:2] == ("ceo@b1.example", None), mails
    assert mails["nobody@b1.example"][:2] == ("nobody@b1.example", None), mails


def test_a_sandbox_client_cannot_spend_another_organisations_invitations(world, tenants):
    b1 = make_person(world, Role.CLIENT_ADMIN, Target("agency-b", tenants.b1), "ceo@b1.example")
    _post(world, b1, VICTIM, "B1", "client_staff")
    world.clock.advance(hours=3)  # the first mail was lost; a new hour
    attacker = _squat(world, tenants, sandbox=True)
    for _ in range(INVITE_MAILS_PER_ADDRESS_PER_HOUR):
        _post(world, attacker, VICTIM, "C1")
    kit = world.services.people.kit
    b1 = make_person(world, Role.CLIENT_ADMIN, Target("agency-b", tenants.b1), "cfo@b1.example")
    before = len(kit.sent)
    _post(world, b1, VICTIM, "B1", "client_staff")
    assert len(kit.sent) - before == 1, "B1's invitation mailed nothing: C1 spent the hour"


def test_a_stranger_cannot_spend_a_companys_sign_up_mails(world, tenants):
    world.services.people._signup_agency = "agency-a"  # type: ignore[attr-defined]
    people = world.services.people
    for n in range(SIGNUP_MAILS_PER_RECIPIENT_PER_HOUR + 2):  # one caller, its own limit of 5
        people.onboarding.sign_up(f"Spam {n}", "99999999", VICTIM, "0612345678", "nl", "10.0.0.66")
    before = len(people.kit.sent)
    people.onboarding.sign_up("B1 Finance B.V.", "11223344", VICTIM, "0612345678", "nl", "10.0.0.7")
    assert len(people.kit.sent) - before == 1, "the company's own sign-up mailed nothing"
