"""A receipt is a rise in the client's books' own figure, never the same figure read again; a
receipt the books no longer count is taken back (law11b F2).

The scenario of test_client_sync_storno.py: consumer F1 1,000.00, costs 150.00 owed from
22-1-2026; Inning books 300.00 on 20-2, the books say 700.00 open on 2-3; the 300.00 comes back
on 5-3 (1,161.84 owed on 5-3). Their books lag the storno over two syncs (6-3 and 7-3 both
700.00 open: a bookkeeper who books bank returns weekly). Was: the second, unchanged 700.00
booked as 300.00 received by the client on 6-3 (claim 862.04 on 7-3, the 150.00 costs shown
paid), and it stayed when the books showed the storno on 9-3 (1,000.00 open).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from shared.api.console.action_text import title
from shared.domain.records import ActionStatus
from tests.unit.payments.test_client_sync_receipts import (
    _claim,
    _handed_over,
    _inning_pays_300,
    _items,
    _sync,
)
from tests.unit.payments.test_client_sync_storno import _receipts, _storno


def _at(day: int) -> datetime:
    return datetime(2026, 3, day, 9, 0, tzinfo=UTC)


def _standing(world, client):  # type: ignore[no-untyped-def]
    return sorted((p.received_on, p.amount) for p in _receipts(world, client) if not p.reversed)


def _lagging(world):  # type: ignore[no-untyped-def]
    client = _handed_over(world)
    _inning_pays_300(world, client)
    _sync(world, "700.00", _at(2))
    _storno(world, client)
    return client


def test_the_same_figure_again_is_no_receipt(world):
    client = _lagging(world)
    owed = _claim(world, "2026-03-07")["open"]
    _sync(world, "700.00", _at(6))
    _sync(world, "700.00", _at(7))  # the books still lag the storno: the same figure
    assert not _receipts(world, client) and not _items(world, client)
    assert _claim(world, "2026-03-07")["open"] == owed
    assert owed["total"] == "1162.05"  # 1,161.84 on 5-3 and 2 days of 1,000.00 at 4 %
    _sync(world, "1000.00", _at(9))  # the books took the storno: nothing either
    assert not _receipts(world, client)
    assert _claim(world, "2026-03-09")["open"]["total"] == "1162.27"


def test_money_the_client_got_while_its_books_lag_the_storno_counts_once(world):
    """6-3: 500.00 open (the client got 200.00, its books still hold Inning's 300.00): 200.00
    received by the client. 8-3: 400.00 open: 100.00 more, not 400.00 (the storno they lag is
    in both figures)."""
    client = _lagging(world)
    _sync(world, "500.00", _at(6))
    assert _standing(world, client) == [(date(2026, 3, 2), 20_000)]
    _sync(world, "500.00", _at(7))
    _sync(world, "400.00", _at(8))
    assert _standing(world, client) == [(date(2026, 3, 2), 20_000), (date(2026, 3, 7), 10_000)]
    assert len(_items(world, client)) == 2


def test_a_receipt_the_books_no_longer_count_is_taken_back(world):
    """6-3: 500.00 open gave a 200.00 receipt; 9-3 the books say 1,000.00 open: they count
    nothing paid, so the 200.00 is not theirs (any more): reversed, the debtor not told, the
    agency told, the receipt's own item answered. The claim is as if it never was."""
    client = _lagging(world)
    _sync(world, "500.00", _at(6))
    (receipt,) = _receipts(world, client)
    (asked,) = _items(world, client)
    _sync(world, "1000.00", _at(9))
    assert not _standing(world, client)
    assert _claim(world, "2026-03-09")["open"]["total"] == "1162.27"
    kinds = [i.kind for i in world.services.repos.actions.list(client.client_id)[0]]
    assert kinds.count("payment_reversed") == 1  # Inning's storno of 5-3; the debtor not told
    items = {i.action_id: i for i in _items(world, client)}
    assert items[asked.action_id].status is ActionStatus.RESOLVED
    (told,) = [i for i in items.values() if i.action_id != asked.action_id]
    assert told.status is not ActionStatus.RESOLVED
    assert told.detail["payment_id"] == receipt.payment_id and told.detail["reported"] == 0
    assert title(told.title, "nl") == (
        "De boekhouding van de opdrachtgever meldt nu € 0,00 betaald op factuur F1: de "
        "€ 200,00 geboekt als ontvangen door de opdrachtgever op 02-03-2026 staat er niet "
        "meer in en is teruggedraaid; ga het na bij de opdrachtgever"
    )
    _sync(world, "1000.00", _at(10))  # again: nothing more
    assert len(_items(world, client)) == 2
    # the books report 500.00 open again later (the storno booked: 500.00 the client got): a
    # receipt of its own, not the one taken back (the same figure made the same payment id)
    _sync(world, "500.00", _at(11))
    assert _standing(world, client) == [(date(2026, 3, 10), 50_000)]


def test_a_lagging_receipt_booked_before_the_figure_was_kept_is_taken_back(world):
    """An invoice synced before the books' figure was kept: the unchanged 700.00 of 7-3 was
    booked as 300.00 received by the client (the fault as it was); when the books show the
    storno (9-3, 1,000.00 open) that receipt is taken back: 1,162.27 owed, not 862.23."""
    client = _lagging(world)
    _sync(world, "700.00", _at(6))
    invoices = world.services.repos.invoices
    stored = invoices.get(client.client_id, "F1")
    invoices.write_many(client.client_id,
                        invoices.write_ops(replace(stored.invoice, books=None), stored))  # fmt: skip
    _sync(world, "700.00", _at(7))
    assert _standing(world, client) == [(date(2026, 3, 6), 30_000)]  # as it was on lead
    _sync(world, "1000.00", _at(9))
    assert not _standing(world, client)
    assert _claim(world, "2026-03-09")["open"]["total"] == "1162.27"


def test_a_figure_partly_above_the_receipts_takes_back_a_part(world):
    """Receipts of 200.00 and 100.00; the books report 150.00 paid: the 100.00 (newest) is
    taken back whole and 50.00 of the 200.00 (sync12: was put before a person, both stood):
    150.00 received by the client on 2-3 stands."""
    client = _lagging(world)
    _sync(world, "500.00", _at(6))
    _sync(world, "400.00", _at(8))
    _sync(world, "850.00", _at(9))
    assert _standing(world, client) == [(date(2026, 3, 2), 15_000)]
    (part,) = [i for i in _items(world, client) if "taken_from" in i.detail]
    assert (part.detail["amount"], part.detail["reported"]) == (5_000, 15_000)
    assert title(part.title, "nl").startswith(
        "De boekhouding van de opdrachtgever meldt nu € 150,00 betaald op factuur F1: € 50,00 "
        "van de € 200,00"
    )


def test_a_storno_and_an_equal_new_receipt_between_syncs_are_not_seen(world):
    """sync12 item 2, the documented limit (docs/law.md): the sync carries one figure per
    invoice, no receipts. 6-3: 500.00 open, a 200.00 receipt (dated 2-3). The client's books
    then storno that 200.00 and book a new 200.00 the debtor paid on 8-3; the sync of 9-3
    still says 500.00 open: nothing is booked or taken back, the receipt stands on 2-3 and its
    item (check the day and the amount with the client) stays open for a person to re-date it."""
    client = _lagging(world)
    _sync(world, "500.00", _at(6))
    (asked,) = _items(world, client)
    owed = _claim(world, "2026-03-09")["open"]
    _sync(world, "500.00", _at(9))
    assert _standing(world, client) == [(date(2026, 3, 2), 20_000)]
    assert _claim(world, "2026-03-09")["open"] == owed
    (still,) = _items(world, client)
    assert still.action_id == asked.action_id and still.status is ActionStatus.OPEN
