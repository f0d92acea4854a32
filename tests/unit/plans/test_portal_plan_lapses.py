"""A debtor whose plan lapsed (cancelled after a breach) cannot renew dunning's hold by
accepting the portal's next plan at once: within 12 months of the lapse the next one waits
for staff approval with the reason, whatever the client's self-service rule (attack4
finding 5)."""

from __future__ import annotations

from datetime import date, timedelta

from tests.unit.plans.test_plan_service import run_day
from tests.unit.plans.test_portal_plans import accept, enter, portal  # noqa: F401


def _client(world):
    return world.services.access.client_for(
        world.services.access.authenticate(world.agency_a.key), "C1"
    )


def _lapse(world, client, day: date) -> date:
    """Pay nothing; the daily run cancels the plan after the breach. The day it did."""
    while world.services.plans.holding(client, "F1") is not None:
        day += timedelta(days=1)
        run_day(world, day)
    return day


def test_after_a_lapsed_plan_the_next_portal_plan_waits_for_staff(portal):  # noqa: F811
    world, app = portal
    client = _client(world)
    # the client's rules start a debtor's plan at once
    done = accept(enter(world, app), method="transfer", by="count", installments="13")
    assert done.headers["Location"].endswith("done=plan_started")
    (first,) = world.services.plans.of_client(client)
    assert first.status.value == "active"
    lapsed = _lapse(world, client, date(2026, 3, 2))
    assert world.services.plans.get(client, first.plan_id).status.value == "cancelled"

    # the same day the portal offers a plan again; accepting it starts nothing
    browser = enter(world, app)
    again = accept(browser, method="transfer", by="count", installments="13")
    assert again.status == 303 and again.headers["Location"].endswith("done=plan_requested")
    second = next(p for p in world.services.plans.of_client(client) if p.plan_id != first.plan_id)
    assert second.status.value == "draft"
    assert world.services.plans.holding(client, "F1") is None  # dunning goes on meanwhile
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    asked = [x for x in items if x["kind"] == "plan_approval"]
    assert len(asked) == 1 and second.plan_id in asked[0]["title"]
    assert f"an earlier plan lapsed on {lapsed.isoformat()}" in asked[0]["title"]
    assert "wacht op goedkeuring" in browser.page("/portal/plan")


def test_a_lapse_more_than_12_months_ago_no_longer_counts(portal):  # noqa: F811
    world, app = portal
    client = _client(world)
    accept(enter(world, app), method="transfer", by="count", installments="13")
    lapsed = _lapse(world, client, date(2026, 3, 2))
    # a year and a day later the debtor's self-service plan starts at once again
    later = lapsed.replace(year=lapsed.year + 1) + timedelta(days=1)
    world.clock.at = world.clock.at.replace(year=later.year, month=later.month, day=later.day)
    done = accept(enter(world, app), method="transfer", by="count", installments="13")
    assert done.headers["Location"].endswith("done=plan_started")
