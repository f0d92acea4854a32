"""The client's accounting sync books each receipt once, however syncs interleave, and a retry
finishes a receipt a crash cut off (failure10 F1, F2).

The scenario of test_client_sync_receipts.py: consumer F1 1,000.00 handed over, costs 150.00
owed from 22-1-2026. A sync on 20-2 that reports 500.00 paid books costs 150.00, interest 10.41
and principal 339.59 received by the client: the invoice is 660.41 open, one payment row, one
``client_receipt`` item; on 2-3 the claim is 661.13 open.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.unit.payments.test_client_sync_receipts import (
    ROW,
    _claim,
    _handed_over,
    _items,
    _payments,
    _sync,
)

AT = datetime(2026, 2, 20, 15, 0, tzinfo=UTC)


def _booked(world, client) -> int:  # type: ignore[no-untyped-def]
    return sum(p.amount for p in _payments(world, client) if not p.reversed)


def _run_inside(world, name: str, call: int, other) -> None:  # type: ignore[no-untyped-def]
    """Make the ``call``-th call of ``ClientReceipts.<name>`` run ``other`` (a whole sync)
    first: a second sync that runs while the first stands just there."""
    receipts = world.services.imports.receipts
    real = getattr(receipts, name)
    calls = []

    def patched(*a, **kw):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == call:
            if name == "weigh":
                found = real(*a, **kw)
                other()
                return found
            other()
        return real(*a, **kw)

    setattr(receipts, name, patched)


def test_a_sync_racing_before_the_invoices_are_written_books_the_books_figure_once(world):
    """Night sync X (700.00 open: 300.00 paid to the client) weighs; push Y (500.00 open) runs
    whole; then X books. Was: 300.00 + 500.00 = 800.00 booked."""
    client = _handed_over(world)
    _run_inside(world, "weigh", 1, lambda: _sync(world, "500.00", AT))
    _sync(world, "700.00", AT)
    assert _booked(world, client) == 50_000
    assert len(_items(world, client)) == 1


def test_a_sync_racing_between_its_last_weighing_and_its_booking_books_once(world):
    """X weighs the invoice again just before it books (300.00 new) and Y runs whole right
    then: X's receipt written on the invoice under the ETag it read loses, and X weighs
    again on what Y booked (nothing new)."""
    client = _handed_over(world)
    _run_inside(world, "weigh", 2, lambda: _sync(world, "500.00", AT))
    _sync(world, "700.00", AT)
    assert _booked(world, client) == 50_000
    assert _claim(world, "2026-03-02")["open"]["total"] == "661.13"


def test_a_sync_finds_the_receipt_a_racing_sync_decided_and_books_only_the_rest(world):
    """X decided 300.00 and wrote it on the invoice; Y (500.00 paid) runs whole before X books
    it: Y books X's 300.00 and the 200.00 rest; X then finds its receipt booked."""
    client = _handed_over(world)
    _run_inside(world, "_book", 1, lambda: _sync(world, "500.00", AT))
    _sync(world, "700.00", AT)
    assert sorted(p.amount for p in _payments(world, client)) == [20_000, 30_000]
    assert _claim(world, "2026-03-02")["open"]["total"] == "661.13"
    assert len(_items(world, client)) == 2  # one per payment: each says its amount and day
    invoice = world.services.repos.invoices.get(client.client_id, "F1")
    assert invoice is not None and invoice.invoice.receipt_pending is None


def test_the_same_sync_twice_at_once_books_once(world):
    """The connector retried its request after a timeout while the first still ran."""
    client = _handed_over(world)
    _run_inside(world, "weigh", 2, lambda: _sync(world, "500.00", AT))
    _sync(world, "500.00", AT)
    assert [p.amount for p in _payments(world, client)] == [50_000]
    assert _claim(world, "2026-03-02")["open"]["total"] == "661.13"


def _cut_off(world, repo, method: str, hit) -> list[object]:  # type: ignore[no-untyped-def]
    """The first write of ``repo.method`` that ``hit`` picks times out; then the sync."""
    real = getattr(repo, method)
    failed: list[object] = []

    def patched(x):  # type: ignore[no-untyped-def]
        if hit(x) and not failed:
            failed.append(x)
            raise TimeoutError("storage timed out")
        return real(x)

    setattr(repo, method, patched)
    world.clock.at = AT
    answer = world.agency_a.call("POST", "/v1/clients/C1/invoices",
                                 {"items": [dict(ROW, open_amount="500.00")]})  # fmt: skip
    assert failed and answer.status == 503
    return failed


def test_a_crash_after_the_ledger_before_the_payment_row_is_finished_by_the_retry(world):
    """The payment row's write times out after the ledger took the receipt: the retry (the
    connector sends the batch again, the next day) books its row, the invoice's share and the
    item on the receipt's first day. Was: the ledger paid, the invoice 1,000.00 open, no row."""
    client = _handed_over(world)
    repos = world.services.repos
    _cut_off(world, repos.payments, "add", lambda p: p.payment_id.startswith("sync-"))
    _sync(world, "500.00", datetime(2026, 2, 21, 9, 0, tzinfo=UTC))
    (payment,) = _payments(world, client)
    assert (payment.amount, payment.received_on.isoformat()) == (50_000, "2026-02-20")
    invoice = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body
    assert (invoice["open_amount"], invoice["status"]) == ("660.41", "partially_paid")
    (item,) = _items(world, client)
    assert item.detail["date"] == "2026-02-20"
    assert _claim(world, "2026-03-02")["open"]["total"] == "661.13"


def test_a_crash_after_the_booking_before_the_item_is_told_by_the_retry(world):
    """The item's write times out after the payment was booked: the retry writes it."""
    client = _handed_over(world)
    repos = world.services.repos
    _cut_off(world, repos.actions, "add", lambda i: i.kind == "client_receipt")
    assert not _items(world, client)
    _sync(world, "500.00", datetime(2026, 2, 20, 15, 10, tzinfo=UTC))
    assert [p.amount for p in _payments(world, client)] == [50_000]
    assert len(_items(world, client)) == 1
    stored = repos.invoices.get(client.client_id, "F1")
    assert stored is not None and stored.invoice.receipt_pending is None


def test_a_receipt_is_finished_even_when_the_retry_s_row_is_refused(world):
    """The retry's row is refused (its amount now below what was paid): the receipt the
    first attempt decided is booked whole all the same, and nothing new is decided."""
    client = _handed_over(world)
    repos = world.services.repos
    _cut_off(world, repos.actions, "add", lambda i: i.kind == "client_receipt")
    world.clock.at = datetime(2026, 2, 20, 15, 10, tzinfo=UTC)
    answer = world.agency_a.call("POST", "/v1/clients/C1/invoices",
                                 {"items": [dict(ROW, amount="300.00", open_amount="0.00")]})  # fmt: skip
    assert answer.status == 200 and answer.body["errors"]
    assert [p.amount for p in _payments(world, client)] == [50_000]
    assert len(_items(world, client)) == 1
