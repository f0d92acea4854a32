"""A Mollie chargeback or refund read at once by the webhook job and the reconcile timer (the
webhook redelivered while the timer asks Mollie about the same payment): one of them is held
before each of its storage writes in turn while the other runs whole. Right after both, with no
later ask, the invoice is as open as the ledger says (100.00) and the payment reversed once.

Before the fix (failure29 F1) a delivery that read the payment row before the other reversed
it gave the invoice the payment's share again (its booking step finishing a booking it thought
unfinished), then lost its claim on the undo and stopped: the invoice read paid (open 0.00)
for a payment charged back, dunning stopped, until the timer's next ask (up to 12 hours)."""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from shared.services.errors import ConflictingUpdate
from shared.services.mollie_reconcile import MollieReconciliation
from tests.faults.crashes import TABLE_WRITES
from tests.faults.world import FaultWorld, build, mollie_debtor
from tests.unit.api.conftest import invoice_row

WORKERS = ("webhook", "timer")


def _world(kind: str) -> tuple[FaultWorld, str]:
    world = build(0, 0.0)
    client = mollie_debtor(world, [invoice_row("F1", "D1", amount="100.00")])
    online = world.services.online_payments
    started = online.start(client, "D1", ["F1"], "https://x.example/back")
    online.simulation.settle(started.payment_id, "paid")
    assert online.process(started.payment_id) == "paid"
    online.simulation.settle(started.payment_id, kind)
    world.clock.at = world.clock.now() + timedelta(hours=3)  # the timer's ask is due
    return world, started.payment_id


def _race(kind: str, held: str | None, at: int) -> tuple[dict[str, Any], bool]:
    """Both workers at once, ``held`` stopped before its ``at``-th write until the other ends
    (None: one after the other). Whether the hold was reached, and the state right after."""
    world, payment_id = _world(kind)
    svc = world.services
    timer = MollieReconciliation(svc.repos.store, svc.online_payments, world.clock)
    there, other_done = threading.Event(), threading.Event()
    writes = Counter[str]()

    def hold(op: str, _target: str) -> bool:
        me = threading.current_thread().name
        if op in TABLE_WRITES and me in WORKERS:
            writes[me] += 1
            if me == held and writes[me] == at:
                there.set()
                other_done.wait(20)
        return False  # never a fault: the rule only holds the worker

    def webhook() -> None:
        # a lost claim: the queue delivers the job again later (not in this test)
        with contextlib.suppress(ConflictingUpdate):
            svc.online_payments.process(payment_id)

    def ask() -> None:
        timer.run()

    work = {"webhook": webhook, "timer": ask}
    if held is None:
        webhook()
        ask()
    else:
        world.plan.rule(hold, "never", times=10_000)
        world.plan.enabled = True
        other = next(w for w in WORKERS if w != held)
        first = threading.Thread(target=work[held], name=held)
        first.start()
        while not there.wait(0.05) and first.is_alive():
            pass
        second = threading.Thread(target=work[other], name=other)
        second.start()
        second.join(30)
        other_done.set()
        first.join(30)
        world.plan.enabled = False
    client = next(iter(svc.repos.clients.all()))
    payments = svc.repos.payments.list(client.client_id)[0]
    invoice = svc.repos.invoices.get(client.client_id, "F1")
    assert invoice is not None
    contacts = Counter(c.summary for c in svc.repos.contacts.between(client.client_id)
                       if c.channel == "mollie")  # fmt: skip
    return {
        "payments": sorted((p.payment_id.split("tr_")[0], p.reversed, p.amount) for p in payments),
        "open": invoice.invoice.open_amount,
        "status": world.api.call("GET", "/v1/clients/C1/invoices/F1").body["status"],
        "contacts": sorted(contacts.items()),
    }, there.is_set()


@pytest.mark.parametrize("kind", ["charged_back", "refunded"])
@pytest.mark.parametrize("held", WORKERS)
def test_an_undo_read_by_the_webhook_and_the_timer_at_once_reopens_the_invoice(
    kind: str, held: str
) -> None:
    uncut, _ = _race(kind, None, 0)
    assert uncut["open"] == 10_000 and uncut["status"] == "open", uncut
    assert uncut["payments"] == [("mollie-", True, 10_049)]
    wrong = {}
    at = 0
    while True:
        at += 1
        got, reached = _race(kind, held, at)
        if not reached:
            break
        if got != uncut:
            wrong[at] = got
    assert at > 5  # the hold went through the whole of the held worker's writes
    assert wrong == {}
