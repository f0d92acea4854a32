"""The bank of the agency's third-party account keeps its charges of a debtor's payment
(pooled11 #2). The debtor is credited what he sent (round 10: 250.00), but 237.50 arrived; the
settlement used to pay the client out of the 250.00, so the agency paid the 12.50 out of its
own pocket without a trace. Now the payment keeps the charges, the statement shows them as a
line of their own, and the agreement says who bears them: the agency (the default) or the
client, set off against its payout. The figures add up either way: what arrived = payout +
commission + fee VAT + agency share - the charges the agency bears."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import pypdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.records import Receiver
from shared.domain.settlement.agreement import Recipient, SettlementAgreement
from shared.domain.settlement.statement import contribution, totals
from shared.services.settlement.runs import CONTAINER
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.settlement.conftest import PAYOUT_C1, payment

# the agency's third-party account at ING: only ING's MT940 states the amount sent and the
# charges (/OCMT/ /CHGS/, attack11 A2)
ING_POOLED = "NL69INGB0123456789"

# 250.00 principal only, 10% commission, 21% VAT on it
PRINCIPAL, CHARGES = 25_000, 1_250


def _paid(charges: int = CHARGES, into: Receiver = Receiver.THIRD_PARTY) -> Any:
    from dataclasses import replace

    p = payment("c1", "p1", date(2026, 12, 2), principal=PRINCIPAL, costs=0, costs_vat=0,
                interest=0)  # fmt: skip
    return replace(p, bank_charges=charges, received_by=into)


def _agreement(by: Recipient) -> SettlementAgreement:
    return SettlementAgreement("c1", "a", PAYOUT_C1, "Client One BV", commission_bp=1000,
                               bank_charges_by=by)  # fmt: skip


def test_charges_borne_by_the_agency_leave_the_payout_and_show_on_the_statement() -> None:
    t = totals([contribution(_paid(), _agreement(Recipient.AGENCY))], fee_vat_bp=2100,
               carried_in=0, bank_charges_by=Recipient.AGENCY)  # fmt: skip
    assert (t.received, t.commission, t.fee_vat) == (25_000, 2_500, 525)
    assert (t.bank_charges, t.bank_charges_to_client, t.bank_charges_by_agency) == (1250, 0, 1250)
    assert t.payout == 21_975  # 250.00 - 25.00 - 5.25: as if the whole 250.00 had arrived
    assert t.arrived == 23_750
    # money in = payouts + commission + VAT, less the charges the agency bears of its fee
    assert t.arrived + t.bank_charges_by_agency == t.payout + t.commission + t.fee_vat
    assert t.balanced


def test_charges_borne_by_the_client_come_off_its_payout_as_a_line_of_their_own() -> None:
    t = totals([contribution(_paid(), _agreement(Recipient.CLIENT))], fee_vat_bp=2100,
               carried_in=0, bank_charges_by=Recipient.CLIENT)  # fmt: skip
    assert (t.commission, t.fee_vat) == (2_500, 525)  # no commission or VAT on the charges
    assert (t.bank_charges, t.bank_charges_to_client, t.bank_charges_by_agency) == (1250, 1250, 0)
    assert (t.net, t.payout) == (20_725, 20_725)  # 219.75 - 12.50
    # the third-party account pays out exactly what arrived less the agency's fee
    assert t.arrived == t.payout + t.commission + t.fee_vat == 23_750
    assert t.balanced


def test_the_clients_own_bank_charges_are_not_the_settlements() -> None:
    """Money the client received itself: its own bank's charges are its own already."""
    c = contribution(_paid(into=Receiver.CLIENT), _agreement(Recipient.CLIENT))
    t = totals([c], fee_vat_bp=2100, carried_in=0, bank_charges_by=Recipient.CLIENT)
    assert (c.bank_charges, t.bank_charges, t.bank_charges_to_client) == (0, 0, 0)
    assert t.balanced


