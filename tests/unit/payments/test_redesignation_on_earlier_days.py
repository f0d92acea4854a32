"""After a correction of a payment's designation the claim on any day before it counts the
payment once, as if it had been designated so from its day (newcomer14 #2). The undo on the
claim it left was dated on the correction's day and the new allocation on the day received,
so every earlier day showed it paid on both: 200.00 paid of one 100.00, and each correction
back and forth added another double count."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from shared.domain.records import PaymentSource
from tests.unit.payments.test_payment_redesignation import BODY, PATH, _booked_on_f1, _put

INVOICES = "/v1/clients/C1/invoices"


def _paid(world: Any, day: str) -> tuple[Decimal, dict[str, Decimal]]:
    """What each of D1's invoices F1, F2 shows paid on ``day``, and their sum (the debtor's
    claim lists open claims only: F2 paid in full drops out of it)."""
    per: dict[str, Decimal] = {}
    for number in ("F1", "F2"):
        body = world.agency_a.call("GET", f"{INVOICES}/{number}/claim", on=day).body
        per[number] = sum((Decimal(v) for v in body["paid"].values()), Decimal(0))
    return sum(per.values(), Decimal(0)), per


def test_the_claim_on_each_earlier_day_counts_the_moved_payment_once(world: Any) -> None:
    _booked_on_f1(world)  # 506.00 received 15-1, booked on F1; F2 named
    world.clock.at = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    before = {day: _paid(world, day)[0] for day in ("2026-01-15", "2026-01-20", "2026-01-31")}
    assert set(before.values()) == {Decimal("506.00")}
    assert world.agency_a.call("PUT", PATH, BODY).status == 200
    for day in ("2026-01-15", "2026-01-20", "2026-01-31", "2026-02-01"):
        total, per = _paid(world, day)
        assert total == Decimal("506.00"), (day, per)
        assert per["F2"] == Decimal("503.23"), (day, per)  # as from its day: F2 first
    # moved back (F2 -> F1) the next day: once again on every day, never once per correction
    world.clock.at = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
    back = world.api.handle(_put(world, {**BODY, "invoices": ["F1"]}, {}))
    assert back.status == 200
    for day in ("2026-01-15", "2026-01-20", "2026-02-01", "2026-02-02"):
        total, per = _paid(world, day)
        assert total == Decimal("506.00"), (day, per)
        assert per["F2"] == Decimal("0.00"), (day, per)  # all of it fits on F1


def test_a_later_payment_leaves_the_corrected_payment_on_a_claim_on_every_day(world: Any) -> None:
    """codereview14b F1: with a later payment (10.00 on F1, 25-1) the correction is replayed
    over the debtor's claims, whose moves went on the claims' latest day (25-1) while the
    506.00 came off F1 from 15-1, the day it reached F1: 0.00 paid on 15-1, 20-1 and 24-1."""
    client = _booked_on_f1(world)  # 506.00 received 15-1 on F1; the payer named F2
    world.clock.at = datetime(2026, 1, 25, 9, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id="stmt-line-2", amount=1000, received_on=date(2026, 1, 25),
        source=PaymentSource.BANK, invoice_numbers=["F1"], payer_iban="NL91ABNA0417164300",
    )  # fmt: skip
    world.clock.at = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    assert world.agency_a.call("PUT", PATH, BODY).status == 200
    for day in ("2026-01-15", "2026-01-20", "2026-01-24"):
        total, per = _paid(world, day)
        assert (total, per["F2"]) == (Decimal("506.00"), Decimal("503.23")), (day, per)
    for day in ("2026-01-25", "2026-02-01"):
        total, per = _paid(world, day)
        assert (total, per["F2"]) == (Decimal("516.00"), Decimal("503.23")), (day, per)
