"""review26 F6: a consumer's dispute costs hold when the disputed invoice is paid in full and
that money is then taken back (a chargeback, a bank's return).

Consumer D-1, F1 1,000.00 due 15-11-2026, the 14-day letter of 6-12 (costs 150.00 owed from
24-12), disputed 20-12 inside its term: the portal told him no payment is asked while it is
looked into, and the costs are held. He pays in full on 10-1-2027 (the dispute item closes
at the booking, money26) and charges the payment back on 1-3-2027: F1 is open again and is
collected again from that day. Before, the hold stayed open without an end: the 150.00 was
never owed again, however long he left F1 unpaid. The hold ends at the payment as a dispute
ended that day would, and the take-back gives him the fortnight a dispute's end gives
(dispute_costs.RESUMES_AFTER): the costs are owed from 15-3-2027 if F1 is still unpaid, not
from 24-1 (owed at once by a take-back he was never told would cost him anything).
takeback27: the take-back revives the dispute (F1 disputed again, its hold open again); the
fortnight runs from the day it ends, here the take-back's day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from shared.domain.records import PaymentSource
from tests.unit.dunning.test_dispute_ended_debtor_told import END, _disputed
from tests.unit.dunning.test_dispute_inside_term_holds_costs import _claim


def _paid_in_full(world: Any, client: Any) -> Any:
    world.clock.at = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
    total = Decimal(_claim(world, "2027-01-10")["open"]["total"])
    return world.services.payments.book(
        client, payment_id="p-full", amount=int(total * 100), received_on=date(2027, 1, 10),
        source=PaymentSource.MOLLIE, invoice_numbers=["F1"], external_id="tr_full",
    )  # fmt: skip


def _holds(world: Any, client: Any) -> list[tuple[str, date, date | None]]:
    header = world.services.payments.ledger.ledger.header(client.client_id, "D-1", "F1")
    return [h for h in header.costs_held if h[0].startswith("dispute|")]


def test_a_payment_in_full_ends_the_hold_and_its_take_back_gives_a_fresh_fortnight(
    world: Any,
) -> None:
    client = _disputed(world)
    _paid_in_full(world, client)
    # the hold ends as the dispute ended on the day it was paid (was: no end)
    assert _holds(world, client) == [("dispute|2026-12-20", date(2026, 12, 20), date(2027, 1, 24))]

    world.clock.at = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    world.services.payments.reverse(client, "p-full", "chargeback", on=date(2027, 3, 1))
    world.clock.at = datetime(2027, 3, 2, 23, 30, tzinfo=UTC)  # redelivered the next day
    world.services.payments.reverse(client, "p-full", "chargeback", on=date(2027, 3, 1))
    # F1 disputed again (takeback27): its hold runs again until the client ends the dispute
    assert _holds(world, client) == [("dispute|2026-12-20", date(2026, 12, 20), None)]
    assert _claim(world, "2027-04-01")["open"]["costs"] == "0.00"
    # ended the day of the take-back: the fortnight from then (disputes27's figures)
    world.clock.at = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
    assert world.agency_a.call("POST", END, {"message": "Geleverd"}).status == 200
    assert _holds(world, client) == [("dispute|2026-12-20", date(2026, 12, 20), date(2027, 3, 15))]

    claim = _claim(world, "2027-03-14")
    assert claim["open"]["principal"] == "1000.00"
    assert claim["open"]["costs"] == "0.00"  # inside the fortnight from the take-back
    assert claim["costs_owed_from"] == "2027-03-15"
    # still unpaid then: the 150.00 the 14-day letter announced (before: 0.00 for good)
    assert _claim(world, "2027-04-01")["open"]["costs"] == "150.00"


def test_a_take_back_soon_after_the_payment_keeps_the_later_day(world: Any) -> None:
    client = _disputed(world)
    _paid_in_full(world, client)
    world.clock.at = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)
    world.services.payments.reverse(client, "p-full", "chargeback", on=date(2027, 1, 12))
    assert _claim(world, "2027-01-26")["open"]["costs"] == "0.00"  # disputed again (takeback27)
    assert world.agency_a.call("POST", END, {"message": "Geleverd"}).status == 200  # that day
    # 12-1 + 14 = 26-1, later than the 24-1 the payment's day gave
    assert _claim(world, "2027-01-25")["open"]["costs"] == "0.00"
    assert _claim(world, "2027-01-26")["open"]["costs"] == "150.00"
