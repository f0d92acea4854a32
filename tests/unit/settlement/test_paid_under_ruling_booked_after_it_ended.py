"""standing15 #3: money received while a bankruptcy or WSNP held, booked after it ended (a
statement that came late, a payment staff back-date), is the estate's as money booked during
the ruling (art. 23 Fw: from 00:00 on the ruling's day until it ended the debtor did not
dispose of his estate; the curator may claim it back): the day received decides, not the day
booked. Before, the filing item was resolved by the end and never heard of it (the debtor's
``g|`` row went with the end, so the run no longer followed his money), and the settlement
run held it under an item staff could not decide, or, once a later standing was recorded
over the ended ruling (a death), paid it out.

Consumer D1, F1 (test_standing_ruling_claims' world: 1,159.32 at a bankruptcy of 10-2-2026,
recorded 12-2), ended 1-3. p1 500.00 received 20-2 (in the ruling), p2 100.00 received 2-3
(after it), both booked 5-3 on the agency's third-party account. Weekly settlement,
commission 10 %."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from shared.adapters.tables.invoices_repo import ENDED_RULING_CLAIM_ROW, STANDING_ROW, UPGRADED_ROW
from shared.domain.records import PaymentSource
from tests.unit.settlement.test_paid_after_ruling_held import _agency_items, ruling_recorded
from tests.unit.standing.test_standing_ruling_claims import _at, _set, _world


def _filing_item(w: Any) -> dict[str, Any]:
    items = w.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    [found] = [x for x in items if x["action_id"] == "standing-D1-bankrupt-2026-02-10"]
    return dict(found)


def _ended() -> tuple[Any, Any]:
    """The bankruptcy of 10-2 recorded 12-2 and ended 1-3, the client settled weekly."""
    w, client = ruling_recorded()
    _at(w, date(2026, 3, 1))
    _set(w, {"standing": "normal", "reason": "ended"})
    assert _filing_item(w)["status"] == "resolved"
    return w, _as_read(w, client)


def _as_read(w: Any, client: Any) -> Any:
    """The client as a request reads it (the end flagged ``rulings_ended`` on its row)."""
    found = w.services.repos.clients.get(client.client_id)
    assert found is not None
    return found[0]


def _booked_after_the_end(after_end: dict[str, str] | None) -> tuple[Any, Any]:
    w, client = _ended()
    if after_end is not None:
        _at(w, date(2026, 3, 3))
        _set(w, after_end)
    _at(w, date(2026, 3, 5))
    for pid, cents, day in (("p1", 500_00, date(2026, 2, 20)), ("p2", 100_00, date(2026, 3, 2))):
        w.services.payments.book(client, payment_id=pid, amount=cents, received_on=day,
                                 source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    _at(w, date(2026, 3, 6))
    w.services._left_over(client)
    return w, client


@pytest.mark.parametrize(
    "after_end",
    [None, {"standing": "deceased", "since": "2026-03-03"}],
    ids=["ended", "a death recorded after it ended"],
)
def test_money_received_in_the_ruling_and_booked_after_it_ended_waits_for_staff(
    after_end: dict[str, str] | None,
) -> None:
    w, client = _booked_after_the_end(after_end)
    item = _filing_item(w)
    # opened again with the money received in the ruling only, the figure filed unchanged
    assert item["status"] == "open", item
    assert item["detail"]["paid_after_ruling"] == [
        {"payment": "p1", "amount": 500_00, "received_on": "2026-02-20"}
    ], item
    assert item["detail"]["to_file"] == 115932, item
    assert "to_file_change" not in item["detail"], item
    # the booking marked D1 for the run, which followed it and let the mark go
    assert w.services.repos.invoices.marks(client.client_id, STANDING_ROW) == []
    _at(w, date(2026, 3, 9))
    w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 9))
    [held] = _agency_items(w, "settlement_held")
    assert [h["payment"] for h in held["detail"]["held"]] == ["p1"], held
    # staff decide (the curator lets it stand): the next run settles it
    done = w.agency_a.call("POST", f"/v1/clients/C1/actions/{item['action_id']}/resolve",
                           {"resolution": "curator lets the payment stand"})  # fmt: skip
    assert done.status == 200, done.body
    _at(w, date(2026, 3, 16))
    run = w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 16))
    assert run is not None and run.payout_total > 0, run
    assert len(_agency_items(w, "settlement_held")) == 1  # the first run's only


def test_money_of_the_ruling_booked_before_its_end_and_after_the_last_run_reopens_the_item() -> (
    None
):
    """p1 received 20-2 and booked 28-2, the ruling ended 1-3 before the daily run saw it:
    the end resolves the filing item and at once opens it again with p1."""
    w: Any = _world()
    client = w.services.access.client_for(w.services.access.authenticate(w.agency_a.key), "C1")
    _at(w, date(2026, 2, 12))
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    _at(w, date(2026, 2, 28))
    w.services.payments.book(client, payment_id="p1", amount=500_00,
                             received_on=date(2026, 2, 20), source=PaymentSource.BANK,
                             invoice_numbers=["F1"])  # fmt: skip
    _at(w, date(2026, 3, 1))
    _set(w, {"standing": "normal", "reason": "clean_slate"})
    items = w.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    [item] = [x for x in items if x["action_id"] == "standing-D1-wsnp-2026-02-10"]
    assert item["status"] == "open", item
    assert [x["payment"] for x in item["detail"]["paid_after_ruling"]] == ["p1"], item
    assert item["detail"]["to_file"] == 115932, item


def test_money_held_without_its_item_marks_the_debtor_for_the_run() -> None:
    """p1 booked as before the deploy (no ``g|`` row written by its booking): the settlement
    run holds it and marks D1, the next daily run opens the filing item with it."""
    w, client = _ended()
    _at(w, date(2026, 3, 5))
    w.services.payments.book(client, payment_id="p1", amount=500_00,
                             received_on=date(2026, 2, 20), source=PaymentSource.BANK,
                             invoice_numbers=["F1"])  # fmt: skip
    invoices = w.services.repos.invoices
    for key, etag, _ in invoices.marks(client.client_id, STANDING_ROW):
        invoices.drop_mark(client.client_id, STANDING_ROW, key, etag)
    _at(w, date(2026, 3, 9))
    w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 9))
    [held] = _agency_items(w, "settlement_held")
    assert [h["payment"] for h in held["detail"]["held"]] == ["p1"], held
    assert len(invoices.marks(client.client_id, STANDING_ROW)) == 1
    _at(w, date(2026, 3, 10))
    w.services._left_over(client)
    item = _filing_item(w)
    assert item["status"] == "open", item
    assert [x["payment"] for x in item["detail"]["paid_after_ruling"]] == ["p1"], item
    assert invoices.marks(client.client_id, STANDING_ROW) == []


def test_a_ruling_that_ended_before_the_deploy_gets_its_claims_noted_once() -> None:
    """An earlier version ended the ruling without ``h|`` rows nor the client's
    ``rulings_ended``: the daily run's one pass (``u|ended-ruling-claims-2``) notes F1 and
    flags the client, and p1 booked after it marks D1 as for a ruling that ends from now on."""
    w, client = _ended()
    invoices = w.services.repos.invoices
    for key, etag, _ in invoices.marks(client.client_id, ENDED_RULING_CLAIM_ROW):
        invoices.drop_mark(client.client_id, ENDED_RULING_CLAIM_ROW, key, etag)
    w.services.repos.clients.save(replace(client, rulings_ended=False))
    assert invoices.marks(client.client_id, UPGRADED_ROW) == []
    _at(w, date(2026, 3, 2))
    w.services._left_over(_as_read(w, client))
    assert [k for k, _, _ in invoices.marks(client.client_id, ENDED_RULING_CLAIM_ROW)] == ["F1"]
    assert "ended-ruling-claims-2" in [k for k, _, _ in invoices.marks(client.client_id,
                                                                       UPGRADED_ROW)]  # fmt: skip
    client = _as_read(w, client)
    assert client.rulings_ended
    _at(w, date(2026, 3, 5))
    w.services.payments.book(client, payment_id="p1", amount=500_00,
                             received_on=date(2026, 2, 20), source=PaymentSource.BANK,
                             invoice_numbers=["F1"])  # fmt: skip
    assert len(invoices.marks(client.client_id, STANDING_ROW)) == 1
    _at(w, date(2026, 3, 6))
    w.services._left_over(client)
    item = _filing_item(w)
    assert item["status"] == "open", item
    assert [x["payment"] for x in item["detail"]["paid_after_ruling"]] == ["p1"], item
