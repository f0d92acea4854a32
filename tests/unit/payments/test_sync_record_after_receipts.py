"""A client's sync request that fails before its receipts are decided keeps their day when it is
sent again (failure11 F4). The law10 F5 case of test_client_receipt_day.py: the sync of 21-1
00:30 shows 1,000.00 open; the request of 22-1 00:30 reports 0.00 open and fails with storage
throttling in the receipt step; the connector sends it again 1h15 later, or the next night.
Without the failure the receipt is booked on 21-1 (in term: no costs, 7.12 interest). Before the
fix the failed request had written the sync's record, and the retry, a sync of its own, booked
the money on 22-1: 150.00 costs charged to a consumer who paid in term."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.services.client_receipts import ClientReceipts
from tests.unit.payments.test_client_receipt_day import IN_TERM, NIGHT_21, NIGHT_22
from tests.unit.payments.test_client_sync_receipts import (
    ROW,
    _claim,
    _handed_over,
    _payments,
    _sync,
)


@pytest.mark.parametrize(
    "retry_at",
    [datetime(2026, 1, 22, 1, 45, tzinfo=UTC), datetime(2026, 1, 22, 23, 30, tzinfo=UTC)],
    ids=["an hour and a quarter later", "the next night"],
)
def test_a_failed_sync_request_does_not_move_the_receipt_s_day(world, monkeypatch, retry_at):  # type: ignore[no-untyped-def]
    client = _handed_over(world)
    _sync(world, "1000.00", NIGHT_21)

    def throttled(self, *a, **k):  # type: ignore[no-untyped-def]
        raise TimeoutError("storage 503: server busy")

    with monkeypatch.context() as patch:
        patch.setattr(ClientReceipts, "settle", throttled)
        world.clock.at = NIGHT_22
        failed = world.agency_a.call(
            "POST", "/v1/clients/C1/invoices", {"items": [dict(ROW, open_amount="0.00")]}
        )
        assert failed.status >= 500
    _sync(world, "0.00", retry_at)
    (payment,) = _payments(world, client)
    assert payment.received_on == date(2026, 1, 21)
    assert _claim(world, "2026-01-23")["paid"] == IN_TERM
