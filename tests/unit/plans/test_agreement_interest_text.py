"""The plan's agreement (the message the debtor gets when a plan starts) says what happens to
interest as the ledger does it: frozen while a plan over the whole claim is kept, still running
on a plan over the principal only; a plan stored before the freeze says neither."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from shared.domain.plans.plan import PaymentPlan
from shared.domain.plans.rules import PlanRules
from shared.domain.plans.schedule import Period, PlanMethod, ScheduledInstallment
from shared.services.plans.notices import agreement

WHOLE = PaymentPlan(
    client_id="c1",
    plan_id="P1",
    debtor_number="D1",
    invoice_numbers=("F1",),
    include_costs=True,
    method=PlanMethod.TRANSFER,
    start=date(2026, 1, 31),
    period=Period.MONTH,
    total=102_642,
    payment_reference="5000056789012345",
    schedule=tuple(ScheduledInstallment(n, date(2026, n, 28), 34_214) for n in (1, 2, 3)),
    rules=PlanRules(),
    created_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
    created_by="staff@c1.example",
    priced_on=date(2026, 1, 5),
)


def test_a_whole_claim_plan_says_interest_is_frozen() -> None:
    nl = agreement(WHOLE, "Bakkerij", "NL91ABNA0417164300", "nl").text
    en = agreement(WHOLE, "Bakkerij", "NL91ABNA0417164300", "en").text
    assert "geen rente meer" in nl and "vanaf die dag weer" in nl
    assert "no further interest" in en and "from that day" in en


def test_a_principal_only_plan_says_interest_and_owed_costs_stay_due() -> None:
    # costs not yet owed when it was agreed arise only if it lapses (law7 finding 8)
    plan = replace(WHOLE, include_costs=False)
    nl = agreement(plan, "Bakkerij", "NL91ABNA0417164300", "nl").text
    en = agreement(plan, "Bakkerij", "NL91ABNA0417164300", "en").text
    assert "de rente blijft verschuldigd" in nl and "geen rente" not in nl
    assert "alleen verschuldigd als de regeling vervalt" in nl
    assert "interest remains due" in en and "only if the plan lapses" in en


def test_a_plan_stored_before_the_freeze_promises_nothing_about_interest() -> None:
    text = agreement(replace(WHOLE, priced_on=None), "Bakkerij", "NL91", "nl").text
    assert "rente" not in text
