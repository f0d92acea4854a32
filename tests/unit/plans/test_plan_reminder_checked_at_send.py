"""failure31 F1: a plan's installment reminder queued by the run (``remind|1@2026-01-31``,
three days ahead) waited for its send (contact hours, a provider's back-off, a poison replay);
meanwhile the debtor paid the installment, or the plan was cancelled. The reminder went out
all the same ("Wilt u dit bedrag overmaken"). It is checked again when it is handled: closed
unsent, with the reason on the message, the debtor's contact log and the plan's timeline.

Story of tests/unit/plans/test_plan_service.py: D1 F1 200.00 + F2 100.00, 3 x 100.00 from
31-1-2026, the reminder three days before each installment."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.messaging import OutboxStatus
from tests.unit.plans.test_plan_service import BASE, make, pay, run_day
from tests.unit.plans.test_plan_service import plans as plans

KEY = "plan|{}|remind|1@2026-01-31"


def _queued(world):  # type: ignore[no-untyped-def]
    a = world.agency_a
    a.call("PUT", "/v1/clients/C1/plan-rules", {"reminder_offset_days": -3})
    plan_id = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    world.services.messaging.queues.take("send-email")
    assert run_day(world, date(2026, 1, 28)) == [KEY.format(plan_id)]
    return plan_id


@pytest.mark.parametrize("meanwhile", ["nothing", "paid", "cancelled", "part-paid"])
def test_a_reminder_is_checked_when_it_is_sent(plans, meanwhile: str) -> None:
    world, client = plans
    plan_id = _queued(world)
    if meanwhile == "paid":
        pay(world, client, "p1", 10_000, date(2026, 1, 29))
    elif meanwhile == "part-paid":
        pay(world, client, "p1", 4_000, date(2026, 1, 29))
    elif meanwhile == "cancelled":
        world.clock.at = datetime(2026, 1, 29, 12, 0, tzinfo=UTC)
        cancelled = world.agency_a.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "akkoord"})
        assert cancelled.status == 200, cancelled.body
    world.clock.at = datetime(2026, 1, 29, 14, 0, tzinfo=UTC)
    messaging = world.services.messaging
    key = KEY.format(plan_id)
    outcome = messaging.deliver(client.client_id, key)
    found = messaging.outbox.get(client.client_id, key)
    assert found is not None
    record = found[0]
    if meanwhile in ("nothing", "part-paid"):
        assert record.status is OutboxStatus.SENT, (outcome, record.error)
        return
    assert outcome == "not due" and record.status is OutboxStatus.FAILED
    why = "installment 1 is paid" if meanwhile == "paid" else "the plan is cancelled"
    assert why in (record.error or "")
    assert messaging.deliver(client.client_id, key) == "done"  # redelivered: nothing again
    logged = [c.summary for c in world.services.repos.contacts.between(client.client_id)
              if why in c.summary]  # fmt: skip
    assert len(logged) == 1, logged
    timeline = world.services.plans.plans.timeline(client.client_id, plan_id)
    assert [e["text"] for e in timeline if e["kind"] == "reminder_not_sent"] == [
        f"Reminder for installment 1 not sent: {why}"
    ]


def test_the_reasons_read_in_dutch() -> None:
    from shared.api.console.contact_text import summary

    assert summary("email not sent: installment 1 is paid", "nl") == (
        "E-mail niet verstuurd: termijn 1 is betaald"
    )
    assert summary("letter not sent: the plan is cancelled", "nl").endswith(
        "niet verstuurd: de regeling is geannuleerd"
    )
