"""The Wki cap: a later credit never raises a capped notice above what its letter announced
(6:96 lid 6 BW; law8 finding 6).

Consumer D1, F1..F4 100.00 each (below 266.67), each letter sent before the next invoice
fell due, so four notices of their own within six months: the staffel's 40.00 minimum each,
capped at 140.00 together: 40.00 + 40.00 + 40.00 + 20.00. Letters (post, received on the
second delivery day, costs owed after the 14 days): 2025-12-02 -> 12-19; 2026-01-02 -> 01-21;
02-02 -> 02-19; 03-02 -> 03-19.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.unit.api.conftest import client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"
LETTERS = {
    "F1": ("2025-12-01", "2025-12-02"),
    "F2": ("2026-01-01", "2026-01-02"),
    "F3": ("2026-02-01", "2026-02-02"),
    "F4": ("2026-03-01", "2026-03-02"),
}


def _costs(a, on: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {n: a.call("GET", f"{BASE}/{n}/claim", on=on).body["open"]["costs"] for n in LETTERS}


def test_crediting_an_older_claim_keeps_the_capped_notice_at_its_letters_amount(world):  # type: ignore[no-untyped-def]
    a = world.agency_a
    world.clock.at = datetime(2026, 4, 7, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [
        invoice_row(n, "D1", amount="100.00", invoice_date="2025-11-01", due_date=due,
                    fourteen_day_letter_on=letter)
        for n, (due, letter) in LETTERS.items()
    ]  # fmt: skip
    assert not a.call("POST", BASE, {"items": rows}).body["errors"]
    before = {"F1": "40.00", "F2": "40.00", "F3": "40.00", "F4": "20.00"}
    assert _costs(a, "2026-05-04") == before
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    debtor = world.services.repos.debtors.get(client.client_id, "D1")[0]
    # what a letter for F4 states (the cap's room on its day): 20.00
    assert world.services.ledger.announced_costs(client, debtor, ["F4"], date(2026, 3, 19)) == 2000
    # F1 is credited in full on 05-05: never owed, its 40.00 goes; F4 keeps 20.00 (was 40.00:
    # the room its credit freed went to a notice whose letter said 20.00)
    world.clock.at = datetime(2026, 5, 5, 9, 0, tzinfo=UTC)
    assert a.call("POST", f"{BASE}/F1/credit").status == 200
    assert _costs(a, "2026-05-06") == {**before, "F1": "0.00"}
