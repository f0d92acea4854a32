"""A plan activation that meets an outage or a crash half-way (failure4 finding 1): the plan
stays a draft, and neither it nor its deletion leaves its invoices held or their interest frozen;
a new plan is never refused by a deleted one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.adapters.tables.plans_repo import PLANS
from shared.domain.parties import Client
from tests.faults.world import FaultWorld, build
from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/plans"


def _world() -> tuple[FaultWorld, Client]:
    world = build(0, 0.0)
    world.clock.at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    a = world.api
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="1000.00", due_date="2025-10-01")]})  # fmt: skip
    access = world.services.access
    principal = access.authenticate(a.key or "")
    assert principal is not None
    return world, access.client_for(principal, "C1")


def _draft(world: FaultWorld, installments: int = 3) -> str:
    made = world.api.call("POST", BASE, {
        "debtor": "D1", "invoices": ["F1"], "start": "2026-01-20",
        "installments": installments, "include_costs": True,
    })  # fmt: skip
    assert made.status == 201, made.body
    return str(made.body["plan_id"])


def _interest(world: FaultWorld, client: Client) -> int:
    return world.services.ledger.claim(client, "F1", date(2026, 6, 1)).open.interest


def _paused(world: FaultWorld, client: Client) -> tuple[tuple[str, date, date | None], ...]:
    header = world.services.ledger.ledger.header(client.client_id, "D1", "F1")
    return header.interest_paused if header else ()


def _plan_write(op: str, table: str) -> bool:
    return table == PLANS and op == "replace"


def _crash_on_the_reread(world: FaultWorld, client: Client, plan_id: str) -> None:
    """The plan row's write meets an outage and the worker dies as it reads the plan again
    to undo: the holds and the pause stay, as a crash anywhere in between would leave them."""
    gets: list[str] = []

    def second_get(op: str, table: str) -> bool:
        if table == PLANS and op == "get":
            gets.append(op)
            return len(gets) == 2  # the first is activate's own read of the draft
        return False

    world.plan.enabled = True
    world.plan.rule(_plan_write, "reset")
    world.plan.rule(second_get, "crash_after")
    with pytest.raises(SimulatedCrash):
        world.services.plans.activate(client, plan_id, "staff")
    world.plan.enabled = False
    assert world.services.plans.holding(client, "F1") == plan_id  # what the crash left


@pytest.mark.parametrize("kind", ["timeout", "reset", "http500"])
def test_an_activation_that_meets_an_outage_gives_back_what_it_took(kind: str) -> None:
    world, client = _world()
    before = _interest(world, client)
    plan_id = _draft(world)
    world.plan.enabled = True
    world.plan.rule(_plan_write, kind)
    reply = world.api.call("POST", f"{BASE}/{plan_id}/activate")
    world.plan.enabled = False
    assert reply.status == 503, reply.body
    assert world.api.call("GET", f"{BASE}/{plan_id}").body["status"] == "draft"
    # main: F1 held by the draft, its interest frozen from 2026-01-05 (26.42 instead of 67.30)
    assert world.services.plans.holding(client, "F1") is None
    assert _paused(world, client) == ()
    assert _interest(world, client) == before
    # activated again, it runs as if nothing happened
    assert world.api.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    assert world.services.plans.holding(client, "F1") == plan_id
    assert _interest(world, client) < before


def test_a_crashed_activation_then_the_draft_deleted_leaves_nothing_behind() -> None:
    world, client = _world()
    before = _interest(world, client)
    plan_id = _draft(world)
    _crash_on_the_reread(world, client, plan_id)
    assert world.api.call("DELETE", f"{BASE}/{plan_id}").status == 204
    # main: F1 held by the deleted plan for good, interest frozen, a new plan refused
    assert world.services.plans.holding(client, "F1") is None
    assert _paused(world, client) == ()
    assert _interest(world, client) == before
    again = _draft(world, installments=2)
    assert world.api.call("POST", f"{BASE}/{again}/activate").status == 200
    assert world.services.plans.holding(client, "F1") == again


def test_a_deletion_that_dies_before_releasing_refuses_no_new_plan() -> None:
    world, client = _world()
    before = _interest(world, client)
    plan_id = _draft(world)
    _crash_on_the_reread(world, client, plan_id)
    # a deletion by the code before failure5 #7 removed the plan row, then died before
    # giving back the holds (the deletion now gives them back first)
    found = world.services.plans.plans.get(client.client_id, plan_id)
    assert found is not None
    world.services.plans.plans.delete(*found)
    assert world.api.call("GET", f"{BASE}/{plan_id}").status == 404
    assert world.services.plans.holding(client, "F1") == plan_id  # left by the crash
    again = _draft(world, installments=2)
    act = world.api.call("POST", f"{BASE}/{again}/activate")
    assert act.status == 200, act.body  # main: 409 "invoice F1 is already in plan <deleted>"
    assert world.services.plans.holding(client, "F1") == again
    assert [p[0] for p in _paused(world, client)] == [again]  # the deleted plan's pause gone
    assert _interest(world, client) < before


def test_a_hold_of_a_live_draft_still_refuses_a_second_plan() -> None:
    """Only a hold whose plan is gone is dropped: another plan's activation in progress (a
    draft that holds) keeps its invoice."""
    world, client = _world()
    first = _draft(world)
    _crash_on_the_reread(world, client, first)
    second = _draft(world, installments=2)
    act = world.api.call("POST", f"{BASE}/{second}/activate")
    assert act.status == 409 and first in act.body["error"]["message"]
    assert world.services.plans.holding(client, "F1") == first


def _crash_after_the_save(world: FaultWorld, client: Client, plan_id: str) -> None:
    """The worker dies right after the plan is saved active: nothing after it ran (the
    timeline, the contact log, the debtor's agreement)."""
    world.plan.enabled = True
    world.plan.rule(_plan_write, "crash_after")
    with pytest.raises(SimulatedCrash):
        world.services.plans.activate(client, plan_id, "staff")
    world.plan.enabled = False
    assert world.api.call("GET", f"{BASE}/{plan_id}").body["status"] == "active"
    assert _agreements(world, client, plan_id) == []


def _agreements(world: FaultWorld, client: Client, plan_id: str) -> list[str]:
    outbox = world.services.messaging.outbox
    return [m.key for m, _ in outbox.with_prefix(client.client_id, f"plan|{plan_id}|")
            if m.key.endswith("|agreement")]  # fmt: skip


def _told(world: FaultWorld, client: Client, plan_id: str) -> tuple[list[str], list[str]]:
    kinds = [e["kind"] for e in world.services.plans.timeline(client, plan_id)]
    agreed = [c.summary for c in world.services.repos.contacts.between(client.client_id)
              if c.summary.startswith(f"Payment plan {plan_id} agreed")]  # fmt: skip
    return [k for k in kinds if k in ("activated", "agreement_sent")], agreed


def test_an_activation_that_died_after_the_save_is_finished_by_the_retry() -> None:
    """failure8 #2: the retry answered 409 "not a draft" and the debtor never had the
    agreement. Now the retry finishes what is missing, once; a further one is refused."""
    world, client = _world()
    plan_id = _draft(world)
    _crash_after_the_save(world, client, plan_id)
    again = world.api.call("POST", f"{BASE}/{plan_id}/activate")
    assert again.status == 200, again.body
    assert _agreements(world, client, plan_id) == [f"plan|{plan_id}|agreement"]
    assert _told(world, client, plan_id) == (
        ["activated", "agreement_sent"],
        [f"Payment plan {plan_id} agreed: 3 installments"],
    )
    assert world.api.call("POST", f"{BASE}/{plan_id}/activate").status == 409  # finished
    assert len(_agreements(world, client, plan_id)) == 1


def test_an_activation_nobody_retries_is_finished_by_the_daily_run() -> None:
    world, client = _world()
    plan_id = _draft(world)
    _crash_after_the_save(world, client, plan_id)
    for day in (6, 7):  # the run: every plan on the calendar up to the day (fan_out's rows)
        world.clock.at = datetime(2026, 1, day, 6, 30, tzinfo=UTC)
        for on, client_id, plan in world.services.plans.plans.needing_attention(date(2026, 1, day)):
            world.services.plans.process(client_id, plan, date(2026, 1, day), on)
    assert _agreements(world, client, plan_id) == [f"plan|{plan_id}|agreement"]
    assert _told(world, client, plan_id) == (
        ["activated", "agreement_sent"],
        [f"Payment plan {plan_id} agreed: 3 installments"],
    )
    assert world.services.plans.get(client, plan_id).activation_to_tell == ""
