"""failure32 #3: two workers book two payments of one debtor on one invoice at the same moment
(a statement blob and a Mollie webhook, or two blobs): each has read the invoice (and its
ledger) before the other writes, so one of them meets a 412 on the hot rows. Both payments
are booked, and what the invoice shows as paid, its ledger and its balance count both."""

from __future__ import annotations

import contextlib
import threading
from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.domain.records import PaymentSource
from shared.ports.tables import TransactionFailed
from tests.unit.api.conftest import client_row, debtor_row, invoice_row


def _client(world: Any) -> Any:
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices",
           {"items": [invoice_row("F1", "D1", amount="121.00", due_date="2025-03-10")]})  # fmt: skip
    access = world.services.access
    return access.client_for(access.authenticate(a.key), "C1")


@pytest.mark.parametrize("hold", ["get", "get_many", "none"])
def test_two_payments_on_one_invoice_at_once_are_both_booked(world, monkeypatch, hold) -> None:
    client = _client(world)
    repos = world.services.repos
    both = threading.Barrier(2, timeout=5)
    waited: set[int] = set()
    real_get = getattr(repos.invoices, hold if hold != "none" else "get")
    real_save = repos.invoices.save
    lost: list[str] = []

    def save(*a: Any, **k: Any) -> Any:
        try:
            return real_save(*a, **k)
        except TransactionFailed:  # the 412: the other worker saved the invoice first
            lost.append(threading.current_thread().name)
            raise

    def get(*a: Any, **k: Any) -> Any:
        out = real_get(*a, **k)
        me = threading.get_ident()
        if (
            hold != "none"
            and me not in waited
            and threading.current_thread().name.startswith("book-")
        ):
            waited.add(me)
            with contextlib.suppress(threading.BrokenBarrierError):
                both.wait()  # both have read the invoice before either writes
        return out

    if hold != "none":  # get: the invoice read before its save; get_many: before the ledger
        monkeypatch.setattr(repos.invoices, hold, get)
    monkeypatch.setattr(repos.invoices, "save", save)
    errors: list[BaseException] = []

    def book(payment_id: str, amount: int, source: PaymentSource) -> None:
        try:
            world.services.payments.book(
                client, payment_id=payment_id, amount=amount, received_on=date(2025, 3, 19),
                source=source, invoice_numbers=["F1"],
            )  # fmt: skip
        except BaseException as exc:  # shown in the assertion
            errors.append(exc)

    workers = [
        threading.Thread(target=book, args=("bank-A", 4_000, PaymentSource.BANK), name="book-a"),
        threading.Thread(
            target=book, args=("mollie-B", 3_000, PaymentSource.MOLLIE), name="book-b"
        ),
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    assert len(waited) == (0 if hold == "none" else 2) and not both.broken
    if hold == "get":
        assert len(lost) == 1, lost  # the race was run: one save met the other's
    # a worker that lost its race may raise (the host delivers its message again): redelivered
    for pid, amount, source in (("bank-A", 4_000, PaymentSource.BANK),
                                ("mollie-B", 3_000, PaymentSource.MOLLIE)):  # fmt: skip
        if repos.payments.get(client.client_id, pid) is None:
            book(pid, amount, source)
    booked = [repos.payments.get(client.client_id, p) for p in ("bank-A", "mollie-B")]
    assert all(p is not None and not p.reversed for p in booked), (booked, errors)
    assert [sum(a.amount for a in p.allocations) for p in booked if p] == [4_000, 3_000]
    stored = repos.invoices.get(client.client_id, "F1")
    assert stored is not None and stored.invoice.paid == 7_000, (stored, errors)
    ledger = world.services.ledger.open_claims(client, ["F1"], date(2025, 3, 20))
    assert ledger["F1"].paid.principal == 7_000
    body = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body
    assert body["status"] == "partially_paid", body
