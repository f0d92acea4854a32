"""The client's accounting sync pushes a lower ``open_amount`` (law9 F1, F2).

Consumer F1 1,000.00 due 1-12-2025, 14-day letter 5-1-2026 (the client's own, imported), costs
150.00 owed from 22-1-2026; interest 6 % in 2025, 4 % in 2026.

F1: a payment Inning booked (300.00 on 20-2: costs 150.00, interest 4.93 + 5.48 = 10.41,
principal 139.59) and reported to the client on its ledger export under the invoice number is
in the client's books too; their next sync says 700.00 open (or 850.00: principal and interest
only). Nothing new was paid: the claim stays 860.41 + 0.94 interest = 861.35 on 2-3. The storno
of the 300.00 on 5-3 leaves all of it owed: 1,000.00 + 150.00 + 4.93 + 6.90 = 1,161.84.

F2: money the debtor paid the client after the costs were owed is a payment on its day (the
sync's day: the books give none), by 6:44, received by the client; never principal that was
never owed. Synced on 20-2: 500.00 pays costs 150.00, interest 10.41, principal 339.59; on 2-3
open 660.41 + 660.41 x 4 % x 10/365 = 0.72: 661.13. 1,000.00: 160.41 + 0.18 = 160.59.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.records import PaymentSource, Receiver
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

ROW = invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-11-01",
                  due_date="2025-12-01", fourteen_day_letter_on="2026-01-05")  # fmt: skip


def _handed_over(world):  # type: ignore[no-untyped-def]
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": [ROW]}).status == 200
    return world.services.access.client_for(world.services.access.authenticate(a.key), "C1")


def _sync(world, open_amount: str, at: datetime) -> None:  # type: ignore[no-untyped-def]
    world.clock.at = at
    pushed = world.agency_a.call(
        "POST", "/v1/clients/C1/invoices", {"items": [dict(ROW, open_amount=open_amount)]}
    )
    assert pushed.status == 200 and not pushed.body["errors"], pushed.body


def _claim(world, on: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return world.agency_a.call("GET", "/v1/clients/C1/invoices/F1/claim", on=on).body  # type: ignore[no-any-return]


def _items(world, client):  # type: ignore[no-untyped-def]
    return world.services.repos.actions.list(client.client_id, kind="client_receipt")[0]


def _payments(world, client):  # type: ignore[no-untyped-def]
    return world.services.repos.payments.list(client.client_id)[0]


def _inning_pays_300(world, client) -> None:  # type: ignore[no-untyped-def]
    world.clock.at = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)
    world.services.payments.book(client, payment_id="p1", amount=30_000,
                                 received_on=date(2026, 2, 20), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip


@pytest.mark.parametrize("open_amount", ["700.00", "850.00"])
def test_a_sync_of_the_payment_inning_booked_changes_nothing(world, open_amount):
    client = _handed_over(world)
    _inning_pays_300(world, client)
    before = _claim(world, "2026-03-02")
    assert before["open"]["total"] == "861.35"
    _sync(world, open_amount, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    after = _claim(world, "2026-03-02")
    assert after["open"] == before["open"] and after["paid"] == before["paid"]
    assert after["paid_before_handover"] == "0.00" and after["credited"]["principal"] == "0.00"
    assert not _items(world, client)


def test_the_storno_after_that_sync_leaves_all_of_it_owed(world):
    client = _handed_over(world)
    _inning_pays_300(world, client)
    _sync(world, "700.00", datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    world.clock.at = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    world.services.payments.reverse(client, "p1", "storno", date(2026, 3, 5))
    claim = _claim(world, "2026-03-05")
    assert claim["open"] == {"principal": "1000.00", "costs": "150.00", "costs_vat": "0.00",
                             "interest": "11.84", "total": "1161.84"}  # fmt: skip
    assert claim["paid_before_handover"] == "0.00"


@pytest.mark.parametrize(
    ("open_amount", "paid_principal", "open_total"),
    [("500.00", "339.59", "661.13"), ("0.00", "839.59", "160.59")],
)
def test_money_paid_to_the_client_after_the_costs_is_a_payment_by_6_44(
    world, open_amount, paid_principal, open_total
):
    client = _handed_over(world)
    _sync(world, open_amount, datetime(2026, 2, 20, 15, 0, tzinfo=UTC))
    claim = _claim(world, "2026-03-02")
    assert claim["paid"] == {"principal": paid_principal, "costs": "150.00",
                             "costs_vat": "0.00", "interest": "10.41"}  # fmt: skip
    assert claim["open"]["total"] == open_total
    assert claim["paid_before_handover"] == "0.00" and claim["credited"]["principal"] == "0.00"
    # the days before it keep their figures: the costs were owed over the 1,000.00
    assert _claim(world, "2026-02-19")["open"]["total"] == "1160.30"
    payments = _payments(world, client)
    assert [(p.received_on, p.received_by, p.amount) for p in payments] == [
        (date(2026, 2, 20), Receiver.CLIENT, 100_000 - int(open_amount.replace(".", "")))
    ]
    (item,) = _items(world, client)
    assert item.invoice_numbers == ("F1",) and item.detail["date"] == "2026-02-20"


def test_the_sync_again_books_nothing_twice(world):
    client = _handed_over(world)
    for day in (20, 21, 23):  # the same figure each night
        _sync(world, "500.00", datetime(2026, 2, day, 15, 0, tzinfo=UTC))
    assert _claim(world, "2026-03-02")["open"]["total"] == "661.13"
    assert len(_payments(world, client)) == 1
    assert len(_items(world, client)) == 1
    _sync(world, "0.00", datetime(2026, 2, 23, 15, 0, tzinfo=UTC))  # the rest, later
    assert len(_payments(world, client)) == 2


def test_before_the_costs_were_owed_it_is_still_paid_before_hand_over(world):
    """Paid to the client on 15-1, before the costs of 22-1: off the principal as before."""
    client = _handed_over(world)
    _sync(world, "600.00", datetime(2026, 1, 15, 9, 0, tzinfo=UTC))
    claim = _claim(world, "2026-01-15")
    assert claim["paid_before_handover"] == "400.00"
    assert claim["open"]["principal"] == "600.00"
    assert not _payments(world, client)


def test_the_item_reads_in_dutch(world):
    from shared.api.console.action_text import kind_label, title

    client = _handed_over(world)
    _sync(world, "500.00", datetime(2026, 2, 20, 15, 0, tzinfo=UTC))
    (item,) = _items(world, client)
    assert kind_label(item.kind, "nl") == "Betaald aan opdrachtgever"
    assert title(item.title, "nl") == (
        "De boekhouding van de opdrachtgever meldt € 500,00 meer betaald op factuur F1 dan "
        "geboekt was: geboekt als ontvangen door de opdrachtgever op 20-02-2026; ga de dag en "
        "het bedrag na bij de opdrachtgever"
    )
