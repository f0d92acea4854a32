"""A plan that stops running releases its invoices' holds even when the release failed after
the plan was saved: the run looks again the next day and releases them then."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.unit.plans.test_plan_service import BASE, make, pay, run_day
from tests.unit.plans.test_plan_service import plans as plans


def test_a_failed_release_after_cancelling_is_finished_by_the_next_run(plans, monkeypatch):
    world, client = plans
    a = world.agency_a
    plan_id = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    repo = world.services.plans.plans
    real = repo.release_invoices

    def storage_down(*args, **kwargs):
        raise ConnectionResetError("table storage went away")

    monkeypatch.setattr(repo, "release_invoices", storage_down)
    world.clock.at = datetime(2026, 1, 20, 10, 0, tzinfo=UTC)
    with pytest.raises(ConnectionResetError):
        world.services.plans.cancel(client, plan_id, "debtor asked", "staff")
    monkeypatch.setattr(repo, "release_invoices", real)
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["status"] == "cancelled"
    assert world.services.plans.holding(client, "F1") == plan_id  # still held
    run_day(world, date(2026, 1, 21))
    assert world.services.plans.holding(client, "F1") is None
    assert world.services.plans.holding(client, "F2") is None
    stored = world.services.plans.get(client, plan_id)
    # kept (nothing was due yet): the dunning waits for 31-3's grace (law16b F4), and the
    # run hands the invoices back then
    assert stored.releasing and stored.attention_on == date(2026, 4, 8)
    run_day(world, date(2026, 4, 8))
    stored = world.services.plans.get(client, plan_id)
    assert not stored.releasing and stored.attention_on is None


def test_completion_releases_and_the_plan_is_still_watched(plans):
    world, client = plans
    a = world.agency_a
    plan_id = make(a, installments=1).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    pay(world, client, "p1", 30_000, date(2026, 1, 30))
    assert world.services.plans.holding(client, "F1") is None
    run_day(world, date(2026, 1, 31))  # the check the day after: released again, flag cleared
    stored = world.services.plans.get(client, plan_id)
    assert stored.status.value == "completed" and not stored.releasing
    assert stored.attention_on is not None  # watched for returns for eight weeks
