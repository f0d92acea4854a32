"""failure16b F2: an invitation or a sign-up whose mail could not be written (a storage 503 on
the outbox) took its place under the address's hourly limit all the same: after three such
errors the admin's (or the owner's) fourth try was answered as sent and mailed nothing, for
the rest of the hour. The place is given back when the mail was not written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from azure.core.exceptions import HttpResponseError

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.people.test_signup_claims import _open


def _outbox_fails(world: Any, times: int) -> None:
    store = world.services.messaging.outbox.store
    real_insert: Callable[..., Any] = store.insert
    left = [times]

    def insert(table: str, row: Any) -> Any:
        if table == "Outbox" and left[0] > 0:
            left[0] -= 1
            error = HttpResponseError("503 ServerBusy (injected)")
            error.status_code = 503
            raise error
        return real_insert(table, row)

    real_transact: Callable[..., Any] = store.transact

    def transact(table: str, ops: Any) -> Any:
        # a record not yet final is written with its pending row, in one transaction
        if table == "Outbox" and left[0] > 0:
            left[0] -= 1
            error = HttpResponseError("503 ServerBusy (injected)")
            error.status_code = 503
            raise error
        return real_transact(table, ops)

    store.insert = insert
    store.transact = transact


def test_an_invitation_whose_mail_failed_leaves_the_hour_to_the_retry(world, tenants):  # type: ignore[no-untyped-def]
    desk = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "adm@c1.example")
    _outbox_fails(world, 3)
    kit = world.services.people.kit
    token = csrf_of(desk.get("/settings"))
    mailed = []
    for _ in range(4):  # the admin tries again after each error page
        before = len(kit.sent)
        try:
            desk.post("/settings?lang=en", {"csrf": token, "do": "invite", "role": "read_only",
                                            "email": "new@c1.example"})  # fmt: skip
        except HttpResponseError:
            pass
        mailed.append(len(kit.sent) - before)
    assert mailed == [0, 0, 0, 1]


def test_a_sign_up_whose_mail_failed_leaves_the_hour_to_the_retry(world, tenants):  # type: ignore[no-untyped-def]
    _open(world)
    people = world.services.people
    _outbox_fails(world, 3)
    outcomes = []
    for _ in range(4):  # the owner sends the form again after each error page
        before = len(people.kit.sent)
        try:
            people.onboarding.sign_up("Bakkerij B.V.", "87654321", "eigenaar@bakkerij.example",
                                      "0612345678", "nl", "198.51.100.7")  # fmt: skip
            outcomes.append(("ok", len(people.kit.sent) - before))
        except HttpResponseError:
            outcomes.append(("503", len(people.kit.sent) - before))
    assert outcomes == [("503", 0), ("503", 0), ("503", 0), ("ok", 1)]
