"""The EUR 40 minimum of art. 6:96 lid 4 BW is owed per late invoice of a business, also when
several are claimed in one sommatie (Directive 2011/7 art. 6, CJEU 20-10-2022, C-585/20, BFF
Finance Iberia; law7 finding 1). A consumer's notice keeps one staffel over the combined
principal (6:96 lid 7 BW)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from shared.domain.ledger import booking
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimTerms, InterestRule
from shared.domain.ledger.replay import open_claims

DUE = date(2025, 1, 31)
SOMMATIE = date(2025, 2, 10)
ON = date(2025, 2, 20)


def _terms(number: str, cents: int, consumer: bool = False) -> ClaimTerms:
    return ClaimTerms(
        invoice_number=number,
        debtor_number="D1",
        due_date=DUE,
        principal=cents,
        consumer=consumer,
        costs_owed_from=SOMMATIE,
        interest_from=DUE + timedelta(days=1),
        interest_rule=InterestRule.NONE,
    )


def _costs(records: list[ClaimRecord], on: date = ON) -> dict[str, tuple[int, int]]:
    return {n: (c.open.costs, c.open.costs_vat) for n, c in open_claims(records, on).items()}


def test_three_small_business_invoices_in_one_sommatie_cost_40_each() -> None:
    # one staffel over 300.00 would be 45.00, split 15.00 each
    records = [ClaimRecord(_terms(f"F{i}", 10_000)) for i in (1, 2, 3)]
    assert _costs(records) == {"F1": (4_000, 0), "F2": (4_000, 0), "F3": (4_000, 0)}


def test_vat_follows_the_raised_share() -> None:
    records = [ClaimRecord(replace(_terms(f"F{i}", 10_000), costs_vat=True)) for i in (1, 2)]
    assert _costs(records) == {"F1": (4_000, 840), "F2": (4_000, 840)}


def test_a_small_invoice_beside_a_large_one_gets_the_minimum_the_large_its_share() -> None:
    # staffel over 5,100.00 = 375 + 250 + 5 = 630.00: 12.35 / 617.65 pro rata
    records = [ClaimRecord(_terms("F1", 10_000)), ClaimRecord(_terms("F2", 500_000))]
    assert _costs(records) == {"F1": (4_000, 0), "F2": (61_765, 0)}


def test_the_small_invoice_paid_first_keeps_the_large_ones_share() -> None:
    records = [ClaimRecord(_terms("F1", 10_000)), ClaimRecord(_terms("F2", 500_000))]
    paid = booking.allocate(records, "p1", 14_000, ON, ["F1"])
    assert paid.unallocated == 0
    after = [ClaimRecord(r.terms, r.events + paid.events.get(r.number, ())) for r in records]
    later = {n: c for n, c in open_claims(after, ON + timedelta(days=5)).items()}
    assert later["F1"].paid.costs == 4_000 and later["F1"].open.total == 0
    assert later["F2"].open.costs == 61_765


def test_a_consumer_notice_keeps_one_staffel_over_the_combined_principal() -> None:
    records = [ClaimRecord(_terms(f"F{i}", 10_000, consumer=True)) for i in (1, 2, 3)]
    assert _costs(records) == {"F1": (1_500, 0), "F2": (1_500, 0), "F3": (1_500, 0)}


def test_a_business_invoice_paid_before_its_costs_were_owed_carries_none() -> None:
    records = [ClaimRecord(_terms("F1", 10_000)), ClaimRecord(_terms("F2", 10_000))]
    paid = booking.allocate(records, "p1", 10_000, SOMMATIE - timedelta(days=2), ["F1"])
    after = [ClaimRecord(r.terms, r.events + paid.events.get(r.number, ())) for r in records]
    assert _costs(after) == {"F1": (0, 0), "F2": (4_000, 0)}
