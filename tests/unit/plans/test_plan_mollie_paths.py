# ruff: noqa: F811  (the fixtures world and mollie are imported from test_plan_mollie)
"""The other money paths of a plan collected through Mollie, reviewed as the double
collection was (2026-11-30): a plan cancelled, paused or postponed while a recurring payment
is under way cancels that payment at Mollie while it can (else the money is booked: the
debtor owed it); a credit note that leaves an installment nothing to ask cancels its payment;
a chargeback of a payment that only brought a surplus fails no installment that is paid."""

from __future__ import annotations

from datetime import date

from tests.unit.plans.test_plan_mollie import (  # noqa: F401 (fixtures)
    actions,
    booked,
    mollie,
    plan_of,
    the_client,
    webhook,
    world,
)
from tests.unit.plans.test_plan_mollie_double import _collecting, _debit, _kinds, _live_total
from tests.unit.plans.test_plan_service import BASE, pay, run_day, status


def test_a_plan_cancelled_while_its_collection_is_in_progress_cancels_the_payment(world, mollie):
    plan_id, second = _collecting(world, mollie)
    cancelled = world.agency_a.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "debtor asked"})
    assert cancelled.status == 200, cancelled.body
    assert mollie.payments[second["id"]]["status"] == "canceled"
    assert _debit(world, plan_id, second["id"])["state"] == "withdrawn"
    assert webhook(world, second["id"], times=2) == ["canceled", "canceled"]
    assert plan_of(world, plan_id)["status"] == "cancelled"
    assert actions(world, "plan_debit_failed") == [] and booked(world, second["id"]) is None
    assert world.services.plans.holding(the_client(world), "F1") is None  # back to dunning


def test_a_cancelled_plan_whose_debit_went_to_the_bank_books_it_on_the_invoices(world, mollie):
    plan_id, second = _collecting(world, mollie)
    mollie.to_bank(second["id"])
    world.agency_a.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "debtor asked"})
    assert "debit_not_canceled" in _kinds(world, plan_id)
    mollie.settle(second["id"], "paid")
    assert webhook(world, second["id"], times=2) == ["paid", "paid"]
    got = booked(world, second["id"])
    assert got is not None and got.amount == 10_000 and got.unallocated == 0  # owed: booked
    assert _live_total(world) == 20_000


def test_a_paused_plan_cancels_its_collection_and_collects_again_after_resuming(world, mollie):
    plan_id, second = _collecting(world, mollie)
    a = world.agency_a
    assert a.call("POST", f"{BASE}/{plan_id}/pause", {"reason": "debtor ill"}).status == 200
    assert mollie.payments[second["id"]]["status"] == "canceled"
    webhook(world, second["id"])
    assert a.call("POST", f"{BASE}/{plan_id}/resume").status == 200
    run_day(world, date(2026, 3, 5))
    again = mollie.posted("recurring")[1]
    assert again["metadata"]["installment"] == 2 and again["metadata"]["attempt"] == 2
    mollie.settle(again["id"], "paid")
    webhook(world, again["id"])
    assert status(world, plan_id)[1][1] == ("paid", "100.00")
    assert actions(world, "plan_debit_failed") == []


def test_a_postponed_installment_is_not_collected_on_its_old_date(world, mollie):
    plan_id, second = _collecting(world, mollie)
    moved = world.agency_a.call(
        "POST", f"{BASE}/{plan_id}/installments/2/postpone", {"to": "2026-03-20"}
    )
    assert moved.status == 200, moved.body
    assert mollie.payments[second["id"]]["status"] == "canceled"
    webhook(world, second["id"])
    run_day(world, date(2026, 3, 19))
    assert len(mollie.posted("recurring")) == 1
    run_day(world, date(2026, 3, 20))  # collected on its new date
    again = mollie.posted("recurring")[1]
    assert again["metadata"]["installment"] == 2 and again["amount"]["value"] == "100.00"
    assert actions(world, "plan_debit_failed") == []


def test_a_credit_note_that_leaves_nothing_to_collect_cancels_the_payment(world, mollie):
    plan_id, second = _collecting(world, mollie)
    a = world.agency_a
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").status == 200
    # the first installment's 100.00 was on F1: crediting F1 moves it to F2 by art. 6:43
    # (law3 finding 4), which it pays: nothing is left to collect
    assert a.call("GET", "/v1/clients/C1/invoices/F2").body["status"] == "paid"
    run_day(world, date(2026, 3, 3))  # the plan is looked at daily while Mollie collects
    got = plan_of(world, plan_id)
    assert got["status"] == "completed" and got["total"] == "100.00"
    assert mollie.payments[second["id"]]["status"] == "canceled"
    assert _debit(world, plan_id, second["id"])["state"] == "withdrawn"
    assert webhook(world, second["id"]) == ["canceled"]
    assert actions(world, "plan_debit_failed") == []


def test_a_chargeback_of_a_surplus_collection_fails_no_paid_installment(world, mollie):
    plan_id, second = _collecting(world, mollie)
    mollie.settle(second["id"], "paid")
    webhook(world, second["id"])
    run_day(world, date(2026, 3, 31))
    third = mollie.posted("recurring")[1]
    mollie.to_bank(third["id"])
    pay(world, the_client(world), "bank-inst3", 10_000, date(2026, 4, 1))
    mollie.settle(third["id"], "paid")
    webhook(world, third["id"])
    assert len(actions(world, "plan_overpayment")) == 1
    # the debtor's bank takes the double collection back: the plan stays paid
    mollie.chargeback(third["id"])
    assert webhook(world, third["id"], times=2) == ["chargeback", "chargeback"]
    assert status(world, plan_id) == ("completed", [("paid", "100.00")] * 3)
    assert actions(world, "plan_debit_failed") == []
    assert _live_total(world) == 30_000
    # nothing is left to refund: the overpayment item is resolved, the history says why
    client = the_client(world)
    item, _ = world.services.repos.actions.get(
        client.client_id, f"plan-overpaid-{plan_id}-{third['id']}"
    )
    assert item.status.value == "resolved" and "took the payment back" in (item.resolution or "")
    assert "debit_returned" in _kinds(world, plan_id)


def test_a_breach_lets_the_collection_under_way_run_and_books_it(world, mollie):
    rules = {"tolerance_days": 0, "tolerance_amount": "0.01"}
    assert world.agency_a.call("PUT", "/v1/clients/C1/plan-rules", rules).status == 200
    plan_id, second = _collecting(world, mollie)
    run_day(world, date(2026, 3, 3))  # no grace: installment 2 unpaid a day late is a breach
    assert plan_of(world, plan_id)["status"] == "cancelled"
    assert mollie.payments[second["id"]]["status"] == "pending"  # not canceled: it pays arrears
    run_day(world, date(2026, 3, 4))  # nor by a later look (failure19 M1 asks only cancels asked)
    assert mollie.payments[second["id"]]["status"] == "pending"
    mollie.settle(second["id"], "paid")
    assert webhook(world, second["id"]) == ["paid"]
    assert booked(world, second["id"]).amount == 10_000 and _live_total(world) == 20_000
