"""Costs rest on a letter sent in default (6:96 lid 4 and 6 BW): a letter dated before the
debtor was in default is none, whatever moved the default past it later (law11b F1).

Invoice 1,000.00 first due 1-12-2025; the letter of Wednesday 3-12-2025 (received Friday 5-12,
term 6-12..19-12: costs owed from 20-12) was sent in default of that due date. The due date
then moves to 15-1-2026 (default from 16-1), or the imported default date to 16-1-2026."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.invoices import Invoice
from shared.domain.ledger.terms import claim_terms, default_from, in_default
from shared.domain.parties import Client

LETTER = date(2025, 12, 3)
TERM_ENDED = date(2025, 12, 20)  # the first day costs are owed on that letter
MOVED_DUE = date(2026, 1, 15)
DEFAULT = date(2026, 1, 16)


def client(**kw: object) -> Client:
    return Client("c", "a", "C1", "Client", **kw)  # type: ignore[arg-type]


def invoice(due: date = date(2025, 12, 1), **kw: object) -> Invoice:
    return Invoice("c", "F1", "D1", date(2025, 11, 1), due, 100_000, **kw)  # type: ignore[arg-type]


def test_default_starts_the_day_after_the_due_date_or_on_a_later_default_date() -> None:
    assert default_from(MOVED_DUE, None) == DEFAULT
    assert default_from(date(2025, 12, 1), DEFAULT) == DEFAULT
    assert in_default(LETTER, date(2025, 12, 1), None)
    assert not in_default(LETTER, MOVED_DUE, None)
    assert not in_default(LETTER, date(2025, 12, 1), DEFAULT)
    assert in_default(DEFAULT, MOVED_DUE, None)  # sent on the first day of default


def test_the_clients_letter_counts_only_while_its_due_date_stands() -> None:
    before = claim_terms(invoice(), consumer=True, client=client(), letter_on=LETTER)
    assert before.costs_owed_from == TERM_ENDED
    moved = claim_terms(invoice(MOVED_DUE), consumer=True, client=client(), letter_on=LETTER)
    assert moved.costs_owed_from is None
    later = claim_terms(
        invoice(), consumer=True, client=client(), letter_on=LETTER, interest_from=DEFAULT
    )
    assert later.costs_owed_from is None and later.interest_from == DEFAULT


def test_a_business_sommatie_before_default_is_none_either() -> None:
    assert (
        claim_terms(invoice(), consumer=False, client=client(), letter_on=LETTER).costs_owed_from
        == LETTER
    )
    moved = claim_terms(invoice(MOVED_DUE), consumer=False, client=client(), letter_on=LETTER)
    assert moved.costs_owed_from is None


def test_costs_the_clients_terms_charge_from_default_follow_the_default_date() -> None:
    terms = claim_terms(
        invoice(), consumer=False, client=client(b2b_costs_from_due=True), interest_from=DEFAULT
    )
    assert terms.costs_owed_from == DEFAULT  # not 2-12-2025: the debtor was not in default


@pytest.mark.parametrize(("due", "kept"), [(date(2025, 12, 1), True), (MOVED_DUE, False)])
def test_our_own_letter_before_a_moved_due_date_is_none(due: date, kept: bool) -> None:
    # our letter of 3-12-2025 set the invoice's term: owed from 20-12-2025
    terms = claim_terms(invoice(due, costs_owed_from=TERM_ENDED), consumer=True, client=client())
    assert terms.costs_owed_from == (TERM_ENDED if kept else None)
