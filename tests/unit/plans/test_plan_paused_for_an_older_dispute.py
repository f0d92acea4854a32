"""plans27 left: a plan running over an invoice disputed before plans27's deploy (no dispute
event reached it) kept running: it reminded and lapsed while the debtor read "U hoeft nu niets
te betalen", and the upgrade note asked the operator to pause such plans by hand. Now the daily
run heals it: a running plan with a disputed invoice is paused as if the dispute had just been
filed (reason ``dispute: F1 disputed since <the run's day>``, collections withdrawn, the debtor
told once), and the dispute's end resumes it as any dispute-paused plan.

The older dispute is made as the code before plans27 made it: the invoice disputed, no plan
told (the invoice service without its plan hook)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tests.unit.plans.test_plan_service import BASE, make, run_day
from tests.unit.plans.test_plan_service import plans as plans


def _keys(world: Any, client_id: str, plan_id: str, what: str) -> list[str]:
    return [m.key for m, _ in world.services.messaging.outbox.with_prefix(
        client_id, f"plan|{plan_id}|{what}")]  # fmt: skip


def test_the_daily_run_pauses_a_plan_over_an_invoice_disputed_before_and_tells_once(plans):
    world, client = plans
    a = world.agency_a
    plan_id: str = make(a).body["plan_id"]  # 3 x 100.00 due 31-1, 28-2 and 31-3-2026
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    world.clock.at = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    status = world.services.invoice_status
    hook, status.plan_dispute_listener = status.plan_dispute_listener, None  # the code before
    reply = a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": "never delivered"})
    status.plan_dispute_listener = hook
    assert reply.status == 200, reply.body
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "active"  # as left before

    sent = run_day(world, date(2026, 1, 28))  # installment 1's reminder day
    assert not [k for k in sent if "remind|" in k], sent  # was: remind|1@2026-01-31 went
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert (got["status"], got["reason"]) == ("paused", "dispute: F1 disputed since 2026-01-28")
    paused = f"plan|{plan_id}|dispute-paused|2026-01-28"
    assert _keys(world, client.client_id, plan_id, "dispute-paused") == [paused]
    # the same day's job redelivered, and the days its installments fall due: told once, no
    # reminder, no lapse
    for day in (date(2026, 1, 28), date(2026, 1, 31), date(2026, 2, 8), date(2026, 2, 28)):
        sent = run_day(world, day)
        assert not [k for k in sent if "remind|" in k or "lapse" in k], (
            day,
            sent,
        )  # was: lapsed 8-2
    assert _keys(world, client.client_id, plan_id, "dispute-paused") == [paused]
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "paused"

    # its end resumes it, the open installments moved on by the 32 days held (28-1 .. 1-3)
    world.clock.at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert a.call("POST", "/v1/clients/C1/invoices/F1/resolve-dispute").status == 200
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["status"] == "active", got
    assert got["installments"][0]["due_date"] == "2026-03-04"
