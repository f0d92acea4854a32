"""Agreed B2B costs as a percentage are capped as a fixed agreed amount is (law8 F4)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.unit.api.conftest import client_row, debtor_row, invoice_row


def test_a_percentage_on_a_large_claim_asks_no_more_than_the_staffel_cap(world):  # type: ignore[no-untyped-def]
    # C1 agreed 15 %; business F1 1,000,000.00, sommatie 5-1-2026: 15 % would be 150,000.00;
    # capped at 6,775.00 (the staffel's maximum, the bound of a fixed agreed amount)
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    assert (
        a.call(
            "POST", "/v1/clients", {"items": [client_row("C1", b2b_collection_costs_rate=15)]}
        ).status
        == 200
    )
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b")]})
    rows = [
        invoice_row(
            "F1", "D1", amount="1000000.00", invoice_date="2025-11-01", due_date="2025-12-01",
            fourteen_day_letter_on="2026-01-05",
        ),
    ]  # fmt: skip
    assert not a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["errors"]
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-02-01").body
    assert claim["open"]["costs"] == "6775.00"
