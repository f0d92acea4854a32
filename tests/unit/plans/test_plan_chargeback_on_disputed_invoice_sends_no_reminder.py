"""review28 F1: a chargeback of the money that paid a disputed invoice of a running plan in
full asked the debtor to pay and told him he need not, in one minute. The reversal was taken
in by the plan as running (``remind|1@...``: "Wilt u dit bedrag overmaken") before the revived
dispute paused it (``dispute-paused``: "U hoeft nu niets te betalen"); with a Mollie plan the
same look posted a recurring collection on the disputed invoice. Every look of a running plan
now pauses it first when one of its invoices is disputed."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from tests.unit.plans.test_plan_service import BASE, make, pay, run_day, status
from tests.unit.plans.test_plan_service import plans as plans


def test_a_chargeback_reviving_a_dispute_pauses_the_plan_without_a_reminder(plans):
    world, client = plans
    a = world.agency_a
    plan_id = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    world.clock.at = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    assert a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": "kapot"}).status == 200
    pay(world, client, "p1", 20_000, date(2026, 1, 25), invoices=("F1",))  # F1 paid: resumed
    run_day(world, date(2026, 1, 26))
    world.services.messaging.queues.take("send-email")  # what went before the chargeback

    world.clock.at = datetime(2026, 2, 5, 9, 0, tzinfo=UTC)
    world.services.payments.reverse(client, "p1", "MD06 refund request", date(2026, 2, 5))

    queued = [json.loads(m.body)["key"] for m in world.services.messaging.queues.take("send-email")]
    assert not [k for k in queued if "|remind|" in k], queued  # was remind|1@2026-02-05
    assert any("|dispute-paused|" in k for k in queued), queued
    assert status(world, plan_id)[0] == "paused"
