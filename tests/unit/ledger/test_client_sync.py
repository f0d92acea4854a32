"""What a client's sync reports paid, weighed against the money Inning holds (law9 F1, F2)."""

from __future__ import annotations

from datetime import date

from shared.domain.invoices import Invoice
from shared.domain.ledger.client_sync import (
    SyncedReceipt,
    before_handover,
    reconcile,
    reported_paid,
    unseen_returns,
)

COSTS_FROM = date(2026, 1, 22)


def test_inning_s_own_payment_in_whole_explains_the_books():
    # 300.00 booked by Inning (150.00 costs, 10.41 interest, 139.59 principal): the books
    # reporting 300.00 (or 150.00) paid is nothing new
    for reported in (30_000, 15_000):
        assert reconcile(reported=reported, known=30_000, before=False,
                         open_principal=86_041) == SyncedReceipt()  # fmt: skip


def test_new_money_after_the_costs_is_a_payment_before_it_principal():
    assert reconcile(reported=50_000, known=0, before=False, open_principal=100_000) == (
        SyncedReceipt(received_by_client=50_000)
    )
    assert reconcile(reported=50_000, known=10_000, before=True, open_principal=30_000) == (
        SyncedReceipt(settled_before=30_000)
    )


def test_before_the_hand_over():
    on = date(2026, 3, 2)
    assert before_handover(first_import=True, handed_over=True, costs_owed_from=COSTS_FROM, on=on)
    assert not before_handover(first_import=False, handed_over=False,
                               costs_owed_from=COSTS_FROM, on=on)  # fmt: skip
    assert before_handover(first_import=False, handed_over=False, costs_owed_from=COSTS_FROM,
                           on=date(2026, 1, 21))  # fmt: skip
    assert before_handover(first_import=False, handed_over=False, costs_owed_from=None, on=on)
    assert not before_handover(first_import=False, handed_over=True, costs_owed_from=None, on=on)


def test_the_invoice_takes_only_what_was_settled_before():
    invoice = Invoice("C1", "F1", "D1", date(2025, 11, 1), date(2025, 12, 1), 100_000)
    assert reported_paid(100_000, 30_000) == 70_000
    # a stored invoice: the books' 700.00 paid changes nothing unless weighed as settled
    assert invoice.with_ledger(amount=100_000, open_amount=30_000, settled=0).paid == 0
    assert invoice.with_ledger(amount=100_000, open_amount=30_000, settled=20_000).paid == 20_000
    # the first import: all of it was paid before the hand-over
    assert invoice.with_ledger(amount=100_000, open_amount=30_000).paid == 70_000


def test_money_back_since_the_books_last_sync_is_in_them_still():
    """A storno the export shows in its day's period: the books synced on 2-3 held the 300.00
    and cannot have booked a storno of 5-3 (nor one of 2-3, after or before that sync)."""
    returns = [(date(2026, 2, 25), 10_000), (date(2026, 3, 2), 20_000), (date(2026, 3, 5), 30_000)]
    assert unseen_returns(returns, date(2026, 3, 2)) == 50_000
    assert unseen_returns(returns, date(2026, 3, 6)) == 0
    assert unseen_returns(returns, None) == 60_000  # no earlier sync known: any of them
    assert unseen_returns([], None) == 0
