# ruff: noqa: F811  (the fixtures are imported from the plans' own tests)
"""failure33: Queue Storage refuses a plan's installment job (a 503 after the SDK's retries) as
the timer queues it. The timer stopped there: the plans after it had no job and the direct
debit files were not built that day (the timer is not retried). Now every other job is
queued and the files built; the timer still fails at the end (seen, alerted), and the refused
plan is caught up by the next day's timer, as any day the timer missed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from shared.services.fan_out import FanOutIncomplete
from tests.unit.plans.test_plan_service import plans, run_day  # noqa: F401
from tests.unit.plans.test_plan_timer_files_after_jobs import active_plan


class RefusingFirst:
    """The queue: the first installment job is refused, every other send goes through."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.refused = 0

    def send(self, queue: str, body: str, *, delay_seconds: int = 0) -> None:
        if queue == "installments" and not self.refused:
            self.refused += 1
            raise HttpResponseError("503 ServerBusy (injected)")
        self.inner.send(queue, body, delay_seconds=delay_seconds)


def test_a_refused_installment_job_stops_neither_the_files_nor_the_timer_being_seen(plans):
    world, _ = plans
    plan_id = active_plan(world)
    services = world.services
    run_day(world, date(2026, 1, 27))
    desk = services.plans.desk
    assert desk is not None
    built: list[date] = []

    def build_files(today: date) -> list[str]:
        built.append(today)
        return []

    desk.build_files = build_files  # type: ignore[method-assign]
    queues = RefusingFirst(services.plans.queues)
    services.plans.queues = queues  # type: ignore[assignment]
    services.messaging.queues.take("installments")
    world.clock.at = datetime(2026, 1, 28, 6, 30, tzinfo=UTC)
    with pytest.raises(FanOutIncomplete):  # the timer fails, as the host should see
        services.plans.fan_out()
    assert queues.refused == 1
    assert built == [date(2026, 1, 28)]  # the files were built all the same
    # the next day's timer catches the plan up
    world.clock.at = datetime(2026, 1, 29, 6, 30, tzinfo=UTC)
    assert services.plans.fan_out() >= 1
    assert any(plan_id in m.body for m in services.messaging.queues.take("installments"))
