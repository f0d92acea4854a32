"""outage32: Table Storage refuses every write (a 500 after the SDK's retries, a timeout, a
reset) from the first installment job of the day the plans' reminders are due, for the
morning: each plan's message goes back each time, then to the poison queue, whose item
names the storage error; the operator's replay after the outage sends each plan's
reminder once, and the plans' later mails (the lapse notices) go once, as without it."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from tests.faults.checks import all_actions
from tests.faults.crashes import TABLE_WRITES
from tests.faults.harness import Job
from tests.faults.test_plans_and_settlement_under_faults import START, _plans
from tests.faults.world import FaultWorld, build

SAID = {"http500": "500 InternalError", "timeout": "read timed out", "reset": "connection reset"}
REMINDERS = 12  # the plans' first reminders go on their 13th day
DAYS = 25  # past the lapse notices


def _day(world: FaultWorld, n: int, until: int = 12) -> None:
    world.clock.at = START.replace(hour=5) + timedelta(days=n)
    world.host.timer(world.services.plans.fan_out)
    world.host.run_until(world.clock.now().replace(hour=until))


def _plan_mails(world: FaultWorld) -> Counter[tuple[str, str]]:
    """(debtor, mail) -> how many times a provider was asked to send it (plan ids and the
    lapse's id differ between worlds)."""
    debtor = {p.plan_id: p.debtor_number for c in world.services.repos.clients.all()
              for p in world.services.plans.plans.of_client(c.client_id)}  # fmt: skip
    out: Counter[tuple[str, str]] = Counter()
    for _, key, _ in world.channel.sends:
        if key.startswith("plan|"):
            plan_id, mail = key.split("|", 2)[1:]
            out[(debtor[plan_id], mail.split("-")[0] if mail.startswith("lapsed") else mail)] += 1
    return out


@pytest.mark.parametrize("kind", sorted(SAID))
def test_installment_jobs_storage_keeps_refusing_go_to_poison_and_remind_once_on_replay(kind):
    _outage(kind, None)


@pytest.mark.parametrize("table", ["Outbox", "PaymentPlans"])
def test_installment_jobs_one_table_keeps_refusing_go_to_poison_and_remind_once(table):
    _outage("http500", frozenset({table}))


def _outage(kind: str, tables: frozenset[str] | None) -> None:
    reference = build(0, 0.0)
    _plans(reference)
    for n in range(DAYS):
        _day(reference, n)
    expected = _plan_mails(reference)
    assert max(expected.values()) == 1 and any(m.startswith("remind") for _, m in expected), (
        expected
    )

    world = build(0, 0.0)
    _plans(world)
    for n in range(REMINDERS):
        _day(world, n)
    refuse = world.plan.rule(
        lambda op, table: op in TABLE_WRITES and (tables is None or table in tables),
        kind,
        times=10**6,
    )

    def before(job: Job) -> None:
        if job.queue == "installments":
            world.plan.enabled = True

    world.host.before_invoke = before
    _day(world, REMINDERS, until=10)
    world.host.before_invoke = None
    world.plan.enabled = False
    refuse.times = 0
    assert world.host.poisoned["installments"] >= 1, world.host.poisoned
    if tables is None or "Outbox" in tables:  # (a plan's save refused: its mail may go)
        assert not any(m.startswith("remind") for _, m in _plan_mails(world))
    world.host.run_until(world.clock.now() + timedelta(hours=2))  # the poison drains
    items = [x for x in all_actions(world) if x.kind == "poison"]
    assert len(items) == sum(world.host.poisoned.values()), (items, world.host.poisoned)
    for item in items:
        assert SAID[kind] in str(item.detail), item.detail
        world.services.poison.replay(item.client_id, item.action_id, "operator")
    world.host.run_until(world.clock.now().replace(hour=21))
    for n in range(REMINDERS + 1, DAYS):
        _day(world, n)
    assert _plan_mails(world) == expected
    assert world.host.pending == []
