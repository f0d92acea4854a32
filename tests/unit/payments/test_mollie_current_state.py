# ruff: noqa: F811  (the fixture shop is imported)
"""The booking of a Mollie payment follows Mollie's CURRENT state of it (its refunds and
chargebacks lists with their statuses), however its webhooks are delivered (failure4 finding 2,
newcomer4 finding 8): a stale view read before the last booking never books over it, a
chargeback the bank reversed and a refund that failed or was canceled count again."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from shared.services.errors import ConflictingUpdate
from tests.unit.payments.conftest import deliver_webhooks, shop  # noqa: F401
from tests.unit.payments.test_mollie_partial_refunds import _live, _set


def _late(world: Any, pid: str) -> Any:
    """A delivery that reads Mollie now and writes when released (slow storage); its outcome,
    or "retried" when it is refused and its message delivered again."""
    online = world.services.online_payments
    real_get = online.simulation.get_payment
    fetched, go_on = threading.Event(), threading.Event()

    def slow_get(payment_id: str) -> Any:
        payment = real_get(payment_id)
        if threading.current_thread().name == "late":
            fetched.set()
            go_on.wait(timeout=10)
        return payment

    online.simulation.get_payment = slow_get
    out: list[str] = []

    def run() -> None:
        try:
            out.append(online.process(pid))
        except ConflictingUpdate:
            out.append("retried")
            online.webhook(pid)  # the queue delivers the message again

    late = threading.Thread(target=run, name="late")
    late.start()
    assert fetched.wait(timeout=10)

    def finish() -> list[str]:
        go_on.set()
        late.join()
        online.simulation.get_payment = real_get
        return out

    return finish


@pytest.mark.parametrize("case", ["stale_chargeback_after_reversal", "stale_paid_after_chargeback"])
def test_chargeback_webhooks_out_of_order_book_mollies_current_state(shop: Any, case: str) -> None:
    world, client = shop
    online = world.services.online_payments
    pid = online.start(client, "D1", ["F1"], "https://x/return").payment_id
    online.simulation.settle(pid, "paid")
    online.webhook(pid)
    assert deliver_webhooks(world) == ["paid"]
    [(_, amount)] = _live(world, client)
    if case == "stale_chargeback_after_reversal":
        _set(world, pid, ChargedBack=amount)
        online.webhook(pid)
        assert deliver_webhooks(world) == ["chargeback"]
        finish = _late(world, pid)  # reads "charged back"
        _set(world, pid, ChargedBack=0)  # the bank reversed the chargeback
        online.webhook(pid)
        assert deliver_webhooks(world) == ["paid"]
        truth = [(f"mollie-{pid}-r0", amount)]  # the payment stands
    else:
        finish = _late(world, pid)  # reads "paid", nothing charged back
        _set(world, pid, ChargedBack=amount)
        online.webhook(pid)
        assert deliver_webhooks(world) == ["chargeback"]
        truth = []  # the bank took the money back
    out = finish()
    deliver_webhooks(world)  # a retried message reads Mollie afresh
    # main: (a) the late view took the payment back again, live []; (b) it took the paid view
    # for a reversed chargeback and booked the money again
    assert _live(world, client) == truth, out
    log = [e.summary for e in world.services.repos.contacts.for_debtor(client.client_id, "D1")[0]]
    reversed_notes = [s for s in log if "reversed by the bank" in s]
    assert len(reversed_notes) == (1 if truth else 0)
