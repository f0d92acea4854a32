# ruff: noqa: F811  (the fixtures are imported from the plans' own tests)
"""failure24 F6: a plan counts the money paid since its activation, and took the day of
`activated_at` in UTC. D1 paid 50.00 on 9-6-2026 (booked that day); the plan over what was
left (250.00) was drafted that afternoon and activated at 00:30 on 10-6 in Amsterdam (22:30
UTC on 9-6): the 50.00, already off its total, counted as paid towards installment 1, so the
plan asked 200.00 for 250.00 owed. A plan now counts from its activation's Amsterdam day; one
activated before that day was kept still counts from the UTC day, as it did."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from tests.unit.plans.test_plan_service import BASE, make, pay, plans, run_day  # noqa: F401


def _activated_at(world, client, at):
    a = world.agency_a
    pay(world, client, "p-early", 5_000, date(2026, 6, 9), invoices=("F1",))
    world.clock.at = datetime(2026, 6, 9, 15, 0, tzinfo=UTC)
    made = make(a, start="2026-06-30")
    assert made.body["total"] == "250.00"
    world.clock.at = at
    assert a.call("POST", f"{BASE}/{made.body['plan_id']}/activate").status == 200
    return made.body["plan_id"]


def _paid(world, plan_id):
    got = world.agency_a.call("GET", f"{BASE}/{plan_id}").body
    return [i["paid"] for i in got["installments"]]


@pytest.mark.parametrize(
    "at",
    [datetime(2026, 6, 10, 6, 0, tzinfo=UTC), datetime(2026, 6, 9, 22, 30, tzinfo=UTC)],
    ids=["08:00", "00:30"],
)
def test_money_paid_the_day_before_the_activation_is_not_the_plans(plans, at):
    world, client = plans
    plan_id = _activated_at(world, client, at)
    run_day(world, date(2026, 6, 10))
    assert _paid(world, plan_id) == ["0.00", "0.00", "0.00"]


def test_a_plan_activated_before_the_day_was_kept_counts_as_it_did(plans):
    world, client = plans
    plan_id = _activated_at(world, client, datetime(2026, 6, 9, 22, 30, tzinfo=UTC))
    repo = world.services.plans.plans
    plan, etag = repo.get(client.client_id, plan_id)
    repo.save(replace(plan, activated_on=None, paid=5_000), etag)  # as stored before
    run_day(world, date(2026, 6, 10))
    assert _paid(world, plan_id) == ["50.00", "0.00", "0.00"]  # no "payment came back"
    timeline = world.services.plans.timeline(client, plan_id)
    assert not [e for e in timeline if e["kind"] == "reversal"]
