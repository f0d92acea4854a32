"""failure33: Queue Storage refuses the Mollie webhook's job for an hour (a 500 after the SDK's
retries, a reset, a timeout before or after the message landed). The HTTP call fails (Mollie
is answered an error and calls again later, as it does for about a day) and writes no
"queued" mark, so Mollie's next call is not taken for one already queued: the payment is
booked once, the invoices paid. (Should every call fail, the reconcile timer asks Mollie
itself: failure7 #4.)"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.faults.outages import SAID
from tests.faults.world import build
from tests.unit.api.conftest import client_row, debtor_row, invoice_row


@pytest.mark.parametrize("kind", [*sorted(SAID), "timeout_after"])
def test_a_webhook_whose_job_the_queue_refuses_is_called_again_and_books_once(kind) -> None:
    world = build(0, 0.0)
    a = world.api
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices",
           {"items": [invoice_row("F1", "D1"), invoice_row("F2", "D1", amount="50.00")]})  # fmt: skip
    client = next(iter(world.services.repos.clients.all()))
    online = world.services.online_payments
    payment_id = online.start(client, "D1", ["F1", "F2"], "https://x.example/").payment_id
    refuse = world.plan.rule(lambda op, queue: op == "send" and queue == "mollie-webhook", kind,
                             times=10**6)  # fmt: skip
    world.plan.enabled = True
    failed = 0
    for n in range(5):  # Mollie calls, and again after each failure, for an hour
        try:
            if n == 0:
                online.settle_simulated(payment_id, "paid")
            else:
                online.webhook(payment_id)
        except Exception:
            failed += 1  # the Functions host answers 500: Mollie calls again
        world.host.run_until(world.clock.now() + timedelta(minutes=15))
    assert failed == 5
    world.plan.enabled = False
    refuse.times = 0
    assert online.webhook(payment_id)  # Mollie's next call, the queue answering again
    world.host.run_until(world.clock.now() + timedelta(minutes=30))
    payments = world.services.repos.payments.list(client.client_id)[0]
    assert len(payments) == 1, payments
    assert {n: a.call("GET", f"/v1/clients/C1/invoices/{n}").body["status"]
            for n in ("F1", "F2")} == {"F1": "paid", "F2": "paid"}  # fmt: skip
    assert world.host.pending == []
