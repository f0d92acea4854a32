"""A crash between any two writes: the first busy morning of the dunning run is cut short after
its k-th write, for every k, and the host's retry (and the next mornings) must still send each
due step exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.faults.checks import reminders_sent
from tests.faults.figures import FIGURES
from tests.faults.world import build, portfolio

WRITES = ("insert", "upsert", "replace", "delete", "transact", "send", "put")
BUSY_MORNING = 14  # 2025-03-17: the first reminders go out


def _world(crash_at: int | None):
    world = build(0, 0.0)
    portfolio(world, debtors=3)
    seen = {"writes": 0}

    def nth_write(op: str, _target: str) -> bool:
        if op not in WRITES:
            return False
        seen["writes"] += 1
        return crash_at is not None and seen["writes"] == crash_at

    start = world.clock.now()
    for n in range(BUSY_MORNING + 12):
        world.clock.at = start.replace(hour=5) + timedelta(days=n)
        if n == BUSY_MORNING:
            seen["writes"] = 0
            world.plan.rules.clear()
            world.plan.rule(nth_write, "crash_after")
            world.plan.enabled = True
        elif n == BUSY_MORNING + 1:
            world.plan.enabled = False
        world.host.timer(world.services.dunning.fan_out)
        world.host.run_until(world.clock.now().replace(hour=22))
    world.host.run_until(world.clock.now() + timedelta(days=2))
    return world, seen["writes"]


@pytest.fixture(scope="module")
def baseline():
    world, writes = _world(None)
    return set(reminders_sent(world)), writes


def test_a_crash_after_any_write_of_a_busy_morning_sends_nothing_twice(baseline):
    expected, writes = baseline
    assert writes > 10
    for k in range(1, writes + 1):
        world, _ = _world(k)
        sent = reminders_sent(world)
        twice = {key: v for key, v in sent.items() if v > 1}
        FIGURES["crash points replayed"] += 1
        FIGURES["sent twice"] += sum(v - 1 for v in twice.values())
        FIGURES["items lost"] += len(expected - set(sent))
        FIGURES["messages left leased"] += len(world.host.pending)
        assert twice == {}, (k, twice)
        assert expected - set(sent) == set(), (k, expected - set(sent))
        assert world.host.pending == [], k
