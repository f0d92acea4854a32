"""newcomer27 F4: a new client's first settlement charged 10 % commission plus VAT (170.04, net
-63.13 to pay back) on money the client received itself in 2014, years before the agreement
(its old CAMT.053 uploaded to catch up the ledger). A payment received before the
agreement's start is not settled and carries no commission; the agency's action list says so
once (not per run); an agreement set without a day starts the day it is first set and keeps it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.domain.parties import Agency
from shared.domain.scopes import agency_scope
from shared.services.settlement.before_agreement import ITEM_KIND
from tests.unit.api.conftest import client_row
from tests.unit.settlement.conftest import THIRD_PARTY, payment

AGREEMENT = {
    "payout_iban": "NL44 RABO 0123 4567 89",
    "payout_name": "Bakkerij Client One",
    "frequency": "weekly",
    "commission_percent": "10",
}


def _new_client(world: Any) -> str:
    world.clock.at = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    world.services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    put = world.agency_a.call("PUT", "/v1/clients/C1/settlement-agreement", AGREEMENT)
    assert put.status == 200, put.body
    assert put.body["starts_on"] == "2026-12-03"
    return str(world.services.repos.clients.id_for_number("agency-a", "C1"))


def _item(world: Any, cid: str) -> Any:
    found = world.services.repos.actions.get(
        agency_scope("agency-a"), f"settlement-before-{cid}-20261203"
    )
    assert found is not None, "the agency is not told"
    assert found[0].kind == ITEM_KIND
    return found[0]


def test_money_received_before_the_agreement_is_not_settled(world: Any) -> None:
    cid = _new_client(world)
    # the client's own 2014 statement, booked to catch up the ledger: 1,405.31 in all
    world.services.repos.payments.add(payment(cid, "old", date(2014, 1, 5), principal=120531,
                                              costs=0, costs_vat=0, interest=20000))  # fmt: skip
    world.services.repos.payments.add(payment(cid, "new", date(2026, 12, 4)))  # 170.95
    world.clock.at = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)
    run = world.services.settlement_runs.run_agency("agency-a", date(2026, 12, 7))
    assert run is not None
    (st,) = world.services.settlements.run("agency-a", run.run_id)[1]
    assert st.totals is not None
    # only 12-04's 170.95: 10 % commission of its 121.00 + 1.55 principal and interest
    # (12.26) and VAT, never 10 % of 1,405.31 (140.53 + VAT = 170.04)
    assert st.totals.payout == 10772, st.totals
    item = _item(world, cid)
    assert item.detail["payments"] == ["old"] and item.detail["amount"] == 140531
    assert "2026-12-03" in item.title and "1.405,31" in item.title
    # the next run settles nothing of it and tells the agency no second time
    world.clock.at = datetime(2026, 12, 14, 5, 0, tzinfo=UTC)
    assert world.services.settlement_runs.run_agency("agency-a", date(2026, 12, 14)) is None
    assert _item(world, cid).created_at == item.created_at


def test_an_agreement_set_again_keeps_its_day(world: Any) -> None:
    _new_client(world)
    world.clock.at = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)
    again = world.agency_a.call("PUT", "/v1/clients/C1/settlement-agreement", AGREEMENT)
    assert again.body["starts_on"] == "2026-12-03"
    moved = {**AGREEMENT, "starts_on": "2026-11-01"}
    assert (
        world.agency_a.call("PUT", "/v1/clients/C1/settlement-agreement", moved).body["starts_on"]
        == "2026-11-01"
    )
