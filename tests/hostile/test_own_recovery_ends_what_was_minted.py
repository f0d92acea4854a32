"""attack31 F2: a person's own recovery left what the account's thief minted.

Whoever took over an admin's session minted an API key and invited a private address. The
owner then ended their other sessions, changed the password, or set a new one through a
reset link: the thief's session ended, but the key still read the client's invoices and the
invitation still let a stranger in for 72 hours. An administrator's end-sessions ended both
already (attack26 L3, people27 F1); the person's own recovery now does the same."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from shared.domain.people.authorisation import Role, Target
from shared.domain.people.tokens import Purpose
from shared.services.people.accounts import LinkInvalid
from tests.unit.api.conftest import ApiClient, World, client_row
from tests.unit.people.conftest import PASSWORD, Person, link_token, make_person, session_call

NEW = "een heel ander wachtwoord"


def _end_others(world: World, owner: Person) -> None:
    world.services.people.accounts.end_other_sessions(owner.signed, "10.0.0.1")


def _change(world: World, owner: Person) -> None:
    world.services.people.accounts.change_password(owner.signed, PASSWORD, NEW, "10.0.0.1")


def _reset(world: World, owner: Person) -> None:
    accounts = world.services.people.accounts
    token = accounts.issue_link(Purpose.RESET, owner.user_id)
    world.clock.advance(seconds=1)
    accounts.complete_reset(token, NEW, "10.0.0.1")


@pytest.mark.parametrize("recover", [_end_others, _change, _reset], ids=["end", "change", "reset"])
def test_recovery_ends_the_thiefs_key_and_invitation(
    world: World, recover: Callable[[World, Person], None]
) -> None:
    people = world.services.people
    assert world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    c1 = Target("agency-a", world.services.repos.clients.id_for_number("agency-a", "C1"))
    owner = make_person(world, Role.CLIENT_ADMIN, c1, "owner@c1.example")
    # the thief, in the owner's session: a key and an invitation of a private address
    body = json.dumps({"scope": "client", "client": "C1", "label": "backup"}).encode()
    minted = session_call(world, owner.signed, "POST", "/v1/keys", body)
    assert minted.status == 201, minted.encoded()
    key = ApiClient(world.api, json.loads(minted.encoded())["key"])
    assert key.call("GET", "/v1/clients/C1/invoices").status == 200
    _, link = people.admin.invite_into(c1, "thief@private.example", Role.CLIENT_ADMIN,
                                       owner.user_id)  # fmt: skip
    world.clock.advance(seconds=5)

    recover(world, owner)

    assert key.call("GET", "/v1/clients/C1/invoices").status == 401
    with pytest.raises(LinkInvalid):
        people.accounts.accept_invitation(link_token(link), PASSWORD, "10.9.9.9")
    # what the owner mints and invites after the recovery works
    world.clock.advance(seconds=5)
    _, again = people.admin.invite_into(c1, "colleague@c1.example", Role.CLIENT_STAFF,
                                        owner.user_id)  # fmt: skip
    signed = people.accounts.accept_invitation(link_token(again), PASSWORD, "10.0.0.7")
    assert signed.user.role is Role.CLIENT_STAFF
