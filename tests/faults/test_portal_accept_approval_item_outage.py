# ruff: noqa: F811
"""failure17 F4: in a client whose staff approve debtors' plans, a portal accept whose click
failed after its ``plan_approval`` item was filed (one 503 on the plan's timeline note) had its
draft deleted by the click's error (failfix16c) but not its item: after the debtor's retry two
open "Debtor D1 proposes payment plan ..." items, one naming a plan that answers 404. The
draft the click (or a later click) undoes takes its item with it: resolved."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import world  # noqa: F401
from tests.unit.plans.test_portal_plan_accept_cut import (
    STALE,
    THREE,
    _busy,
    _crash,
    _form,
    _items,
    _no_waiting,
    _once,
)
from tests.unit.plans.test_portal_plan_as_shown import _plans
from tests.unit.plans.test_portal_plans import enter
from tests.unit.plans.test_portal_plans import portal as portal

REQUESTED = "/api/portal/plan?done=plan_requested"


def _staff_approve(world: Any) -> None:
    reply = world.agency_a.call("PUT", "/v1/clients/C1/plan-rules", {"self_service": "staff"})
    assert reply.status == 200


def _open_items(world: Any) -> list[str]:
    return [i["detail"]["plan_id"] for i in _items(world) if i["status"] == "open"]


def test_a_503_after_the_item_was_filed_takes_the_item_back_with_the_draft(
    portal: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world, app = portal
    _staff_approve(world)
    browser = enter(world, app)
    _no_waiting(world)
    form = _form(browser, **THREE)
    _once(monkeypatch, world.services.plans, "note", _busy)  # the timeline note after the item
    assert browser.go("POST", "/portal/plan/accept", form).status == 503
    assert _plans(world) == [] and _open_items(world) == []  # main: the item stayed open
    again = browser.go("POST", "/portal/plan/accept", form)
    assert (again.status, again.headers.get("Location")) == (303, REQUESTED)
    (plan,) = _plans(world)
    assert _open_items(world) == [plan.plan_id]  # one proposal, one item, its plan there
    base = "/v1/clients/C1/plans"
    assert world.agency_a.call("GET", f"{base}/{plan.plan_id}").status == 200


def test_a_draft_of_another_schedule_undone_by_the_next_click_takes_its_item(
    portal: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first click filed its item and was cut off before naming its plan; the debtor then
    agrees to another schedule (four installments): the first draft is undone, and its item."""
    world, app = portal
    _staff_approve(world)
    browser = enter(world, app)
    _no_waiting(world)
    form = _form(browser, **THREE)
    # the page of another schedule, read in a second tab before the first click
    other = _form(browser, method="transfer", by="count", installments="4")
    _once(monkeypatch, world.services.plans, "note", _crash, after=True)
    with pytest.raises(SimulatedCrash):
        browser.go("POST", "/portal/plan/accept", form)
    (first,) = _plans(world)
    assert _open_items(world) == [first.plan_id]
    world.clock.at += STALE  # the cut click's claim is taken over
    again = browser.go("POST", "/portal/plan/accept", other)
    assert (again.status, again.headers.get("Location")) == (303, REQUESTED)
    (plan,) = _plans(world)
    assert plan.plan_id != first.plan_id and len(plan.schedule) == 4
    assert _open_items(world) == [plan.plan_id]  # main: the first draft's item stayed open
