# ruff: noqa: F811
"""Invitations reach other tenants' people only as the inviter's own, limited mail (attack16).

F1: C1's administrator posted the invitation form 20 times for ceo@b1.example (B1's
administrator, agency B): 20 "someone tried to invite you" mails, filed in B1's outbox and
counted in B1's usage (email: 20), real mail even while C1 was in sandbox mode; re-inviting a
stranger who never answered mailed him 20 fresh links. Now the mails to one address are at most
INVITE_MAILS_PER_ADDRESS_PER_HOUR, silently, filed and counted under the inviting client (whose
sandbox mode applies), and an organisation's invitations are limited per hour.

F2: POST /v1/users answered 422 address_has_account for an address with an account anywhere
and 201 otherwise. Now 202 either way; only an account the caller reaches itself is refused."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from shared.domain.people.authorisation import Role, Target
from shared.services.people.admin import (
    INVITE_MAILS_PER_ADDRESS_PER_HOUR,
    INVITES_PER_INVITER_PER_HOUR,
)
from shared.services.people.kit import Throttled
from tests.unit.api.conftest import (
    World,
    world,  # noqa: F401
)
from tests.unit.console.conftest import Browser, csrf_of, desk_for
from tests.unit.people.conftest import (
    Tenants,
    make_person,
    session_call,
    tenants,  # noqa: F401
)

TRIES = 20


def _desk(world: World, tenants: Tenants, email: str = "adm@c1.example") -> Browser:
    """A C1 administrator, signed in to the console (an hour on: another, signed in afresh)."""
    return desk_for(world, Role.CLIENT_ADMIN, tenants.c1, email)


def _invite(world: World, desk: Browser, email: str, tries: int = TRIES) -> list[str]:
    """C1's administrator posts the console's invitation form ``tries`` times; the mail keys."""
    token = csrf_of(desk.get("/settings"))
    kit = world.services.people.kit
    before = len(kit.sent)
    for _ in range(tries):
        reply = desk.post("/settings?lang=en", {"csrf": token, "do": "invite",
                                                "role": "read_only", "email": email})  # fmt: skip
        assert reply.status == 303
    return kit.sent[before:]


def test_the_notice_to_another_tenants_person_is_the_inviters_limited_mail(world, tenants):
    make_person(world, Role.CLIENT_ADMIN, Target("agency-b", tenants.b1), "ceo@b1.example")
    desk = _desk(world, tenants)
    keys = _invite(world, desk, "ceo@b1.example")
    assert len(keys) == INVITE_MAILS_PER_ADDRESS_PER_HOUR  # of 20 posts
    messaging = world.services.messaging
    assert all(messaging.outbox.get(tenants.b1, k) is None for k in keys)  # not in B1's outbox
    assert [messaging.deliver(tenants.c1, k) for k in keys] == ["sent"] * len(keys)
    month = f"{world.services.people.kit.now():%Y-%m}"
    assert messaging.usage(tenants.b1, month).get("email", 0) == 0  # B1 pays nothing
    assert messaging.usage(tenants.c1, month)["email"] == len(keys)  # the inviter's usage
    # an hour later the owner may hear again
    world.clock.advance(hours=1)
    assert (
        len(_invite(world, _desk(world, tenants, "adm2@c1.example"), "ceo@b1.example", tries=1))
        == 1
    )


def test_a_sandbox_inviters_notice_goes_to_the_owner_not_its_sandbox_address(world, tenants):
    """codereview16 F4: redirected to the sandbox inviter's own mailbox, the notice's subject
    told who has an account; it is the owner's own mail. (The sandbox is of the owner's
    domain: a sandbox client invites no other, codereview16b F3.)"""
    clients = world.services.repos.clients
    c1, etag = clients.get(tenants.c1)  # type: ignore[misc]
    clients.save(replace(c1, sandbox=True, sandbox_email="sandbox@b1.example"), etag)
    make_person(world, Role.CLIENT_ADMIN, Target("agency-b", tenants.b1), "ceo@b1.example")
    (key,) = _invite(world, _desk(world, tenants), "ceo@b1.example", tries=1)
    messaging = world.services.messaging
    messaging.deliver(tenants.c1, key)
    message = messaging.outbox.get(tenants.c1, key)[0]  # type: ignore[index]
    assert (message.to, message.sandbox_of) == ("ceo@b1.example", None)


def test_another_organisations_posts_leave_this_ones_mails(world, tenants):
    """attack16b F2: counted for the address alone, C1's posts used up the hour of B1's own
    invitation of the address; now per (address, organisation), under a higher cap for all."""
    make_person(world, Role.CLIENT_ADMIN, Target("agency-b", tenants.b1), "ceo@b1.example")
    assert len(_invite(world, _desk(world, tenants), "ceo@b1.example")) == (
        INVITE_MAILS_PER_ADDRESS_PER_HOUR
    )
    agency = make_person(world, Role.AGENCY_ADMIN, Target("agency-a", None), "boss@a.example")
    people = world.services.people
    before = len(people.kit.sent)
    people.admin.invite_or_tell(agency.signed.user.principal(""), "ceo@b1.example", Role.READ_ONLY)
    assert len(people.kit.sent) - before == 1  # the agency's own notice still goes


def test_reinviting_an_address_that_never_answered_is_limited(world, tenants):
    desk = _desk(world, tenants)
    keys = _invite(world, desk, "stranger@x.example")
    assert len(keys) == INVITE_MAILS_PER_ADDRESS_PER_HOUR
    world.clock.advance(hours=1)
    assert (
        len(_invite(world, _desk(world, tenants, "adm2@c1.example"), "stranger@x.example", tries=1))
        == 1
    )


def test_an_organisations_invitations_are_limited_per_hour(world, tenants):
    admin = make_person(world, Role.CLIENT_ADMIN, Target("agency-a", tenants.c1), "adm@c1.example")
    principal = admin.signed.user.principal("")
    people = world.services.people
    for n in range(INVITES_PER_INVITER_PER_HOUR):
        people.admin.invite(principal, f"new{n}@c1.example", Role.READ_ONLY, "C1")
    with pytest.raises(Throttled):
        people.admin.invite(principal, "one-more@c1.example", Role.READ_ONLY, "C1")
    body = {"email": "one-more@c1.example", "role": "read_only", "client": "C1"}
    reply = session_call(world, admin.signed, "POST", "/v1/users", json.dumps(body).encode())
    assert reply.status == 429, reply.encoded()


def test_the_api_invitation_answers_alike_for_an_account_elsewhere(world, tenants):
    make_person(world, Role.AGENCY_ADMIN, Target("agency-b", None), "boss@agency-b.example")
    admin = make_person(world, Role.CLIENT_ADMIN, Target("agency-a", tenants.c1), "adm@c1.example")
    answers = {}
    for email in ("boss@agency-b.example", "nobody@agency-b.example"):
        body = {"email": email, "role": "read_only", "client": "C1"}
        reply = session_call(world, admin.signed, "POST", "/v1/users", json.dumps(body).encode())
        shown = json.loads(reply.encoded())
        answers[email] = (reply.status, sorted(shown), shown["status"])
    assert answers["boss@agency-b.example"] == answers["nobody@agency-b.example"]
    assert answers["nobody@agency-b.example"][0] == 202
    # an account the caller reaches itself (its own list shows it): refused as before
    body = {"email": "adm@c1.example", "role": "read_only", "client": "C1"}
    reply = session_call(world, admin.signed, "POST", "/v1/users", json.dumps(body).encode())
    assert reply.status == 422 and "address_has_account" in reply.encoded().decode()
