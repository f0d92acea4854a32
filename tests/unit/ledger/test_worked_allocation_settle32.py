"""A worked example of 6:43 and 6:44 BW with partial payments and an overpayment, computed by
hand from the law (settle32), not from the code.

Consumer D1 (6:119, 6 % in 2025): F2 500.00 due 15-1-2025 and F1 1,000.00 due 31-1-2025, one
14-day letter posted Monday 10-2-2025: received Wednesday 12-2 (two delivery days), the term
runs 13-2 .. 26-2, costs owed from 27-2. One staffel over 1,500.00 = 225.00 (6:96 lid 7),
pro rata F1 150.00, F2 75.00.

p1 700.00 on 31-3-2025, no designation. Both due, equally burdensome (6 %, costs owed on both):
the oldest first (6:43 lid 2), F2: costs 75.00, interest 16-1 .. 30-3 (74 days, the payment
day not counted under 6:119) 500 x 6 % x 74 / 365 = 6.08, principal 500.00: 581.08. The
118.92 left goes to F1's costs first (6:44): F1 keeps 31.08 costs open.

p2 1,100.00 on 30-4-2025: F1 costs 31.08, interest 1-2 .. 29-4 (88 days) 1,000 x 6 % x 88 /
365 = 14.47, principal 1,000.00: 1,045.55; 54.45 is an overpayment, left unallocated.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"


def _claim(a: Any, number: str, on: str) -> dict[str, Any]:
    body: dict[str, Any] = a.call("GET", f"{BASE}/{number}/claim", on=on).body
    return body


def test_costs_then_interest_then_principal_oldest_claim_first_and_the_rest_unallocated(world):
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [
        invoice_row("F2", "D1", amount="500.00", invoice_date="2024-12-16",
                    due_date="2025-01-15", fourteen_day_letter_on="2025-02-10"),
        invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-01-01",
                    due_date="2025-01-31", fourteen_day_letter_on="2025-02-10"),
    ]  # fmt: skip
    assert not a.call("POST", BASE, {"items": rows}).body.get("errors")
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")

    before = _claim(a, "F1", "2025-02-26"), _claim(a, "F1", "2025-02-27")
    assert [c["open"]["costs"] for c in before] == ["0.00", "150.00"]  # owed after the term

    world.clock.at = datetime(2025, 3, 31, 12, 0, tzinfo=UTC)
    p1 = world.services.payments.book(
        client, payment_id="p1", amount=70_000, received_on=date(2025, 3, 31),
        source=PaymentSource.BANK, invoice_numbers=["F1", "F2"], designated=[],
    )  # fmt: skip
    f2, f1 = _claim(a, "F2", "2025-03-31"), _claim(a, "F1", "2025-03-31")
    assert [f2["paid"][c] for c in ("costs", "interest", "principal")] == [
        "75.00",
        "6.08",
        "500.00",
    ]
    assert f2["open"]["total"] == "0.00"
    assert [f1["paid"][c] for c in ("costs", "interest", "principal")] == ["118.92", "0.00", "0.00"]
    assert f1["open"]["costs"] == "31.08"
    assert p1.unallocated == 0

    world.clock.at = datetime(2025, 4, 30, 12, 0, tzinfo=UTC)
    p2 = world.services.payments.book(
        client, payment_id="p2", amount=110_000, received_on=date(2025, 4, 30),
        source=PaymentSource.BANK, invoice_numbers=["F1", "F2"], designated=[],
    )  # fmt: skip
    f1 = _claim(a, "F1", "2025-04-30")
    assert [f1["paid"][c] for c in ("costs", "interest", "principal")] == [
        "150.00", "14.47", "1000.00",
    ]  # fmt: skip
    assert f1["open"]["total"] == "0.00"
    assert p2.unallocated == 5_445  # the overpayment, for staff


def test_a_part_payment_then_the_anniversary_adds_the_unpaid_interest_to_the_base(world):
    """Consumer 1,000.00 due 14-10-2024 (default from 15-10). 500.00 on 15-4-2025: interest
    78 d x 7 % + 104 d x 6 % = 32.0548 (32.05 paid, 0.48 of a cent left open), principal
    467.95, 532.05 left. On the anniversary 15-10-2025 the year's unpaid interest, 183 d x 6 %
    on 532.05 = 16.0052 plus the 0.0048, joins the base (6:119 lid 2); to 20-1-2026 78 d x 6 %
    + 19 d x 4 % on 548.0600 = 8.1683: 24.1784 open, 24.18."""
    a = world.agency_a
    world.clock.at = datetime(2025, 4, 15, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [
        invoice_row("F1", "D1", amount="1000.00", invoice_date="2024-09-14", due_date="2024-10-14")
    ]
    assert not a.call("POST", BASE, {"items": rows}).body.get("errors")
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.services.payments.book(
        client, payment_id="p1", amount=50_000, received_on=date(2025, 4, 15),
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip
    world.clock.at = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    f1 = _claim(a, "F1", "2026-01-20")
    assert (f1["paid"]["interest"], f1["paid"]["principal"]) == ("32.05", "467.95")
    assert (f1["open"]["principal"], f1["open"]["interest"]) == ("532.05", "24.18")


def test_the_ledger_gives_the_hand_computed_interest_of_the_law_examples(world):
    """tests/unit/law/test_worked_examples_settle32.py: 1,000.00 due 14-10-2024 viewed on
    20-1-2026, 77.97 for a consumer (the day itself not counted) and 141.22 for a business
    (counted, 6:119a lid 1)."""
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    debtors = [debtor_row("D1"), debtor_row("D2", kind="b2b")]
    a.call("POST", "/v1/clients/C1/debtors", {"items": debtors})
    rows = [
        invoice_row(n, d, amount="1000.00", invoice_date="2024-09-14", due_date="2024-10-14")
        for n, d in (("F1", "D1"), ("F2", "D2"))
    ]
    assert not a.call("POST", BASE, {"items": rows}).body.get("errors")
    interest = [_claim(a, n, "2026-01-20")["open"]["interest"] for n in ("F1", "F2")]
    assert interest == ["77.97", "141.22"]
