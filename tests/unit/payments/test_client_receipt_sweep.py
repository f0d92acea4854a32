"""A receipt the client's sync decided and a crash cut off is finished by the daily run, for an
invoice the client never pushes again (sweep11; failure10 F1, F2 left it to the next push).

The scenario of test_client_sync_receipts.py: consumer F1 1,000.00 handed over, costs 150.00
owed from 22-1-2026. The sync of 20-2 15:00 reports 500.00 open: 500.00 received by the client
on 20-2 (costs 150.00, interest 10.41, principal 339.59), one ``client_receipt`` item; on 2-3
the claim is 661.13 open. The worker dies after the booking, before the receipt is taken off
the invoice; the client pushes nothing more. The run of 21-2 books nothing twice and takes the
receipt off; its second run changes nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from shared.adapters.tables import schema
from shared.adapters.tables.invoices_repo import RECEIPT_ROW
from shared.adapters.tables.keys import encode
from shared.domain.ledger.client_sync import PendingReceipt
from shared.domain.parties import Client
from shared.ports.tables import prefix_range
from shared.services.client_receipts import receipt_id
from tests.support.faults import FaultPlan, SimulatedCrash
from tests.unit.api.conftest import World, make_world
from tests.unit.payments.test_client_sync_receipts import (
    ROW,
    _claim,
    _handed_over,
    _items,
    _payments,
    _sync,
)

AT = datetime(2026, 2, 20, 15, 0, tzinfo=UTC)
NEXT_RUN = datetime(2026, 2, 21, 5, 0, tzinfo=UTC)


@pytest.fixture
def faulty() -> tuple[World, FaultPlan]:
    plan = FaultPlan(enabled=True)
    return make_world(datetime(2026, 1, 6, 9, 0, tzinfo=UTC), plan), plan


def _receipt_rows(world: World, client: Client) -> list[str]:
    rows = world.store.query(schema.INVOICES, pk=encode(client.client_id),
                             rk_range=prefix_range(RECEIPT_ROW + "|")).rows  # fmt: skip
    return [r.rk for r in rows]


def _pending(world: World, client: Client) -> object:
    stored = world.services.repos.invoices.get(client.client_id, "F1")
    assert stored is not None
    return stored.invoice.receipt_pending


def _item_written(world: World, client: Client) -> bool:
    """Read from the store under the faults (a read through them would ask the plan again)."""
    rows = world.store.query(schema.ACTIONS, pk=encode(client.client_id)).rows
    return any(r.data.get("Kind") == "client_receipt" for r in rows)


def _run(world: World, client: Client) -> None:
    world.clock.at = NEXT_RUN
    world.services.dunning.run_client(client.client_id, date(2026, 2, 21))


def _finished_once(world: World, client: Client) -> None:
    payments = _payments(world, client)
    assert [(p.amount, p.received_on, p.reversed) for p in payments] == [
        (50_000, date(2026, 2, 20), False)
    ]
    assert len(_items(world, client)) == 1
    assert _pending(world, client) is None and _receipt_rows(world, client) == []
    invoice = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body
    assert (invoice["open_amount"], invoice["status"]) == ("660.41", "partially_paid")
    assert _claim(world, "2026-03-02")["open"]["total"] == "661.13"


def _push_cut_off(world: World) -> None:
    world.clock.at = AT
    with pytest.raises(SimulatedCrash):
        world.agency_a.call("POST", "/v1/clients/C1/invoices",
                            {"items": [dict(ROW, open_amount="500.00")]})  # fmt: skip


@pytest.mark.parametrize(
    "where",
    [
        "the receipt's item written, the invoice not",  # the payment booked whole
        "the payment row written, its item not",
    ],
)
def test_the_daily_run_finishes_a_receipt_a_crash_cut_off_once(faulty, where):
    world, plan = faulty
    client = _handed_over(world)
    if where.startswith("the receipt's item"):
        plan.rule(lambda op, t: op == "insert" and t == schema.ACTIONS, "crash_after")
    else:
        plan.rule(lambda op, t: op == "insert" and t == schema.PAYMENTS, "crash_after")
    _push_cut_off(world)
    assert _pending(world, client) is not None and len(_receipt_rows(world, client)) == 1
    assert len(_payments(world, client)) == 1
    _run(world, client)  # the client pushes nothing more
    _finished_once(world, client)
    _run(world, client)
    _finished_once(world, client)


def test_the_invoice_write_that_fails_after_the_booking_is_finished_by_the_run(faulty):
    """The write that takes the receipt off the invoice times out (the request answers 503);
    the connector does not send the batch again."""
    world, plan = faulty
    client = _handed_over(world)
    plan.rule(lambda op, t: op == "transact" and t == schema.INVOICES
              and _item_written(world, client), "timeout")  # fmt: skip
    world.clock.at = AT
    answer = world.agency_a.call("POST", "/v1/clients/C1/invoices",
                                 {"items": [dict(ROW, open_amount="500.00")]})  # fmt: skip
    assert answer.status == 503
    assert _pending(world, client) is not None
    _run(world, client)
    _finished_once(world, client)
    _run(world, client)
    _finished_once(world, client)


def test_a_receipt_decided_minutes_ago_is_left_to_its_sync(faulty):
    """A receipt on the invoice for less than 15 minutes may be being booked by its sync right
    now: the run leaves it (the sync, or tomorrow's run, finishes it)."""
    world, plan = faulty
    client = _handed_over(world)
    plan.rule(lambda op, t: op == "insert" and t == schema.ACTIONS, "crash_after")
    _push_cut_off(world)
    world.clock.at = datetime(2026, 2, 20, 15, 10, tzinfo=UTC)
    assert world.services.imports.receipts.finish_left(client) == 0
    assert _pending(world, client) is not None
    world.clock.at = datetime(2026, 2, 20, 15, 15, tzinfo=UTC)
    assert world.services.imports.receipts.finish_left(client) == 1
    _finished_once(world, client)


def test_a_receipt_decided_before_its_row_was_kept_is_taken_off_all_the_same(world):
    """A receipt left on an invoice before this version has no ``r|`` row: the next push
    finishes it as before, and the invoice write that takes it off (whose delete of the row
    the service refuses in a batch) still lands."""
    client = _handed_over(world)
    repos = world.services.repos
    stored = repos.invoices.get(client.client_id, "F1")
    assert stored is not None
    pending = PendingReceipt(receipt_id(client, "F1", 50_000), 50_000, date(2026, 2, 20), 50_000)
    repos.invoices.save(replace(stored.invoice, receipt_pending=pending), stored)  # as before
    assert _receipt_rows(world, client) == []
    _sync(world, "500.00", datetime(2026, 2, 21, 9, 0, tzinfo=UTC))
    assert _pending(world, client) is None and _receipt_rows(world, client) == []
    assert [p.amount for p in _payments(world, client)] == [50_000]


def test_a_row_whose_invoice_carries_no_receipt_goes(world):
    client = _handed_over(world)
    repos = world.services.repos
    stored = repos.invoices.get(client.client_id, "F1")
    assert stored is not None
    repos.invoices.decide_receipt(stored.invoice, stored, AT)  # a row, no receipt on it
    assert _receipt_rows(world, client) == [f"{RECEIPT_ROW}|F1"]
    world.clock.at = NEXT_RUN
    assert world.services.imports.receipts.finish_left(client) == 0
    assert _receipt_rows(world, client) == []
    assert not _payments(world, client)
