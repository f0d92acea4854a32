"""failure12b E: each client's daily run swept the claimed statement lines by reading the line
of every open bank item on its agency's list (108 storage reads with 100 items, 1,017 with
1,000, for every client every day). The claims are noted under their client now: a client
without claims costs one partition read, whatever the agency's list holds."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.domain.records import ActionItem
from shared.domain.scopes import agency_scope
from tests.support.faults import FaultPlan, Rule
from tests.unit.api.conftest import World, client_row, make_world
from tests.unit.statements.test_pooled_confirm_once import (
    C2_H1,
    client_id,
    confirm,
    line_of,
    suggested,
)
from tests.unit.statements.test_pooled_known_payers import pool as pool


def test_a_clients_sweep_reads_its_own_claims_not_the_agencys_list() -> None:
    plan = FaultPlan()
    plan.enabled = False
    world = make_world(datetime(2026, 1, 6, 9, 0, tzinfo=UTC), plan)
    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    services = world.services
    [client] = [c for c in services.repos.clients.all() if c.number == "C1"]
    for i in range(300):  # other clients' (or nobody's) money on the pooled account
        services.repos.actions.add(
            ActionItem(
                agency_scope("agency-a"), f"u-{i:06d}", "unmatched_credit", "t",
                world.clock.now(),
                detail={"account": "NL91ABNA0417164300", "line_id": f"l{i}", "amount": 100,
                        "date": "2026-01-05"},
            )
        )  # fmt: skip
    reads = {"n": 0}

    def count(op: str, _target: str) -> bool:
        reads["n"] += op in ("get", "get_many", "query")
        return False

    plan.rules = [Rule(count, "crash_after")]
    plan.enabled = True
    assert services.actions.claims.sweep(client.client_id) == 0
    plan.enabled = False
    assert reads["n"] <= 2, reads


def test_a_confirm_that_books_leaves_no_claim_for_the_sweep(pool: World) -> None:
    item = suggested(pool)
    assert confirm(pool, item, C2_H1).status == 200
    assert line_of(pool, item).status == "booked"
    assert pool.services.repos.banking.claims_of(client_id(pool, "C2")) == []
