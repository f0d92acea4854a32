"""A plan's keyed contact-log line written once when the attempt that wrote it stopped after
it and is finished later (failure18 F1). The log's row key starts with the line's time, so the
repeat of a cut activation, a minute on, met no Conflict and wrote 'Payment plan … agreed' a
second time; ``ContactLogRepository.add_once`` claims the line by its id alone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.adapters.tables import schema
from tests.faults.test_plan_activation_outage import _draft, _world
from tests.support.faults import SimulatedCrash


def _cut_after_the_line(op: str, table: str) -> bool:
    return table == schema.CONTACT_LOG and op in ("insert", "transact")


def test_an_activation_cut_after_its_line_and_finished_later_logs_it_once() -> None:
    world, client = _world()
    plan_id = _draft(world)
    world.plan.enabled = True
    world.plan.rule(_cut_after_the_line, "crash_after")
    with pytest.raises(SimulatedCrash):
        world.services.plans.activate(client, plan_id, "staff")
    world.plan.enabled = False
    world.clock.at += timedelta(minutes=1)  # the click again, or the daily run, later
    world.services.plans.activate(client, plan_id, "staff")
    log, _ = world.services.repos.contacts.for_debtor(client.client_id, "D1")
    agreed = [e.summary for e in log if e.summary.startswith(f"Payment plan {plan_id} agreed")]
    assert agreed == [f"Payment plan {plan_id} agreed: 3 installments"]
