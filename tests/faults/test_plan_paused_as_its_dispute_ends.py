"""failure28 F2: the daily run pauses a plan over an invoice disputed before plans27 (plans28)
from the invoices it read; the client's end of the dispute can land between that read and the
plan's save. The end's own follow-up read the plan still running and found nothing to resume;
the run then saved it paused "dispute: F1 disputed since 2026-01-28" over an invoice no longer
disputed and told the debtor "nothing is asked while we look into it", then, reading it again,
resumed it and told him the plan runs again: two notices for a pause that never held. Now the
run reads the invoices again after its save: the dispute over, the plan runs on with its
dates, and the debtor, never told of a pause, is told nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.services.plans import dispute_pause
from tests.unit.api.conftest import make_world
from tests.unit.plans.test_plan_service import BASE, make, run_day, seeded


def _keys(world: Any, client_id: str, plan_id: str) -> list[str]:
    return [m.key for m, _ in world.services.messaging.outbox.with_prefix(
        client_id, f"plan|{plan_id}|dispute-")]  # fmt: skip


def test_a_dispute_ended_between_the_runs_read_and_its_save_leaves_the_plan_running(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world, client = seeded(make_world())
    a = world.agency_a
    plan_id: str = make(a).body["plan_id"]  # 3 x 100.00 due 31-1, 28-2 and 31-3-2026
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    world.clock.at = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    status = world.services.invoice_status
    hook, status.plan_dispute_listener = status.plan_dispute_listener, None  # the code before
    assert a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": "kapot"}).status == 200
    status.plan_dispute_listener = hook

    read = dispute_pause.disputed
    ended: list[int] = []

    def read_then_ended(service: Any, c: Any, plan: Any) -> list[str]:
        found = read(service, c, plan)
        if found and not ended:  # the run's read: the client ends the dispute right after it
            ended.append(1)
            reply = a.call("POST", "/v1/clients/C1/invoices/F1/resolve-dispute")
            assert reply.status == 200, reply.body
        return found

    monkeypatch.setattr(dispute_pause, "disputed", read_then_ended)
    run_day(world, date(2026, 1, 28))
    assert ended
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert (got["status"], got["reason"]) == ("active", None), got
    assert [i["due_date"] for i in got["installments"]] == ["2026-01-31", "2026-02-28",
                                                            "2026-03-31"]  # fmt: skip
    assert _keys(world, client.client_id, plan_id) == []  # was: dispute-paused + dispute-resumed
