"""failure15c #4: money received under a bankruptcy on a claim the debtor disputed is the
estate's all the same (art. 23 Fw; a disputed claim is filed for verification, art. 110-119
Fw). Before, every list of a ruling's claims took only collectable ones: the filing item, the
claims noted at the end (``h|``) and the settlement run's "decided" rule, so 300.00 received
on the disputed F4 in the ruling and booked after it ended was paid out (263.70).

Consumer D1, F1 (test_standing_ruling_claims' world) and F4 300.00 (invoiced 1-12-2025, due
31-12-2025) disputed 5-2-2026; bankruptcy of 10-2 recorded 12-2, ended 1-3; p4 300.00
received on F4 20-2, booked 5-3. Weekly settlement, commission 10 %."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from shared.adapters.tables.invoices_repo import ENDED_RULING_CLAIM_ROW
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import invoice_row
from tests.unit.settlement.test_paid_after_ruling_held import _agency_items, ruling_recorded
from tests.unit.settlement.test_paid_under_ruling_booked_after_it_ended import _filing_item
from tests.unit.standing.test_standing_ruling_claims import _at, _set

ITEM = "standing-D1-bankrupt-2026-02-10"


def _disputed_in_the_ruling() -> tuple[Any, Any]:
    """F4 disputed 5-2, the bankruptcy of 10-2 recorded 12-2."""
    w, client = ruling_recorded()
    _at(w, date(2025, 12, 1))
    row = invoice_row("F4", "D1", amount="300.00", invoice_date="2025-12-01",
                      due_date="2025-12-31")  # fmt: skip
    assert w.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).status in (200, 201)
    _at(w, date(2026, 2, 5))
    reply = w.agency_a.call("POST", "/v1/clients/C1/invoices/F4/dispute", {"reason": "never"})
    assert reply.status == 200, reply.body
    _at(w, date(2026, 2, 12))
    w.services._left_over(client)
    return w, client


def _ended_and_booked(w: Any, client: Any) -> None:
    _at(w, date(2026, 3, 1))
    _set(w, {"standing": "normal", "reason": "ended"})
    _at(w, date(2026, 3, 5))
    # the booking's request reads its client as the end left it (rulings_ended)
    client = w.services.access.client_for(w.services.access.authenticate(w.agency_a.key), "C1")
    w.services.payments.book(client, payment_id="p4", amount=300_00,
                             received_on=date(2026, 2, 20), source=PaymentSource.BANK,
                             invoice_numbers=["F4"])  # fmt: skip


def _held(w: Any) -> list[list[str]]:
    return [[h["payment"] for h in x["detail"]["held"]]
            for x in _agency_items(w, "settlement_held")]  # fmt: skip


def test_the_filing_item_names_a_disputed_claim_of_the_ruling_as_disputed() -> None:
    w, _ = _disputed_in_the_ruling()
    item = _filing_item(w)
    assert "F4" in item["invoice_numbers"] and item["detail"]["disputed"] == ["F4"]


def test_money_received_in_the_ruling_on_a_disputed_claim_is_held_not_paid_out() -> None:
    w, client = _disputed_in_the_ruling()
    _ended_and_booked(w, client)
    noted = w.services.repos.invoices.marks_of(client.client_id, ENDED_RULING_CLAIM_ROW, ["F4"])
    assert noted == {"F4": {"debtor": "D1"}}
    _at(w, date(2026, 3, 6))
    w.services._left_over(client)
    item = _filing_item(w)
    assert item["status"] == "open"
    assert [x["payment"] for x in item["detail"]["paid_after_ruling"]] == ["p4"]
    _at(w, date(2026, 3, 9))
    run = w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 9))
    assert _held(w) == [["p4"]]
    assert run is None, run.payout_total  # nothing to settle: not 263.70 paid out


def test_an_item_written_without_the_disputed_claim_still_holds_its_money() -> None:
    """An item written before the fix (its list without F4) and resolved: the settlement run
    reads the claim and holds the money received on it in the ruling all the same."""
    w, client = _disputed_in_the_ruling()
    _ended_and_booked(w, client)
    repo = w.services.repos.actions
    found = repo.get(client.client_id, ITEM)
    assert found is not None
    old = replace(found[0], invoice_numbers=("F1",),
                  detail={k: v for k, v in found[0].detail.items() if k != "disputed"})  # fmt: skip
    repo.save(old, found[1])
    _at(w, date(2026, 3, 9))
    run = w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 9))
    assert _held(w) == [["p4"]]
    assert run is None, run.payout_total
