"""The bank's statement of the client's own account handled whole while a sync sits between
booking its receipt and writing the receipt's item (failure12 F3).

Consumer F1 1,000.00, handed over; the 21-1 00:30 sync reports it open, the 22-1 00:30 sync
reports it paid. Right after that sync books its receipt (``sync-…`` 1,000.00 dated 21-1), and
before it writes the receipt's item, another instance ingests the client's own-account MT940
with the debtor's 1,000.00 of 21-1: the line takes the receipt's place (the receipt is still
decided on the invoice). Before: the line resolved an item not written yet, and the sync then
wrote it: "check the day and the amount" stayed open for a receipt that was reversed, and the
daily run left it. Now the line writes the receipt's item before reversing it and resolves it
after: the sync finds it there and adds none.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import shared.services.client_receipts as client_receipts
from shared.api.console.action_text import resolution
from shared.domain.records import ActionStatus
from tests.unit.api.conftest import verify_ibans
from tests.unit.payments.test_client_receipt_day import NIGHT_21, NIGHT_22
from tests.unit.payments.test_client_sync_receipts import _handed_over, _payments, _sync
from tests.unit.payments.test_own_statement_after_sync import _own_statement


def test_the_line_inside_the_sync_leaves_no_open_item(world, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    client = _handed_over(world)
    verify_ibans(world.agency_a, "C1")
    _sync(world, "1000.00", NIGHT_21)
    real = client_receipts.book_pending
    lines: list[int] = []
    inside: list[bool] = []

    def statement_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        booked = real(*args, **kwargs)
        if not inside:  # the sync's booking, not the line's own call of it
            inside.append(True)
            lines.append(_own_statement(world).booked)  # another instance, the bank's file
        return booked

    monkeypatch.setattr(client_receipts, "book_pending", statement_meanwhile)
    _sync(world, "0.00", NIGHT_22)
    assert lines == [1]
    # the daily run has nothing to finish
    world.clock.at = datetime(2026, 1, 23, 5, 0, tzinfo=UTC)
    assert world.services.imports.receipts.finish_left(client) == 0
    payments = _payments(world, client)
    standing = [(p.payment_id[:5], p.amount) for p in payments if not p.reversed]
    assert standing == [("bank-", 100_000)]  # one 1,000.00: the bank's
    (receipt,) = [p for p in payments if p.payment_id.startswith("sync-")]
    assert receipt.reversed
    items = world.services.repos.actions.list(client.client_id)[0]
    assert [i.status for i in items if i.status is ActionStatus.OPEN] == []
    (own,) = [i for i in items if i.kind == "client_receipt"]
    assert own.detail["payment_id"] == receipt.payment_id
    assert own.resolution is not None
    assert own.resolution.startswith("the bank's statement of the client's own account books")
    shown = resolution(own.resolution, "nl", lambda _: None)
    assert shown.startswith(
        "het afschrift van de eigen rekening van de opdrachtgever boekt dit geld (bank-"
    )
