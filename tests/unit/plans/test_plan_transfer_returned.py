"""A transfer that paid a plan's installment comes back (the bank returns it, the creditor
refunds it, staff reverse it): the debtor is told that day what is open again and by when,
and the installment's grace runs from that day, as for a direct debit that came back
(docs/law.md, "a plan's direct debit that comes back"; law14b C). Money received while a plan
over the principal held the claim stays on the principal when the return allocates it again
(law16 F4).

Hand: consumer F1 1,000.00, 14-day letter 5-1-2026 (costs 150.00 from 22-1); plan over the
principal agreed 8-1: 500.00 on 31-1 and 28-2, both paid on their day by transfer (p0, p1):
completed, costs 0.00. On 10-3 p0 comes back. Before: the run of 11-3 lapsed the plan (no
notice, no grace), costs 75.00 from 11-3, and p1 was allocated again 11.29 interest, 488.71
principal. Now: told on 10-3 "installment 2: 500.00 by 17-03-2026" (10-3 + 7 days' grace), the
plan runs to 17-3 and lapses on 18-3 when nothing came; p1 stays 500.00 on the principal."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from tests.unit.plans.test_plan_service import BASE, run_day
from tests.unit.plans.test_principal_plan_costs import _pay, _plan_on


def _paid_and_returned(world):
    a, client, plan_id = _plan_on(world, date(2026, 1, 8))
    for n, on in enumerate((date(2026, 1, 31), date(2026, 2, 28))):
        _pay(world, client, f"p{n}", 50_000, on)
        run_day(world, on)
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "completed"
    world.clock.at = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    world.services.payments.reverse(client, "p0", "bank return (AC06)", date(2026, 3, 10))
    return a, client, plan_id


def test_the_debtor_is_told_the_same_day_and_gets_the_grace_from_then(world):
    a, client, plan_id = _paid_and_returned(world)
    key = f"plan|{plan_id}|came-back|2026-03-10"
    queued = world.services.messaging.queues.take("send-email")
    assert [json.loads(m.body)["key"] for m in queued] == [key]
    # sent (a notice still PENDING has its job queued again by the next look: failure18)
    assert world.services.messaging.deliver(client.client_id, key) == "sent"
    text = world.services.messaging.content(client.client_id, key).text
    assert "Termijn 2: € 500,00, uiterlijk op 17-03-2026" in text, text
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["status"] == "overdue"
    assert run_day(world, date(2026, 3, 11)) == []  # nothing lapses, nothing is sent twice
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-11").body
    assert claim["open"]["costs"] == "0.00", claim
    run_day(world, date(2026, 3, 17))
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "overdue"
    sent = run_day(world, date(2026, 3, 18))
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "cancelled"
    assert any(k.startswith(f"plan|{plan_id}|lapsed-") for k in sent), sent


def test_money_received_under_the_plan_stays_on_the_principal(world):
    a, _, plan_id = _paid_and_returned(world)
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2026-03-10").body
    assert claim["paid"]["principal"] == "500.00" and claim["paid"]["interest"] == "0.00", claim
    assert claim["open"]["principal"] == "500.00"
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert [(i["status"], i["paid"]) for i in got["installments"]] == [
        ("paid", "500.00"), ("overdue", "0.00")]  # fmt: skip
