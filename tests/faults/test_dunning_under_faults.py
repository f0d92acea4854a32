"""The daily dunning run replayed under seeded storage faults: every due step sent exactly once
(possibly late, never twice), nothing left leased, every poison item on a listed list."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.faults.checks import all_actions, listed_scopes, reminders_sent
from tests.faults.figures import FIGURES
from tests.faults.world import build, portfolio

FAULT_DAYS = 30
CALM_DAYS = 25


def simulate(seed: int, rate: float):
    world = build(seed, rate)
    portfolio(world)
    world.plan.enabled = rate > 0
    day = world.clock.now()
    for n in range(FAULT_DAYS + CALM_DAYS):
        if n == FAULT_DAYS:
            world.plan.enabled = False  # the outage is over; what was late catches up
        world.clock.at = day.replace(hour=5) + timedelta(days=n)
        world.host.timer(world.services.dunning.fan_out)
        world.host.run_until(world.clock.now().replace(hour=22))
    world.host.run_until(world.clock.now() + timedelta(days=3))
    return world


@pytest.fixture(scope="module")
def reference():
    world = simulate(0, 0.0)
    sent = reminders_sent(world)
    assert sent and max(sent.values()) == 1
    return set(sent)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_every_due_step_is_sent_once_under_faults(reference, seed):
    world = simulate(seed, 0.03)
    sent = reminders_sent(world)
    twice = {k: v for k, v in sent.items() if v > 1}
    actions = all_actions(world)
    on_list = {n for a in actions for n in a.invoice_numbers} | {
        a.debtor_number
        for a in actions
        if a.kind in ("poison", "dunning_failure", "uncertain_send")
    }
    lost = [
        k for k in reference - set(sent) if k[0] not in on_list and f"D{k[0][1:-1]}" not in on_list
    ]
    poison = [a for a in actions if a.kind == "poison"]
    unlisted = [a for a in poison if a.client_id not in listed_scopes(world)]
    FIGURES["faults injected"] += world.plan.total
    FIGURES["runs replayed"] += FAULT_DAYS + CALM_DAYS
    FIGURES["handler invocations"] += world.host.figures.invocations
    FIGURES["failed invocations"] += world.host.figures.failures
    FIGURES["poison messages"] += world.host.figures.poisoned
    FIGURES["poison items on a listed action list"] += len(poison) - len(unlisted)
    FIGURES["poison items unlisted"] += len(unlisted)
    FIGURES["messages sent"] += sum(sent.values())
    FIGURES["sent twice"] += sum(v - 1 for v in twice.values())
    FIGURES["items lost"] += len(lost)
    FIGURES["messages left leased"] += len(world.host.pending)
    assert world.plan.total > 0
    assert twice == {}
    assert lost == []
    assert world.host.pending == []
    assert unlisted == []
    assert len(poison) >= world.host.figures.poisoned or world.host.figures.poisoned == 0
