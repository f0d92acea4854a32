# ruff: noqa: F811
"""failure17 F3: a client in sandbox mode sends at most ``SANDBOX_INVITES`` (5) invitations
before the agency approves it, but each post was counted before anything was written: three
storage 503s on the outbox while inviting one colleague (nothing mailed, the admin told to try
again) and the retry used four of the five, and the third colleague was refused
``invite_sandbox_limit`` after two mails. A place is now kept only when its mail is written."""

from __future__ import annotations

import json

from shared.api.http import ApiResponse
from shared.domain.people.authorisation import Role, Target
from shared.services.people.sandbox_invites import SANDBOX_INVITES
from tests.unit.api.conftest import World, world  # noqa: F401
from tests.unit.people.conftest import Tenants, make_person, tenants  # noqa: F401
from tests.unit.people.test_limits_after_a_storage_error import _outbox_fails
from tests.unit.people.test_sandbox_invites import _invite, _mailed_to, _sandbox

DOMAIN = "bakkerij-jansen.example"


def _answer(answer: ApiResponse) -> tuple[int, object]:
    """The status of an invitation post and its refusal's code."""
    if answer.status < 400:
        return answer.status, None
    return answer.status, json.loads(answer.encoded())["error"].get("details", [{}])[0].get("code")


def test_storage_errors_spend_no_sandbox_invitation(world: World, tenants: Tenants) -> None:
    client, admin = _sandbox(world, f"eigenaar@{DOMAIN}")
    before = len(world.services.people.kit.sent)
    _outbox_fails(world, 3)
    # the admin invites a colleague; storage answers 503 three times; he tries again each time
    tries = [_answer(_invite(world, admin, client, f"collega1@{DOMAIN}"))
             for _ in range(4)]  # fmt: skip
    assert tries == [(503, None), (503, None), (503, None), (202, None)]
    # main: collega3 was refused invite_sandbox_limit after two mails
    others = [
        _answer(_invite(world, admin, client, f"collega{n}@{DOMAIN}"))
        for n in range(2, SANDBOX_INVITES + 2)
    ]
    assert others == [(202, None)] * (SANDBOX_INVITES - 1) + [(422, "invite_sandbox_limit")]
    assert _mailed_to(world, client, before) == [
        f"collega{n}@{DOMAIN}" for n in range(1, SANDBOX_INVITES + 1)
    ]


def test_a_notice_whose_mail_failed_gives_its_place_back(world: World, tenants: Tenants) -> None:
    """The notice to an address of the client's domain that has an account elsewhere is a
    sandbox client's mail as well: it takes a place when it is written, not when it failed."""
    client, admin = _sandbox(world, f"eigenaar@{DOMAIN}")
    make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), f"boekhouder@{DOMAIN}")
    before = len(world.services.people.kit.sent)
    _outbox_fails(world, 2)
    tries = [_answer(_invite(world, admin, client, f"boekhouder@{DOMAIN}"))
             for _ in range(3)]  # fmt: skip
    assert tries == [(503, None), (503, None), (202, None)]
    assert _mailed_to(world, client, before) == [f"boekhouder@{DOMAIN}"]  # the notice
    others = [
        _answer(_invite(world, admin, client, f"collega{n}@{DOMAIN}"))
        for n in range(1, SANDBOX_INVITES + 1)
    ]
    # the notice counted once; four invitations more, then the limit
    assert others == [(202, None)] * (SANDBOX_INVITES - 1) + [(422, "invite_sandbox_limit")]
