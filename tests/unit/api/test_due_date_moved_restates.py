"""A due date moved after a payment restates the claim (law10 F2, its last case). By hand:
consumer F1 1,000.00 due 1-12-2025, no letter yet; 500.00 paid on 10-1-2026 went to the 6:119
interest 2-12..9-1 (30 d x 6 % + 9 d x 4 % x 1,000.00 / 365 = 4.93 + 0.99 = 5.92) and 494.08
principal. The client's sync then moves the due date to 15-1-2026: the debtor was never in
default before 16-1 (6:83 sub a), the 500.00 was all principal. On 15-2: 500.00 principal +
16-1..14-2 30 d x 4 % x 500.00 / 365 = 1.64 interest = 501.64 (not 505.92)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.adapters.tables import schema
from shared.adapters.tables.invoices_repo import DUE_MOVED_ROW
from shared.domain.parties import Client
from shared.domain.records import PaymentSource
from shared.ports.tables import prefix_range
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row

INVOICES = "/v1/clients/C1/invoices"
ROW = invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-11-01", due_date="2025-12-01")


def paid_then_moved(world: World, due: str, moved: str, **more: str) -> None:
    """F1 due ``due``, 500.00 paid on 10-1-2026, then the sync sends the due date ``moved``
    (and ``more``)."""
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    assert a.call("POST", INVOICES, {"items": [dict(ROW, due_date=due)]}).status == 200
    client = _client(world)
    world.clock.at = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    world.services.payments.book(client, payment_id="p1", amount=50_000,
                                 received_on=date(2026, 1, 10), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    world.clock.at = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    pushed = a.call("POST", INVOICES, {"items": [dict(ROW, due_date=moved, **more)]})
    assert pushed.body["updated"] == 1, pushed.body


def _client(world: World) -> Client:
    found = world.services.repos.clients.id_for_number("agency-a", "C1")
    stored = world.services.repos.clients.get(found) if found else None
    assert stored is not None
    return stored[0]


def claim(world: World, on: str) -> dict[str, dict[str, str]]:
    body = world.agency_a.call("GET", f"{INVOICES}/F1/claim", on=on).body
    return {"paid": body["paid"], "open": body["open"]}


def marks(world: World) -> list[str]:
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    rows = world.store.query(
        schema.INVOICES, pk=client_id, rk_range=prefix_range(DUE_MOVED_ROW + "|")
    ).rows
    return [r.rk for r in rows]


def test_a_due_date_moved_later_gives_back_the_interest_the_payment_went_to(world: World) -> None:
    paid_then_moved(world, "2025-12-01", "2026-01-15")
    on_12 = claim(world, "2026-01-12")
    assert on_12["paid"]["principal"] == "500.00" and on_12["paid"]["interest"] == "0.00"
    assert on_12["open"]["total"] == "500.00"
    on_15_2 = claim(world, "2026-02-15")
    assert on_15_2["open"]["interest"] == "1.64"  # the 5.92 no longer swallows it
    assert on_15_2["open"]["total"] == "501.64"
    assert marks(world) == []


def test_a_due_date_moved_earlier_puts_the_payment_on_the_interest_first(world: World) -> None:
    """The other way round: due 15-1, 500.00 paid on 10-1 (all principal), the due date then
    corrected to 1-12-2025: the payment paid the interest 2-12..9-1 first (6:44): 5.92."""
    paid_then_moved(world, "2026-01-15", "2025-12-01")
    on_12 = claim(world, "2026-01-12")
    assert on_12["paid"]["interest"] == "5.92" and on_12["paid"]["principal"] == "494.08"
    assert on_12["open"]["principal"] == "505.92"


def test_sent_again_it_restates_nothing_more(world: World) -> None:
    paid_then_moved(world, "2025-12-01", "2026-01-15")
    client = _client(world)
    before = world.services.ledger.debtor_claims(client, "D1").records[0].events
    again = world.agency_a.call("POST", INVOICES, {"items": [dict(ROW, due_date="2026-01-15")]})
    assert again.body["unchanged"] == 1
    assert world.services.ledger.debtor_claims(client, "D1").records[0].events == before
    assert claim(world, "2026-02-15")["open"]["total"] == "501.64"


def test_a_default_date_imported_later_restates_it_as_well(world: World) -> None:
    """The same correction through the imported default date (``interest_from`` 16-1): the
    interest's first day moved under the payment as the due date's did: 501.64 on 15-2."""
    paid_then_moved(world, "2025-12-01", "2025-12-01", interest_from="2026-01-16")
    on_15_2 = claim(world, "2026-02-15")
    assert on_15_2["paid"]["interest"] == "0.00" and on_15_2["open"]["total"] == "501.64"
    assert marks(world) == []
