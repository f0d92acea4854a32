"""An invoice's dispute, withdrawal or resolved dispute is stored, then written on the debtor's
contact log. A worker cut off between the two (the invoice's write landed, its answer lost, the
request retried) found the change made and took it as a repeat: the contact line was never
written (failure26 F2: the dossier the agency and a judge read had no "Invoice F1 disputed"
line, 0 lines after the retry; now 1, and a plain repeat adds none)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.adapters.tables import schema
from tests.support.faults import FaultPlan, SimulatedCrash
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row, make_world


@pytest.fixture
def faulty() -> tuple[World, FaultPlan]:
    plan = FaultPlan(enabled=False)
    world = make_world(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), plan)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1"), invoice_row("F2")]})
    return world, plan


def _lines(world: World, text: str) -> int:
    log = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    return sum(text == e["summary"] for e in log)


def _cut_after_the_invoice_write(plan: FaultPlan) -> None:
    plan.rules.clear()
    plan.rule(lambda op, table: op == "transact" and table == schema.INVOICES, "crash_after")
    plan.enabled = True


@pytest.mark.parametrize(
    ("path", "body", "line"),
    [
        ("dispute", {"reason": "nooit geleverd"}, "Invoice F1 disputed: nooit geleverd"),
        ("withdraw", None, "Invoice F1 withdrawn"),
    ],
)
def test_a_change_cut_off_after_its_write_is_logged_by_the_retry(
    faulty: tuple[World, FaultPlan], path: str, body: dict[str, str] | None, line: str
) -> None:
    world, plan = faulty
    a = world.agency_a
    _cut_after_the_invoice_write(plan)
    with pytest.raises(SimulatedCrash):
        a.call("POST", f"/v1/clients/C1/invoices/F1/{path}", body)
    plan.enabled = False
    assert _lines(world, line) == 0
    world.clock.at = datetime(2026, 3, 2, 9, 1, tzinfo=UTC)
    assert a.call("POST", f"/v1/clients/C1/invoices/F1/{path}", body).status == 200  # retried
    assert _lines(world, line) == 1
    world.clock.at = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert a.call("POST", f"/v1/clients/C1/invoices/F1/{path}", body).status == 200  # repeated
    assert _lines(world, line) == 1


def test_a_resolved_dispute_cut_off_after_its_write_is_logged_by_the_retry(
    faulty: tuple[World, FaultPlan],
) -> None:
    world, plan = faulty
    a = world.agency_a
    a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": "nooit geleverd"})
    _cut_after_the_invoice_write(plan)
    with pytest.raises(SimulatedCrash):
        a.call("POST", "/v1/clients/C1/invoices/F1/resolve-dispute")
    plan.enabled = False
    reply = a.call("POST", "/v1/clients/C1/invoices/F1/resolve-dispute")  # retried
    assert reply.status in (200, 409, 422), reply.body
    assert _lines(world, "Dispute on invoice F1 resolved") == 1
