# ruff: noqa: F811  (the fixtures world and mollie are imported from test_plan_mollie)
"""Money a Mollie plan collection must never lose or keep wrongly (review of 2026-11-30):
a recurring payment Mollie made but the plan never recorded (a crash or a concurrent change
after the call) is adopted from our own collection rows and booked; a mandate recorded as
pending is asked again before an installment is refused."""

from __future__ import annotations

from datetime import date

import pytest

from shared.services.plans import mollie_collection, mollie_plans
from shared.services.plans.mollie_collection import COLLECTIONS
from tests.unit.plans.test_plan_mollie import (  # noqa: F401 (fixtures)
    booked,
    mollie,
    plan_of,
    the_client,
    webhook,
    world,
)
from tests.unit.plans.test_plan_service import BASE, make, pay, run_day


def _start(world, mollie):
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    (first,) = mollie.posted("first")
    mollie.settle(first["id"], "paid")
    assert webhook(world, first["id"]) == ["paid"]
    return plan_id, first


def test_a_recurring_payment_made_before_a_crash_is_booked_though_a_transfer_paid_its_installment(
    world, mollie, monkeypatch
):
    plan_id, _ = _start(world, mollie)
    real = mollie_plans.MolliePlanDesk.submit
    crashed = {"n": 0}

    def crashing(self, client, plan, today):
        out = real(self, client, plan, today)
        if not crashed["n"] and any(not d.first for d in out.debits):
            crashed["n"] = 1
            raise ConnectionError("worker died after Mollie made the payment")
        return out

    monkeypatch.setattr(mollie_plans.MolliePlanDesk, "submit", crashing)
    with pytest.raises(ConnectionError):
        run_day(world, date(2026, 3, 2))
    (second,) = mollie.posted("recurring")  # Mollie executes it at once
    pay(world, the_client(world), "bank-x", 10_000, date(2026, 3, 2))  # and the debtor transfers
    run_day(world, date(2026, 3, 2))  # the redelivered job: installment 2 is paid, skipped
    mollie.settle(second["id"], "paid")
    assert webhook(world, second["id"], times=2) == ["paid", "paid"]
    got = booked(world, second["id"])
    assert got is not None and got.amount == 10_000 and not got.reversed
    debits = plan_of(world, plan_id)["direct_debits"]
    assert [(d["installment"], d["end_to_end_id"], d["state"]) for d in debits][-1] == (
        2,
        second["id"],
        "collected",
    )
    assert len(mollie.posted("recurring")) == 1


def test_the_daily_run_adopts_a_payment_whose_webhook_was_lost(world, mollie, monkeypatch):
    plan_id, _ = _start(world, mollie)
    real = mollie_plans.MolliePlanDesk.submit
    crashed = {"n": 0}

    def crashing(self, client, plan, today):
        out = real(self, client, plan, today)
        if not crashed["n"] and any(not d.first for d in out.debits):
            crashed["n"] = 1
            raise ConnectionError("worker died")
        return out

    monkeypatch.setattr(mollie_plans.MolliePlanDesk, "submit", crashing)
    with pytest.raises(ConnectionError):
        run_day(world, date(2026, 3, 2))
    (second,) = mollie.posted("recurring")
    pay(world, the_client(world), "bank-x", 10_000, date(2026, 3, 2))
    mollie.settle(second["id"], "paid")  # no webhook ever comes
    run_day(world, date(2026, 3, 2))
    run_day(world, date(2026, 3, 31))
    got = booked(world, second["id"])
    assert got is not None and got.amount == 10_000
    assert second["id"] in [d["end_to_end_id"] for d in plan_of(world, plan_id)["direct_debits"]]


