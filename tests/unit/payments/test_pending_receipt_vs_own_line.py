"""A line on the client's own account that is the money of a receipt a sync (or a re-dating)
decided and did not book whole takes its place, as it does a booked one (codereview11 F1).

Consumer F1 1,000.00; the client's sync of 22-1 00:30 reports it paid and the worker dies right
after the receipt is decided (``receipt_pending`` and its ``r|`` row on the invoice, no payment).
The bank's statement of the client's own account then books the same 1,000.00 on 21-1, and the
daily run finishes what the crash left. Before: the line was booked beside the pending receipt
(bank_takes_the_place read only the invoice's booked payments; a statement window booked it
without looking) and the run booked the receipt too: 2,000.00 for 1,000.00 and an overpayment
item (failure11 F5 again).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.tables import schema
from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import verify_ibans
from tests.unit.payments.test_client_receipt_day import NIGHT_21, NIGHT_22
from tests.unit.payments.test_client_receipt_sweep import faulty  # noqa: F401
from tests.unit.payments.test_client_sync_receipts import ROW, _handed_over, _payments, _sync
from tests.unit.payments.test_own_statement_after_sync import _own_statement
from tests.unit.payments.test_redating_decided_once import MORNING_23, _cut_after_the_reversal


def _standing(world, client):  # type: ignore[no-untyped-def]
    return [(p.payment_id[:5], p.amount) for p in _payments(world, client) if not p.reversed]


def _kinds(world, client):  # type: ignore[no-untyped-def]
    return sorted(i.kind for i in world.services.repos.actions.list(client.client_id)[0])


def test_own_line_while_a_receipt_is_pending_takes_its_place(faulty):  # type: ignore[no-untyped-def]  # noqa: F811
    world, plan = faulty
    client = _handed_over(world)
    verify_ibans(world.agency_a, "C1")
    _sync(world, "1000.00", NIGHT_21)
    # the 22-1 00:30 sync reports F1 paid; the worker dies right after the receipt is decided
    plan.rule(lambda op, t: op == "transact" and t == schema.INVOICES, "crash_after")
    world.clock.at = NIGHT_22
    with pytest.raises(SimulatedCrash):
        world.agency_a.call("POST", "/v1/clients/C1/invoices",
                            {"items": [dict(ROW, open_amount="0.00")]})  # fmt: skip
    invoices = world.services.repos.invoices
    assert invoices.get(client.client_id, "F1").invoice.receipt_pending is not None
    assert _payments(world, client) == []  # decided, not booked
    plan.rules.clear()
    # the bank's statement of the client's own account at 08:00: the same 1,000.00 on 21-1
    world.clock.at = datetime(2026, 1, 22, 7, 0, tzinfo=UTC)
    assert _own_statement(world).booked == 1
    # the receipt is off the invoice with its row: nothing is left for the daily run
    assert invoices.get(client.client_id, "F1").invoice.receipt_pending is None
    assert invoices.receipts_decided(client.client_id) == []
    world.clock.at = datetime(2026, 1, 23, 5, 0, tzinfo=UTC)
    assert world.services.imports.receipts.finish_left(client) == 0
    # one 1,000.00 stands: the bank's, as when the receipt was booked before the line
    assert _standing(world, client) == [("bank-", 100_000)]
    assert "overpayment" not in _kinds(world, client)


def test_own_line_while_a_re_dating_is_pending_takes_its_place(world):  # type: ignore[no-untyped-def]
    """The variant: a re-dating to 21-1 cut off after the receipt it replaces was reversed
    (the receipt booked again not yet booked); the bank's line of 21-1 arrives, then the daily
    run. Before: the line and the receipt booked again both stood."""
    client, _ = _cut_after_the_reversal(world)
    verify_ibans(world.agency_a, "C1")
    assert _own_statement(world).booked == 1
    invoices = world.services.repos.invoices
    assert invoices.get(client.client_id, "F1").invoice.receipt_pending is None
    world.clock.at = MORNING_23 + timedelta(hours=1)
    assert world.services.imports.receipts.finish_left(client) == 0
    assert _standing(world, client) == [("bank-", 100_000)]
    assert "overpayment" not in _kinds(world, client)


def test_own_line_of_other_money_while_a_receipt_is_pending_goes_to_a_person(faulty):  # type: ignore[no-untyped-def]  # noqa: F811
    """sync12 item 4: the line is 400.00, the pending receipt 1,000.00: not clearly the same
    money. Before: the pending receipt was passed over (no item), the line booked, and the
    daily run booked the receipt beside it unasked. Now the receipt is finished (with its own
    item) and an item names both figures, as for a booked receipt."""
    world, plan = faulty
    client = _handed_over(world)
    verify_ibans(world.agency_a, "C1")
    _sync(world, "1000.00", NIGHT_21)
    plan.rule(lambda op, t: op == "transact" and t == schema.INVOICES, "crash_after")
    world.clock.at = NIGHT_22
    with pytest.raises(SimulatedCrash):
        world.agency_a.call("POST", "/v1/clients/C1/invoices",
                            {"items": [dict(ROW, open_amount="0.00")]})  # fmt: skip
    plan.rules.clear()
    world.clock.at = datetime(2026, 1, 22, 7, 0, tzinfo=UTC)
    assert _own_statement(world, amount=40_000).booked == 1
    invoices = world.services.repos.invoices
    assert invoices.get(client.client_id, "F1").invoice.receipt_pending is None
    items = world.services.repos.actions.list(client.client_id, kind="client_receipt")[0]
    (asked,) = [i for i in items if i.detail.get("bank_payment_id")]
    (receipt,) = [p for p in _payments(world, client) if p.payment_id.startswith("sync-")]
    assert asked.detail["payment_id"] == receipt.payment_id
    assert (asked.detail["amount"], asked.detail["bank_amount"]) == (100_000, 40_000)
    assert (asked.detail["date"], asked.detail["bank_date"]) == ("2026-01-21", "2026-01-21")
    own = [i for i in items if i.detail.get("payment_id") == receipt.payment_id]
    assert len(own) == 2  # the receipt's own (check its day and amount) and the question
    # the daily run has nothing left to book; the statement again adds nothing
    world.clock.at = datetime(2026, 1, 23, 5, 0, tzinfo=UTC)
    assert world.services.imports.receipts.finish_left(client) == 0
    _own_statement(world, amount=40_000)
    assert sorted(_standing(world, client)) == [("bank-", 40_000), ("sync-", 100_000)]
    items = world.services.repos.actions.list(client.client_id, kind="client_receipt")[0]
    assert len(items) == 2
