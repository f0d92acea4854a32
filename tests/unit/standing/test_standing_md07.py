"""law11 #5: a plan's direct debit returned MD07 ("debtor deceased") was an ordinary miss: the
plan lapsed, the dead man was mailed the lapse, a reminder, an SMS and a 14-day letter, and
owed costs from it. Now the return proposes the standing deceased (an item for staff to
confirm), pauses the plan at once (its collections out of the files, no lapse mail) and the
run sends him nothing until a person decides."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from tests.unit.dunning.test_daily_run import TEMPLATES, WORKFLOW
from tests.unit.plans.test_plan_service import BASE, make, plans, run_day, status  # noqa: F401


def _plan_collected(world):
    a = world.agency_a
    for template_id, body in TEMPLATES.items():
        a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body)
    a.call("PUT", "/v1/clients/C1/workflows/particulier", WORKFLOW)
    a.call("POST", "/v1/clients/C1/workflows/particulier/activate")
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "particulier"}]})
    a.call("PUT", "/v1/clients/C1/plan-rules", {"creditor_id": "NL69ZZZ123456780000"})
    plan_id = make(a, method="direct_debit", start="2026-01-26", installments=2).body["plan_id"]
    mandate = {"mandate_id": "MND-D1-1", "signed_on": "2026-01-05",
               "iban": "NL91 ABNA 0417 1643 00", "name": "Debtor D1"}  # fmt: skip
    assert a.call("PUT", f"{BASE}/{plan_id}/mandate", mandate).status == 200
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    for d in (21, 24, 26):
        run_day(world, date(2026, 1, d))
    assert status(world, plan_id)[1][0][0] == "paid"
    e2e = a.call("GET", f"{BASE}/{plan_id}").body["direct_debits"][0]["end_to_end_id"]
    return plan_id, e2e


def _months(world, client):
    sent = []
    for m in range(2, 4):
        for day in range(1, 29):
            sent += run_day(world, date(2026, m, day))
            world.clock.at = datetime(2026, m, day, 7, 0, tzinfo=UTC)
            world.services.dunning.run_client(client.client_id, date(2026, m, day))
            sent += [
                json.loads(x.body)["key"]
                for x in world.services.messaging.queues.take("send-email")
            ]
            for channel in ("sms", "letter"):
                sent += [json.loads(x.body)["key"]
                         for x in world.services.messaging.queues.take(f"send-{channel}")]  # fmt: skip
    return sent


def _held(world, client, plan_id, sent):
    a = world.agency_a
    assert status(world, plan_id)[0] == "paused"
    debits = a.call("GET", f"{BASE}/{plan_id}").body["direct_debits"]
    assert [d["installment"] for d in debits] == [1], debits  # the 2nd never went into a file
    assert [k for k in sent if "|D1|" in k or f"plan|{plan_id}" in k] == []
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-28").body
    assert claim["costs_owed_from"] is None and claim["open"]["costs"] == "0.00", claim
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    proposed = [x for x in items if x["kind"] == "debtor_standing_proposed"]
    assert len(proposed) == 1 and "MD07" in proposed[0]["title"], proposed
    got = a.call("GET", "/v1/clients/C1/debtors/D1/standing").body
    assert (got["standing"], got["confirmed"]) == ("deceased", False), got
    return proposed[0]


def test_a_return_md07_proposes_deceased_and_holds_plan_and_dunning(plans):  # noqa: F811
    world, client = plans
    plan_id, e2e = _plan_collected(world)
    payment_id = world.services.repos.banking.payment_for(client.client_id, e2e)
    world.clock.at = datetime(2026, 1, 29, 10, 0, tzinfo=UTC)
    world.services.payments.reverse(client, payment_id, "returned by the bank (MD07)")
    assert status(world, plan_id)[0] == "paused"  # at once, not at the next run
    sent = []
    for day in range(29, 32):
        sent += run_day(world, date(2026, 1, day))
    sent += _months(world, client)
    item = _held(world, client, plan_id, sent)
    # staff confirm with the day he died: the proposal is resolved, the estate's item opens
    a = world.agency_a
    reply = a.call("POST", "/v1/clients/C1/debtors/D1/standing",
                   {"standing": "deceased", "since": "2026-01-20"})  # fmt: skip
    assert reply.status == 200 and reply.body["confirmed"] is True, reply.body
    items = {x["action_id"]: x for x in a.call("GET", "/v1/clients/C1/actions").body["items"]}
    assert items[item["action_id"]]["status"] == "resolved"
    assert any(x["kind"] == "debtor_standing" and "estate" in x["title"] for x in items.values())


def test_a_statement_return_md07_does_the_same(plans):  # noqa: F811
    world, client = plans
    plan_id, e2e = _plan_collected(world)
    world.clock.at = datetime(2026, 1, 29, 10, 0, tzinfo=UTC)
    assert world.services.plans.debit_came_back(client, e2e, "MD07") is not None
    assert status(world, plan_id)[0] == "paused"
    _held(world, client, plan_id, _months(world, client))


def test_another_return_reason_is_still_a_miss(plans):  # noqa: F811
    world, client = plans
    plan_id, e2e = _plan_collected(world)
    world.clock.at = datetime(2026, 1, 29, 10, 0, tzinfo=UTC)
    world.services.plans.debit_came_back(client, e2e, "AM04")  # insufficient funds
    assert status(world, plan_id)[0] not in ("paused", "cancelled")
    got = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/standing").body
    assert got["standing"] == "normal"


def test_a_paused_plans_lowering_is_not_mailed_to_the_deceased(plans):  # noqa: F811
    world, client = plans
    plan_id, e2e = _plan_collected(world)
    world.clock.at = datetime(2026, 1, 29, 10, 0, tzinfo=UTC)
    world.services.plans.debit_came_back(client, e2e, "MD07")
    credited = world.agency_a.call(
        "POST", "/v1/clients/C1/invoices/F2/credit", {"amount": "100.00", "reference": "CN-1"}
    )
    assert credited.status == 200, credited.body
    sent = run_day(world, date(2026, 1, 30)) + _months(world, client)
    total = world.agency_a.call("GET", f"{BASE}/{plan_id}").body["total"]
    assert total == "200.00"  # the plan followed the credit (lowered), still paused
    assert [k for k in sent if k.startswith(f"plan|{plan_id}")] == []
    outbox = world.services.messaging.outbox.with_prefix(client.client_id, f"plan|{plan_id}|")
    assert [m.key for m, _ in outbox if "lower" in m.key] == []
