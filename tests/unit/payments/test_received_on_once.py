"""Re-dating a client's receipt (POST …/payments/{payment}/received-on) books its money once
however often it is asked (codereview10 #1, #2): the original id asked for a second day after
a first re-dating is refused (it booked 1,000.00 twice), and a payment whose day the bank
gave (a line on the client's own account) keeps that day."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.records import PaymentSource, Receiver
from tests.unit.payments.test_client_receipt_day import NIGHT_22, _received_on
from tests.unit.payments.test_client_sync_receipts import _handed_over, _payments, _sync


def test_original_id_redated_twice_books_the_money_once(world):  # type: ignore[no-untyped-def]
    client = _handed_over(world)
    _sync(world, "0.00", NIGHT_22)
    (first,) = _payments(world, client)
    world.clock.at = datetime(2026, 1, 23, 9, 0, tzinfo=UTC)
    assert _received_on(world, first.payment_id, "2026-01-21").status == 200
    # staff correct the day again, on the id the client_receipt item names (the original)
    second = _received_on(world, first.payment_id, "2026-01-20")
    standing = [p for p in _payments(world, client) if not p.reversed]
    assert sum(p.amount for p in standing) == 100_000, (
        second.status,
        [(p.payment_id, p.amount, str(p.received_on)) for p in standing],
    )
    assert second.status == 422, second.body


def test_a_bank_payment_on_the_client_s_own_account_keeps_its_day(world):  # type: ignore[no-untyped-def]
    client = _handed_over(world)
    world.clock.at = datetime(2026, 1, 23, 9, 0, tzinfo=UTC)
    world.services.payments.book(client, payment_id="bank-own-1", amount=100_000,
                                 received_on=date(2026, 1, 23), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"], received_by=Receiver.CLIENT)  # fmt: skip
    reply = _received_on(world, "bank-own-1", "2026-01-21")
    assert reply.status == 422, reply.body
