"""What the client's receipts keep on the table store (failure10 F1, F2; law10 F5), on the
in-memory store and on Azurite alike: the receipt a sync decided on the invoice row, guarded by
its ETag, and the client's sync runs in their own row beside the invoices."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from shared.domain.invoices import Invoice
from shared.domain.ledger.client_sync import PendingReceipt, SyncRuns
from shared.ports.tables import TransactionFailed


def test_a_decided_receipt_round_trips_and_is_taken_off_under_the_etag(repos):
    client = f"rcpt-{uuid.uuid4().hex[:8]}"
    pending = PendingReceipt("sync-0123456789abcdef01234567", 50_000, date(2026, 1, 21), 100_000)
    plain = Invoice(client, "F1", "D1", date(2025, 11, 1), date(2025, 12, 1), 100_000)
    repos.invoices.save(plain, None)
    read = repos.invoices.get(client, "F1")
    assert read is not None and read.invoice.receipt_pending is None
    repos.invoices.save(replace(plain, receipt_pending=pending), read)
    decided = repos.invoices.get(client, "F1")
    assert decided is not None and decided.invoice.receipt_pending == pending
    # a second sync that read the invoice before the receipt was written loses
    with pytest.raises(TransactionFailed):
        other = replace(pending, payment_id="sync-other", amount=30_000)
        repos.invoices.save(replace(plain, receipt_pending=other), read)
    repos.invoices.save(replace(decided.invoice, receipt_pending=None), decided)
    done = repos.invoices.get(client, "F1")
    assert done is not None and done.invoice == plain


def test_the_client_s_sync_runs_round_trip_beside_its_invoices(repos):
    client = f"rcpt-{uuid.uuid4().hex[:8]}"
    assert repos.invoices.sync_runs(client) == SyncRuns()
    repos.invoices.save(Invoice(client, "F1", "D1", date(2025, 11, 1), date(2025, 12, 1), 5000),
                        None)  # fmt: skip
    runs = SyncRuns(datetime(2026, 1, 21, 23, 30, tzinfo=UTC), date(2026, 1, 22), date(2026, 1, 21))
    repos.invoices.save_sync_runs(client, runs)
    assert repos.invoices.sync_runs(client) == runs
    assert [i.number for i in repos.invoices.for_debtor(client, "D1")] == ["F1"]
