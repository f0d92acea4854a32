"""A redelivered undeliverable-letter report heals a payment that paid invoices of two debtors
(session6 finding 1). F1 (D1, 300.00, 14-day letter posted 03-03, costs 45.00 from 03-20) and
G1 (D2, 100.00); one transfer bank-1 of 440.00 on 03-25 names F1 and G1 (F1 costs 45.00,
interest 1.18, principal 300.00; G1 93.82). On 03-28 F1's letter is reported undeliverable: F1
restated without costs. The first delivery dies right after the ledger write (crash_after) or
its first row write times out; the report comes again. ``follow_debtors`` skipped a payment on
two debtors' claims, so the row kept F1's 45.00 of costs the ledger took back."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.messaging import OutboxStatus
from shared.domain.records import PaymentSource
from tests.faults.test_ledger_follow_redelivery import FAULTS, _arm, _deliver_twice, _world
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, day


@pytest.mark.parametrize("fault", FAULTS)
def test_two_debtor_payment_follows_on_redelivery(fault: str) -> None:
    world, plan = _world()
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call(
        "POST",
        "/v1/clients/C1/debtors",
        {"items": [debtor_row("D1", name="Jan"), debtor_row("D2", name="Piet")]},
    )
    for tid, body in TEMPLATES.items():
        a.call("PUT", f"/v1/clients/C1/templates/{tid}", body)
    wf = {
        "name": "W",
        "steps": [
            {
                "name": "Veertiendagenbrief",
                "channel": "fourteen_day_letter",
                "offset_days": 3,
                "templates": {"nl": "t-14"},
            },
            {
                "name": "Bellen",
                "channel": "staff_task",
                "offset_days": 40,
                "offset_from": "previous_step",
            },
        ],
    }
    a.call("PUT", "/v1/clients/C1/workflows/w", wf)
    a.call("POST", "/v1/clients/C1/workflows/w/activate")
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {
            "items": [
                invoice_row(
                    "F1", "D1", amount="300.00", invoice_date="2025-02-01", due_date="2025-02-28"
                ),
                invoice_row(
                    "G1", "D2", amount="100.00", invoice_date="2025-03-01", due_date="2025-04-30"
                ),
            ]
        },
    )
    assert a.key is not None
    principal = world.services.access.authenticate(a.key)
    assert principal is not None
    client = world.services.access.client_for(principal, "C1")
    day(world, client)
    world.clock.at = datetime(2025, 3, 25, 9, 0, tzinfo=UTC)
    p = world.services.payments.book(
        client,
        payment_id="bank-1",
        amount=44_000,
        received_on=date(2025, 3, 25),
        source=PaymentSource.BANK,
        invoice_numbers=["F1", "G1"],
    )
    assert sorted(
        (x.invoice_number, x.amount) for x in p.allocations if x.component == "costs"
    ) == [("F1", 4_500)]
    [(message, _)] = world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    provider, provider_id = message.provider, message.provider_id
    assert provider is not None and provider_id is not None  # the letter went out
    world.clock.at = datetime(2025, 3, 28, 9, 0, tzinfo=UTC)
    _arm(plan, fault, 1)  # the restatement's write

    def report() -> None:
        world.services.messaging.record_status(
            provider, provider_id, OutboxStatus.UNDELIVERABLE, "retour afzender"
        )

    _deliver_twice(plan, world.store, fault, report)
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-04-01").body
    assert claim["paid"]["costs"] == "0.00" and claim["open"]["principal"] == "0.00"
    row = world.services.payments.repos.payments.get(client.client_id, "bank-1")
    assert row is not None
    assert sorted((x.invoice_number, x.component, x.amount) for x in row.allocations) == [
        ("F1", "interest", 118), ("F1", "principal", 30_000), ("G1", "principal", 9_382)
    ]  # fmt: skip
    assert row.unallocated == 4_500
    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["open_amount"] == "0.00"
    assert a.call("GET", "/v1/clients/C1/invoices/G1").body["open_amount"] == "6.18"
    items = [(i["status"], i["detail"].get("unallocated"))
             for i in a.call("GET", "/v1/clients/C1/actions").body["items"] if i["kind"] == "overpayment"]  # fmt: skip
    assert items == [("open", 4_500)]