@pytest.mark.parametrize("by", list(Recipient))
def test_a_payment_that_comes_back_undoes_its_charges_line(by: Recipient) -> None:
    """failure11b B2 / law11b F3: 250.00 sent, 12.50 kept, 237.50 arrived and settled; the
    237.50 goes back. The claim reopens whole, so the charges line is undone with the payment:
    the client and the agency end where they started and the third-party account at 0 (the
    statement claimed 219.75 back of a 207.25 payout: 12.50 owned by no one)."""
    c = contribution(_paid(), _agreement(by))
    first = totals([c], fee_vat_bp=2100, carried_in=0, bank_charges_by=by)
    back = c.negated()
    assert back.bank_charges == -1_250
    second = totals([back], fee_vat_bp=2100, carried_in=0, bank_charges_by=by)
    assert second.balanced
    assert second.net == -first.net  # 207.25 (client bears) or 219.75 (agency) claimed back
    agency = [t.commission + t.fee_vat + t.to_agency - t.bank_charges_by_agency
              for t in (first, second)]  # fmt: skip
    assert agency[0] + agency[1] == 0
    arrived, returned = 23_750, 23_750
    repaid = -second.carried_out
    assert arrived - returned - first.payout - sum(agency) + repaid == 0


def test_a_returned_payment_with_vat_on_the_charges_passed_on_undoes_that_vat_too() -> None:
    c = contribution(_paid(), _agreement(Recipient.CLIENT))
    args: dict[str, Any] = {"fee_vat_bp": 2100, "carried_in": 0,
                            "bank_charges_by": Recipient.CLIENT, "vat_on_bank_charges": True}  # fmt: skip
    first, second = totals([c], **args), totals([c.negated()], **args)
    assert (first.fee_vat, first.payout) == (788, 20_462)
    assert (second.fee_vat, second.net) == (-788, -20_462)


# -- from the bank's file to the settlement statement -------------------------------------------


