"""outage32: Table Storage refuses every write (a 500 after the SDK's retries, a timeout, a
reset) for as long as a queue handler's message is delivered: the client's dunning run, its
follow-up job, a message's delivery. The message goes back each time, then to the poison
queue, whose item names the storage error; nothing half-written counts as done; the
operator's replay after the outage does the day's work once: each reminder sent once, one
successful run record for each job of the day."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta

import pytest

from shared.adapters.tables.dunning_repo import SCHEDULE
from shared.services.errors import Invalid
from tests.faults.checks import all_actions, reminders_sent
from tests.faults.crashes import TABLE_WRITES
from tests.faults.harness import SEND_QUEUES, Job
from tests.faults.world import FaultWorld, build, portfolio

SAID = {"http500": "500 InternalError", "timeout": "read timed out", "reset": "connection reset"}
FIRST_SENDS = 7  # the portfolio's first reminders are due on its eighth day


def _world(due_per_job: int | None = None) -> FaultWorld:
    world = build(0, 0.0)
    portfolio(world)
    if due_per_job is not None:
        world.services.dunning.due_per_job = due_per_job
    return world


def _day(world: FaultWorld, n: int, until: int = 22) -> None:
    world.clock.at = _START.replace(hour=5) + timedelta(days=n)
    world.host.timer(world.services.dunning.fan_out)
    world.host.run_until(world.clock.now().replace(hour=until))


_START = build(0, 0.0).clock.now()


def _outage_then_replay(
    world: FaultWorld,
    kind: str,
    starts,
    tables: frozenset[str] | None = None,
    ops: tuple[str, ...] = TABLE_WRITES,
) -> Counter[str]:
    """Refuse every write (of ``tables``; None: all) from the first job ``starts`` accepts
    until 10:00; then the poison drain, the operator's replay of every poison item and the
    rest of the day (all on the same business day). What went to poison, by queue."""
    refuse = world.plan.rule(
        lambda op, table: op in ops and (tables is None or table in tables), kind, times=10**6
    )

    def before(job: Job) -> None:
        if starts(job):
            world.plan.enabled = True

    world.host.before_invoke = before
    _day(world, FIRST_SENDS, until=10)
    world.host.before_invoke = None
    world.plan.enabled = False
    refuse.times = 0
    poisoned = Counter(world.host.poisoned)
    world.host.run_until(world.clock.now() + timedelta(hours=2))  # the poison drains
    items = [x for x in all_actions(world) if x.kind == "poison"]
    assert len(items) == sum(poisoned.values()), (items, poisoned)
    for item in items:
        assert SAID[kind] in str(item.detail), item.detail
        world.services.poison.replay(item.client_id, item.action_id, "operator")
    world.host.run_until(world.clock.now() + timedelta(hours=9))
    assert world.host.pending == []
    return poisoned


def _succeeded_runs(world: FaultWorld, on: date) -> int:
    client = next(iter(world.services.repos.clients.all()))
    runs = world.services.repos.dunning.runs(client.client_id)
    return sum(1 for r in runs if r.business_date == on and not r.errors)


def _reference(due_per_job: int | None = None) -> tuple[Counter[tuple[str, str]], int]:
    world = _world(due_per_job)
    for n in range(FIRST_SENDS + 1):
        _day(world, n)
    on = world.clock.now().date()
    return reminders_sent(world), _succeeded_runs(world, on)


@pytest.mark.parametrize("kind", sorted(SAID))
def test_a_dunning_run_storage_keeps_refusing_goes_to_poison_and_sends_once_on_replay(kind):
    sent, runs = _reference()
    world = _world()
    for n in range(FIRST_SENDS):
        _day(world, n)
    poisoned = _outage_then_replay(world, kind, lambda job: job.queue == "dunning-run")
    assert poisoned["dunning-run"] == 1, poisoned
    assert reminders_sent(world) == sent
    assert _succeeded_runs(world, world.clock.now().date()) == runs


def test_a_dunning_run_whose_outbox_keeps_refusing_keeps_one_successful_run_record():
    """Only the outbox refuses: each failed attempt saves its run record (with the errors);
    after the replay the day has as many successful records as without the outage."""
    sent, runs = _reference()
    world = _world()
    for n in range(FIRST_SENDS):
        _day(world, n)
    starts = lambda job: job.queue == "dunning-run"  # noqa: E731
    poisoned = _outage_then_replay(world, "http500", starts, frozenset({"Outbox"}))
    assert poisoned["dunning-run"] == 1, poisoned
    assert reminders_sent(world) == sent
    assert _succeeded_runs(world, world.clock.now().date()) == runs


@pytest.mark.parametrize("kind", sorted(SAID))
def test_a_follow_up_job_storage_keeps_refusing_goes_to_poison_and_sends_once_on_replay(kind):
    sent, runs = _reference(due_per_job=1)
    world = _world(due_per_job=1)
    for n in range(FIRST_SENDS):
        _day(world, n)

    def follow_up(job: Job) -> bool:
        return job.queue == "dunning-run" and bool(json.loads(job.body).get("after"))

    poisoned = _outage_then_replay(world, kind, follow_up)
    assert poisoned["dunning-run"] == 1, poisoned
    assert reminders_sent(world) == sent
    assert _succeeded_runs(world, world.clock.now().date()) == runs


@pytest.mark.parametrize("kind", sorted(SAID))
def test_a_delivery_storage_refuses_after_its_claim_goes_to_poison_and_sends_once(kind):
    """The outage begins as the provider takes the day's first mail (its record claimed,
    INPROGRESS): the claim is left behind. The message's retries are not turned into a copy
    queued for after the claim's lease (which completed the message: outage32); it goes to
    poison like the day's other mail, whose claim never landed. That one is replayed and
    sent once; the claimed one is not sent again (a person checks: ``send_uncertain``)."""
    _delivery_after_its_claim(kind, can_look_up=True)


def test_a_delivery_without_a_provider_look_up_goes_to_poison_too():
    """The same with a channel that cannot say whether a reference went (print, a call): the
    retry's recovery makes the claim uncertain, which storage refuses too: back, then poison."""
    _delivery_after_its_claim("http500", can_look_up=False)


