# ruff: noqa: F811  (the fixtures are imported from the plans' own tests)
"""A plan the run lapsed runs on when money received within its grace is booked later: a
transfer on a bank statement uploaded after the lapse (law8 F5), an online payment whose
webhook job was worked after the installment timer (failure8 #3). The installment was paid in
time, so the plan was kept: it holds its invoices again, and the debtor and the client are
told it runs on. Money received after the lapse leaves it lapsed.

Transfer plan over F1 + F2 (300.00), 3 x 100.00 from 31-1-2026, 7 days' grace: the grace of
installment 1 ends 7-2, the run lapses the plan on 8-2."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.records import PaymentSource
from tests.unit.payments.conftest import deliver_webhooks
from tests.unit.plans.test_plan_service import BASE, make, plans, run_day, status  # noqa: F401
from tests.unit.plans.test_portal_plan_pay_online import (  # noqa: F401
    enter,
    on_plan,
    pay_installment,
    payment_of,
)

LAPSED_ON = date(2026, 2, 8)


def _statement(
    world, client, payment_id: str, cents: int, received_on: date, booked: date = date(2026, 2, 12)
) -> None:
    """A bank line received ``received_on``, on a statement booked on ``booked``."""
    world.clock.at = datetime(booked.year, booked.month, booked.day, 10, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id=payment_id, amount=cents, received_on=received_on,
        source=PaymentSource.BANK, invoice_numbers=["F1", "F2"],
    )  # fmt: skip


def _lapsed(world, plan_id: str) -> None:
    for day in range(31, 32):
        run_day(world, date(2026, 1, day))
    for day in range(1, 9):
        run_day(world, date(2026, 2, day))
    assert status(world, plan_id)[0] == "cancelled"


def _told(world, client, plan_id: str) -> tuple[list[str], list[str], list[str]]:
    keys = [m.key for m, _ in world.services.messaging.outbox.with_prefix(
        client.client_id, f"plan|{plan_id}|kept")]  # fmt: skip
    kinds = [
        e["kind"] for e in world.services.plans.timeline(client, plan_id) if e["kind"] == "kept"
    ]
    lines = [c.summary for c in world.services.repos.contacts.between(client.client_id)
             if c.summary.startswith(f"Payment plan {plan_id} runs on")]  # fmt: skip
    return sorted(keys), kinds, lines


def test_a_transfer_received_within_the_grace_and_booked_after_the_lapse_keeps_the_plan(plans):
    world, client = plans
    plan_id = make(world.agency_a).body["plan_id"]
    assert world.agency_a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    _lapsed(world, plan_id)
    assert world.services.plans.holding(client, "F1") is None  # dunning resumed
    # received 6-2 (inside the grace), on a statement booked 12-2
    _statement(world, client, "late-statement", 10_000, date(2026, 2, 6))
    got, installments = status(world, plan_id)
    assert got != "cancelled", got
    assert installments[0] == ("paid", "100.00") and installments[1][0] != "skipped"
    assert world.services.plans.holding(client, "F1") == plan_id  # held again
    assert _told(world, client, plan_id) == (
        [f"plan|{plan_id}|kept-2026-02-08", f"plan|{plan_id}|kept-2026-02-08-client"],
        ["kept"],
        [f"Payment plan {plan_id} runs on: paid within the grace, booked after it lapsed on "
         "2026-02-08"],
    )  # fmt: skip
    # the next run keeps it running, and tells nothing again
    run_day(world, date(2026, 2, 13))
    assert status(world, plan_id)[0] != "cancelled"
    assert len(_told(world, client, plan_id)[2]) == 1


def test_money_received_after_the_lapse_leaves_the_plan_lapsed(plans):
    world, client = plans
    plan_id = make(world.agency_a).body["plan_id"]
    assert world.agency_a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    _lapsed(world, plan_id)
    _statement(world, client, "after-the-lapse", 10_000, LAPSED_ON)
    assert status(world, plan_id)[0] == "cancelled"
    assert world.services.plans.holding(client, "F1") is None
    assert _told(world, client, plan_id) == ([], [], [])


def test_a_lapse_long_past_is_not_reopened(plans):
    """Four weeks after the lapse the dunning has moved on: money dated in the grace and
    booked later than that leaves the plan lapsed (it is booked on the claims as ever)."""
    world, client = plans
    plan_id = make(world.agency_a).body["plan_id"]
    assert world.agency_a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    _lapsed(world, plan_id)
    _statement(world, client, "very-late", 30_000, date(2026, 2, 6), booked=date(2026, 3, 9))
    assert status(world, plan_id)[0] == "cancelled"
    assert _told(world, client, plan_id) == ([], [], [])


def test_an_installment_paid_online_in_the_grace_whose_webhook_is_late_is_no_breach(on_plan):
    """The timer finds installment 1 in arrears while its online payment waits to be booked:
    the breach waits (the debtor is not told his plan lapsed); the booking pays it."""
    world, client, plan_id, app = on_plan
    world.clock.at = datetime(2026, 2, 7, 21, 0, tzinfo=UTC)  # 22:00 in Amsterdam, last grace day
    browser = enter(world, app)
    first = payment_of(pay_installment(browser, plan_id, 1))
    online = world.services.online_payments
    online.simulation.settle(first, "paid")
    online.webhook(first)  # queued; the job is worked after the installment timer
    sent = run_day(world, LAPSED_ON)
    assert status(world, plan_id)[0] != "cancelled"
    assert not [k for k in sent if "lapsed" in k]
    assert deliver_webhooks(world) == ["paid"]
    got, installments = status(world, plan_id)
    assert got != "cancelled" and installments[0] == ("paid", "100.00")
    assert world.services.plans.holding(client, "F1") == plan_id


def test_an_online_payment_never_made_delays_the_lapse_two_days_only(on_plan):
    world, client, plan_id, app = on_plan
    world.clock.at = datetime(2026, 2, 7, 21, 0, tzinfo=UTC)
    payment_of(pay_installment(enter(world, app), plan_id, 1))  # the debtor leaves the checkout
    for day in (8, 9):
        run_day(world, date(2026, 2, day))
        assert status(world, plan_id)[0] != "cancelled"
    run_day(world, date(2026, 2, 10))
    assert status(world, plan_id)[0] == "cancelled"
    assert world.services.plans.holding(client, "F1") is None


def test_an_online_payment_booked_after_the_lapse_for_its_day_in_the_grace_keeps_the_plan(
    on_plan,
):
    """Its webhook job came only after the wait (poisoned, replayed later): booked for the day
    Mollie says it was paid, inside the grace, it keeps the plan after all."""
    world, client, plan_id, app = on_plan
    world.clock.at = datetime(2026, 2, 7, 21, 0, tzinfo=UTC)
    first = payment_of(pay_installment(enter(world, app), plan_id, 1))
    online = world.services.online_payments
    online.simulation.settle(first, "paid")
    online.webhook(first)
    for day in (8, 9, 10):
        run_day(world, date(2026, 2, day))
    assert status(world, plan_id)[0] == "cancelled"
    assert deliver_webhooks(world) == ["paid"]
    got, installments = status(world, plan_id)
    assert got != "cancelled" and installments[0] == ("paid", "100.00")
    assert _told(world, client, plan_id)[1] == ["kept"]
