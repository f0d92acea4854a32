"""A dispute on an invoice a running plan holds pauses the plan; its end resumes it with the
open installments moved on and the debtor told (review26 F4).

Before: neither the client's nor the agency's plan changed. The debtor who disputed read "U
hoeft nu niets te betalen", got the next installment's reminder, and the plan lapsed for a
breach while the dispute stood ("installments not paid within the tolerance").

Client C1's plan over F1 200.00 + F2 100.00, 3 x 100.00 due 31-1, 28-2 and 31-3-2026: F1
disputed on 20-1, the dispute resolved on 1-3 (40 days held). The agency's plan over case
invoice 24-0502, 3 x 384.97/384.97/384.99 due 10-3, 10-4 and 10-5-2025, the first paid:
disputed on 5-3, resolved on 20-4 (46 days)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tests.unit.plans.test_agency_plan import _at, _case, _pay, _plan
from tests.unit.plans.test_plan_service import BASE, make, run_day
from tests.unit.plans.test_plan_service import plans as plans


def _keys(world: Any, client_id: str, plan_id: str) -> list[str]:
    return [m.key for m, _ in world.services.messaging.outbox.with_prefix(
        client_id, f"plan|{plan_id}|")]  # fmt: skip


def test_a_dispute_pauses_the_clients_plan_and_its_end_resumes_it_with_dates_moved_on(plans):
    world, client = plans
    a = world.agency_a
    plan_id: str = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    world.clock.at = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    reply = a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": "never delivered"})
    assert reply.status == 200, reply.body
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["status"] == "paused", got["status"]
    assert got["reason"] == "dispute: F1 disputed since 2026-01-20"
    paused_key = f"plan|{plan_id}|dispute-paused|2026-01-20"
    assert paused_key in _keys(world, client.client_id, plan_id)
    told = world.services.messaging.content(client.client_id, paused_key)
    assert "bezwaar" in told.text or "disputed" in told.text, told.text

    # the days its installments fall due and their grace ends: no reminder, no lapse
    for day in (date(2026, 1, 28), date(2026, 1, 31), date(2026, 2, 8), date(2026, 2, 28)):
        sent = run_day(world, day)
        assert not [k for k in sent if "remind|" in k or "lapse" in k], (day, sent)
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "paused"

    world.clock.at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert a.call("POST", "/v1/clients/C1/invoices/F1/resolve-dispute").status == 200
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["status"] == "active", got
    # held 20-1 .. 1-3 (40 days): the first installment 31-1 -> 12-3, the others a month on
    assert [i["due_date"] for i in got["installments"]] == [
        "2026-03-12", "2026-04-12", "2026-05-12",
    ]  # fmt: skip
    resumed = [k for k in _keys(world, client.client_id, plan_id) if "dispute-resumed" in k]
    assert resumed == [f"plan|{plan_id}|dispute-resumed|20260312-20260412-20260512"]
    text = world.services.messaging.content(client.client_id, resumed[0]).text
    assert "12-03-2026" in text or "2026-03-12" in text or "12 maart" in text, text
    # the resolved request sent again changes nothing
    a.call("POST", "/v1/clients/C1/invoices/F1/resolve-dispute")
    again = a.call("GET", f"{BASE}/{plan_id}").body
    assert again["installments"][0]["due_date"] == "2026-03-12"


def test_a_dispute_pauses_the_agencys_plan_and_it_does_not_lapse(world: Any) -> None:
    case = _case(world)
    plan = _plan(world, case)
    tech_id = world.services.repos.clients.id_for_number("agency-a", "TECH")
    assert _pay(world, date(2025, 3, 10), 38_497, plan["payment_reference"], "E-1").booked == 1
    _at(world, date(2025, 3, 12))
    reply = world.agency_a.call(
        "POST", "/v1/clients/TECH/invoices/24-0502/dispute", {"reason": "never delivered"}
    )
    assert reply.status == 200, reply.body
    url = f"/v1/cases/{case}/plans/{plan['plan_id']}"
    assert world.agency_a.call("GET", url).body["status"] == "paused"
    for day in (date(2025, 4, 7), date(2025, 4, 10), date(2025, 4, 18)):
        _at(world, day)
        world.services.plans.process(tech_id, plan["plan_id"], day)
    after = world.agency_a.call("GET", url).body
    assert after["status"] == "paused", after.get("reason")
    items, _ = world.services.repos.actions.list("@agency-a")
    assert "plan_breached" not in [i.kind for i in items]

    _at(world, date(2025, 4, 20))
    reply = world.agency_a.call("POST", "/v1/clients/TECH/invoices/24-0502/resolve-dispute")
    assert reply.status == 200, reply.body
    after = world.agency_a.call("GET", url).body
    assert after["status"] == "active", after
    # held 12-3 .. 20-4 (39 days): the second installment 10-4 -> 19-5, the third a month on
    assert [i["due_date"] for i in after["installments"]] == [
        "2025-03-10", "2025-05-19", "2025-06-19",
    ]  # fmt: skip
    assert any("dispute-resumed" in k for k in _keys(world, tech_id, plan["plan_id"]))


def test_a_credit_that_ends_the_dispute_resumes_the_plan_over_what_is_left(plans):
    world, _ = plans
    a = world.agency_a
    plan_id: str = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    world.clock.at = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": "never delivered"})
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "paused"
    world.clock.at = datetime(2026, 1, 22, 9, 0, tzinfo=UTC)
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").status == 200
    got = a.call("GET", f"{BASE}/{plan_id}").body
    # F1 credited: the dispute is over, the plan runs on over F2's 100.00, moved on 2 days
    assert (got["status"], got["total"]) == ("active", "100.00"), got
    assert got["installments"][0]["due_date"] == "2026-02-02"
