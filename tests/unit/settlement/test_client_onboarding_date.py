"""settle27 left it: no client onboarding date was stored. A client taken on 20-11-2026 whose
agreement the agency set on 3-12 started on 3-12, so 170.95 a debtor paid on 25-11 (collected
by the agency for the client it had taken on) was never settled: payout 0.00 and the money
listed as "before the agreement". The client now keeps its onboarding date (set when it is
created, the agency may set or correct it, shown in the API and the console) and a first
agreement starts on it. An agreement stored without a start settles as it did."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from shared.domain.parties import Agency
from shared.domain.settlement.agreement import Frequency, SettlementAgreement
from tests.unit.api.conftest import client_row
from tests.unit.settlement.conftest import THIRD_PARTY, payment
from tests.unit.settlement.test_settled_from_the_agreement import AGREEMENT
from tests.unit.settlement.test_statement_shows_money_before_agreement import _run


def _onboard(world: Any, **row: Any) -> str:
    world.clock.at = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    world.services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    put = world.agency_a.call("POST", "/v1/clients", {"items": [{**client_row("C1"), **row}]})
    assert put.status == 200 and put.body["created"] == 1, put.body
    return str(world.services.repos.clients.id_for_number("agency-a", "C1"))


def test_the_first_agreement_starts_on_the_onboarding_date(world: Any) -> None:
    cid = _onboard(world)
    got = world.agency_a.call("GET", "/v1/clients/C1").body
    assert got["onboarded_on"] == "2026-11-20"
    world.services.repos.payments.add(payment(cid, "p1125", date(2026, 11, 25)))  # 170.95
    world.clock.at = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    put = world.agency_a.call("PUT", "/v1/clients/C1/settlement-agreement", AGREEMENT)
    assert put.body["starts_on"] == "2026-11-20"  # was the day of the PUT, 2026-12-03
    st = _run(world, date(2026, 12, 7))
    # 170.95: 10 % of 122.55 (12.26), VAT 21 % on 12.26 + 40.00 costs kept (10.97, 8.40 of
    # it from the debtor): 107.72, where nothing was paid out before
    assert st.totals.payout == 10772 and st.totals.before_agreement == 0


def test_the_agency_sets_an_older_clients_onboarding_date(world: Any) -> None:
    cid = _onboard(world)
    # a client stored before the date was kept: no OnboardedOn on its row
    client, etag = world.services.repos.clients.get(cid)
    world.services.repos.clients.save(replace(client, onboarded_on=None), etag)
    assert world.agency_a.call("GET", "/v1/clients/C1").body["onboarded_on"] is None
    world.services.repos.payments.add(payment(cid, "old", date(2014, 1, 5)))  # 170.95 in 2014
    world.services.repos.payments.add(payment(cid, "new", date(2026, 12, 4)))  # 170.95
    # the agency records the day it took the client on; an update without it keeps it
    world.clock.at = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    sent = world.agency_a.call(
        "POST", "/v1/clients", {"items": [{"number": "C1", "onboarded_on": "2026-11-20"}]}
    )
    assert sent.body["updated"] == 1, sent.body
    world.agency_a.call("POST", "/v1/clients", {"items": [{"number": "C1", "name": "C One"}]})
    assert world.agency_a.call("GET", "/v1/clients/C1").body["onboarded_on"] == "2026-11-20"
    put = world.agency_a.call("PUT", "/v1/clients/C1/settlement-agreement", AGREEMENT)
    assert put.body["starts_on"] == "2026-11-20"
    st = _run(world, date(2026, 12, 7))
    # the 2014 money is before the client was taken on: listed, not settled
    assert st.totals.received == 17095 and st.totals.payout == 10772
    assert st.totals.before_agreement == 17095


def test_an_older_agreement_without_a_start_settles_as_it_did(world: Any) -> None:
    """An agreement stored before agreements kept a start settles every payment, whatever
    the client's onboarding day (nothing changes for existing agencies until they set one)."""
    cid = _onboard(world)
    world.services.settlements.store.save_agreement(
        SettlementAgreement(
            cid,
            "agency-a",
            "NL44RABO0123456789",
            "Bakkerij Client One",
            commission_bp=1000,
            frequency=Frequency.WEEKLY,
        )
    )
    world.services.repos.payments.add(payment(cid, "old", date(2014, 1, 5)))
    world.services.repos.payments.add(payment(cid, "new", date(2026, 12, 4)))
    st = _run(world, date(2026, 12, 7))
    assert st.totals.received == 34190 and st.totals.payout == 21544
