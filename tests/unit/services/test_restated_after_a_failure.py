"""A correction of a debtor's kind and a moved due date restate what was paid, whatever fails
between storing the change and the restatement (restate11). The change is marked first; a
failure after it is stored (the worker crashing after the write landed, a storage error on
the restatement's ledger write) leaves the mark, and the retry, which finds the change stored
and nothing to change, finishes it: restated once, recorded once. Without the mark the retry
left the consumer paying the business terms.

Figures (by hand, tests/unit/api/test_debtor_kind_restates_payments.py): F1 5,000.00 due
1-12-2025, the client's business sommatie 5-1-2026, agreed costs 15 %; 1,000.00 paid on
10-1-2026 went to costs 750.00 and 6:119a interest 55.62 (40 d x 10.15 %). As a consumer it
pays the 6:119 interest 2-12..9-1 (30 d x 6 % + 9 d x 4 % on 5,000.00 = 29.59) and 970.41
principal: 4,029.59 open; by 23-1 10-1..22-1 13 d x 4 % on 4,029.59 = 5.74 more interest."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.adapters.tables import schema
from shared.adapters.tables.invoices_repo import DUE_MOVED_ROW, KIND_CHANGED_ROW
from shared.adapters.tables.ledger_repo import LEDGER
from shared.domain.parties import Client
from shared.domain.people.audit import Event
from shared.domain.records import PaymentSource
from shared.ports.tables import prefix_range
from tests.support.faults import FaultPlan, SimulatedCrash
from tests.unit.api.conftest import (
    World,
    client_row,
    debtor_row,
    invoice_row,
    make_world,
)

ROW = invoice_row("F1", "D1", amount="5000.00", invoice_date="2025-11-01",
                  due_date="2025-12-01", fourteen_day_letter_on="2026-01-05")  # fmt: skip
TO_CONSUMER = {"items": [debtor_row("D1", kind="b2c", name="X")]}


@pytest.fixture
def faulty() -> tuple[World, FaultPlan]:
    plan = FaultPlan(enabled=True)
    return make_world(datetime(2026, 1, 6, 9, 0, tzinfo=UTC), plan), plan


def _client_id(world: World) -> str:
    found = world.services.repos.clients.id_for_number("agency-a", "C1")
    assert found
    return found


def _part_paid_business_claim(world: World, row: dict[str, str], kind: str = "b2b") -> None:
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", b2b_collection_costs_rate="15")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind=kind, name="X")]})
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).status == 200
    client = _client(world)
    world.clock.at = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    world.services.payments.book(client, payment_id="p1", amount=100_000,
                                 received_on=date(2026, 1, 10), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    world.clock.at = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)


def _client(world: World) -> Client:
    stored = world.services.repos.clients.get(_client_id(world))
    assert stored is not None
    return stored[0]


def _claim(world: World, on: str) -> dict[str, dict[str, str]]:
    body = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1/claim", on=on).body
    return {"paid": body["paid"], "open": body["open"]}


def _marks(world: World, row: str) -> list[str]:
    rows = world.store.query(
        schema.INVOICES, pk=_client_id(world), rk_range=prefix_range(row + "|")
    ).rows
    return [r.rk for r in rows]


def _ledger_events(world: World) -> int:
    client = world.services.repos.clients.get(_client_id(world))
    assert client is not None
    return len(world.services.ledger.debtor_claims(client[0], "D1").records[0].events)


def _restated_once(world: World) -> None:
    on_12 = _claim(world, "2026-01-12")
    assert on_12["paid"]["costs"] == "0.00" and on_12["paid"]["interest"] == "29.59"
    assert on_12["open"]["principal"] == "4029.59"
    assert _claim(world, "2026-01-23")["open"]["interest"] == "5.74"
    entries, _ = world.services.repos.contacts.for_debtor(_client_id(world), "D1")
    assert [e.summary for e in entries if "changed from business to consumer" in e.summary]
    assert len([e for e in entries if "changed from business to consumer" in e.summary]) == 1
    kit = world.services.people.kit
    audited = [e for e in kit.people.audit.between(f"client:{_client_id(world)}", "0", "z")
               if e.event is Event.DEBTOR_KIND_CHANGED]  # fmt: skip
    assert len(audited) == 1
    checks = [i for i in world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
              if i["kind"] == "kind_letter_check"]  # fmt: skip
    assert len(checks) == 1
    assert _marks(world, KIND_CHANGED_ROW) == []


def _debtor_stored(op: str, table: str) -> bool:
    return table == schema.DEBTORS and op in ("transact", "insert", "replace", "upsert")


def _ledger_written(op: str, table: str) -> bool:
    return table == LEDGER and op in ("transact", "insert", "replace", "upsert")


@pytest.mark.parametrize(
    ("match", "kind"),
    [
        (_debtor_stored, "crash_after"),  # the kind landed, the worker died before restating
        (_ledger_written, "http500"),  # the kind stored, the restatement's write failed
    ],
)
def test_the_retry_restates_a_kind_correction_once(faulty, match, kind: str) -> None:  # type: ignore[no-untyped-def]
    world, plan = faulty
    _part_paid_business_claim(world, ROW)
    plan.rule(match, kind, times=1)
    a = world.agency_a
    try:
        first = a.call("POST", "/v1/clients/C1/debtors", TO_CONSUMER)
        assert first.status in (500, 503)
    except SimulatedCrash:
        pass
    stored = world.services.repos.debtors.get(_client_id(world), "D1")
    assert stored is not None and stored[0].kind.value == "b2c"  # the change stands
    assert _claim(world, "2026-01-12")["paid"]["costs"] == "750.00"  # not restated yet
    assert _marks(world, KIND_CHANGED_ROW) != []  # and is known to be unrestated
    again = a.call("POST", "/v1/clients/C1/debtors", TO_CONSUMER).body
    assert again["unchanged"] == 1 and again["rejected"] == 0, again
    _restated_once(world)
    events = _ledger_events(world)
    assert a.call("POST", "/v1/clients/C1/debtors", TO_CONSUMER).body["unchanged"] == 1
    _restated_once(world)
    assert _ledger_events(world) == events


def test_the_daily_run_restates_a_kind_correction_no_push_retried(faulty) -> None:  # type: ignore[no-untyped-def]
    world, plan = faulty
    _part_paid_business_claim(world, ROW)
    plan.rule(_debtor_stored, "crash_after", times=1)
    with pytest.raises(SimulatedCrash):
        world.agency_a.call("POST", "/v1/clients/C1/debtors", TO_CONSUMER)
    world.services.dunning.run_client(_client_id(world), date(2026, 1, 12))
    _restated_once(world)


def test_a_mark_whose_change_was_never_stored_goes_after_its_grace(faulty) -> None:  # type: ignore[no-untyped-def]
    world, plan = faulty
    _part_paid_business_claim(world, ROW)
    plan.rule(_debtor_stored, "http500", times=1)  # refused: nothing stored
    assert world.agency_a.call("POST", "/v1/clients/C1/debtors", TO_CONSUMER).status in (500, 503)
    assert _marks(world, KIND_CHANGED_ROW) != []
    world.services.dunning.run_client(_client_id(world), date(2026, 1, 12))
    assert _marks(world, KIND_CHANGED_ROW) != []  # its push may still be under way
    world.clock.at = datetime(2026, 1, 12, 11, 0, tzinfo=UTC)
    world.services.dunning.run_client(_client_id(world), date(2026, 1, 12))
    assert _marks(world, KIND_CHANGED_ROW) == []
    assert _claim(world, "2026-01-12")["paid"]["costs"] == "750.00"  # still a business


def test_the_retry_restates_a_moved_due_date_once(faulty) -> None:  # type: ignore[no-untyped-def]
    """Consumer F1 1,000.00 due 1-12-2025, 500.00 paid on 10-1 (interest 5.92, principal
    494.08), the due date moved to 15-1: all principal; on 15-2 500.00 + 30 d x 4 % = 501.64
    (tests/unit/api/test_due_date_moved_restates.py)."""
    world, plan = faulty
    a = world.agency_a
    row = invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-11-01",
                      due_date="2025-12-01")  # fmt: skip
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).status == 200
    client = _client(world)
    world.clock.at = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    world.services.payments.book(client, payment_id="p1", amount=50_000,
                                 received_on=date(2026, 1, 10), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    world.clock.at = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    moved = {"items": [dict(row, due_date="2026-01-15")]}
    plan.rule(lambda op, t: op == "transact" and t == schema.INVOICES, "crash_after", times=1)
    with pytest.raises(SimulatedCrash):
        a.call("POST", "/v1/clients/C1/invoices", moved)
    assert _claim(world, "2026-01-12")["paid"]["interest"] == "5.92"  # stored, not restated
    assert _marks(world, DUE_MOVED_ROW) != []
    assert a.call("POST", "/v1/clients/C1/invoices", moved).body["unchanged"] == 1
    on_15_2 = _claim(world, "2026-02-15")
    assert on_15_2["paid"]["interest"] == "0.00" and on_15_2["open"]["total"] == "501.64"
    assert _marks(world, DUE_MOVED_ROW) == []
    events = _ledger_events(world)
    assert a.call("POST", "/v1/clients/C1/invoices", moved).body["unchanged"] == 1
    assert _ledger_events(world) == events
