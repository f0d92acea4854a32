"""law11 #9: a partial credit note that brings a consumer's claim under the small-claims
threshold (266.67) brings it under Inning's cap on the costs of recurring small claims too: a
300.00 claim credited to 200.00 kept 40.00 costs where the same claim of 200.00 from the
start owed 20.00 (cap 140.00 less the 120.00 of three notices in the six months before)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.unit.api.conftest import client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"


def _history(debtor: str, suffix: str, last: str) -> list[dict[str, str]]:
    return [
        invoice_row(f"Fa{suffix}", debtor, amount="100.00", invoice_date="2025-07-01",
                    due_date="2025-07-31", fourteen_day_letter_on="2025-08-05"),
        invoice_row(f"Fb{suffix}", debtor, amount="100.00", invoice_date="2025-09-01",
                    due_date="2025-09-30", fourteen_day_letter_on="2025-10-06"),
        invoice_row(f"Fc{suffix}", debtor, amount="100.00", invoice_date="2025-11-01",
                    due_date="2025-11-30", fourteen_day_letter_on="2025-12-05"),
        invoice_row(f"F1{suffix}", debtor, amount=last, invoice_date="2025-12-05",
                    due_date="2025-12-31", fourteen_day_letter_on="2026-01-05"),
    ]  # fmt: skip


def test_a_claim_credited_under_the_threshold_is_capped_as_one_that_always_was(world):
    world.clock.at = datetime(2026, 1, 6, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1"), debtor_row("D2")]})
    a.call("POST", BASE, {"items": _history("D1", "", "300.00")})
    a.call("POST", BASE, {"items": _history("D2", "x", "200.00")})
    before = a.call("GET", f"{BASE}/F1/claim", on="2026-02-01").body
    assert before["open"]["costs"] == "45.00"  # 15 % of 300.00: no small claim
    world.clock.at = datetime(2026, 2, 10, 10, 0, tzinfo=UTC)
    credited = a.call(
        "POST", f"{BASE}/F1/credit", {"amount": "100.00", "reference": "CN-1", "date": "2026-02-10"}
    )
    assert credited.status == 200, credited.body
    after = a.call("GET", f"{BASE}/F1/claim", on="2026-02-11").body
    always = a.call("GET", f"{BASE}/F1x/claim", on="2026-02-11").body
    assert always["open"]["costs"] == "20.00"
    assert (after["open"]["principal"], after["open"]["costs"]) == ("200.00", "20.00")
