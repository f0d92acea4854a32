"""failure33's helpers: a dunning morning under a queue outage (the fault harness's world, the
daily fan-out as the timer runs it, poison items replayed as an operator does)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta

from shared.domain.records import ActionItem, ActionStatus
from tests.faults.checks import all_actions, reminders_sent
from tests.faults.world import START, FaultWorld, build, portfolio

FIRST_SENDS = 7  # the portfolio's first reminders are due on its eighth day
SAID = {"http500": "500 InternalError", "timeout": "read timed out", "reset": "connection reset"}


def sharded_world(shards: int = 1, seed: int = 0, rate: float = 0.0) -> FaultWorld:
    """The fault suite's portfolio (set up without faults), its run split over ``shards``."""
    world = build(seed, rate)
    portfolio(world)
    if shards > 1:
        reshard(world, shards)
    return world


def morning(world: FaultWorld, n: int, until: int = 22) -> None:
    """Day ``n``: the timer's fan-out at 05:00 UTC, then the queues until ``until`` o'clock."""
    world.clock.at = START.replace(hour=5) + timedelta(days=n)
    world.host.timer(world.services.dunning.fan_out)
    world.host.run_until(world.clock.now().replace(hour=until))


def reference(shards: int = 1, days: int = FIRST_SENDS + 1) -> Counter[tuple[str, str]]:
    """What a run without an outage sends in ``days`` days."""
    world = sharded_world(shards)
    for n in range(days):
        morning(world, n)
    return reminders_sent(world)


def open_poison(world: FaultWorld) -> list[ActionItem]:
    return [x for x in all_actions(world) if x.kind == "poison" and x.status is ActionStatus.OPEN]


def replay_all(world: FaultWorld) -> int:
    """The operator replays every open poison item; the rest of the day runs."""
    items = open_poison(world)
    for item in items:
        world.services.poison.replay(item.client_id, item.action_id, "operator")
    world.host.run_until(world.clock.now() + timedelta(hours=4))
    return len(items)


def simulate(seed: int, rate: float, shards: int, days: int = 30, calm: int = 25) -> FaultWorld:
    """``days`` mornings under seeded faults (a crash between any two writes among them),
    then ``calm`` without, and three more days for what is late."""
    world = sharded_world(shards, seed, rate)
    world.plan.enabled = rate > 0
    for n in range(days + calm):
        if n == days:
            world.plan.enabled = False
        morning(world, n)
    world.host.run_until(world.clock.now() + timedelta(days=3))
    return world


def reshard(world: FaultWorld, shards: int) -> None:
    repos = world.services.repos
    client = next(iter(repos.clients.all()))
    found = repos.clients.get(client.client_id)
    assert found is not None
    repos.clients.save(replace(found[0], dunning_shards=shards), found[1])


def client_id(world: FaultWorld) -> str:
    return next(iter(world.services.repos.clients.all())).client_id
