"""failure11 F3: the agency confirms a pooled-account suggestion for C2 and storage fails
somewhere on the way (the worker dies after the line's claim landed or after the ledger's
booking, a write times out before or after it applied); the item may stay open on the list.
A colleague then confirms it for C3, and the first person repeats the confirm for C2.

Whatever failed, Kees's 420.00 (which arrived once) ends booked once: for C2 on H-1 once the
C2 confirm's claim of the line landed (the colleague is refused, ``statement_line_taken``, or
``action_resolved`` when the item's write landed though its answer was lost, and the repeat
finishes the claimed booking and closes the item); for C3 when nothing of the first confirm
landed (the line was still free, the colleague's confirm stands and the repeat finds the item
resolved). ``control``: no fault (the colleague finds the item resolved)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.banking_repo import STATEMENT_LINES
from shared.adapters.tables.ledger_repo import LEDGER
from shared.adapters.tables.memory import InMemoryTableStore
from shared.adapters.tables.schema import ACTIONS
from shared.api.app import IntegrationApi
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.access import Scope
from shared.domain.parties import Agency
from shared.domain.records import ActionStatus
from shared.domain.scopes import agency_scope
from shared.services.onboarding import register_agency
from tests.faults.crashes import TABLE_WRITES
from tests.support.faults import FaultPlan, FaultyTableStore, SimulatedCrash
from tests.unit.api.conftest import (
    SETTINGS,
    ApiClient,
    World,
    client_row,
    debtor_row,
    invoice_row,
    verify_ibans,
)
from tests.unit.statements.test_pooled_known_payers import POOL, pay, status


def _nth(table: str, n: int) -> Callable[[str, str], bool]:
    """The ``n``-th write to ``table`` from now."""
    seen = {"n": 0}

    def match(op: str, target: str) -> bool:
        if op in TABLE_WRITES and target == table:
            seen["n"] += 1
            return seen["n"] == n
        return False

    return match


# fault -> (rule, kind): where the first confirm for C2 fails
FAULTS: dict[str, tuple[tuple[str, int], str] | None] = {
    "claim_lands_worker_dies": ((STATEMENT_LINES, 1), "crash_after"),
    "claim_times_out_unwritten": ((STATEMENT_LINES, 1), "timeout"),
    "ledger_lands_worker_dies": ((LEDGER, 1), "crash_after"),
    "settle_times_out_unwritten": ((STATEMENT_LINES, 2), "timeout"),
    "item_times_out_unwritten": ((ACTIONS, 1), "timeout"),
    "item_lands_answer_lost": ((ACTIONS, 1), "timeout_after"),
    "control": None,
}


def _world() -> tuple[World, FaultPlan]:
    """The pooled account of tests/unit/statements/test_pooled_known_payers.py, with C3 also
    owed 420.00 by a Kees Klant BV, over a fault-injecting table store."""
    plan = FaultPlan()
    inner = InMemoryTableStore()
    clock = FixedClock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))
    services = build_services(
        SETTINGS, clock=clock, store=FaultyTableStore(inner, plan), files=InMemoryFileStore(),
        queues=InMemoryQueueSender(), senders={},
    )  # fmt: skip
    api = IntegrationApi(services)
    services.repos.agencies.save(Agency("agency-b", "AGENCY-B"))
    register_agency(services.repos, Agency("agency-a", "A", POOL))
    _, key_a = services.access.issue(scope=Scope.AGENCY, agency_id="agency-a")
    _, key_b = services.access.issue(scope=Scope.AGENCY, agency_id="agency-b")
    world = World(api, services, clock, inner, ApiClient(api, key_a), ApiClient(api, key_b))
    a = world.agency_a
    for n, debtor, number in (("C2", "Y1", "H-1"), ("C3", "Z9", "Z-1")):
        a.call("POST", "/v1/clients", {"items": [client_row(n, allow_third_party_matching=True,
                                                            charge_interest=False)]})  # fmt: skip
        verify_ibans(a, n)
        a.call("POST", f"/v1/clients/{n}/debtors",
               {"items": [debtor_row(debtor, name="Kees Klant BV")]})  # fmt: skip
        a.call("POST", f"/v1/clients/{n}/invoices",
               {"items": [invoice_row(number, debtor, amount="420.00")]})  # fmt: skip
    return world, plan


def _confirm(world: World, action_id: str, client: str, number: str) -> Any:
    body = {"client": client, "invoices": [number]}
    try:
        return world.agency_a.call("POST", f"/v1/actions/{action_id}/confirm", body)
    except SimulatedCrash:
        return None  # the worker died: no answer at all


def _code(reply: Any) -> str | None:
    return reply.body["error"]["details"][0]["code"] if reply.status == 422 else None


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_pooled_line_is_booked_for_one_client_whatever_fails(fault: str) -> None:
    world, plan = _world()
    assert pay(world, "Bedankt", "S1", 42_000).suggested == 1
    items, _ = world.services.repos.actions.list(agency_scope("agency-a"))
    [item] = [x for x in items if x.kind == "payment_suggestion"]
    rule = FAULTS[fault]
    if rule is not None:
        (table, n), kind = rule
        plan.rule(_nth(table, n), kind)
    first = _confirm(world, item.action_id, "C2", "H-1")
    assert (first is not None and first.status == 200) == (rule is None), first
    assert len(plan.log) == (rule is not None), plan.log  # injected once, where it says
    open_after_first = world.services.repos.actions.get(item.client_id, item.action_id)
    assert open_after_first is not None
    colleague = _confirm(world, item.action_id, "C3", "Z-1")
    again = _confirm(world, item.action_id, "C2", "H-1")  # the first person tries again
    assert colleague is not None and again is not None
    answers = (colleague.status, _code(colleague), again.status, _code(again))
    if fault == "claim_times_out_unwritten":
        # nothing of C2's booking landed: the line was still free, the colleague's stands
        owner, paid = "C3", ("open", "paid")
        assert answers == (200, None, 422, "action_resolved"), answers
    else:
        owner, paid = "C2", ("paid", "open")
        if open_after_first[0].status is ActionStatus.OPEN:
            assert answers == (422, "statement_line_taken", 200, None), answers
        else:  # the item's write landed, its answer was lost (or no fault at all)
            assert answers == (422, "action_resolved", 422, "action_resolved"), answers
    a = world.agency_a
    c2 = a.call("GET", "/v1/clients/C2/payments").body["items"]
    c3 = a.call("GET", "/v1/clients/C3/payments").body["items"]
    assert [(owner, p["amount"]) for p in c2 + c3] == [(owner, 42_000)], (c2, c3)
    assert len(c2 if owner == "C2" else c3) == 1
    assert (status(world, "C2", "H-1"), status(world, "C3", "Z-1")) == paid
    line = world.services.repos.banking.line(POOL, str(item.detail["line_id"]))
    number = "H-1" if owner == "C2" else "Z-1"
    assert line is not None and (line.status, line.invoices) == ("booked", (number,))
    done = world.services.repos.actions.get(item.client_id, item.action_id)
    assert done is not None and done[0].status is ActionStatus.RESOLVED
