"""failure15c #3: money received while a bankruptcy held, booked while its lift is at work.
The booking's ``follow_money`` met the lift's pending ``g|`` mark and left it as it was; the
lift then settled its mark under the ETag it wrote and dropped it (the ruling ended: no mark
kept), so the daily run never heard of the money and the filing item waited for the next
settlement run (a week later with weekly settlement). Now the booking writes a standing mark
again (its ETag moves): the lift leaves it, and the daily run finishes the lift with the money.

Consumer D1, F1 (test_standing_ruling_claims' world), bankruptcy of 10-2-2026 recorded 12-2,
lifted 'ended' 1-3; p1 500.00 received 20-2 (in the ruling). The race is made certain by
booking inside the lift's step (monkeypatched) before the step runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from shared.adapters.tables.invoices_repo import STANDING_ROW
from shared.domain.records import PaymentSource, Receiver
from shared.services.debtor_standing import DebtorStandingService
from tests.unit.settlement.test_paid_after_ruling_held import ruling_recorded
from tests.unit.settlement.test_paid_under_ruling_booked_after_it_ended import _filing_item
from tests.unit.standing.test_standing_ruling_claims import _at, _set


def _lift_with_a_booking_inside(
    monkeypatch: pytest.MonkeyPatch, step: str, received_by: Receiver
) -> tuple[Any, Any]:
    w, client = ruling_recorded()
    _at(w, date(2026, 3, 1))
    original: Callable[..., None] = getattr(DebtorStandingService, step)
    booked: list[str] = []

    def booking_lands_first(self: DebtorStandingService, *args: Any) -> None:
        if not booked:
            booked.append("p1")
            # the booking's request reads its client after the lift flagged it (rulings_ended)
            fresh = w.services.access.client_for(w.services.access.authenticate(w.agency_a.key),
                                                 "C1")  # fmt: skip
            w.services.payments.book(fresh, payment_id="p1", amount=500_00,
                                     received_on=date(2026, 2, 20), source=PaymentSource.BANK,
                                     received_by=received_by, invoice_numbers=["F1"])  # fmt: skip
        original(self, *args)

    monkeypatch.setattr(DebtorStandingService, step, booking_lands_first)
    _set(w, {"standing": "normal", "reason": "ended"})
    monkeypatch.undo()
    assert booked == ["p1"]
    return w, client


@pytest.mark.parametrize("received_by", [Receiver.THIRD_PARTY, Receiver.CLIENT])
def test_a_booking_racing_the_lift_keeps_the_mark_for_the_daily_run(
    monkeypatch: pytest.MonkeyPatch, received_by: Receiver
) -> None:
    w, client = _lift_with_a_booking_inside(monkeypatch, "_settle_mark", received_by)
    marks = w.services.repos.invoices.marks(client.client_id, STANDING_ROW)
    assert [m["debtor"] for _, _, m in marks] == ["D1"]  # before: [] (the lift dropped it)
    _at(w, date(2026, 3, 2))
    w.services._left_over(client)
    item = _filing_item(w)
    assert item["status"] == "open"
    assert [x["payment"] for x in item["detail"]["paid_after_ruling"]] == ["p1"]
    # the run finished the lift: the ended ruling keeps no mark
    assert w.services.repos.invoices.marks(client.client_id, STANDING_ROW) == []


def test_a_booking_before_the_claims_are_noted_reaches_the_item_through_the_lift(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Booked after the lift saved the debtor and before it noted the ruling's claims: no
    ``h|`` row marks the debtor, and the lift's own look at the money booked opens the item."""
    w, client = _lift_with_a_booking_inside(monkeypatch, "_note_ended_claims", Receiver.THIRD_PARTY)
    _at(w, date(2026, 3, 2))
    w.services._left_over(client)
    item = _filing_item(w)
    assert item["status"] == "open"
    assert [x["payment"] for x in item["detail"]["paid_after_ruling"]] == ["p1"]
