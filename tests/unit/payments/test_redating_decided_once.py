"""A client's receipt re-dated (``POST …/payments/{p}/received-on``) is booked once, on the day a
person gave, whatever fails or races (failure11 F1, F7; attack11 A1).

The scenario of test_client_receipt_day.py: consumer F1 1,000.00 handed over; the client's sync
of 22-1 00:30 reports it paid: receipt ``sync-…`` 1,000.00 on 22-1. The client's books say the
debtor paid on 21-1, in term: booked again on 21-1, the claim has 992.88 principal and 7.12
interest paid, 7.12 open.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.services.payments import PaymentService
from tests.unit.payments.test_client_receipt_day import IN_TERM, NIGHT_22, _received_on
from tests.unit.payments.test_client_sync_receipts import _claim, _handed_over, _payments, _sync

MORNING_23 = datetime(2026, 1, 23, 9, 0, tzinfo=UTC)


def _redate(world, payment_id: str, day: str, reason: str = "the client's books"):  # type: ignore[no-untyped-def]
    return world.agency_a.call(
        "POST", f"/v1/clients/C1/payments/{payment_id}/received-on",
        {"received_on": day, "reason": reason},
    )  # fmt: skip


def _standing(world, client):  # type: ignore[no-untyped-def]
    return {p.payment_id: p for p in _payments(world, client) if not p.reversed}


def test_two_re_datings_racing_book_the_money_once(world, monkeypatch):  # type: ignore[no-untyped-def]
    """Request A (21-1) and request B (20-1) on two instances: B runs when A is about to
    reverse. Before: both 200, 2,000.00 booked for 1,000.00 received."""
    client = _handed_over(world)
    _sync(world, "0.00", NIGHT_22)
    (first,) = _payments(world, client)
    world.clock.at = MORNING_23
    real = PaymentService.reverse
    other: list[object] = []

    def reverse(self, *a, **k):  # type: ignore[no-untyped-def]
        if not other:  # A decided; B arrives on the other instance now
            other.append("running")
            other[0] = _redate(world, first.payment_id, "2026-01-20")
        return real(self, *a, **k)

    monkeypatch.setattr(PaymentService, "reverse", reverse)
    mine = _redate(world, first.payment_id, "2026-01-21")
    assert mine.status == 200, mine.body
    assert other[0].status in (409, 422), other[0].body  # type: ignore[attr-defined]
    standing = _standing(world, client)
    assert [(p.amount, str(p.received_on)) for p in standing.values()] == [(100_000, "2026-01-21")]
    assert _claim(world, "2026-01-23")["paid"] == IN_TERM


def _cut_after_the_reversal(world):  # type: ignore[no-untyped-def]
    client = _handed_over(world)
    _sync(world, "0.00", NIGHT_22)
    (first,) = _payments(world, client)
    payments = world.services.payments
    real = payments.book

    def book(*a, **kw):  # type: ignore[no-untyped-def]
        raise TimeoutError("storage timed out")

    payments.book = book
    world.clock.at = MORNING_23
    assert _received_on(world, first.payment_id, "2026-01-21").status == 503
    payments.book = real
    assert first.payment_id not in _standing(world, client)  # reversed, nothing booked again
    return client, first


def test_a_re_dating_cut_off_and_never_sent_again_is_finished_by_the_next_sync(world):  # type: ignore[no-untyped-def]
    """Before: F1 open for good (1,157.56 dunnable); later syncs booked nothing."""
    client, first = _cut_after_the_reversal(world)
    _sync(world, "0.00", datetime(2026, 1, 23, 23, 30, tzinfo=UTC))
    standing = _standing(world, client)
    assert list(standing) == [f"{first.payment_id}-on-20260121"]
    assert _claim(world, "2026-01-25")["paid"] == IN_TERM
    assert _claim(world, "2026-01-25")["open"]["total"] == "7.12"
    # the next sync and a late retry of the request change nothing
    _sync(world, "0.00", datetime(2026, 1, 24, 23, 30, tzinfo=UTC))
    assert _received_on(world, first.payment_id, "2026-01-21").status == 200
    assert list(_standing(world, client)) == [f"{first.payment_id}-on-20260121"]


def test_a_re_dating_cut_off_is_finished_by_the_daily_run(world):  # type: ignore[no-untyped-def]
    """The client never pushes F1 again: the daily run finishes the re-dating."""
    client, first = _cut_after_the_reversal(world)
    world.clock.at = MORNING_23 + timedelta(hours=1)
    assert world.services.imports.receipts.finish_left(client) == 1
    assert list(_standing(world, client)) == [f"{first.payment_id}-on-20260121"]
    assert _claim(world, "2026-01-25")["paid"] == IN_TERM
    assert world.services.imports.receipts.finish_left(client) == 0
    # no "check the day" item for the day a person gave
    items = world.services.repos.actions.list(client.client_id)[0]
    assert [i.kind for i in items] == ["client_receipt"]


def test_the_caller_s_reason_cannot_open_a_second_day(world):  # type: ignore[no-untyped-def]
    """attack11 A1: a reason naming "(<id>-on-20260120)" made the request for 20-1 after the
    re-dating to 21-1 pass the "book once" guard: 2,000.00 booked."""
    client = _handed_over(world)
    _sync(world, "0.00", NIGHT_22)
    (first,) = _payments(world, client)
    world.clock.at = MORNING_23
    pid = first.payment_id
    assert _redate(world, pid, "2026-01-21", f"books say 21-1 ({pid}-on-20260120)").status == 200
    second = _redate(world, pid, "2026-01-20", "books say 20-1")
    assert second.status == 422 and "payment_reversed_already" in str(second.body), second.body
    assert [p.amount for p in _standing(world, client).values()] == [100_000]
