"""A business debtor corrected to a consumer (law10 F2): what he paid under the business
terms is restated to the consumer's, and what he never owed is his overpayment. By hand:
F1 5,000.00 due 1-12-2025, the client's business sommatie 5-1-2026, agreed costs 15 %:
business claim on 10-1 costs 750.00 + 6:119a interest 40 d x 10.15 % = 55.62, 5,805.62.
As a consumer he paid inside the 14-day term (costs owed from 22-1): no costs (6:96 lid 6),
6:119 interest 2-12..9-1 = 30 d x 6 % + 9 d x 4 % on 5,000.00 = 24.66 + 4.93 = 29.59."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

ROW = invoice_row("F1", "D1", amount="5000.00", invoice_date="2025-11-01",
                  due_date="2025-12-01", fourteen_day_letter_on="2026-01-05")  # fmt: skip


def _business_claim(world, paid: int | None):  # type: ignore[no-untyped-def]
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", b2b_collection_costs_rate="15")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b", name="X")]})
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [ROW]}).status == 200
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.clock.at = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-01-10").body
    assert claim["open"]["total"] == "5805.62"
    world.services.payments.book(client, payment_id="p1", amount=paid or 580_562,
                                 received_on=date(2026, 1, 10), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    world.clock.at = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    flip = a.call(
        "POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2c", name="X")]}
    )
    assert flip.body["updated"] == 1, flip.body
    return a


def _items(a, kind: str) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    return [i for i in a.call("GET", "/v1/clients/C1/actions").body["items"] if i["kind"] == kind]


def test_a_business_claim_paid_in_full_leaves_the_consumer_an_overpayment(world):  # type: ignore[no-untyped-def]
    a = _business_claim(world, None)
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-01-12").body
    assert claim["paid"] == {"principal": "5000.00", "costs": "0.00", "costs_vat": "0.00",
                             "interest": "29.59"}  # fmt: skip
    assert claim["open"]["total"] == "0.00"
    [over] = _items(a, "overpayment")
    assert "776,03" in str(over["title"])


def test_a_part_payment_is_allocated_again_under_the_consumers_terms(world):  # type: ignore[no-untyped-def]
    """1,000.00 paid on 10-1: as a business 750.00 costs, 55.62 interest, 194.38 principal;
    as a consumer 29.59 interest and 970.41 principal: 4,029.59 principal open."""
    a = _business_claim(world, 100_000)
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-01-12").body
    assert claim["paid"]["costs"] == "0.00" and claim["paid"]["interest"] == "29.59"
    assert claim["open"]["principal"] == "4029.59"
    [check] = _items(a, "kind_letter_check")
    assert check["invoice_numbers"] == ["F1"]
