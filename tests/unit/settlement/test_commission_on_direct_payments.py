"""settle28: commission was always charged on money a debtor paid the client itself (its own
account, its own Mollie, a plan's direct debit into its account). Whether an agency charges it
is the agency's contract with its client (ledger_law.md §7: the fee basis is a contract
parameter; Dutch collection terms commonly say payments made directly to the client still
carry the commission, some agreements leave them out), so it is a setting of the agreement:
``commission_on_direct_payments``, default true (every agreement settles as it did), and the
statement says which applies.

Example, 10 % commission, 21 % VAT, costs to the agency: a debtor pays 170.95 to the
third-party account and another 170.95 to the client itself (each: costs 40.00, costs VAT
8.40, interest 1.55, principal 121.00). With commission on both: commission 24.51, fee VAT
21.95, payout 44.49 (the client holds the direct 170.95, the agency's share of it is set off);
without it on the direct money: commission 12.26, fee VAT 19.37, payout 59.32 (12.25 of
commission and 2.58 of VAT less)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pypdf

from shared.domain.parties import Agency
from shared.domain.records import Receiver
from shared.services.settlement.runs import CONTAINER
from tests.unit.api.conftest import client_row
from tests.unit.settlement.conftest import THIRD_PARTY, payment

AGREEMENT = {
    "payout_iban": "NL44 RABO 0123 4567 89",
    "payout_name": "Bakkerij Client One",
    "frequency": "weekly",
    "commission_percent": "10",
    "starts_on": "2026-12-01",
}


def _statement(world: Any, agreement: dict[str, Any]) -> Any:
    world.clock.at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    world.services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    put = world.agency_a.call("PUT", "/v1/clients/C1/settlement-agreement", agreement)
    assert put.status == 200, put.body
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    world.services.repos.payments.add(payment(cid, "pooled", date(2026, 12, 3)))
    own = payment(cid, "own", date(2026, 12, 4), invoice="F2")
    world.services.repos.payments.add(replace(own, received_by=Receiver.CLIENT))
    world.clock.at = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)
    run = world.services.settlement_runs.run_agency("agency-a", date(2026, 12, 7))
    assert run is not None
    (st,) = world.services.settlements.run("agency-a", run.run_id)[1]
    return put.body, st


def _pdf(world: Any, st: Any) -> str:
    reader = pypdf.PdfReader(io.BytesIO(world.services.files.get(CONTAINER, st.pdf)))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def test_by_default_the_direct_money_carries_the_commission(world: Any) -> None:
    body, st = _statement(world, AGREEMENT)
    assert body["commission_on_direct_payments"] is True
    assert (st.totals.commission, st.totals.fee_vat, st.totals.payout) == (2451, 2195, 4449)
    assert "Provisie ook over wat debiteuren aan de opdrachtgever zelf betaalden" in _pdf(world, st)


def test_an_agreement_without_commission_on_the_direct_money(world: Any) -> None:
    body, st = _statement(world, {**AGREEMENT, "commission_on_direct_payments": False})
    assert body["commission_on_direct_payments"] is False
    got = world.agency_a.call("GET", "/v1/clients/C1/settlement-agreement").body
    assert got["commission_on_direct_payments"] is False
    # 10 % of the pooled payment's 122.55 only: 12.26; VAT 21 % of 12.26 + 80.00 costs kept
    # (19.37, 16.80 of it paid by the debtors)
    assert (st.totals.commission, st.totals.fee_vat, st.totals.payout) == (1226, 1937, 5932)
    assert st.totals.balanced
    assert "Geen provisie over wat debiteuren aan de opdrachtgever zelf betaalden" in _pdf(
        world, st
    )


def test_a_correction_keeps_the_terms_the_direct_money_was_settled_under(world: Any) -> None:
    """The client's own 170.95, settled without commission, comes back after the agency set
    commission on direct money again: the reversal gives back no commission it never charged
    (priced by the first statement's terms, law17 S1)."""
    _, first = _statement(world, {**AGREEMENT, "commission_on_direct_payments": False})
    world.agency_a.call("PUT", "/v1/clients/C1/settlement-agreement", AGREEMENT)
    cid = first.client_id
    found = world.services.repos.payments.get_versioned(cid, "own")
    assert found is not None
    came_back = replace(found[0], reversed=True, reversed_on=date(2026, 12, 9))
    world.services.repos.payments.save_if(came_back, found[1])
    world.clock.at = datetime(2026, 12, 14, 5, 0, tzinfo=UTC)
    run = world.services.settlement_runs.run_agency("agency-a", date(2026, 12, 14))
    assert run is not None
    (nxt,) = world.services.settlements.run("agency-a", run.run_id)[1]
    assert nxt.totals.commission == 0 and nxt.totals.kept_by_client == -17095