def _delivery_after_its_claim(kind: str, *, can_look_up: bool) -> None:
    sent, _ = _reference()
    world = _world()
    world.channel.can_look_up = can_look_up
    for n in range(FIRST_SENDS):
        _day(world, n)
    claims = {"n": 0}
    refuse = world.plan.rule(lambda op, table: op in TABLE_WRITES, kind, times=10**6)
    real_send = world.channel.send

    def send(message, content):
        result = real_send(message, content)
        if claims["n"] == 0:
            claims["n"] += 1
            world.plan.enabled = True  # from the provider's answer on
        return result

    world.channel.send = send  # type: ignore[method-assign]
    outcomes: list[str] = []
    deliver = world.services.messaging.deliver

    def watched(client_id: str, key: str, *, message_id: str | None = None) -> str:
        outcome = deliver(client_id, key, message_id=message_id)
        if world.plan.enabled:
            outcomes.append(outcome)
        return outcome

    world.services.messaging.deliver = watched  # type: ignore[method-assign]
    _day(world, FIRST_SENDS, until=10)
    world.plan.enabled = False
    refuse.times = 0
    poisoned = Counter(world.host.poisoned)
    assert outcomes == []  # no delivery completed (a copy queued for after the claim) meanwhile
    assert sum(poisoned[q] for q in SEND_QUEUES) == 2, poisoned  # the day's two mails
    world.host.run_until(world.clock.now() + timedelta(hours=2))
    items = [x for x in all_actions(world) if x.kind == "poison"]
    assert len(items) == 2, items
    for item in items:
        assert SAID[kind] in str(item.detail), item.detail
        if item.detail.get("replay") == "check first":  # the claimed one: it may have gone
            with pytest.raises(Invalid) as refused:
                world.services.poison.replay(item.client_id, item.action_id, "operator")
            assert refused.value.code == "send_uncertain"
            continue
        world.services.poison.replay(item.client_id, item.action_id, "operator")
    assert [x.detail.get("replay") for x in items].count("check first") == 1
    world.host.run_until(world.clock.now() + timedelta(hours=9))
    assert reminders_sent(world) == sent
    assert world.host.pending == []


def test_a_first_job_whose_follow_up_mark_keeps_refusing_sends_once():
    """Only the inserts beside the schedule refuse (the follow-up's mark): the first job
    queues its follow-up and fails to mark it, its retry reads on past the row it moved and
    another copy of the follow-up works the same debtor: every reminder still goes once (the
    outbox key has no date)."""
    sent, _ = _reference(due_per_job=1)
    world = _world(due_per_job=1)
    for n in range(FIRST_SENDS):
        _day(world, n)

    def first(job: Job) -> bool:
        return job.queue == "dunning-run" and not json.loads(job.body).get("after")

    tables = frozenset({SCHEDULE})
    _outage_then_replay(world, "http500", first, tables, ("insert",))
    assert reminders_sent(world) == sent
