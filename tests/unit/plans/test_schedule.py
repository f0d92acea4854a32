"""Payment-plan schedules: exact totals, dates anchored on the start, SEPA business days."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.plans.progress import (
    InstallmentStatus,
    Standing,
    after_early_payment,
    arrears,
    installment_states,
    standing,
)
from shared.domain.plans.rules import PlanRules, ReminderChannel
from shared.domain.plans.schedule import (
    Period,
    PlanMethod,
    ScheduledInstallment,
    ScheduleError,
    by_amount,
    by_count,
    free,
    postpone,
    respread,
)
from shared.domain.plans.sepa_calendar import is_sepa_business_day, next_sepa_business_day

T = PlanMethod.TRANSFER
DD = PlanMethod.DIRECT_DEBIT


def test_count_puts_the_rounding_difference_in_the_last():
    plan = by_count(100_000, date(2026, 1, 10), Period.MONTH, 3, T)
    assert [i.amount for i in plan] == [33_333, 33_333, 33_334]
    assert [i.due_date for i in plan] == [date(2026, 1, 10), date(2026, 2, 10), date(2026, 3, 10)]


def test_amount_makes_the_last_one_smaller():
    plan = by_amount(100_000, date(2026, 1, 10), Period.WEEK, 15_000, T)
    assert [i.amount for i in plan] == [15_000] * 6 + [10_000]
    assert plan[1].due_date == date(2026, 1, 17)


def test_the_31st_pays_on_the_last_day_of_shorter_months_and_returns():
    plan = by_count(50_000, date(2026, 1, 31), Period.MONTH, 4, T)
    assert [i.due_date for i in plan] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]


def test_quarters_are_three_months_from_the_start():
    plan = by_count(30_000, date(2026, 11, 30), Period.QUARTER, 3, T)
    assert [i.due_date for i in plan] == [date(2026, 11, 30), date(2027, 2, 28), date(2027, 5, 30)]


def test_direct_debits_move_to_the_next_sepa_business_day():
    # 2027-01-01 is a TARGET2 holiday (and a Friday): collection on Monday the 4th
    plan = by_count(20_000, date(2026, 12, 1), Period.MONTH, 2, DD)
    assert plan[1].due_date == date(2027, 1, 4)
    assert next_sepa_business_day(date(2026, 4, 3)) == date(
        2026, 4, 7
    )  # Good Friday, Easter Monday
    assert not is_sepa_business_day(date(2026, 5, 1))


@given(
    total=st.integers(1, 10_000_000),
    count=st.integers(1, 120),
    day=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
    period=st.sampled_from(list(Period)),
    method=st.sampled_from(list(PlanMethod)),
)
def test_installments_always_add_up_and_ascend(total, count, day, period, method):
    if count > total:
        with pytest.raises(ScheduleError):
            by_count(total, day, period, count, method)
        return
    plan = by_count(total, day, period, count, method)
    assert sum(i.amount for i in plan) == total
    assert all(i.amount > 0 for i in plan)
    assert all(a.due_date < b.due_date for a, b in itertools.pairwise(plan))
    if method is DD:
        assert all(is_sepa_business_day(i.due_date) for i in plan)


@given(total=st.integers(1, 5_000_000), amount=st.integers(1, 5_000_000))
def test_by_amount_adds_up(total, amount):
    try:
        plan = by_amount(total, date(2026, 1, 1), Period.MONTH, amount, T)
    except ScheduleError as e:
        assert e.field == "installment_amount"
        return
    assert sum(i.amount for i in plan) == total
    assert all(i.amount == amount for i in plan[:-1]) and 0 < plan[-1].amount <= amount


def test_free_schedules_must_add_up_exactly():
    with pytest.raises(ScheduleError, match=r"add up to 99\.99"):
        free(10_000, [(date(2026, 1, 1), 5_000), (date(2026, 2, 1), 4_999)], T)
    with pytest.raises(ScheduleError, match="ascending"):
        free(10_000, [(date(2026, 2, 1), 5_000), (date(2026, 1, 1), 5_000)], T)
    plan = free(10_000, [(date(2026, 1, 1), 2_500), (date(2026, 3, 1), 7_500)], T)
    assert [(i.number, i.amount) for i in plan] == [(1, 2_500), (2, 7_500)]


def test_rules_check_minimum_and_term():
    rules = PlanRules(min_installment=5_000, max_term_months=3)
    ok = by_count(20_000, date(2026, 1, 1), Period.MONTH, 4, T)
    assert rules.violations(date(2026, 1, 1), ok) == []
    too_small = by_count(20_000, date(2026, 1, 1), Period.WEEK, 8, T)
    assert [e.field for e in rules.violations(date(2026, 1, 1), too_small)] == ["installments"]
    too_long = by_count(60_000, date(2026, 1, 1), Period.MONTH, 6, T)
    assert "maximum term" in str(rules.violations(date(2026, 1, 1), too_long)[0])
    with pytest.raises(ValueError):
        PlanRules(reminder_channel=ReminderChannel("sms"))


RULES = PlanRules(tolerance_amount=500, tolerance_days=5)
PLAN = by_count(30_000, date(2026, 1, 1), Period.MONTH, 3, T)


def statuses(paid, today, **kw):
    return [s.status for s in installment_states(PLAN, paid, today, RULES, **kw)]


def test_money_fills_the_oldest_installment_first():
    assert statuses(15_000, date(2026, 1, 2)) == [
        InstallmentStatus.PAID,
        InstallmentStatus.PARTIALLY_PAID,
        InstallmentStatus.OPEN,
    ]
    assert statuses(0, date(2026, 1, 3)) == [InstallmentStatus.DUE, *[InstallmentStatus.OPEN] * 2]
    assert statuses(0, date(2026, 1, 7))[0] is InstallmentStatus.OVERDUE
    assert statuses(0, date(2026, 1, 7), failed=frozenset({1}))[0] is InstallmentStatus.FAILED
    assert (
        statuses(10_000, date(2026, 3, 1), skipped=frozenset({2, 3}))[1:]
        == [InstallmentStatus.SKIPPED] * 2
    )


def test_a_reversal_unfills_the_most_recently_paid_installment_first():
    before = installment_states(PLAN, 30_000, date(2026, 3, 2), RULES)
    after = installment_states(PLAN, 20_000, date(2026, 3, 2), RULES)
    assert [s.paid for s in before] == [10_000] * 3
    assert [s.paid for s in after] == [10_000, 10_000, 0]


def test_breach_is_judged_on_cumulative_amounts_with_tolerance():
    assert standing(PLAN, 0, date(2026, 1, 1), RULES) is Standing.DUE
    assert standing(PLAN, 0, date(2026, 1, 6), RULES) is Standing.DUE  # within the grace days
    assert standing(PLAN, 9_600, date(2026, 1, 7), RULES) is Standing.OVERDUE  # 4.00 behind
    assert standing(PLAN, 9_000, date(2026, 1, 7), RULES) is Standing.BREACHED  # 10.00 behind
    assert arrears(PLAN, 9_000, date(2026, 1, 7), RULES) == 1_000
    assert standing(PLAN, 10_000, date(2026, 1, 20), RULES) is Standing.ACTIVE
    assert standing(PLAN, 30_000, date(2026, 1, 20), RULES) is Standing.COMPLETED


def test_an_installments_own_collection_pays_it_whichever_other_came_back():
    """3 x 100.00 on 1-1, 1-2, 1-3; collections 2 and 3 stand (200.00), collection 1 came
    back (law14b B): installment 1 is the unpaid one, not 3; other money (50.00 more) fills
    the oldest open installment first."""
    own = {2: 10_000, 3: 10_000}
    got = installment_states(PLAN, 20_000, date(2026, 3, 20), RULES, failed=frozenset({1}), own=own)
    assert [(s.status, s.paid) for s in got] == [
        (InstallmentStatus.FAILED, 0), (InstallmentStatus.PAID, 10_000),
        (InstallmentStatus.PAID, 10_000),
    ]  # fmt: skip
    more = installment_states(PLAN, 25_000, date(2026, 3, 20), RULES, own=own)
    assert [s.paid for s in more] == [5_000, 10_000, 10_000]
    # own money never counts for more than was paid
    assert [s.paid for s in installment_states(PLAN, 5_000, date(2026, 3, 20), RULES, own=own)] == [
        0, 5_000, 0,
    ]  # fmt: skip


def test_a_returned_installments_grace_runs_from_the_day_it_came_back():
    """Installment 1 (1-1, 100.00) came back on 1-2: with 5 grace days it is in arrears
    from 7-2, not 7-1; it is overdue by its schedule meanwhile."""
    late = {1: date(2026, 2, 1)}
    assert standing(PLAN, 0, date(2026, 1, 20), RULES, late) is Standing.OVERDUE
    assert arrears(PLAN, 0, date(2026, 2, 6), RULES, late) == 0
    assert arrears(PLAN, 0, date(2026, 2, 7), RULES, late) == 20_000  # with installment 2
    assert standing(PLAN, 0, date(2026, 2, 7), RULES, late) is Standing.BREACHED


def test_an_early_overpayment_lowers_the_rest_when_the_client_allows_it():
    allow = PlanRules(early_recalculation=True, early_threshold_days=7)
    plan = by_count(40_000, date(2026, 2, 1), Period.MONTH, 4, T)
    # installment 1 (2026-02-01) paid 20 days early with 250.00: 150.00 spreads over 2..4
    new = after_early_payment(plan, 0, 25_000, date(2026, 1, 12), allow)
    assert sum(i.amount for i in new) == 40_000
    assert [i.amount for i in new] == [25_000, 5_000, 5_000, 5_000]
    assert next(s.status for s in installment_states(new, 25_000, date(2026, 1, 12), allow)) is (
        InstallmentStatus.PAID
    )
    # not early enough, or not allowed: the schedule stands and the money moves on
    assert after_early_payment(plan, 0, 25_000, date(2026, 1, 28), allow) == plan
    assert after_early_payment(plan, 0, 25_000, date(2026, 1, 12), PlanRules()) == plan


@given(
    total=st.integers(100, 1_000_000),
    count=st.integers(1, 24),
    paid=st.integers(0, 1_000_000),
    payment=st.integers(1, 1_000_000),
)
def test_recalculation_keeps_the_total(total, count, paid, payment):
    count = min(count, total)
    plan = by_count(total, date(2027, 1, 1), Period.MONTH, count, T)
    paid = min(paid, total)
    allow = PlanRules(early_recalculation=True, early_threshold_days=0)
    new = after_early_payment(plan, paid, payment, date(2026, 6, 1), allow)
    assert sum(i.amount for i in new) == total
    assert all(i.amount > 0 for i in new)


def test_respread_and_postpone():
    plan = by_count(30_000, date(2026, 1, 15), Period.MONTH, 3, T)
    assert [i.amount for i in respread(plan, 2, 5_001)] == [10_000, 2_500, 2_501]
    moved = postpone(plan, 2, date(2026, 3, 1), Period.MONTH, shift_later=True, method=T)
    assert [i.due_date for i in moved] == [date(2026, 1, 15), date(2026, 3, 1), date(2026, 4, 1)]
    with pytest.raises(ScheduleError, match="cannot move past installment 3"):
        postpone(plan, 2, date(2026, 3, 20), Period.MONTH, shift_later=False, method=T)
    kept = postpone(plan, 2, date(2026, 3, 1), Period.MONTH, shift_later=False, method=T)
    assert kept[2] == ScheduledInstallment(3, date(2026, 3, 15), 10_000)


def test_the_term_of_a_direct_debit_ends_on_the_business_day_its_collections_move_to():
    rules = PlanRules(max_term_months=12, min_installment=100)
    start = date(2026, 2, 7)  # a Saturday: thirteen monthly dates end on Sunday 7 February 2027
    debit = by_count(130_000, start, Period.MONTH, 13, PlanMethod.DIRECT_DEBIT)
    assert debit[-1].due_date == date(2027, 2, 8)  # collected on the Monday
    assert rules.violations(start, debit, PlanMethod.DIRECT_DEBIT) == []
    transfer = by_count(130_000, start, Period.MONTH, 13, PlanMethod.TRANSFER)
    assert rules.violations(start, transfer) == []
    # one more month runs past the term whichever way it is paid
    longer = by_count(140_000, start, Period.MONTH, 14, PlanMethod.DIRECT_DEBIT)
    assert "maximum term" in str(rules.violations(start, longer, PlanMethod.DIRECT_DEBIT)[0])
