"""When the client's books report less paid than its receipts Inning booked, exactly the
difference is taken back, cents exact, also when it is less than a receipt (sync12 item 3).

The law10 F5 case of test_client_receipt_day.py: consumer F1 1,000.00 due 1-12-2025, 14-day
letter 5-1-2026 (term to 21-1, costs 150.00 owed from 22-1). The syncs of 21-1 (1,000.00 open)
and 22-1 (nothing open) book 1,000.00 received by the client on 21-1. The client's bookkeeper
finds only 200.00 came and the books say 800.00 open on 23-1. Was: only whole receipts were
taken back, so the 1,000.00 stood (claim paid) and a person was asked about 800.00. Now 800.00
of it is taken back and 200.00 stands on 21-1: by 6:44 interest 7.12 (2-12..20-1, no costs in
term), principal 192.88; 807.12 principal open.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.api.console.action_text import title
from shared.domain.records import ActionStatus, Receiver
from tests.unit.payments.test_client_receipt_day import NIGHT_21, NIGHT_22
from tests.unit.payments.test_client_sync_receipts import (
    _claim,
    _handed_over,
    _items,
    _payments,
    _sync,
)

DAY_23 = datetime(2026, 1, 23, 9, 0, tzinfo=UTC)
PART_PAID = {"principal": "192.88", "costs": "0.00", "costs_vat": "0.00", "interest": "7.12"}


def _standing(world, client):  # type: ignore[no-untyped-def]
    return sorted(
        (p.received_on, p.amount)
        for p in _payments(world, client)
        if p.received_by is Receiver.CLIENT and not p.reversed
    )


def _paid_in_full(world):  # type: ignore[no-untyped-def]
    client = _handed_over(world)
    _sync(world, "1000.00", NIGHT_21)
    _sync(world, "0.00", NIGHT_22)
    assert _standing(world, client) == [(date(2026, 1, 21), 100_000)]
    return client


def test_less_than_a_receipt_is_taken_back_cents_exact(world):
    client = _paid_in_full(world)
    (first,) = _payments(world, client)
    (asked,) = _items(world, client)
    _sync(world, "800.00", DAY_23)
    assert _standing(world, client) == [(date(2026, 1, 21), 20_000)]
    claim = _claim(world, "2026-01-23")
    assert claim["paid"] == PART_PAID
    assert claim["open"]["principal"] == "807.12"
    rows = {p.payment_id: p for p in _payments(world, client)}
    assert rows[first.payment_id].reversed
    (rest,) = [p for p in rows.values() if not p.reversed]
    assert rest.payment_id.startswith("sync-") and rest.received_by is Receiver.CLIENT
    # the debtor is not told (no payment_reversed item); the receipt's own item is answered
    # and one item tells the agency what was taken back and what stands
    kinds = [i.kind for i in world.services.repos.actions.list(client.client_id)[0]]
    assert "payment_reversed" not in kinds
    items = {i.action_id: i for i in _items(world, client)}
    assert items[asked.action_id].status is ActionStatus.RESOLVED
    (told,) = [i for i in items.values() if i.action_id != asked.action_id]
    assert told.detail == {"amount": 80_000, "date": "2026-01-21", "payment_id": rest.payment_id,
                           "taken_from": first.payment_id, "reported": 20_000}  # fmt: skip
    assert title(told.title, "nl") == (
        "De boekhouding van de opdrachtgever meldt nu € 200,00 betaald op factuur F1: € 800,00 "
        "van de € 1.000,00 geboekt als ontvangen door de opdrachtgever op 21-01-2026 staat er "
        "niet meer in en is teruggedraaid (€ 200,00 ervan blijft staan); ga het na bij de "
        "opdrachtgever"
    )
    # the same figure again (a retried sync, the next night) takes nothing more
    _sync(world, "800.00", DAY_23)
    _sync(world, "800.00", datetime(2026, 1, 23, 23, 30, tzinfo=UTC))
    assert _standing(world, client) == [(date(2026, 1, 21), 20_000)]
    assert len(_items(world, client)) == 2


def test_a_take_back_cut_off_after_its_decision_is_finished_by_the_retry(world):
    """The rest's booking fails after the receipt was reversed: the part was decided on the
    invoice first, so the retry books the 200.00, never leaving the 1,000.00 reversed whole."""
    client = _paid_in_full(world)
    payments = world.services.payments
    real = payments.book

    def book(*a, **kw):  # type: ignore[no-untyped-def]
        raise TimeoutError("storage timed out")

    payments.book = book  # type: ignore[method-assign]
    world.clock.at = DAY_23
    cut = world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [
        {**_row(), "open_amount": "800.00"}]})  # fmt: skip
    assert cut.status == 503
    payments.book = real  # type: ignore[method-assign]
    assert _standing(world, client) == []  # reversed, the rest not booked yet
    _sync(world, "800.00", DAY_23)
    assert _standing(world, client) == [(date(2026, 1, 21), 20_000)]
    assert _claim(world, "2026-01-23")["paid"] == PART_PAID


def _row():  # type: ignore[no-untyped-def]
    from tests.unit.payments.test_client_sync_receipts import ROW

    return dict(ROW)


def test_whole_receipts_newest_first_then_a_part_of_the_next():
    from shared.domain.ledger.client_sync import TakenBack, taken_back

    receipts = [("old", 20_000), ("new", 10_000)]
    assert taken_back(receipts, 15_000) == TakenBack(("new",), ("old", 5_000))
    assert taken_back(receipts, 20_000) == TakenBack(("new",))
    assert taken_back(receipts, 25_000) == TakenBack((), ("new", 5_000))
    assert taken_back(receipts, 30_000) == TakenBack()
    assert taken_back(receipts, 0) == TakenBack(("new", "old"))
    assert taken_back(receipts, 1) == TakenBack(("new",), ("old", 19_999))
