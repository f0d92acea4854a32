"""Money a debtor paid after the day of his bankruptcy stays on the third-party account until
staff decide the filing item (law14b D; art. 23 Fw: from 00:00 on the ruling's day he no longer
disposes of his estate, the curator may claim the payment back).

Consumer D1, F1 (test_standing_ruling_claims' world: 1,159.32 at a bankruptcy of 10-2-2026,
recorded 12-2). p1 500.00 received 20-2 on the agency's third-party account (costs 150.00,
interest 9.32, principal 340.68); the run of 21-2 lists it on the filing item. Weekly
settlement, commission 10 %. On lead the run of 2-3 paid the client 350.00 - 35.00 - 38.85 =
276.15. Now nothing is settled and the run's list says why; once staff resolve the filing item
the next run settles it as before (276.15)."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.api.console.action_text import title
from shared.domain.parties import Agency
from shared.domain.records import PaymentSource
from tests.unit.settlement.conftest import THIRD_PARTY
from tests.unit.standing.test_standing_ruling_claims import _at, _filing, _set, _world

AGREEMENT = {"payout_iban": "NL44 RABO 0123 4567 89", "payout_name": "Bakkerij Client One",
             "frequency": "weekly", "starts_on": "2020-01-01", "commission_percent": "10"}  # fmt: skip


def ruling_recorded(standing: str = "bankrupt") -> tuple[Any, Any]:
    """The world with the agency's third-party account and the client's weekly settlement;
    ``standing`` since 10-2-2026 recorded 12-2."""
    w: Any = _world()
    w.services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    assert w.agency_a.call("PUT", "/v1/clients/C1/settlement-agreement", AGREEMENT).status == 200
    client = w.services.access.client_for(w.services.access.authenticate(w.agency_a.key), "C1")
    _at(w, date(2026, 2, 12))
    _set(w, {"standing": standing, "since": "2026-02-10"})
    return w, client


def _paid_after_the_ruling(standing: str = "bankrupt") -> tuple[Any, Any]:
    w, client = ruling_recorded(standing)
    _at(w, date(2026, 2, 20))
    w.services.payments.book(client, payment_id="p1", amount=500_00,
                             received_on=date(2026, 2, 20), source=PaymentSource.BANK,
                             invoice_numbers=["F1"])  # fmt: skip
    _at(w, date(2026, 2, 21))
    w.services._left_over(client)
    assert [x["payment"] for x in _filing(w)["detail"]["paid_after_ruling"]] == ["p1"]
    return w, client


def _agency_items(w: Any, kind: str) -> list[dict[str, Any]]:
    items = w.agency_a.call("GET", "/v1/actions").body["items"]
    return [x for x in items if x["kind"] == kind]


def test_money_paid_after_the_ruling_is_held_until_staff_decide() -> None:
    w, _ = _paid_after_the_ruling()
    _at(w, date(2026, 3, 2))
    run = w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 2))
    assert run is None  # nothing else was due: no run, no payout
    [held] = _agency_items(w, "settlement_held")
    assert "1 payment(s) of € 500,00 held" in held["title"], held["title"]
    assert [(h["payment"], h["amount"]) for h in held["detail"]["held"]] == [("p1", 500_00)]
    assert title(held["title"], "nl").startswith("Afdrachtrun R20260302: 1 betaling(en) van")
    # staff decide on the filing item (kept: the curator does not claim it): released
    item = _filing(w)
    done = w.agency_a.call("POST", f"/v1/clients/C1/actions/{item['action_id']}/resolve",
                           {"resolution": "curator lets the payment stand"})  # fmt: skip
    assert done.status == 200, done.body
    _at(w, date(2026, 3, 9))
    run = w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 9))
    assert run is not None and run.payout_total == 276_15, run


def test_a_ruling_lifted_as_a_mistake_releases_it() -> None:
    w, _ = _paid_after_the_ruling("wsnp")
    _at(w, date(2026, 2, 25))
    _set(w, {"standing": "normal", "reason": "mistake"})
    _at(w, date(2026, 3, 2))
    run = w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 2))
    assert run is not None and run.payout_total > 0, run
    assert _agency_items(w, "settlement_held") == []


def test_money_booked_after_staff_closed_the_filing_item_waits_for_their_decision() -> None:
    """Staff closed the filing item on 15-2 (claims filed); p1 comes on 20-2 and the settlement
    runs before the daily run opens the item again with it: still held, not paid out."""
    w, client = ruling_recorded()
    _at(w, date(2026, 2, 15))
    item = _filing(w)
    closed = w.agency_a.call("POST", f"/v1/clients/C1/actions/{item['action_id']}/resolve",
                             {"resolution": "filed with the curator"})  # fmt: skip
    assert closed.status == 200, closed.body
    w.services.payments.book(client, payment_id="p1", amount=500_00,
                             received_on=date(2026, 2, 20), source=PaymentSource.BANK,
                             invoice_numbers=["F1"])  # fmt: skip
    _at(w, date(2026, 3, 2))
    assert w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 2)) is None
    assert len(_agency_items(w, "settlement_held")) == 1
    # the daily run opens the item with p1; staff decide; the next run pays it out
    w.services._left_over(client)
    reopened = _filing(w)
    assert reopened["status"] == "open"
    done = w.agency_a.call("POST", f"/v1/clients/C1/actions/{reopened['action_id']}/resolve",
                           {"resolution": "curator lets the payment stand"})  # fmt: skip
    assert done.status == 200, done.body
    _at(w, date(2026, 3, 9))
    run = w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 9))
    assert run is not None and run.payout_total == 276_15, run
