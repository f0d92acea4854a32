"""The overview's claim figures kept between views (shared/services/portal_claims.py): an
unchanged claim is not replayed again, and whatever moves the claim (a payment, the next day,
another rate table) or names another debtor or client is replayed, never answered from
another entry."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from shared.domain.law.interest_rates import default_rate_table
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimTerms, Component, EventKind, LedgerEvent
from shared.domain.ledger.replay import open_claims
from shared.domain.money import format_eur_nl
from shared.domain.records import PaymentSource
from shared.services.portal_claims import ClaimFiguresMemo
from tests.unit.payments.conftest import claim_total
from tests.unit.payments.test_portal import enter, portal  # noqa: F401 - fixture

TOTAL = re.compile(r'id="total">[^<]*<strong>([^<]+)</strong>')


def _total(page: str) -> str:
    found = TOTAL.search(page)
    assert found is not None
    return found.group(1)


def _owed(world) -> str:
    """What the claim API says D1 owes today over F1 and F2, as the page prints it."""
    return format_eur_nl(claim_total(world, "F1") + claim_total(world, "F2"))


def test_an_unchanged_claim_is_replayed_once_and_a_payment_replays_it(portal):  # noqa: F811
    world, client, app = portal
    memo = world.services.portal.figures
    browser = enter(world, app)
    first = _total(browser.page())
    misses = memo.misses
    assert _total(browser.page()) == first == _owed(world)
    assert memo.misses == misses and memo.hits > 0
    world.services.payments.book(
        client, payment_id="bank-memo-1", amount=1_000, received_on=date(2025, 3, 19),
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip
    after = _total(browser.page())
    assert memo.misses == misses + 1
    assert after == _owed(world) != first


def test_the_next_day_replays_the_claim(portal):  # noqa: F811
    world, _, app = portal
    memo = world.services.portal.figures
    browser = enter(world, app)
    today = _total(browser.page())
    misses = memo.misses
    world.clock.at += timedelta(days=40)  # interest moves: 121.00 and 50.00 over 40 days
    later = _total(browser.page())
    assert memo.misses == misses + 1
    assert later == _owed(world) != today


def _record(debtor: str, number: str = "F1", paid: int = 0) -> ClaimRecord:
    terms = ClaimTerms(number, debtor, date(2025, 1, 31), 12_100, interest_from=date(2025, 2, 1))
    events = (
        (LedgerEvent(1, EventKind.ALLOCATED, Component.PRINCIPAL, paid, date(2025, 3, 1)),)
        if paid
        else ()
    )
    return ClaimRecord(terms, events)


def test_equal_records_of_other_debtors_and_clients_are_kept_apart():
    memo = ClaimFiguresMemo()
    on, rates = date(2025, 3, 20), default_rate_table()
    records = [_record("D1")]
    memo.open_claims("client-a", "D1", records, on, rates)
    memo.open_claims("client-b", "D1", records, on, rates)  # another client, the same number
    memo.open_claims("client-a", "D2", [_record("D1")], on, rates)  # another debtor's key
    assert (memo.misses, memo.hits, len(memo)) == (3, 0, 3)
    memo.open_claims("client-a", "D1", [_record("D1")], on, rates)  # equal records, read anew
    assert (memo.misses, memo.hits) == (3, 1)


def test_a_new_event_another_day_or_rate_table_is_replayed():
    memo = ClaimFiguresMemo()
    on, rates = date(2025, 3, 20), default_rate_table()
    before = memo.open_claims("c", "D1", [_record("D1")], on, rates)
    paid = memo.open_claims("c", "D1", [_record("D1", paid=2_100)], on, rates)
    assert paid["F1"].open.principal == 10_000 != before["F1"].open.principal
    later = memo.open_claims("c", "D1", [_record("D1")], on + timedelta(days=30), rates)
    assert later["F1"].open.interest > before["F1"].open.interest
    other = replace(rates)  # equal rows, another table object: the rates service read it anew
    memo.open_claims("c", "D1", [_record("D1")], on, other)
    assert (memo.misses, memo.hits) == (4, 0)
    assert memo.open_claims("c", "D1", [_record("D1")], on, rates) == open_claims(
        [_record("D1")], on, rates
    )
    assert memo.hits == 1


def test_the_answer_is_a_copy_and_the_memo_is_bounded():
    memo = ClaimFiguresMemo(kept=2)
    on, rates = date(2025, 3, 20), default_rate_table()
    memo.open_claims("c", "D1", [_record("D1")], on, rates).clear()  # the page adds to its dict
    assert "F1" in memo.open_claims("c", "D1", [_record("D1")], on, rates)
    memo.open_claims("c", "D2", [_record("D2")], on, rates)
    memo.open_claims("c", "D3", [_record("D3")], on, rates)
    assert len(memo) == 2
    memo.open_claims("c", "D1", [_record("D1")], on, rates)  # the oldest went first
    assert memo.misses == 4


def test_the_bound_counts_claims_not_debtors():
    """A debtor with many invoices takes as many places as he has claims (memory grows with
    the claims kept, not the debtors)."""
    memo = ClaimFiguresMemo(kept=3)
    on, rates = date(2025, 3, 20), default_rate_table()
    memo.open_claims("c", "D1", [_record("D1")], on, rates)
    memo.open_claims("c", "D2", [_record("D2", "F2"), _record("D2", "F3")], on, rates)
    assert len(memo) == 2
    memo.open_claims("c", "D3", [_record("D3", "F4")], on, rates)  # 4 claims: D1 goes
    assert len(memo) == 2
    many = [_record("D4", f"F{n}") for n in range(5, 9)]  # more than the whole memo holds
    assert len(memo.open_claims("c", "D4", many, on, rates)) == 4
    assert len(memo) == 2
    memo.open_claims("c", "D2", [_record("D2", "F2"), _record("D2", "F3")], on, rates)
    assert memo.hits == 1
