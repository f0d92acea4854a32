"""Less owed than a running plan asks (a write-off, a credit note, a waiver of its costs):
the plan keeps what was paid and lowers its open installments at its next look; a waiver of
costs lowers a principal-only plan not at all."""

from __future__ import annotations

from datetime import date

from tests.unit.plans.test_plan_service import BASE, make, pay, run_day, status
from tests.unit.plans.test_plan_service import plans as plans


def test_a_write_off_lowers_the_open_installments(plans):
    world, client = plans
    a = world.agency_a
    plan_id = make(a).body["plan_id"]  # 3 x 100.00 over F1 (200) and F2 (100), from 31 January
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    pay(world, client, "p1", 10_000, date(2026, 1, 30))
    off = a.call("POST", "/v1/clients/C1/invoices/F2/write-off", {"reason": "debtor in WSNP"})
    assert off.status == 200, off.body
    run_day(world, date(2026, 2, 25))  # the reminder day of installment 2
    got = a.call("GET", f"{BASE}/{plan_id}").body
    # 100.00 paid stays; F1's other 100.00 is what is still owed, over installments 2 and 3
    assert got["total"] == "200.00"
    assert [i["amount"] for i in got["installments"]] == ["100.00", "50.00", "50.00"]
    assert "lowered" in [e["kind"] for e in got["timeline"]]
    pay(world, client, "p2", 5_000, date(2026, 2, 27))
    pay(world, client, "p3", 5_000, date(2026, 3, 30))
    assert status(world, plan_id)[0] == "completed"


def test_a_credit_note_counts_and_an_unchanged_claim_changes_nothing(plans):
    world, _ = plans
    a = world.agency_a
    plan_id = make(a, include_costs=False).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    run_day(world, date(2026, 1, 28))
    assert a.call("GET", f"{BASE}/{plan_id}").body["total"] == "300.00"  # nothing changed
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").status == 200
    run_day(world, date(2026, 2, 25))
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["total"] == "100.00"
    assert sum(int(i["amount"].replace(".", "")) for i in got["installments"]) == 10_000
