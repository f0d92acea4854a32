"""The claim ledger's rules, pure: consumer and commercial claims, costs only after the term,
WIK over combined claims, interest fixed at allocation, 6:43/6:44, reversals, waivers,
write-offs."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest

from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.law.collection_costs import collection_costs
from shared.domain.law.fourteen_day_letter import LetterChannel, fourteen_day_term
from shared.domain.law.interest import statutory_interest
from shared.domain.ledger import booking
from shared.domain.ledger.booking import LedgerRuleError
from shared.domain.ledger.costs import ClaimRecord, split
from shared.domain.ledger.model import ClaimTerms, Component, EventKind, InterestRule
from shared.domain.ledger.replay import open_claims
from shared.domain.ledger.terms import claim_terms
from shared.domain.parties import Client

DUE = date(2025, 1, 31)
LETTER = date(2025, 2, 10)  # a Monday
OWED = fourteen_day_term(LETTER, LetterChannel.LETTER).costs_owed_from


def terms(number="F1", principal=12_100, **kw) -> ClaimTerms:
    base = dict(
        invoice_number=number, debtor_number="D1", due_date=DUE, principal=principal,
        consumer=True, costs_owed_from=OWED, interest_from=DUE + timedelta(days=1),
    )  # fmt: skip
    base.update(kw)
    return ClaimTerms(**base)  # type: ignore[arg-type]


def test_consumer_owes_costs_only_from_the_day_after_the_term():
    record = ClaimRecord(terms())
    before = open_claims([record], OWED - timedelta(days=1))["F1"]
    after = open_claims([record], OWED)["F1"]
    assert before.open.costs == 0 and before.costs_owed_from == OWED
    assert after.open.costs == 4_000  # the EUR 40 minimum
    assert after.open.principal == 12_100


def test_commercial_claim_runs_on_6_119a_interest():
    day = date(2025, 4, 1)
    consumer = open_claims([ClaimRecord(terms(costs_owed_from=None))], day)["F1"]
    business = open_claims(
        [ClaimRecord(terms(consumer=False, interest_rule=InterestRule.COMMERCIAL, costs_owed_from=None))],
        day,
    )["F1"]  # fmt: skip
    start = DUE + timedelta(days=1)
    assert (
        consumer.open.interest == statutory_interest(12_100, start, day, commercial=False).interest
    )
    # 6:119a lid 1: "tot en met de dag waarop de schuldenaar de geldsom heeft voldaan"
    through = day + timedelta(days=1)
    assert (
        business.open.interest
        == statutory_interest(12_100, start, through, commercial=True).interest
    )
    assert business.open.interest > consumer.open.interest > 0


def test_contractual_rate_applies_where_higher():
    day = date(2025, 4, 1)
    rec = ClaimRecord(
        terms(interest_rule=InterestRule.CONTRACTUAL, contractual_rate=Fraction(12, 100))
    )
    got = open_claims([rec], day)["F1"].open.interest
    expected = statutory_interest(
        12_100, DUE + timedelta(days=1), day, commercial=False, contractual_rate=Fraction(12, 100)
    ).interest
    assert got == expected


def test_costs_are_one_wik_amount_over_claims_demanded_together():
    records = [ClaimRecord(terms("F1", 200_000)), ClaimRecord(terms("F2", 100_000))]
    figures = open_claims(records, OWED)
    together = collection_costs(300_000, consumer=True).costs  # 425.00, not 300 + 150
    assert figures["F1"].open.costs + figures["F2"].open.costs == together == 42_500
    assert figures["F1"].open.costs == 28_333 and figures["F2"].open.costs == 14_167


def test_vat_on_costs_only_when_the_client_cannot_deduct_it():
    with_vat = open_claims([ClaimRecord(terms(costs_vat=True))], OWED)["F1"]
    assert (with_vat.open.costs, with_vat.open.costs_vat) == (4_000, 840)
    assert open_claims([ClaimRecord(terms())], OWED)["F1"].open.costs_vat == 0


def test_minimum_amount_below_which_no_costs():
    figures = open_claims([ClaimRecord(terms(costs_minimum_base=20_000))], OWED)["F1"]
    assert figures.open.costs == 0


def test_partial_payment_within_the_term_lowers_the_costs_base():
    record = ClaimRecord(terms(principal=300_000))
    paid = booking.allocate([record], "p1", 200_000, OWED - timedelta(days=2), ["F1"])
    after = ClaimRecord(record.terms, paid.events["F1"])
    # what the debtor paid within the term counts against the principal (art. 6:96 lid 6),
    # also the part 6:44 put on the interest: 3,000.00 - 2,000.00 = 1,000.00 unpaid; staffel
    # 15 % = 150.00 (not 15 % of the 1,011.84 of principal 6:44 left open: 151.78)
    assert any(x.component is Component.INTEREST for x in paid.lines)
    assert (
        open_claims([after], OWED)["F1"].open.costs
        == collection_costs(100_000, consumer=True).costs
        == 15_000
    )


def test_a_business_costs_base_is_the_principal_left_open():
    # lid 6 is the consumer's rule: for a business the base stays the principal 6:44 left
    # open (3,000.00 - the 2,000.00 less the interest it paid first)
    record = ClaimRecord(terms(principal=300_000, consumer=False))
    paid = booking.allocate([record], "p1", 200_000, OWED - timedelta(days=2), ["F1"])
    after = ClaimRecord(record.terms, paid.events["F1"])
    left = 300_000 - sum(x.amount for x in paid.lines if x.component is Component.PRINCIPAL)
    assert left > 100_000
    costs = open_claims([after], OWED)["F1"].open.costs
    assert costs == collection_costs(left, consumer=False).costs


def test_exact_payment_of_the_open_total_settles_the_claim_by_6_44():
    record = ClaimRecord(terms())
    day = date(2025, 3, 20)
    owed = open_claims([record], day)["F1"].open
    result = booking.allocate([record], "p1", owed.total, day, ["F1"])
    assert result.unallocated == 0
    assert [(x.component, x.amount) for x in result.lines] == [
        (Component.COSTS, 4_000), (Component.INTEREST, owed.interest), (Component.PRINCIPAL, 12_100),
    ]  # fmt: skip
    after = ClaimRecord(record.terms, result.events["F1"])
    assert open_claims([after], day)["F1"].open.total == 0
    assert open_claims([after], day + timedelta(days=200))["F1"].open.total == 0  # nothing accrues


def test_interest_is_fixed_when_money_is_allocated():
    record = ClaimRecord(terms(costs_owed_from=None))
    day = date(2025, 3, 1)
    result = booking.allocate([record], "p1", 5_000, day, ["F1"])
    charged = [e for e in result.events["F1"] if e.kind is EventKind.CHARGED]
    assert [(e.component, e.on) for e in charged] == [(Component.INTEREST, day)]
    assert (
        charged[0].amount
        == statutory_interest(12_100, DUE + timedelta(days=1), day, commercial=False).interest
    )


def test_designated_claims_first_then_oldest_first():
    old = ClaimRecord(
        terms("OLD", 10_000, due_date=date(2025, 1, 1), costs_owed_from=None, interest_from=None)
    )
    new = ClaimRecord(
        terms("NEW", 10_000, due_date=date(2025, 2, 1), costs_owed_from=None, interest_from=None)
    )
    designated = booking.allocate([old, new], "p1", 10_000, date(2025, 3, 1), ["NEW"])
    assert {x.invoice_number for x in designated.lines} == {"NEW"}
    undesignated = booking.allocate([new, old], "p2", 15_000, date(2025, 3, 1))
    assert [(x.invoice_number, x.amount) for x in undesignated.lines] == [
        ("OLD", 10_000),
        ("NEW", 5_000),
    ]


def test_overpayment_is_what_is_left():
    record = ClaimRecord(terms(costs_owed_from=None, interest_from=None))
    result = booking.allocate([record], "p1", 20_000, date(2025, 3, 1), ["F1"])
    assert result.unallocated == 7_900


def test_reversal_undoes_exactly_the_allocation_and_only_once():
    record = ClaimRecord(terms())
    day = date(2025, 3, 20)
    before = open_claims([record], day)["F1"].open
    paid = booking.allocate([record], "p1", 10_000, day, ["F1"])
    after = ClaimRecord(record.terms, paid.events["F1"])
    undo = booking.reverse([after], "p1", day, "refund")
    reversed_ = ClaimRecord(record.terms, after.events + undo["F1"])
    assert open_claims([reversed_], day)["F1"].open == before
    assert open_claims([reversed_], day)["F1"].paid.total == 0
    assert booking.reverse([reversed_], "p1", day, "refund") == {}


def test_waiver_of_costs_and_a_final_waiver_of_interest_stops_interest():
    record = ClaimRecord(terms(costs_vat=True))
    day = date(2025, 3, 20)
    events = booking.waive([record], "F1", Component.COSTS, 2_420, day, "settlement")
    rec = ClaimRecord(record.terms, events)
    fig = open_claims([rec], day)["F1"]
    assert (
        fig.waived.costs + fig.waived.costs_vat == 2_420
        and fig.open.costs + fig.open.costs_vat == 2_420
    )
    # a final settlement says so (law15c F2: all open interest waived alone lets it run on)
    events2 = booking.waive(
        [rec], "F1", Component.INTEREST, fig.open.interest, day, "finale kwijting",
        stop_interest=True,
    )  # fmt: skip
    rec2 = ClaimRecord(record.terms, rec.events + events2)
    assert open_claims([rec2], day + timedelta(days=90))["F1"].open.interest == 0
    with pytest.raises(LedgerRuleError):
        booking.waive([rec2], "F1", Component.COSTS, 10**6, day, "too much")


def test_write_off_closes_every_component():
    record = ClaimRecord(terms())
    day = date(2025, 3, 20)
    rec = ClaimRecord(record.terms, booking.write_off([record], "F1", day, "debtor vanished"))
    fig = open_claims([rec], day + timedelta(days=400))["F1"]
    assert (
        fig.open.total == 0
        and fig.written_off.principal == 12_100
        and fig.written_off.costs == 4_000
    )


def test_split_adds_up_exactly():
    assert split(100, [1, 1, 1]) == [34, 33, 33] and sum(split(42_500, [7, 3, 11])) == 42_500


def client(**kw) -> Client:
    return Client("c", "a", "C1", "Client", **kw)


def invoice(**kw) -> Invoice:
    return Invoice("c", "F1", "D1", date(2025, 1, 1), DUE, 12_100, **kw)


def test_terms_consumer_b2b_and_client_settings():
    t = claim_terms(invoice(), consumer=True, client=client(), letter_on=LETTER)
    assert t.costs_owed_from == OWED and t.interest_rule is InterestRule.CONSUMER
    assert t.interest_from == DUE + timedelta(days=1)
    b2b = claim_terms(invoice(), consumer=False, client=client(), letter_on=LETTER)
    assert b2b.costs_owed_from == LETTER and b2b.interest_rule is InterestRule.COMMERCIAL
    assert claim_terms(invoice(), consumer=False, client=client()).costs_owed_from is None
    agreed = claim_terms(invoice(), consumer=False, client=client(b2b_costs_from_due=True))
    assert agreed.costs_owed_from == DUE + timedelta(days=1)
    bears = claim_terms(
        invoice(), consumer=True, client=client(client_bears_costs=True), letter_on=LETTER
    )
    assert bears.costs_owed_from is None and bears.interest_from is None
    assert (
        claim_terms(invoice(), consumer=True, client=client(charge_interest=False)).interest_rule
        is InterestRule.NONE
    )
    contract = claim_terms(
        invoice(), consumer=True, client=client(contractual_interest_percent="8.5")
    )
    assert contract.contractual_rate == Fraction(85, 1000)
    credited = claim_terms(invoice(status=InvoiceStatus.CREDITED), consumer=True, client=client())
    assert open_claims([ClaimRecord(credited)], date(2025, 6, 1))["F1"].open.total == 0


def test_wki_cumulation_caps_costs_of_small_consumer_claims_within_six_months():
    """Monthly EUR 50 claims, each with its own 14-day letter: EUR 40 each by the staffel, but
    at most EUR 140 together within six months (docs/law.md, cumulation)."""

    def monthly(name: str, year: int, month: int, principal: int = 5_000) -> ClaimRecord:
        return ClaimRecord(
            terms(
                name,
                principal,
                due_date=date(year, month, 1),
                costs_owed_from=date(year, month, 20),
            )
        )

    records = [monthly(f"M{m}", 2025, m) for m in range(1, 6)]
    figures = open_claims(records, date(2025, 6, 1))
    assert [figures[f"M{m}"].open.costs for m in range(1, 6)] == [4_000, 4_000, 4_000, 2_000, 0]
    june = open_claims([*records, monthly("M6", 2025, 6)], date(2025, 7, 1))
    assert june["M6"].open.costs == 0  # January to May are all within six months
    september = open_claims([*records, monthly("M9", 2025, 9)], date(2025, 10, 1))
    assert september["M9"].open.costs == 4_000  # only April's EUR 20 is left in the window
    old = [monthly(f"O{m}", 2024, m) for m in range(1, 6)]  # before 2024-10-01: no cap
    assert all(f.open.costs == 4_000 for f in open_claims(old, date(2024, 6, 1)).values())
    big = [monthly(f"B{m}", 2025, m, 50_000) for m in range(1, 6)]  # not small claims
    assert all(f.open.costs == 7_500 for f in open_claims(big, date(2025, 6, 1)).values())


def test_the_clients_books_and_inning_overlapping_never_make_a_negative_principal():
    """A booking written to the ledger but not yet to the invoice, while the client's books
    already say the invoice is paid: the principal is settled, not overpaid."""
    record = ClaimRecord(terms(costs_owed_from=None, interest_from=None))
    paid = booking.allocate([record], "p1", 5_000, date(2025, 3, 1), ["F1"])
    both = ClaimRecord(
        terms(costs_owed_from=None, interest_from=None, principal_settled_elsewhere=12_100),
        paid.events["F1"],
    )
    fig = open_claims([both], date(2025, 3, 2))["F1"]
    assert fig.open.principal == 0 and fig.paid.principal == 5_000
    assert fig.credited.principal == 7_100
