"""people27 F6: ``POST /v1/settlements/{id}/approve`` (and the console's approval on the run's
item) ignored the restore's money hold. The backup of the night before shows a run awaiting
approval that may have been approved and its pain.001 paid since: approving it again sends the
same payouts (107.72 to C1) twice. While the hold stands the approval is refused (409
``restore_hold``, the hold's words); after ``inning restore-hold confirm`` it goes through."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.domain.people.authorisation import Role
from shared.domain.settlement.records import RunStatus
from shared.ports.tables import Row
from shared.services.operations.money_hold import (
    HOLD_PK,
    HOLD_RK,
    HOLD_TABLE,
    MoneyHold,
    hold_entity,
)
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_settlement_run_approval import run_awaiting

RESTORED_AT = datetime(2025, 3, 3, 14, 0, tzinfo=UTC)


def _restored(world: Any) -> None:
    """What ``inning restore`` of the ledger set writes: the hold's marker."""
    marker = hold_entity("2025-03-03", RESTORED_AT, "ops")
    data = {k: v for k, v in marker.items() if k not in ("PartitionKey", "RowKey")}
    world.store.upsert(HOLD_TABLE, Row(HOLD_PK, HOLD_RK, data))


def _status(world: Any, run_id: str) -> RunStatus:
    status: RunStatus = world.services.settlements.run("agency-a", run_id)[0].status
    return status


def test_the_api_refuses_to_approve_while_the_hold_stands(world: Any, tenants: Any) -> None:
    run = run_awaiting(world, tenants)
    _restored(world)
    r = world.agency_a.call("POST", f"/v1/settlements/{run.run_id}/approve")
    assert r.status == 409, r.body
    said = r.body["error"]["details"][0]
    assert said["code"] == "restore_hold"
    assert "held since the restore of a backup" in said["message"]
    assert "inning restore-hold confirm" in said["message"]
    assert _status(world, run.run_id) is RunStatus.AWAITING_APPROVAL
    # the operator reconciled with the bank: the approval goes through
    MoneyHold.of(world.services.repos, world.services.clock).confirm("ops", "statements matched")
    ok = world.agency_a.call("POST", f"/v1/settlements/{run.run_id}/approve")
    assert ok.status == 200 and ok.body["status"] == "approved"


def test_the_console_refuses_in_dutch_while_the_hold_stands(world: Any, tenants: Any) -> None:
    run = run_awaiting(world, tenants)
    _restored(world)
    admin = desk_for(world, Role.AGENCY_ADMIN, None, "admin@agency-a.example")
    page = admin.get(f"/agency-actions/{run.action_id}")
    done = admin.post(
        f"/agency-actions/{run.action_id}", {"csrf": csrf_of(page), "do": "approve-run"}
    )
    assert done.status == 409
    text = done.encoded().decode()
    assert "Innen en uitbetalen staan stil sinds de back-up van" in text
    assert "restore-hold confirm" in text
    assert _status(world, run.run_id) is RunStatus.AWAITING_APPROVAL
