"""One run against Azurite stopped and restarted for real: the daily dunning run meets a
storage account that is gone (connection refused) for a while, mid-run, and comes back with
its data. Every due step is still sent once, nothing is left leased."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from azure.data.tables import TableServiceClient

from shared.adapters.tables.azure import AzureTableStore
from tests.faults.checks import all_actions, listed_scopes, reminders_sent
from tests.faults.figures import FIGURES
from tests.faults.world import build, portfolio
from tools import azurite

pytestmark = pytest.mark.azurite


def test_a_dunning_run_survives_azurite_going_away_and_coming_back(tmp_path: Path):
    ports = azurite.AzuritePorts(azurite.free_port(), azurite.free_port(), azurite.free_port())
    location = tmp_path / "azurite"
    proc = azurite.start(location, ports)
    conn = ports.connection_string
    # no SDK retries (nor the lean reads'): the host's retries are what is under test, and
    # they are quick to fail
    store = AzureTableStore(
        lambda **kw: TableServiceClient.from_connection_string(conn, retry_total=0, **kw),
        read_retries=0,
    )
    state: dict[str, Any] = {"proc": proc, "down_for": 0, "outages": 0}
    try:
        world = build(0, 0.0, store=store)
        portfolio(world, debtors=6)

        def outage(job):
            # the first send job of the first busy morning finds the storage account gone;
            # it stays away for three deliveries, then comes back with its data
            if state["outages"] == 0 and job.queue.startswith("send-"):
                azurite.stop(state["proc"])
                state["outages"], state["down_for"] = 1, 3
            elif state["down_for"] > 0:
                state["down_for"] -= 1
                if state["down_for"] == 0:
                    state["proc"] = azurite.start(location, ports)

        world.host.before_invoke = outage
        start = world.clock.now()
        for n in range(40):
            world.clock.at = start.replace(hour=5) + timedelta(days=n)
            world.host.timer(world.services.dunning.fan_out)
            world.host.run_until(world.clock.now().replace(hour=22))
        world.host.run_until(world.clock.now() + timedelta(days=2))
        assert state["outages"] == 1 and state["down_for"] == 0
        sent = reminders_sent(world)
        twice = {k: v for k, v in sent.items() if v > 1}
        poison = [a for a in all_actions(world) if a.kind == "poison"]
        FIGURES["runs replayed"] += 40
        FIGURES["azurite restarts"] += 1
        FIGURES["sent twice"] += sum(v - 1 for v in twice.values())
        FIGURES["messages left leased"] += len(world.host.pending)
        assert world.host.figures.failures >= 3  # the outage was felt
        assert twice == {}
        assert world.host.pending == []
        assert all(a.client_id in listed_scopes(world) for a in poison)
        steps = {step for _, step in sent}
        assert steps == {"0", "1", "2"}  # e-mail, SMS and the 14-day letter all went out
        assert len({n for n, _ in sent}) == 8  # every invoice of the portfolio
    finally:
        azurite.stop(state["proc"])