def test_a_crash_before_the_payment_id_is_written_is_found_by_the_run(world, mollie, monkeypatch):
    """Mollie answered, we wrote nothing after the call (no webhook row, no payment id): the
    run asks Mollie for the customer's payment carrying the collection's key."""
    plan_id, _ = _start(world, mollie)
    real = mollie_collection.MollieCollections._record
    lost = {"n": 0}

    def lost_write(self, client, plan, rk, payment, number, attempt, first):
        if not first and not lost["n"]:
            lost["n"] = 1
            raise ConnectionError("worker died before recording the payment")
        return real(self, client, plan, rk, payment, number, attempt, first)

    monkeypatch.setattr(mollie_collection.MollieCollections, "_record", lost_write)
    with pytest.raises(ConnectionError):
        run_day(world, date(2026, 3, 2))
    (second,) = mollie.posted("recurring")
    pay(world, the_client(world), "bank-x", 10_000, date(2026, 3, 2))
    mollie.settle(second["id"], "paid")
    assert webhook(world, second["id"]) == []  # nothing of ours names it yet: not queued
    run_day(world, date(2026, 3, 31))  # the plan's next date: asked about the row first
    got = booked(world, second["id"])
    assert got is not None and got.amount == 10_000
    pk = f"{the_client(world).client_id}|{plan_id}"
    row = world.services.repos.store.get(COLLECTIONS, pk, "002|01")
    assert row is not None and row.data["PaymentId"] == second["id"]
    installments = [p["metadata"]["installment"] for p in mollie.posted("recurring")]
    assert installments.count(2) == 1


def test_a_plan_cancelled_while_the_run_calls_mollie_still_books_the_money(
    world, mollie, monkeypatch
):
    plan_id, _ = _start(world, mollie)
    real = mollie_collection.MollieCollections.collect
    done = {"n": 0}

    def racing(self, client, plan, **kw):
        made = real(self, client, plan, **kw)
        if not kw["first"] and not done["n"]:
            done["n"] = 1  # staff cancel the plan between Mollie's answer and the run's save
            world.services.plans.cancel(client, plan.plan_id, "debtor asked", "staff")
        return made

    monkeypatch.setattr(mollie_collection.MollieCollections, "collect", racing)
    run_day(world, date(2026, 3, 2))
    (second,) = mollie.posted("recurring")
    assert plan_of(world, plan_id)["status"] == "cancelled"
    mollie.settle(second["id"], "paid")
    assert webhook(world, second["id"], times=2) == ["paid", "paid"]
    got = booked(world, second["id"])
    assert got is not None and got.amount == 10_000 and not got.reversed


def test_a_payment_of_another_customer_is_not_adopted(world, mollie):
    plan_id, _ = _start(world, mollie)
    services = world.services
    client = the_client(world)
    plan = services.plans.get(client, plan_id)
    made = services.plans.mollie.collect(
        client, plan, number=2, attempt=1, amount=10_000, first=False, debtor=None
    )
    mollie.payments[made.payment_id]["customerId"] = "cst_someoneelse"
    mollie.settle(made.payment_id, "paid")
    assert webhook(world, made.payment_id) == ["unknown"]
    assert booked(world, made.payment_id) is None


def _live(world):
    pays = world.services.repos.payments.list(the_client(world).client_id)[0]
    return sorted(
        (p.payment_id, p.amount)
        for p in pays
        if not p.reversed and p.payment_id.startswith("mollie-")
    )


def test_a_plan_payment_refunded_in_two_steps_ends_with_nothing_booked(world, mollie):
    plan_id, first = _start(world, mollie)
    p = mollie.payments[first["id"]]
    p["amountRefunded"] = {"currency": "EUR", "value": "30.00"}
    assert webhook(world, first["id"], times=2) == ["refund", "refund"]
    assert _live(world) == [(f"mollie-{first['id']}-r3000", 7000)]
    p["amountRefunded"] = {"currency": "EUR", "value": "100.00"}  # the rest refunded later
    assert webhook(world, first["id"], times=2) == ["refund", "refund"]
    assert _live(world) == []
    assert plan_of(world, plan_id)["installments"][0]["paid"] == "0.00"


def test_a_chargeback_after_a_partial_refund_of_a_plan_payment_leaves_nothing_booked(world, mollie):
    _, first = _start(world, mollie)
    mollie.payments[first["id"]]["amountRefunded"] = {"currency": "EUR", "value": "30.00"}
    webhook(world, first["id"])
    assert _live(world) == [(f"mollie-{first['id']}-r3000", 7000)]
    mollie.payments[first["id"]]["amountChargedBack"] = {"currency": "EUR", "value": "70.00"}
    webhook(world, first["id"], times=2)
    assert _live(world) == []


