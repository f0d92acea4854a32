"""Money the debtor did not designate goes to the due claims, the most burdensome first (the
higher interest rate), only then the oldest (art. 6:43 lid 2 BW; review law9 F5).

B2B debtor: F1 1,000.00 due 31-1-2025 under an agreement of 1-6-2012 (6:119a at ECB + 7: 10.15 %),
F2 1,000.00 due 28-2-2025 under one of 15-1-2025 (ECB + 8: 11.15 %), F0 100.00 due 31-3-2025.
1,101.92 received 2-6-2025 naming F0 only: F0 takes 100.00 + 63 days at 11.15 % = 1.92; the
1,000.00 left is a payment without a designation and goes to F2: interest 1-3..2-6, 94 days at
11.15 % = 28.72, principal 971.28; F1 keeps 1,000.00 and 122 days at 10.15 % = 33.93 open."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row


def test_the_higher_rate_claim_takes_the_undesignated_money_before_the_older_one(world):
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b")]})
    rows = [
        invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-01-01",
                    due_date="2025-01-31", contract_date="2012-06-01"),
        invoice_row("F2", "D1", amount="1000.00", invoice_date="2025-02-01",
                    due_date="2025-02-28", contract_date="2025-01-15"),
        invoice_row("F0", "D1", amount="100.00", invoice_date="2025-03-01",
                    due_date="2025-03-31", contract_date="2025-01-15"),
    ]  # fmt: skip
    assert not a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body.get("errors")
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.clock.at = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id="p1", amount=110_192, received_on=date(2025, 6, 2),
        source=PaymentSource.BANK, invoice_numbers=["F0"],
    )  # fmt: skip

    def claim(number: str) -> dict[str, Any]:
        body: dict[str, Any] = a.call(
            "GET", f"/v1/clients/C1/invoices/{number}/claim", on="2025-06-02"
        ).body
        return body

    f0, f1, f2 = claim("F0"), claim("F1"), claim("F2")
    assert (f0["paid"]["interest"], f0["paid"]["principal"]) == ("1.92", "100.00")
    assert (f2["paid"]["interest"], f2["paid"]["principal"]) == ("28.72", "971.28")
    assert f1["paid"]["principal"] == "0.00"  # was 966.07 (oldest first)
    assert f1["open"]["principal"] == "1000.00" and f1["open"]["interest"] == "33.93"
