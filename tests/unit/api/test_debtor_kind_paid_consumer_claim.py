"""A consumer paid F1 in full inside his 14-day term (no costs); a change of the debtor to a
business is refused like one with an open claim under a consumer's letter (codereview10 #3:
the paid claim was re-priced to business terms, 776.46 open again), and nothing opens."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row
from tests.unit.api.test_debtor_kind_restates_payments import ROW


def test_a_paid_consumer_claim_is_not_repriced_as_business(world):  # type: ignore[no-untyped-def]
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", b2b_collection_costs_rate="15")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2c", name="X")]})
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [ROW]}).status == 200
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.clock.at = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    due = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-01-10").body["open"]["total"]
    cents = int(due.replace(".", ""))
    world.services.payments.book(client, payment_id="p1", amount=cents,
                                 received_on=date(2026, 1, 10), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    before = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-01-12").body
    assert before["open"]["total"] == "0.00", before
    world.clock.at = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    flip = a.call(
        "POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b", name="X")]}
    )
    after = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-01-12").body
    assert after["open"]["total"] == "0.00", (flip.body, after["paid"], after["open"])
    assert flip.body["rejected"] == 1, flip.body
