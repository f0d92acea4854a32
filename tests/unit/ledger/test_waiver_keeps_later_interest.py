"""law15c F2: letting the accrued interest go (kwijtschelding, art. 6:160 BW) is not giving up
the interest still to come (art. 6:119 BW: owed for every day of default). Waiving exactly the
19.73 open on 1-6-2025 stopped all later interest; 19.72 did not. Only the waiver's explicit
``stop_interest`` stops it now."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.ledger import booking
from shared.domain.ledger.booking import LedgerRuleError
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import Component
from shared.domain.ledger.replay import open_claims
from tests.unit.ledger.test_restate import terms

DAY, LATER = date(2025, 6, 1), date(2025, 12, 1)
# 1,000.00 x 6 % x 183 / 365 = 30.08 accrues 2-6..1-12 on the unpaid principal
LATER_INTEREST = 3_008


def _interest_later(cents: int, stop_interest: bool = False) -> int:
    records = [ClaimRecord(terms())]  # consumer EUR 1,000.00, due 31-1-2025
    new = booking.waive(records, "F1", Component.INTEREST, cents, DAY, "goodwill",
                        stop_interest=stop_interest)  # fmt: skip
    after = [ClaimRecord(records[0].terms, records[0].events + new)]
    return open_claims(after, LATER)["F1"].open.interest


def test_waiving_all_accrued_interest_keeps_the_interest_to_come() -> None:
    assert open_claims([ClaimRecord(terms())], DAY)["F1"].open.interest == 1_973
    assert _interest_later(1_972) == 1 + LATER_INTEREST
    assert _interest_later(1_973) == LATER_INTEREST  # was 0: the one-cent cliff


def test_only_the_explicit_choice_stops_the_interest_whatever_the_amount() -> None:
    assert _interest_later(1_973, stop_interest=True) == 0
    assert _interest_later(1_000, stop_interest=True) == 973  # the rest accrued stays owed


def test_a_costs_waiver_cannot_stop_the_interest() -> None:
    with pytest.raises(LedgerRuleError) as refused:
        booking.waive([ClaimRecord(terms())], "F1", Component.COSTS, 1_000, DAY, "goodwill",
                      stop_interest=True)  # fmt: skip
    assert refused.value.code == "waive_stop_interest_costs"
