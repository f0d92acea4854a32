"""A collection in our own pain.008 file for an installment the debtor paid by transfer
meanwhile is not collected twice (the same review as for Mollie, 2026-11-30): withdrawn from
its file before the file is made, or, once made, withdrawn with an action item to cancel it
at the bank; a partial transfer files the rest anew."""

from __future__ import annotations

from datetime import date

from shared.services.plans.direct_debit import CONTAINER
from tests.unit.plans.test_plan_service import BASE, make, pay, run_day, status
from tests.unit.plans.test_plan_service import plans as plans

MANDATE = {"mandate_id": "MND-D1-1", "signed_on": "2026-01-05",
           "iban": "NL91 ABNA 0417 1643 00", "name": "Debtor D1"}  # fmt: skip


def _filed(plans):
    world, client = plans
    a = world.agency_a
    a.call("PUT", "/v1/clients/C1/plan-rules", {"creditor_id": "NL69ZZZ123456780000"})
    plan_id = make(a, method="direct_debit", start="2026-01-26", installments=2).body["plan_id"]
    assert a.call("PUT", f"{BASE}/{plan_id}/mandate", MANDATE).status == 200
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    run_day(world, date(2026, 1, 21))  # filed five days before its date
    assert status(world, plan_id)[0] == "collection_in_progress"
    return world, client, plan_id


def _debits(world, plan_id):
    got = world.agency_a.call("GET", f"{BASE}/{plan_id}").body
    return [(d["installment"], d["amount"], d["state"]) for d in got["direct_debits"]]


def _live(world, client):
    return sum(p.amount for p in world.services.repos.payments.list(client.client_id)[0]
               if not p.reversed)  # fmt: skip


def test_a_transfer_before_the_file_is_made_withdraws_the_collection(plans):
    world, client, plan_id = _filed(plans)
    pay(world, client, "bank-1", 15_000, date(2026, 1, 22))
    assert _debits(world, plan_id) == [(1, "150.00", "withdrawn")]
    run_day(world, date(2026, 1, 24))  # the file day: nothing to collect
    assert [n for n in world.services.files.names(CONTAINER)] == []
    run_day(world, date(2026, 1, 26))
    assert status(world, plan_id)[1][0] == ("paid", "150.00")
    assert _live(world, client) == 15_000  # booked once: the transfer


def test_a_transfer_after_the_file_is_made_asks_staff_to_cancel_it_at_the_bank(plans):
    world, client, plan_id = _filed(plans)
    run_day(world, date(2026, 1, 24))
    assert len(world.services.files.names(CONTAINER)) == 1
    pay(world, client, "bank-1", 15_000, date(2026, 1, 25))
    assert _debits(world, plan_id) == [(1, "150.00", "withdrawn")]
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [x["kind"] for x in items].count("direct_debit_withdrawn") == 1
    run_day(world, date(2026, 1, 26))  # not booked as collected
    assert _live(world, client) == 15_000


def test_a_partial_transfer_files_the_rest_anew(plans):
    world, client, plan_id = _filed(plans)
    pay(world, client, "bank-1", 5_000, date(2026, 1, 22))
    assert _debits(world, plan_id) == [(1, "150.00", "withdrawn"), (1, "100.00", "submitted")]
    run_day(world, date(2026, 1, 24))
    run_day(world, date(2026, 1, 25))  # the rest's file: two days before its date
    run_day(world, date(2026, 1, 27))  # the rest's date: five days after the transfer
    assert status(world, plan_id)[1][0] == ("paid", "150.00")
    assert _live(world, client) == 15_000
