"""failure5 finding 7: deleting a draft that a failed activation left holding gives back its
holds and interest pause before the plan row goes. Storage failing anywhere in the deletion
answers 503 and leaves the draft, whose retried deletion finishes; never a hold of a plan that
no longer exists. World and helpers: ``test_plan_activation_outage.py``."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shared.adapters.tables.plans_repo import PLAN_INVOICES, PLANS, held_by_plan
from tests.faults.test_plan_activation_outage import (
    BASE,
    _crash_on_the_reread,
    _draft,
    _interest,
    _paused,
    _world,
)


def _release_read(op: str, table: str) -> bool:
    return table == PLAN_INVOICES and op == "get"


def _row_delete(op: str, table: str) -> bool:
    return table == PLANS and op == "delete"


@pytest.mark.parametrize("where", [_release_read, _row_delete], ids=["release", "row"])
def test_a_deletion_that_meets_an_outage_leaves_no_hold_of_a_gone_plan(
    where: Callable[[str, str], bool],
) -> None:
    world, client = _world()
    before = _interest(world, client)
    plan_id = _draft(world)
    _crash_on_the_reread(world, client, plan_id)  # the activation died half-way: holds + pause
    world.plan.enabled = True
    world.plan.rule(where, "timeout")
    first = world.api.call("DELETE", f"{BASE}/{plan_id}")
    world.plan.enabled = False
    assert first.status == 503
    # main (release): the row was gone, the retry answered 404 and F1 stayed held for good
    again = world.api.call("DELETE", f"{BASE}/{plan_id}")  # the integration retries
    assert again.status == 204, again.body
    assert world.api.call("GET", f"{BASE}/{plan_id}").status == 404
    assert held_by_plan(world.services.repos.store, client.client_id, ["F1"]) == set()
    assert _paused(world, client) == ()
    assert _interest(world, client) == before


def test_an_activation_winning_over_the_deletion_keeps_its_holds() -> None:
    """The deletion read the draft; an activation then ran to the end before the deletion
    gave back the draft's holds and pause. The deletion's row delete loses (the plan
    changed), and the running plan gets its holds and pause again."""
    world, client = _world()
    before = _interest(world, client)
    plan_id = _draft(world)
    service = world.services.plans
    real = service._undo_activation
    raced: list[str] = []

    def activation_first(plan):  # type: ignore[no-untyped-def]
        if not raced:
            raced.append(service.activate(client, plan_id, "staff").status.value)
        real(plan)

    service._undo_activation = activation_first  # type: ignore[method-assign]
    reply = world.api.call("DELETE", f"{BASE}/{plan_id}")
    assert raced == ["active"] and reply.status == 409, reply.body
    assert world.api.call("GET", f"{BASE}/{plan_id}").body["status"] == "active"
    assert service.holding(client, "F1") == plan_id
    assert [p[0] for p in _paused(world, client)] == [plan_id]
    assert _interest(world, client) < before
