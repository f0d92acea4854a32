"""failure16b F3: a returned transfer's notice was sent before the plan recording the day it
came back was saved, keyed by the day seen. A cut in between (the worker died, nothing
retried the reversal) left the plan "completed", looked at weekly: on 17-3 the run recorded
the return again and told it again, "Termijn 2: € 500,00, uiterlijk op 24-03-2026" after
"... uiterlijk op 17-03-2026" on 10-3. Now the day is saved first and the notice told after:
a cut after the save is told by the next day's look with the first date, and a cut before it
tells nothing twice.

Hand of ``test_plan_transfer_returned``: F1 1,000.00, plan 2 x 500.00 paid 31-1 and 28-2
(completed); p0 comes back 10-3 10:00."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from tests.support.faults import SimulatedCrash
from tests.unit.plans.test_plan_service import BASE, run_day
from tests.unit.plans.test_principal_plan_costs import _pay, _plan_on


def _completed(world: Any) -> tuple[Any, Any, str]:
    a, client, plan_id = _plan_on(world, date(2026, 1, 8))
    for n, on in enumerate((date(2026, 1, 31), date(2026, 2, 28))):
        _pay(world, client, f"p{n}", 50_000, on)
        run_day(world, on)
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "completed"
    return a, client, plan_id


def _returned_with_a_cut(world: Any, monkeypatch: pytest.MonkeyPatch, client: Any,
                         where: str) -> None:  # fmt: skip
    """p0 comes back on 10-3; the worker dies once at ``where`` and nothing retries."""
    plans = world.services.plans
    real = getattr(plans, where)
    armed = [True]

    def cut(*args: Any, **kwargs: Any) -> Any:
        came_back = args[0].came_back if where == "_store" else "came-back|" in str(args[2])
        if armed[0] and came_back:
            armed[0] = False
            raise SimulatedCrash(f"the worker died at {where}")
        return real(*args, **kwargs)

    monkeypatch.setattr(plans, where, cut)
    world.clock.at = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    with pytest.raises(SimulatedCrash):
        world.services.payments.reverse(client, "p0", "bank return (AC06)", date(2026, 3, 10))
    assert not armed[0]


def _told(world: Any, client: Any, plan_id: str) -> list[tuple[str, list[str]]]:
    out = world.services.messaging
    found = out.outbox.with_prefix(client.client_id, f"plan|{plan_id}|came-back|")
    return [(m.key.rsplit("|", 1)[1], re.findall(r"uiterlijk op ([\d-]+)",
                                                 out.content(client.client_id, m.key).text))
            for m, _ in found]  # fmt: skip


def test_a_cut_after_the_plan_is_saved_is_told_the_next_day_with_the_first_date(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, client, plan_id = _completed(world)
    _returned_with_a_cut(world, monkeypatch, client, "_send_notice")
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "overdue"  # saved that day
    assert _told(world, client, plan_id) == []
    run_day(world, date(2026, 3, 11))
    assert _told(world, client, plan_id) == [("2026-03-10", ["17-03-2026"])]
    run_day(world, date(2026, 3, 17))
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "overdue"
    run_day(world, date(2026, 3, 18))  # lapses the day after the date he was told
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "cancelled"
    assert _told(world, client, plan_id) == [("2026-03-10", ["17-03-2026"])]


def test_a_cut_before_the_plan_is_saved_tells_once_the_date_the_plan_keeps(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing recorded the return on 10-3: the weekly look of the completed plan finds it
    on 17-3 and tells it then, once, with the grace the plan gives from then."""
    a, client, plan_id = _completed(world)
    _returned_with_a_cut(world, monkeypatch, client, "_store")
    for day in (11, 17):
        run_day(world, date(2026, 3, day))
    assert _told(world, client, plan_id) == [("2026-03-17", ["24-03-2026"])]
    run_day(world, date(2026, 3, 24))
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "overdue"
    run_day(world, date(2026, 3, 25))
    assert a.call("GET", f"{BASE}/{plan_id}").body["status"] == "cancelled"
    assert len(_told(world, client, plan_id)) == 1


def test_a_notice_whose_job_never_reached_the_queue_is_queued_by_the_next_look(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """failure18 (F5's shape): the notice's record was written on 10-3 and its job's queue send
    met a 503; the next day's look found the record ('told') and went on: the notice stayed
    PENDING with no job, the debtor never told what is open again by 17-3."""
    _, client, plan_id = _completed(world)
    queues = world.services.messaging.queues
    real = queues.send
    armed = [True]

    def busy_once(queue: str, body: str, *args: Any, **kwargs: Any) -> Any:
        if armed[0] and "came-back" in body:
            armed[0] = False
            raise RuntimeError("injected: 503 ServerBusy on the queue")
        return real(queue, body, *args, **kwargs)

    monkeypatch.setattr(queues, "send", busy_once)
    world.clock.at = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    try:
        world.services.payments.reverse(client, "p0", "bank return (AC06)", date(2026, 3, 10))
    except RuntimeError:
        pass  # the reversal's delivery failed after the notice's record
    assert not armed[0]
    assert _told(world, client, plan_id) == [("2026-03-10", ["17-03-2026"])]
    queued = [j for q in ("send-email", "send-letter") for j in queues.take(q)]
    assert not any("came-back" in j.body for j in queued)
    assert run_day(world, date(2026, 3, 11)) == [f"plan|{plan_id}|came-back|2026-03-10"]
    sent = world.services.messaging.deliver(
        client.client_id, f"plan|{plan_id}|came-back|2026-03-10"
    )
    assert sent == "sent"
    assert run_day(world, date(2026, 3, 12)) == []  # sent: nothing queued again
