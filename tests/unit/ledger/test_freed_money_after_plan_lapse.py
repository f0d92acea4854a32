"""Money a credit note frees, set off against a claim that became due again when its plan over
the principal lapsed, counts from the lapse (ledfix17, law17b F6).

law16b F5's fixture: F1 1,000.00 due 1-12-2025 (4 % from 2-12 here) in a plan over the
principal from 8-1-2026 that lapsed on 20-1 (its span ends then); bank-2 300.00 received 12-1
paid F2, credited in full on 20-1. Set-off works back to when it became possible (6:129 lid 1
BW): the debtor's claim to have the money back and F1 exigible again, 20-1, not 12-1 (inside
the plan F1 was not due, 6:127 lid 2). Counted from 12-1, F1 was open 709.85 on 1-3 (706.14 +
3.71: interest 6.14 to 12-1); from 20-1 it is 710.11, as the same 300.00 paid on 20-1 leaves."""

from __future__ import annotations

from datetime import date

from shared.domain.ledger import booking
from shared.domain.ledger.replay import open_claims
from tests.unit.ledger.test_freed_money_and_principal_plan import _apply, _claims, _records

LAPSE, MARCH = date(2026, 1, 20), date(2026, 3, 1)


def test_the_freed_money_counts_on_the_plans_claim_from_the_lapse() -> None:
    r = _records(LAPSE)
    whole = booking.release_credited(r, "F2", LAPSE)
    assert whole.left == {"bank-2": 0}
    got = open_claims(_apply(r, whole.events), MARCH)["F1"]
    paid = _claims(LAPSE)
    paid = _apply(paid, booking.allocate(paid, "x", 30_000, LAPSE, ["F1"]).events)
    want = open_claims(paid, MARCH)["F1"]
    assert got.open == want.open
    assert got.open.total == 71_011  # was 709.85
