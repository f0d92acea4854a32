"""One 14-day notice's WIK amount is split over its claims as a whole, whichever day each
claim's share was fixed (restate13): money reaching one claim first fixes its share, and the
others keep theirs of the whole notice, not a split of what was left over them alone.

By hand (docs/law.md, one WIK amount per notice): consumer D1, F0 1,422.00, F1 1,389.00 and
F2 593.00 due 1-2-2025, one letter, costs owed from 1-3. The notice's base 3,404.00: 15 % of
2,500.00 + 10 % of 904.00 = 375.00 + 90.40 = 465.40. Pro rata: F0 465.40 x 1,422 / 3,404 =
194.4199, F1 x 1,389 / 3,404 = 189.9081, F2 x 593 / 3,404 = 81.0719; rounded down 194.41 +
189.90 + 81.07 = 465.38, the 2 cents left go to the largest remainders (.99 F0, .81 F1; a tie
to the lower invoice number): 194.42, 189.91, 81.07 = 465.40. Split again over F1 and F2 after
F0's 194.42 was fixed, the 271.98 left gave 189.90 (.40) and 81.08 (.60)."""

from __future__ import annotations

from datetime import date, timedelta

from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimTerms, InterestRule
from shared.domain.ledger.replay import open_claims

DUE = date(2025, 2, 1)
OWED = date(2025, 3, 1)


def claims() -> list[ClaimRecord]:
    return [
        ClaimRecord(
            ClaimTerms(
                invoice_number=n,
                debtor_number="D1",
                due_date=DUE,
                principal=cents,
                consumer=True,
                interest_rule=InterestRule.NONE,
                costs_owed_from=OWED,
            )
        )
        for n, cents in (("F0", 142_200), ("F1", 138_900), ("F2", 59_300))
    ]


def costs(records: list[ClaimRecord], on: date) -> dict[str, int]:
    return {n: f.charged.costs for n, f in open_claims(records, on).items()}


def test_the_shares_are_the_whole_notices_whichever_claim_was_fixed_first() -> None:
    records = claims()
    assert costs(records, OWED) == {"F0": 19_442, "F1": 18_991, "F2": 8_107}
    # 100.00 naming F0 on 10-3 fixes F0's share
    paid = booking.allocate(records, "p0", 10_000, OWED + timedelta(days=9), designated=["F0"])
    records = [ClaimRecord(r.terms, r.events + paid.events.get(r.number, ())) for r in records]
    later = costs(records, OWED + timedelta(days=30))
    assert later == {"F0": 19_442, "F1": 18_991, "F2": 8_107}
    assert sum(later.values()) == 46_540
    # and F1 fixed next, on its own day, keeps its share too
    more = booking.allocate(records, "p1", 5_000, OWED + timedelta(days=20), designated=["F1"])
    records = [ClaimRecord(r.terms, r.events + more.events.get(r.number, ())) for r in records]
    assert costs(records, OWED + timedelta(days=40)) == {"F0": 19_442, "F1": 18_991,
                                                         "F2": 8_107}  # fmt: skip
