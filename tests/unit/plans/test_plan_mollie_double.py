# ruff: noqa: F811  (the fixtures world and mollie are imported from test_plan_mollie)
"""An installment paid by bank transfer (or a payment link in the portal) after its Mollie
recurring payment was made is not collected twice (review of 2026-11-30): the first money
books, the recurring payment is canceled through Mollie while ``isCancelable`` allows it;
one Mollie no longer lets go of is booked when paid and its surplus goes to the next
installment or, with nothing left, to staff as an overpayment (a refund decision), the
reasons in the plan's history. Over months with the clock, against the local Mollie (which
enforces the cancel endpoint: 404 unknown, 422 not cancelable), at least once: webhooks
twice, the cancel call's response lost, Mollie out of reach."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest

from shared.adapters.mollie import MollieClient, MollieError
from tests.unit.plans.test_plan_mollie import (  # noqa: F401 (fixtures)
    actions,
    booked,
    mollie,
    plan_of,
    the_client,
    webhook,
    world,
)
from tests.unit.plans.test_plan_service import BASE, make, pay, run_day, status


def _collecting(world, mollie):
    """A 3 x 100.00 plan whose first installment was paid through Mollie's checkout and
    whose second is being collected: a recurring payment made on 2 March 2026."""
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    (first,) = mollie.posted("first")
    mollie.settle(first["id"], "paid")
    assert webhook(world, first["id"]) == ["paid"]
    run_day(world, date(2026, 3, 2))
    (second,) = mollie.posted("recurring")
    assert status(world, plan_id)[0] == "collection_in_progress"
    return plan_id, second


def _kinds(world, plan_id):
    return [e["kind"] for e in plan_of(world, plan_id)["timeline"]]


def _debit(world, plan_id, payment_id):
    return next(
        d for d in plan_of(world, plan_id)["direct_debits"] if d["end_to_end_id"] == payment_id
    )


def _live_total(world):
    pays = world.services.repos.payments.list(the_client(world).client_id)[0]
    return sum(p.amount for p in pays if not p.reversed)


def test_a_transfer_cancels_the_recurring_payment_and_the_plan_runs_on(world, mollie):
    plan_id, second = _collecting(world, mollie)
    # the debtor transfers installment 2 the next day, while Mollie's debit is still pending
    pay(world, the_client(world), "bank-inst2", 10_000, date(2026, 3, 3))
    assert mollie.payments[second["id"]]["status"] == "canceled"  # canceled through Mollie
    assert len(mollie.server.requests("DELETE", f"/v2/payments/{second['id']}")) == 1
    assert _debit(world, plan_id, second["id"])["state"] == "withdrawn"
    state, installments = status(world, plan_id)
    assert state == "active" and installments[1] == ("paid", "100.00")
    assert "debit_canceled" in _kinds(world, plan_id)
    # Mollie reports the cancel, twice: the installment does not fail, nothing is booked
    assert webhook(world, second["id"], times=2) == ["canceled", "canceled"]
    assert status(world, plan_id)[1][1] == ("paid", "100.00")
    assert actions(world, "plan_debit_failed") == [] and booked(world, second["id"]) is None
    # installment 3 is collected on its date as usual, and the plan completes
    run_day(world, date(2026, 3, 31))
    third = mollie.posted("recurring")[1]
    assert third["metadata"]["installment"] == 3 and third["amount"]["value"] == "100.00"
    mollie.settle(third["id"], "paid")
    webhook(world, third["id"])
    assert status(world, plan_id) == ("completed", [("paid", "100.00")] * 3)
    assert _live_total(world) == 30_000  # 300.00 owed, 300.00 taken: nothing twice
    assert actions(world, "plan_overpayment") == []


@pytest.mark.parametrize("told_by", ["webhook", "run"])
def test_a_cancel_whose_response_is_lost_is_recognised(world, mollie, told_by):
    plan_id, second = _collecting(world, mollie)
    mollie.lose_response.append("DELETE")  # Mollie cancels; the answer never reaches us
    pay(world, the_client(world), "bank-inst2", 10_000, date(2026, 3, 3))  # booking goes on
    assert mollie.payments[second["id"]]["status"] == "canceled"
    assert _debit(world, plan_id, second["id"])["state"] == "submitted"
    assert "debit_cancel_failed" in _kinds(world, plan_id)
    if told_by == "webhook":
        # "canceled" after we asked is a withdrawal, not a failed collection
        assert webhook(world, second["id"], times=2) == ["canceled", "canceled"]
    else:  # the webhook is lost too: the next run asks Mollie
        run_day(world, date(2026, 3, 4))
    assert _debit(world, plan_id, second["id"])["state"] == "withdrawn"
    assert status(world, plan_id)[1][1] == ("paid", "100.00")
    assert (
        actions(world, "plan_debit_failed") == [] and actions(world, "plan_mandate_invalid") == []
    )
    assert len(mollie.posted("recurring")) == 1


def test_mollie_out_of_reach_at_the_transfer_is_asked_again_by_the_next_run(world, mollie):
    plan_id, second = _collecting(world, mollie)
    mollie.down = True
    pay(world, the_client(world), "bank-inst2", 10_000, date(2026, 3, 3))  # booked all the same
    assert mollie.payments[second["id"]]["status"] == "pending"
    mollie.down = False
    run_day(world, date(2026, 3, 4))
    assert mollie.payments[second["id"]]["status"] == "canceled"
    assert _debit(world, plan_id, second["id"])["state"] == "withdrawn"


def test_a_debit_sent_to_the_bank_is_booked_and_its_surplus_pays_the_next_installment(
    world, mollie
):
    plan_id, second = _collecting(world, mollie)
    mollie.to_bank(second["id"])  # no longer cancelable
    pay(world, the_client(world), "bank-inst2", 10_000, date(2026, 3, 3))
    deletes = mollie.server.requests("DELETE", f"/v2/payments/{second['id']}")
    assert len(deletes) == 1 and mollie.payments[second["id"]]["status"] == "pending"
    assert "debit_not_canceled" in _kinds(world, plan_id)
    run_day(world, date(2026, 3, 4))  # refused once: not asked again every day
    assert len(mollie.server.requests("DELETE", f"/v2/payments/{second['id']}")) == 1
    # the debit is collected after all: booked once, the surplus pays installment 3
    mollie.settle(second["id"], "paid")
    assert webhook(world, second["id"], times=2) == ["paid", "paid"]
    assert booked(world, second["id"]).amount == 10_000
    assert status(world, plan_id) == ("completed", [("paid", "100.00")] * 3)
    timeline = plan_of(world, plan_id)["timeline"]
    (surplus,) = [e["text"] for e in timeline if e["kind"] == "surplus"]
    assert "10000 cents goes to the next installment" in surplus and second["id"] in surplus
    run_day(world, date(2026, 3, 31))  # installment 3 is paid: nothing more is collected
    assert len(mollie.posted("recurring")) == 1
    assert actions(world, "plan_overpayment") == []


def test_a_last_installment_collected_twice_is_an_overpayment_for_staff(world, mollie):
    plan_id, second = _collecting(world, mollie)
    mollie.settle(second["id"], "paid")
    webhook(world, second["id"])
    run_day(world, date(2026, 3, 31))
    third = mollie.posted("recurring")[1]
    mollie.to_bank(third["id"])
    pay(world, the_client(world), "bank-inst3", 10_000, date(2026, 4, 1))  # the last one
    assert status(world, plan_id)[0] == "completed"
    assert "debit_not_canceled" in _kinds(world, plan_id)
    world.clock.at = datetime(2026, 4, 3, 9, 0, tzinfo=UTC)
    mollie.settle(third["id"], "paid")
    assert webhook(world, third["id"], times=2) == ["paid", "paid"]
    (item,) = actions(world, "plan_overpayment")  # one, however often the webhook comes
    assert (
        item["detail"] | {"plan_id": plan_id, "overpaid": 10_000, "decision": "refund"}
        == (item["detail"])
    )
    assert "refund" in item["title"] and third["id"] in item["title"]
    assert status(world, plan_id) == ("completed", [("paid", "100.00")] * 3)
    (surplus,) = [e["text"] for e in plan_of(world, plan_id)["timeline"] if e["kind"] == "surplus"]
    assert "overpayment on the action list" in surplus
    assert booked(world, third["id"]).unallocated == 10_000


def test_the_whole_claim_paid_through_the_portal_link_cancels_the_debit(world, mollie):
    plan_id, second = _collecting(world, mollie)
    client = the_client(world)
    online = world.services.online_payments
    started = online.start(client, "D1", ["F1", "F2"], "https://portal.example/back")
    assert mollie.payments[started.payment_id]["amount"]["value"] == "200.00"
    mollie.settle(started.payment_id, "paid")
    assert webhook(world, started.payment_id) == ["paid"]
    assert mollie.payments[second["id"]]["status"] == "canceled"
    assert status(world, plan_id) == ("completed", [("paid", "100.00")] * 3)
    assert webhook(world, second["id"]) == ["canceled"]
    assert _live_total(world) == 30_000 and actions(world, "plan_debit_failed") == []


def test_the_cancel_endpoint_against_the_local_mollie(mollie):
    client = MollieClient(mollie.api_key, base_url=mollie.url, http=httpx.Client())
    assert client.cancel_payment("tr_unknown1") is None  # 404
    customer = client.create_customer(name="D1", email=None, metadata={}, idempotency_key="k-c")
    first = client.create_payment(amount=1_000, description="x", redirect_url="https://x/r",
                                  webhook_url=None, metadata={}, customer_id=customer,
                                  sequence_type="first")  # fmt: skip
    mollie.settle(first.payment_id, "paid")
    mandate = mollie.payments[first.payment_id]["mandateId"]
    made = [client.create_payment(amount=1_000, description="x", redirect_url=None, webhook_url=None,
                                  metadata={}, customer_id=customer, sequence_type="recurring",
                                  mandate_id=mandate) for _ in range(2)]  # fmt: skip
    assert all(m.status == "pending" and m.is_cancelable for m in made)
    canceled = client.cancel_payment(made[0].payment_id)
    assert canceled is not None and canceled.status == "canceled" and not canceled.is_cancelable
    with pytest.raises(MollieError) as again:  # a canceled payment cannot be canceled again
        client.cancel_payment(made[0].payment_id)
    assert again.value.status == 422
    mollie.to_bank(made[1].payment_id)
    sent_payment = client.get_payment(made[1].payment_id)
    assert sent_payment is not None and sent_payment.is_cancelable is False
    with pytest.raises(MollieError) as sent:
        client.cancel_payment(made[1].payment_id)
    assert sent.value.status == 422
    with pytest.raises(MollieError):  # a paid payment is not cancelable either
        client.cancel_payment(first.payment_id)
    with pytest.raises(ValueError):  # and a canceled one never becomes paid
        mollie.settle(made[0].payment_id, "paid")


def test_a_transfer_that_comes_back_after_the_cancel_is_collected_again(world, mollie):
    plan_id, second = _collecting(world, mollie)
    pay(world, the_client(world), "bank-inst2", 10_000, date(2026, 3, 3))
    assert mollie.payments[second["id"]]["status"] == "canceled"
    webhook(world, second["id"])
    # the bank returns the transfer (another payer's money): installment 2 is open again
    world.services.payments.reverse(the_client(world), "bank-inst2", "returned by the bank")
    assert status(world, plan_id)[1][1][1] == "0.00"
    run_day(world, date(2026, 3, 4))  # a new recurring payment, a new attempt
    again = mollie.posted("recurring")[1]
    assert again["metadata"]["installment"] == 2 and again["metadata"]["attempt"] == 2
    mollie.settle(again["id"], "paid")
    webhook(world, again["id"])
    assert status(world, plan_id)[1][1] == ("paid", "100.00")
    assert _live_total(world) == 20_000


def test_a_first_payment_paid_after_a_transfer_moves_its_surplus_on(world, mollie):
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    (first,) = mollie.posted("first")
    pay(world, the_client(world), "bank-inst1", 10_000, date(2026, 1, 6))
    # the first payment brings the mandate: its checkout is not canceled, and it is paid too
    assert mollie.payments[first["id"]]["status"] == "open"
    mollie.settle(first["id"], "paid")
    assert webhook(world, first["id"], times=2) == ["paid", "paid"]
    got = plan_of(world, plan_id)
    assert got["mandate"]["mandate_id"] == first["mandateId"]
    assert [i["status"] for i in got["installments"]] == ["paid", "paid", "open"]
    (surplus,) = [e["text"] for e in got["timeline"] if e["kind"] == "surplus"]
    assert "10000 cents goes to the next installment" in surplus
    run_day(world, date(2026, 3, 2))  # installment 2 is paid: nothing collected
    assert mollie.posted("recurring") == []
    run_day(world, date(2026, 3, 31))
    (third,) = mollie.posted("recurring")
    assert third["metadata"]["installment"] == 3


def test_a_partial_transfer_replaces_the_payment_by_one_for_the_rest(world, mollie):
    plan_id, second = _collecting(world, mollie)
    pay(world, the_client(world), "bank-part", 4_000, date(2026, 3, 3))  # 40.00 of 100.00
    assert mollie.payments[second["id"]]["status"] == "canceled"
    rest = mollie.posted("recurring")[1]  # at once: the rest, as a new attempt
    assert rest["amount"]["value"] == "60.00" and rest["metadata"]["attempt"] == 2
    assert webhook(world, second["id"], times=2) == ["canceled", "canceled"]
    pay(world, the_client(world), "bank-part", 4_000, date(2026, 3, 3))  # redelivered: nothing
    assert len(mollie.posted("recurring")) == 2
    mollie.settle(rest["id"], "paid")
    webhook(world, rest["id"])
    assert status(world, plan_id)[1][:2] == [("paid", "100.00"), ("paid", "100.00")]
    assert "surplus" not in _kinds(world, plan_id) and _live_total(world) == 20_000


def test_a_partial_credit_note_lowers_the_payment_under_way(world, mollie):
    plan_id, second = _collecting(world, mollie)
    a = world.agency_a
    assert a.call("POST", "/v1/clients/C1/invoices/F2/credit").status == 200  # 100.00 of 300.00
    run_day(world, date(2026, 3, 3))
    got = plan_of(world, plan_id)
    assert got["total"] == "200.00" and got["installments"][1]["amount"] == "50.00"
    assert mollie.payments[second["id"]]["status"] == "canceled"
    lower = mollie.posted("recurring")[1]
    assert lower["amount"]["value"] == "50.00" and lower["metadata"]["installment"] == 2
