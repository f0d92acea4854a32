"""A storno of Inning's own payment that the client's books have not booked yet is not the
client's receipt (sweep11).

The scenario of test_client_sync_receipts.py: consumer F1 1,000.00 handed over, costs 150.00
owed from 22-1-2026. Inning books 300.00 on 20-2 (costs 150.00, interest 10.41, principal
139.59); the client's books take it from the export and their sync of 2-3 says 700.00 open.
The 300.00 comes back on 5-3 (storno): 1,161.84 owed again. The books see the storno only in
the export's period of 5-3; their sync of 6-3 still says 700.00 open. Was: that 300.00 was
booked as received by the client on 2-3 (the claim 861.88 open on 6-3, not 1,161.84 + a day).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.records import Receiver
from tests.unit.payments.test_client_sync_receipts import (
    _claim,
    _handed_over,
    _inning_pays_300,
    _items,
    _payments,
    _sync,
)


def _storno(world, client) -> None:  # type: ignore[no-untyped-def]
    world.clock.at = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    world.services.payments.reverse(client, "p1", "storno", date(2026, 3, 5))


def _receipts(world, client):  # type: ignore[no-untyped-def]
    return [p for p in _payments(world, client) if p.received_by is Receiver.CLIENT]


def test_the_sync_after_a_storno_its_books_have_not_booked_takes_nothing(world):
    client = _handed_over(world)
    _inning_pays_300(world, client)
    _sync(world, "700.00", datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    _storno(world, client)
    owed = _claim(world, "2026-03-06")["open"]
    _sync(world, "700.00", datetime(2026, 3, 6, 9, 0, tzinfo=UTC))  # the books lag the storno
    assert not _receipts(world, client) and not _items(world, client)
    assert _claim(world, "2026-03-06")["open"] == owed
    assert _claim(world, "2026-03-05")["open"]["total"] == "1161.84"


def test_a_storno_before_any_sync_is_not_the_client_s_receipt_either(world):
    """No earlier sync known: the books may hold every payment Inning booked and saw back."""
    client = _handed_over(world)
    _inning_pays_300(world, client)
    _storno(world, client)
    _sync(world, "700.00", datetime(2026, 3, 6, 9, 0, tzinfo=UTC))
    assert not _receipts(world, client) and not _items(world, client)
    assert _claim(world, "2026-03-05")["open"]["total"] == "1161.84"


def test_once_the_books_booked_the_storno_new_money_is_the_client_s_receipt(world):
    """The books took the storno (7-3: 1,000.00 open); on 9-3 they say 700.00 open again: the
    debtor paid the client 300.00, booked on 7-3 (their last sync on an earlier day)."""
    client = _handed_over(world)
    _inning_pays_300(world, client)
    _sync(world, "700.00", datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    _storno(world, client)
    _sync(world, "700.00", datetime(2026, 3, 6, 9, 0, tzinfo=UTC))
    _sync(world, "1000.00", datetime(2026, 3, 7, 9, 0, tzinfo=UTC))
    assert not _receipts(world, client)
    _sync(world, "700.00", datetime(2026, 3, 9, 9, 0, tzinfo=UTC))
    assert [(p.amount, p.received_on) for p in _receipts(world, client)] == [
        (30_000, date(2026, 3, 7))
    ]
    assert len(_items(world, client)) == 1