def _pooled_world(world: Any, by: Recipient, *, vat: bool = True) -> str:
    from shared.domain.parties import Agency
    from shared.services.onboarding import register_agency

    register_agency(world.services.repos, Agency("agency-a", "Acme Incasso", ING_POOLED))
    a = world.agency_a
    row = client_row("C1", allow_third_party_matching=True, charge_interest=False)
    a.call("POST", "/v1/clients", {"items": [row]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Gasthof Alpen")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "N10-9", "D1", amount="250.00", invoice_date="2026-11-20", due_date="2026-12-20")]})  # fmt: skip
    agreement = {"payout_iban": PAYOUT_C1, "payout_name": "Client C1 BV", "frequency": "daily",
                 "starts_on": "2020-01-01", "commission_percent": "10", "bank_charges_by": by.value,
                 "vat_on_bank_charges": vat}  # fmt: skip
    reply = a.call("PUT", "/v1/clients/C1/settlement-agreement", agreement)
    assert reply.status == 200 and reply.body["bank_charges_by"] == by.value, reply.body
    ref = a.call("GET", "/v1/clients/C1/invoices/N10-9").body["payment_reference"]
    return str(ref)


def _ing_file(reference: str) -> bytes:
    """ING's MT940 of the pooled account: 237.50 arrived of the 250.00 the debtor sent."""
    return (
        ":20:N10CHG\n"
        f":25:{ING_POOLED}EUR\n:28C:00002\n:60F:C261201EUR0,00\n"
        ":61:2612021202C237,50NTRFALPEN-2026-118\n"
        ":86:/EREF/ALPEN-2026-118//OCMT/EUR250,00//CHGS/EUR12,50//CNTP/CH9300762011623852957/"
        f"UBSWCHZH80A/GASTHOF ALPEN AG///REMI/USTD//{reference}/\n"
        ":62F:C261202EUR237,50\n-\n"
    ).encode()


def _settle(world: Any, day: date) -> Any:
    world.clock.at = datetime(day.year, day.month, day.day, 5, 0, tzinfo=UTC)
    run = world.services.settlement_runs.run_agency("agency-a", day)
    assert run is not None
    _, settlements = world.services.settlements.run("agency-a", run.run_id)
    (s,) = settlements
    return s


def test_the_banks_charges_on_the_pooled_account_reach_the_settlement_statement(world) -> None:
    ref = _pooled_world(world, Recipient.CLIENT)
    world.clock.at = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
    report = world.services.statements.ingest("agency-a/ing.sta", _ing_file(ref))
    assert report.booked == 1, report
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    (paid,) = list(world.services.settlements.store.payments_of(cid))
    assert (paid.amount, paid.bank_charges, paid.received_by) == (
        25_000, 1_250, Receiver.THIRD_PARTY,
    )  # fmt: skip
    s = _settle(world, date(2026, 12, 3))
    t = s.totals
    assert (t.received, t.bank_charges, t.bank_charges_to_client) == (25_000, 1_250, 1_250)
    # the 12.50 passed on is the agency's recharge, part of its taxable fee (law11b F4):
    # VAT 21% on 25.00 + 12.50 = 7.88, payout 250.00 - 25.00 - 7.88 - 12.50 = 204.62
    assert (t.commission, t.fee_vat, t.payout) == (2_500, 788, 20_462)
    assert t.arrived == t.payout + t.commission + t.fee_vat  # 237.50: what the bank left
    figures = world.agency_a.call("GET", f"/v1/settlements/{s.run_id}").body["settlements"][0]
    assert figures["figures"]["bank_charges"] == "12.50"
    assert figures["figures"]["bank_charges_to_client"] == "12.50"
    rows = list(csv.reader(io.StringIO(world.services.files.get(CONTAINER, s.csv).decode())))
    assert ["bank_charges_to_client", "", "", "", "", "", "12.50", "", "", "", "", ""] in rows
    text = "".join(
        page.extract_text()
        for page in pypdf.PdfReader(io.BytesIO(world.services.files.get(CONTAINER, s.pdf))).pages
    )
    assert "Bankkosten voor rekening opdrachtgever -EUR 12,50" in text
    assert "waarvan ingehouden bankkosten (niet ontvangen) EUR 12,50" in text
    assert "en doorberekende bankkosten" in text and "-EUR 7,88" in text


def test_an_agency_whose_tax_adviser_says_otherwise_passes_them_on_without_vat(world) -> None:
    ref = _pooled_world(world, Recipient.CLIENT, vat=False)
    world.clock.at = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
    world.services.statements.ingest("agency-a/ing.sta", _ing_file(ref))
    t = _settle(world, date(2026, 12, 3)).totals
    assert (t.bank_charges_to_client, t.fee_vat, t.payout) == (1_250, 525, 20_725)
    assert t.arrived == t.payout + t.commission + t.fee_vat


def test_the_vat_switch_is_the_agreements_and_on_by_default(world) -> None:
    _pooled_world(world, Recipient.CLIENT)
    a = world.agency_a
    body = a.call("GET", "/v1/clients/C1/settlement-agreement").body
    assert body["vat_on_bank_charges"] is True
    agreement = {k: body[k] for k in ("payout_iban", "payout_name", "frequency")}
    off = a.call("PUT", "/v1/clients/C1/settlement-agreement",
                 {**agreement, "bank_charges_by": "client", "vat_on_bank_charges": False})  # fmt: skip
    assert off.status == 200 and off.body["vat_on_bank_charges"] is False, off.body
    again = a.call("PUT", "/v1/clients/C1/settlement-agreement", agreement)
    assert again.body["vat_on_bank_charges"] is True  # the default as the law says


def test_by_default_the_agency_bears_them_and_the_statement_says_so(world) -> None:
    ref = _pooled_world(world, Recipient.AGENCY)
    world.clock.at = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
    world.services.statements.ingest("agency-a/ing.sta", _ing_file(ref))
    t = _settle(world, date(2026, 12, 3)).totals
    assert (t.bank_charges, t.bank_charges_to_client, t.payout) == (1_250, 0, 21_975)
    assert t.arrived + t.bank_charges_by_agency == t.payout + t.commission + t.fee_vat


def test_a_line_the_agency_books_by_hand_keeps_the_banks_charges(world) -> None:
    """A charged credit not booked by itself (only suggested): the agency's people book it
    on the invoice, and the payment keeps what the bank kept (the item carries it)."""
    _pooled_world(world, Recipient.CLIENT)
    world.clock.at = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
    report = world.services.statements.ingest("agency-a/ing.sta", _ing_file("geen kenmerk"))
    assert report.booked == 0
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    items, _ = world.services.repos.actions.list(cid)  # C1's invoice alone is suggested
    (item,) = [x for x in items if x.kind == "payment_suggestion"]
    assert item.detail["charges"] == CHARGES
    reply = world.agency_a.call(
        "POST", f"/v1/clients/C1/actions/{item.action_id}/confirm", {"invoices": ["N10-9"]}
    )
    assert reply.status == 200, reply.body
    (paid,) = list(world.services.settlements.store.payments_of(cid))
    assert (paid.amount, paid.bank_charges) == (25_000, 1_250)
    assert _settle(world, date(2026, 12, 3)).totals.bank_charges_to_client == 1_250


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 500_000), st.integers(0, 2_000), st.booleans()),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from(list(Recipient)),
    st.integers(0, 3_000),
)
def test_the_figures_add_up_whoever_bears_the_charges(pays, by, commission_bp) -> None:
    """Any payments (some the client's own), any charges: the statement balances, and what
    reached the third-party account is what it pays out, the agency's fee and share, less the
    charges the agency bears."""
    from dataclasses import replace

    terms = replace(_agreement(by), commission_bp=commission_bp)
    contributions = []
    for n, (amount, charges, direct) in enumerate(pays):
        p = payment("c1", f"p{n}", date(2026, 12, 2), principal=amount, costs=0, costs_vat=0,
                    interest=0)  # fmt: skip
        into = Receiver.CLIENT if direct else Receiver.THIRD_PARTY
        contributions.append(
            contribution(replace(p, bank_charges=min(charges, amount), received_by=into), terms)
        )
    t = totals(contributions, fee_vat_bp=2100, carried_in=0, bank_charges_by=by)
    assert t.balanced
    assert t.bank_charges == sum(min(c, a) for a, c, d in pays if not d)
    assert t.arrived + t.bank_charges_by_agency == (
        t.to_agency + t.commission + t.fee_vat + t.payout + t.carried_out
        + t.kept_by_client - t.received_direct
    )  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 500_000), st.integers(0, 2_000), st.booleans(), st.booleans()),
        min_size=1,
        max_size=6,
    ),
    st.lists(st.tuples(st.integers(1, 500_000), st.integers(0, 2_000)), max_size=3),
    st.sampled_from(list(Recipient)),
    st.integers(0, 3_000),
    st.booleans(),
)
def test_over_credits_and_returns_the_money_in_is_all_accounted_for(
    first_pays, later_pays, by, commission_bp, vat
) -> None:
    """failure11b B2: a first statement settles credits (some charged, some the client's
    own); a second settles the returns of some of them and new credits; the client repays
    what the second carries out. Then money in (what arrived less what went back) = payouts
    + the agency's fee and share - the charges the agency bears - what the client repaid, so
    the third-party account ends at 0: nothing on it owned by no one."""
    from dataclasses import replace

    terms = replace(_agreement(by), commission_bp=commission_bp)
    args: dict[str, Any] = {"fee_vat_bp": 2100, "bank_charges_by": by, "vat_on_bank_charges": vat}

    def made(n: str, amount: int, charges: int, direct: bool) -> Any:
        p = payment("c1", n, date(2026, 12, 2), principal=amount, costs=0, costs_vat=0,
                    interest=0)  # fmt: skip
        into = Receiver.CLIENT if direct else Receiver.THIRD_PARTY
        return contribution(replace(p, bank_charges=min(charges, amount), received_by=into), terms)

    def on_account(amount: int, charges: int, direct: bool) -> int:
        return 0 if direct else amount - min(charges, amount)

    first = [made(f"p{n}", a, c, d) for n, (a, c, d, _) in enumerate(first_pays)]
    later = [made(f"q{n}", a, c, False) for n, (a, c) in enumerate(later_pays)]
    returned = [c.negated() for c, (_, _, _, back) in zip(first, first_pays, strict=True) if back]
    s1 = totals(first, carried_in=0, **args)
    s2 = totals(returned + later, carried_in=min(s1.carried_out, 0), **args)
    assert s1.balanced and s2.balanced

    arrived = sum(on_account(a, c, d) for a, c, d, _ in first_pays) + sum(
        on_account(a, c, False) for a, c in later_pays
    )
    went_back = sum(on_account(a, c, d) for a, c, d, back in first_pays if back)
    repaid = -s2.carried_out  # the client pays back what it was paid too much
    # the agency's fee and share, less the charges it bears (of money the client received
    # itself the client owes them: its carried balance, repaid)
    taken = sum(t.to_agency + t.commission + t.fee_vat - t.bank_charges_by_agency
                for t in (s1, s2))  # fmt: skip
    paid_out = s1.payout + s2.payout
    assert arrived - went_back - paid_out - taken + repaid == 0
