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


def test_a_decided_receipt_has_its_row_until_it_is_booked_whole(repos):
    """The ``r|`` row the daily run reads rides in the invoice's transactions: written with the
    receipt, deleted with it; a receipt decided before the row was kept (none to delete: the
    service refuses the batch at that operation) is taken off the invoice all the same."""
    client = f"rcpt-{uuid.uuid4().hex[:8]}"
    pending = PendingReceipt("sync-0123456789abcdef01234567", 50_000, date(2026, 1, 21), 100_000)
    plain = Invoice(client, "F1", "D1", date(2025, 11, 1), date(2025, 12, 1), 100_000)
    repos.invoices.save(plain, None)
    read = repos.invoices.get(client, "F1")
    assert read is not None and repos.invoices.receipts_decided(client) == []
    at = datetime(2026, 1, 21, 23, 30, tzinfo=UTC)
    repos.invoices.decide_receipt(replace(plain, receipt_pending=pending), read, at)
    [(number, decided_at, etag)] = repos.invoices.receipts_decided(client)
    assert (number, decided_at) == ("F1", at) and etag
    decided = repos.invoices.get(client, "F1")
    assert decided is not None and decided.invoice.receipt_pending == pending
    with pytest.raises(TransactionFailed) as lost:  # a writer that read it before: refused
        repos.invoices.receipt_booked(plain, read)
    assert lost.value.index == 0
    repos.invoices.receipt_booked(plain, decided)
    assert repos.invoices.receipts_decided(client) == []
    booked = repos.invoices.get(client, "F1")
    assert booked is not None and booked.invoice == plain
    # as before this version: the receipt on the invoice, no row beside it
    repos.invoices.save(replace(plain, receipt_pending=pending), booked)
    old = repos.invoices.get(client, "F1")
    assert old is not None
    repos.invoices.receipt_booked(plain, old)
    gone = repos.invoices.get(client, "F1")
    assert gone is not None and gone.invoice.receipt_pending is None