def _pending_mandate(world, mollie):
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    (first,) = mollie.posted("first")
    mollie.settle(first["id"], "paid")
    mandate_id = mollie.payments[first["id"]]["mandateId"]
    mollie.mandates[mandate_id]["status"] = "pending"
    webhook(world, first["id"])
    assert plan_of(world, plan_id)["mandate"]["status"] == "pending"
    return plan_id, mandate_id


def test_a_mandate_recorded_pending_is_asked_again_before_an_installment_is_refused(world, mollie):
    plan_id, mandate_id = _pending_mandate(world, mollie)
    mollie.mandates[mandate_id]["status"] = "valid"  # Mollie validated it afterwards
    run_day(world, date(2026, 3, 2))
    got = plan_of(world, plan_id)
    assert got["mandate"]["status"] == "valid"
    assert [p["metadata"]["installment"] for p in mollie.posted("recurring")] == [2]
    assert got["installments"][1]["status"] != "failed"


def test_a_pending_mandate_is_collected_on(world, mollie):
    plan_id, _ = _pending_mandate(world, mollie)
    run_day(world, date(2026, 3, 2))
    assert [p["metadata"]["installment"] for p in mollie.posted("recurring")] == [2]
    assert plan_of(world, plan_id)["installments"][1]["status"] != "failed"


def test_a_mandate_mollie_no_longer_holds_still_fails_the_installment(world, mollie):
    plan_id, mandate_id = _pending_mandate(world, mollie)
    mollie.mandates[mandate_id]["status"] = "invalid"
    run_day(world, date(2026, 3, 2))
    got = plan_of(world, plan_id)
    assert mollie.posted("recurring") == [] and got["installments"][1]["status"] == "failed"


def test_a_chargeback_the_bank_reverses_is_booked_again(world, mollie):
    plan_id, first = _start(world, mollie)
    mollie.chargeback(first["id"])
    assert webhook(world, first["id"]) == ["chargeback"]
    assert _live(world) == []
    # the chargeback is reversed by the bank: the money is the creditor's again
    mollie.payments[first["id"]].pop("amountChargedBack", None)
    for c in mollie.chargebacks[first["id"]]:
        c["reversedAt"] = "2026-03-20T10:00:00.0Z"
    assert webhook(world, first["id"], times=2) == ["paid", "paid"]
    assert _live(world) == [(f"mollie-{first['id']}-r0", 10_000)]
    got = plan_of(world, plan_id)
    assert got["installments"][0]["status"] == "paid"
    assert got["direct_debits"][0]["state"] == "collected"
    # a second chargeback takes it back again (a new one in Mollie's list)
    mollie.chargeback(first["id"])
    webhook(world, first["id"])
    assert _live(world) == []


def test_an_installment_whose_payment_may_exist_is_not_failed(world, mollie, monkeypatch):
    """Mollie made the payment, our write after the call was lost and the customer's list
    does not show it; the debtor then paid part by bank, so the next call sends the same key
    with another amount and Mollie answers 400 ("already been used"): unknown, not failed."""
    plan_id, _ = _start(world, mollie)
    real = mollie_collection.MollieCollections._record
    lost = {"n": 0}

    def lost_write(self, client, plan, rk, payment, number, attempt, first):
        if not first and not lost["n"]:
            lost["n"] = 1
            raise ConnectionError("worker died before recording the payment")
        return real(self, client, plan, rk, payment, number, attempt, first)

    monkeypatch.setattr(mollie_collection.MollieCollections, "_record", lost_write)
    with pytest.raises(ConnectionError):
        run_day(world, date(2026, 3, 2))
    (second,) = mollie.posted("recurring")
    mollie.payments[second["id"]]["metadata"] = {}  # not found among the customer's payments
    pay(world, the_client(world), "bank-x", 5_000, date(2026, 3, 2))
    run_day(world, date(2026, 3, 2))
    got = plan_of(world, plan_id)
    assert got["installments"][1]["status"] != "failed"
    assert not [x for x in got["direct_debits"] if x["state"] == "returned"]
    assert len(mollie.posted("recurring")) == 1
