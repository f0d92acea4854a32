"""A partial refund is a later event of its own: what stands of an online payment reached the
client on the day the payment did (art. 6:114 lid 2 BW), so a consumer who paid in full inside
the 14-day term keeps having paid that part inside it (6:96 lid 6 BW; law8 F3).

By hand: F1 1,000.00 due 1-12-2025, 14-day letter 5-1-2026 (costs from 22-1). On 15-1 the
debtor pays 1,006.47 online (interest 30 d x 6 % + 14 d x 4 % = 4.93 + 1.53 = 6.47). On 2-2 the
client refunds 10.00 of it. What stands, 996.47, was received 15-1: interest 6.47, principal
990.00; 10.00 principal open again, and costs only over that unpaid part (the staffel's
minimum, 40.00), never 150.00 over the principal paid inside the term. Interest on the 10.00
from 15-1 to 1-3 (45 d x 4 %): 0.05."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.payments.conftest import deliver_webhooks


def test_what_stands_of_a_partly_refunded_payment_was_received_on_its_own_day(world):
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-11-01", due_date="2025-12-01",
        fourteen_day_letter_on="2026-01-05")]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    online = world.services.online_payments
    world.clock.at = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
    started = online.start(client, "D1", ["F1"], "https://x/return")
    online.simulation.settle(started.payment_id, "paid")
    online.webhook(started.payment_id)
    assert deliver_webhooks(world) == ["paid"]
    world.clock.at = datetime(2026, 2, 2, 10, 0, tzinfo=UTC)
    online.simulation.settle(started.payment_id, "refunded", refunded=1000)
    online.webhook(started.payment_id)
    assert deliver_webhooks(world) == ["refund"]

    booking = f"mollie-{started.payment_id}"
    whole = world.services.repos.payments.get(client.client_id, booking)
    [net] = [p for p in world.services.repos.payments.derived(client.client_id, booking)
             if not p.reversed]  # fmt: skip
    # the refund is dated the day it went back; what stands, the day the payment came
    assert whole is not None and whole.reversed_on == date(2026, 2, 2)
    assert net.amount == 99647 and net.received_on == date(2026, 1, 15)
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-01").body
    assert claim["paid"] == {"principal": "990.00", "costs": "0.00", "costs_vat": "0.00",
                             "interest": "6.47"}  # fmt: skip
    assert claim["open"] == {"principal": "10.00", "costs": "40.00", "costs_vat": "0.00",
                             "interest": "0.05", "total": "50.05"}  # fmt: skip
