"""Settlement pays out only what reached the agency's third-party account (attack7 #1).

A payment records where its money arrived (``received_by``): the third-party account, or the
client itself (a statement of the client's own account, the client's own Mollie, a plan's
direct debit into the client's own account). Money the client received itself is settled for
the agency's share (commission, VAT on the fee, the components the agreement gives the agency)
and never paid out again: it is set off against the payout of the third-party money, and what
that cannot meet is carried forward and claimed back. The statement shows both kinds apart.

Before the fix each probe's payment was paid out from the third-party account: 8,790.00 of
other clients' money for a forged statement of the client's own account."""

from __future__ import annotations

import ast
import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pypdf
from hypothesis import given, settings
from hypothesis import strategies as st

import shared
from shared.adapters.tables.records_repo import PaymentRepository
from shared.adapters.tables.settlement_repo import Claim, SettlementRepository
from shared.domain.parties import Agency
from shared.domain.records import Payment, PaymentSource, Receiver
from shared.domain.settlement.agreement import Frequency, SettlementAgreement
from shared.domain.settlement.statement import contribution, totals
from shared.ports.tables import Row
from shared.services.mollie_receiver import receiver_of_account
from shared.services.onboarding import register_agency
from shared.services.settlement.runs import CONTAINER
from tests.unit.api.conftest import client_iban, invoice_row, verify_ibans, world
from tests.unit.console.money_support import with_debtors
from tests.unit.console.test_statement_upload_scope import _forged, _trigger, _upload_as_c1_staff
from tests.unit.payments.test_mollie_account_per_payment import link_own_account, own
from tests.unit.people.conftest import tenants
from tests.unit.plans.test_plan_mollie import booked, mollie, the_client, webhook
from tests.unit.plans.test_plan_mollie import world as world_mollie
from tests.unit.plans.test_plan_service import plans, run_day
from tests.unit.plans.test_sepa_returns import _running_direct_debit
from tests.unit.settlement.conftest import PAYOUT_C1, THIRD_PARTY, payment
from tests.unit.settlement.test_settlement_run import MONDAY, Setup

# the fixtures the probes' paths use (imported, so pytest sees them here)
__all__ = ["mollie", "own", "plans", "tenants", "world", "world_mollie"]

SHARED = Path(shared.__file__).parent  # the package's own sources


def _agreement(world: Any, client_id: str) -> None:
    s = world.services
    s.settlements.store.save_agreement(SettlementAgreement(
        client_id, "agency-a", PAYOUT_C1, "Client C1 BV", frequency=Frequency.DAILY,
        commission_bp=1000))  # fmt: skip


def _settle(world: Any, agency_id: str, day: date) -> tuple[Any, dict[str, Any]]:
    world.clock.at = datetime(day.year, day.month, day.day, 5, 0, tzinfo=UTC)
    run = world.services.settlement_runs.run_agency(agency_id, day)
    assert run is not None
    _, settlements = world.services.settlements.run(agency_id, run.run_id)
    return run, {x.client_number: x for x in settlements}


def _blob(world: Any, name: str) -> bytes:
    data = world.services.files.get(CONTAINER, name)
    assert data is not None, name
    return bytes(data)


def _csv(world: Any, name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_blob(world, name).decode())))


def _pdf_text(world: Any, name: str) -> str:
    reader = pypdf.PdfReader(io.BytesIO(_blob(world, name)))
    return "".join(p.extract_text() for p in reader.pages)


# -- the three paths of the probes -------------------------------------------------------------
def test_a_statement_of_the_clients_own_account_is_settled_but_not_paid_out(world, tenants):
    """Probe test_a7_own_account_settled: C1's staff upload a statement of C1's own account
    with 10,000.00 for F1. Before: payout 8,790.00 from the third-party account."""
    s, a = world.services, world.agency_a
    register_agency(s.repos, Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    _agreement(world, tenants.c1)
    verify_ibans(a, "C1")
    with_debtors(world, "C1", "D1")
    assert a.call("POST", "/v1/clients/C1/invoices",
                  {"items": [invoice_row("F1", "D1", amount="10000.00")]}).status == 200  # fmt: skip
    ref = a.call("GET", "/v1/clients/C1/invoices/F1").body["payment_reference"]
    name = _upload_as_c1_staff(world, tenants, _forged(client_iban("C1"), 1_000_000, reference=ref))
    assert _trigger(world, name).booked == 1
    [paid] = a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert paid["received_by"] == "client"
    run, by_client = _settle(world, "agency-a", date(2025, 3, 4))
    t = by_client["C1"].totals
    assert (t.received, t.received_direct, t.kept_by_client) == (0, 1_000_000, 1_000_000)
    assert (t.to_client, t.commission, t.fee_vat) == (1_000_000, 100_000, 21_000)
    # nothing leaves the third-party account; the client owes the commission and its VAT
    assert (t.payout, t.net, t.carried_out) == (0, -121_000, -121_000) and t.balanced
    assert run.payout_total == 0 and run.transfer_file is None
    assert (run.owed_total, run.owed_count) == (121_000, 1)
    [item] = [x for x in a.call("GET", "/v1/actions").body["items"]
              if x["kind"] == "settlement_claim_back"]  # fmt: skip
    assert item["detail"]["owed"] == 121_000 and item["detail"]["kept_by_client"] == 1_000_000
    assert "received debtors' money itself" in item["title"]
    client = s.access.client_for(s.access.authenticate(a.key), "C1")
    assert s.settlement_repayments.owed(client) == 121_000  # the console's Afdracht page
    rows = _csv(world, by_client["C1"].csv)
    assert rows[1][8] == "received_by"  # other columns follow it (statement22)
    assert {r[8] for r in rows if r[0] == "payment"} == {"client"}
    figures = {r[0]: r[6] for r in rows}
    assert (figures["received"], figures["received_direct"], figures["kept_by_client"]) == (
        "0.00", "10000.00", "10000.00",
    )  # fmt: skip
    text = _pdf_text(world, by_client["C1"].pdf)
    assert "Door de opdrachtgever zelf ontvangen" in text and "-EUR 10.000,00" in text


def test_a_payment_into_the_clients_own_mollie_is_settled_but_not_paid_out(world_mollie, mollie,
                                                                           own):  # fmt: skip
    """Probe test_a7_own_mollie_settled: D1 pays F2 (100.00) into C1's linked Mollie account.
    Before: payout 87.90 from the third-party account."""
    w = world_mollie
    client = the_client(w)
    register_agency(w.services.repos, Agency(client.agency_id, "Acme Incasso", THIRD_PARTY))
    _agreement(w, client.client_id)
    link_own_account(w, own)
    started = w.services.online_payments.start(client, "D1", ["F2"], "https://x/return")
    assert started.payment_id in own.payments
    own.settle(started.payment_id, "paid")
    assert webhook(w, started.payment_id) == ["paid"]
    paid = booked(w, started.payment_id)
    assert paid.received_by is Receiver.CLIENT and paid.amount == 10_000
    _, by_client = _settle(w, client.agency_id, date(2026, 1, 6))
    t = by_client["C1"].totals
    assert (t.received, t.received_direct, t.payout, t.net) == (0, 10_000, 0, -1_210)


def test_a_plans_direct_debit_into_the_clients_own_account_is_settled_but_not_paid_out(plans):
    """Probe test_a7_own_sdd_settled: the pain.008's creditor account is C1's own IBAN; the
    collection of 100.00 is booked on its date. Before: payout 87.90."""
    w, _ = plans
    s, a = w.services, w.agency_a
    verify_ibans(a, "C1")
    cid = s.repos.clients.id_for_number("agency-a", "C1")
    register_agency(s.repos, Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    _agreement(w, cid)
    _running_direct_debit(w)
    for d in (21, 24, 26, 27, 28, 29, 30):
        run_day(w, date(2026, 1, d))
    [paid] = a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert (paid["source"], paid["received_by"], paid["amount"]) == (
        "direct_debit",
        "client",
        10_000,
    )
    _, by_client = _settle(w, "agency-a", date(2026, 2, 2))
    t = by_client["C1"].totals
    assert (t.received, t.received_direct, t.payout, t.net) == (0, 10_000, 0, -1_210)


# -- a mixed period, set off and carried ---------------------------------------------------------
def _direct(p: Payment) -> Payment:
    return replace(p, received_by=Receiver.CLIENT)


def test_a_mixed_period_sets_the_clients_share_off_against_the_payout(world):
    """10% commission, 21% VAT on commission and kept costs. Third-party account: 500.00
    principal. The client's own account: 121.00 principal + 40.00 costs + 8.40 VAT on costs +
    1.55 interest (170.95). Through the third-party account all of it would pay out 547.22
    (622.55 to the client − 62.26 commission − 13.07 VAT not paid by the debtor); the client
    holds 170.95 already, so 376.27 is transferred, and it ends with the same 547.22."""
    s = Setup(world)
    s.services.repos.payments.add(payment(s.c1.client_id, "tp", MONDAY, principal=50_000,
                                          costs=0, costs_vat=0, interest=0))  # fmt: skip
    s.services.repos.payments.add(_direct(payment(s.c1.client_id, "own", MONDAY)))
    run = s.run(MONDAY + timedelta(days=1))
    st_ = s.statements(run.run_id)["C1"]
    t = st_.totals
    assert (t.received, t.received_direct, t.kept_by_client) == (50_000, 17_095, 17_095)
    assert (t.to_client, t.to_agency, t.commission) == (62_255, 4_000, 6_226)
    # 21% of (62.26 commission + 40.00 costs kept) = 21.47, of which the debtor paid 8.40
    assert (t.fee_vat, t.fee_vat_from_debtor) == (2_147, 840)
    assert (t.payout, t.carried_out) == (37_627, 0) and t.balanced
    everything_via_us = totals(
        [contribution(replace(p, received_by=Receiver.THIRD_PARTY), _terms())
         for p in s.services.repos.payments.list(s.c1.client_id)[0]],
        fee_vat_bp=2100, carried_in=0, vat_on_costs_kept=True,
    )  # fmt: skip
    assert t.payout + t.kept_by_client == everything_via_us.payout == 54_722
    assert run.transfer_file is not None
    xml = s.blob(run.transfer_file).decode()
    assert "376.27</InstdAmt>" in xml
    rows = list(csv.reader(io.StringIO(s.blob(st_.csv).decode())))
    kinds = {(r[2], r[8]) for r in rows if r[0] == "payment"}
    assert kinds == {("tp", "third_party"), ("own", "client")}
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(s.blob(st_.pdf))).pages)
    assert "Ontvangen op de derdengeldenrekening" in text
    assert "Door de opdrachtgever zelf ontvangen" in text
    assert "Al in bezit van opdrachtgever" in text and "-EUR 170,95" in text


def test_what_the_payout_cannot_meet_is_carried_and_set_off_next_time(world):
    """The client's own money alone: it owes 12.10 (commission 10.00 + VAT 2.10), carried
    forward and claimed back; the next period's third-party payment of 50.00 pays out 43.95
    less the 12.10: 31.85, and the claim-back item is closed."""
    s = Setup(world)
    s.services.repos.payments.add(_direct(payment(s.c1.client_id, "own", MONDAY, principal=10_000,
                                                  costs=0, costs_vat=0, interest=0)))  # fmt: skip
    first = s.statements(s.run(MONDAY + timedelta(days=1)).run_id)["C1"].totals
    assert (first.payout, first.carried_out) == (0, -1_210)
    s.pay(s.c1, "tp", MONDAY + timedelta(days=1), principal=5_000, costs=0, costs_vat=0,
          interest=0)  # fmt: skip
    second = s.statements(s.run(MONDAY + timedelta(days=2)).run_id)["C1"].totals
    assert (second.carried_in, second.received, second.payout, second.carried_out) == (
        -1_210, 5_000, 3_185, 0,
    )  # fmt: skip
    items = world.agency_a.call("GET", "/v1/actions").body["items"]
    [claim] = [x for x in items if x["kind"] == "settlement_claim_back"]
    assert claim["status"] == "resolved"


def test_a_direct_payment_that_came_back_gives_the_commission_back_and_takes_nothing_else(world):
    """A collection into the client's own account settled (the client owes 12.10), then
    returned by the debtor's bank: the client has the money no more, so it owes nothing, and
    nothing of the principal is taken from it (it was never paid out)."""
    s = Setup(world)
    s.services.repos.payments.add(_direct(payment(s.c1.client_id, "own", MONDAY, principal=10_000,
                                                  costs=0, costs_vat=0, interest=0)))  # fmt: skip
    assert s.statements(s.run(MONDAY + timedelta(days=1)).run_id)["C1"].totals.net == -1_210
    s.reverse(s.c1, "own")
    t = s.statements(s.run(MONDAY + timedelta(days=2)).run_id)["C1"].totals
    assert (t.reversed, t.kept_by_client, t.commission, t.fee_vat) == (
        -10_000,
        -10_000,
        -1_000,
        -210,
    )
    assert (t.carried_in, t.net, t.payout, t.carried_out) == (-1_210, 0, 0, 0) and t.balanced


def test_a_payment_settled_before_the_upgrade_is_corrected_as_it_was_paid_out(world):
    """A plan's direct debit settled before payments kept where their money was was paid out
    from the third-party account (its claim row has no ReceivedBy); its row now reads as the
    client's own. When it comes back, the correction takes back what was paid out (87.90), as
    settled then, not only the commission."""
    s = Setup(world)
    s.services.repos.payments.add(payment(s.c1.client_id, "dd", MONDAY, principal=10_000,
                                          costs=0, costs_vat=0, interest=0))  # fmt: skip
    assert s.statements(s.run(MONDAY + timedelta(days=1)).run_id)["C1"].totals.payout == 8_790
    store = s.services.repos.store
    for table, rk in (("Payments", "dd"), ("SettledPayments", "dd")):
        row = store.get(table, _key(s.c1.client_id), rk)
        assert row is not None
        data = {k: v for k, v in row.data.items() if k != "ReceivedBy"}  # as stored before
        if table == "Payments":
            data["Source"] = PaymentSource.DIRECT_DEBIT.value
        store.upsert(table, Row(row.pk, row.rk, data))
    assert s.services.repos.payments.get(s.c1.client_id, "dd").received_by is Receiver.CLIENT
    s.reverse(s.c1, "dd")
    t = s.statements(s.run(MONDAY + timedelta(days=2)).run_id)["C1"].totals
    assert (t.reversed, t.kept_by_client, t.net, t.carried_out) == (-10_000, 0, -8_790, -8_790)


# -- every booking path names where the money arrived -------------------------------------------
def test_the_one_line_path_and_staff_confirmation_follow_the_statements_account(world, tenants):
    from shared.services.statements import StatementService

    s, a = world.services, world.agency_a
    register_agency(s.repos, Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    verify_ibans(a, "C1")
    with_debtors(world, "C1", "D1")
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1", "D1", amount="100.00"),
                                                         invoice_row("F2", "D1", amount="50.00")]})  # fmt: skip
    ref = a.call("GET", "/v1/clients/C1/invoices/F1").body["payment_reference"]
    one_line = StatementService(s.repos, s.files, s.payments, s.clock,
                                open_totals=s.statements.open_totals, window=1)  # fmt: skip
    # the bank's own delivery of C1's own account, booked line by line
    assert one_line.ingest("agency-a/own.sta", _own_statement("S1", 10_000, ref)).booked == 1
    # a line of C1's own account nobody could match, which staff then tie to F2
    name = _upload_as_c1_staff(world, tenants, _own_statement("S2", 4_000, None, "iets"))
    assert _trigger(world, name).booked == 0
    [item] = [x for x in a.call("GET", "/v1/clients/C1/actions").body["items"]
              if x["kind"] in ("unmatched_credit", "payment_suggestion")]  # fmt: skip
    assert a.call("POST", f"/v1/clients/C1/actions/{item['action_id']}/confirm",
                  {"invoices": ["F2"]}).status == 200  # fmt: skip
    paid = a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert sorted((p["amount"], p["received_by"]) for p in paid) == [(4_000, "client"),
                                                                      (10_000, "client")]  # fmt: skip


def _own_statement(statement_id: str, amount: int, reference: str | None, text: str = "") -> bytes:
    from shared.domain.statements.mt940_writer import OutLine, write_mt940

    line = OutLine(date(2025, 3, 3), amount, text, reference=reference,
                   end_to_end_id=f"E-{statement_id}", counterparty_iban="NL02RABO0123456789",
                   counterparty_name="Iemand")  # fmt: skip
    return write_mt940(client_iban("C1"), [line], opening=100_000, opening_date=date(2025, 3, 3),
                       statement_id=statement_id).encode()  # fmt: skip


def test_mollie_account_names_say_whose_money_it_is() -> None:
    assert receiver_of_account("linked:pfl_abc") is Receiver.CLIENT
    assert receiver_of_account("setting:MOLLIE_KEY_C1") is Receiver.CLIENT  # the client's key
    assert receiver_of_account("setting:MOLLIE_KEY_AGENCY_AGENCY_A") is Receiver.THIRD_PARTY
    assert receiver_of_account("simulation") is Receiver.THIRD_PARTY


def test_every_booking_in_shared_names_where_the_money_arrived() -> None:
    """A new booking path must say it: settlement would otherwise pay the client's own money
    out of the third-party account (the parameter's default is only for old callers' tests)."""
    missing, seen = [], []
    for path in sorted(SHARED.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = ast.unparse(node.func)
            booking = called.endswith(("payments.book", "service._book")) or (
                path.name == "statements.py" and called == "self._book"
            )
            # a payment row built anew (a copy, ``Payment(**vars(p))``, keeps it)
            built = called == "Payment" and all(k.arg is not None for k in node.keywords)
            if booking or built:
                where = f"{path.relative_to(SHARED)}:{node.lineno}"
                seen.append(where)
                if "received_by" not in {k.arg for k in node.keywords}:
                    missing.append(where)
    assert missing == []
    assert len(seen) >= 12, seen  # bank (3 + window), Mollie (3), direct debit, staff, rows


# -- storage ------------------------------------------------------------------------------------
def _key(client_id: str) -> str:
    from shared.adapters.tables.keys import encode

    return encode(client_id)


def test_rows_keep_it_and_old_rows_read_as_documented() -> None:
    p = _direct(payment("c1", "p1", MONDAY))
    row = PaymentRepository.to_row(p)
    assert row.data["ReceivedBy"] == "client" and PaymentRepository.from_row(row) == p
    old = {k: v for k, v in row.data.items() if k != "ReceivedBy"}
    assert PaymentRepository.from_row(Row(row.pk, row.rk, old)).received_by is Receiver.THIRD_PARTY
    old_debit = {**old, "Source": "direct_debit"}
    assert PaymentRepository.from_row(Row(row.pk, row.rk, old_debit)).received_by is Receiver.CLIENT
    claim_row = SettlementRepository._claim_row(Claim("c1", "S1", contribution(p, _terms())))
    back = SettlementRepository._claim(claim_row).contribution
    assert back.received_by is Receiver.CLIENT and all(x.direct for x in back.lines)


# -- the arithmetic -----------------------------------------------------------------------------
def _terms(commission_bp: int = 1000, **extra: Any) -> SettlementAgreement:
    return SettlementAgreement("c1", "a", PAYOUT_C1, "Client One BV",
                               commission_bp=commission_bp, **extra)  # fmt: skip


cents = st.integers(min_value=0, max_value=5_000_00)


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(st.tuples(cents, cents, cents, cents, st.booleans()), min_size=1, max_size=6),
    commission_bp=st.integers(min_value=0, max_value=10_000),
    fee_vat_bp=st.sampled_from([0, 900, 2100]),
    kept=st.booleans(),
    interest_to_agency=st.booleans(),
)
def test_the_client_ends_with_the_same_money_whichever_account_the_debtor_paid(
    parts: list[tuple[int, int, int, int, bool]],
    commission_bp: int,
    fee_vat_bp: int,
    kept: bool,
    interest_to_agency: bool,
) -> None:
    recipients = {"principal": "client", "costs": "agency", "costs_vat": "agency",
                  "interest": "agency" if interest_to_agency else "client"}  # fmt: skip
    from shared.domain.settlement.agreement import Recipient

    terms = _terms(commission_bp, recipients={k: Recipient(v) for k, v in recipients.items()})
    pays = [
        payment("c1", f"p{i}", MONDAY, principal=pr, costs=co, costs_vat=vat, interest=it)
        for i, (pr, co, vat, it, _) in enumerate(parts)
    ]
    pays = [p for p in pays if p.allocations]
    if not pays:
        return
    direct = {p.payment_id for p, part in zip(pays, parts, strict=False) if part[4]}
    mixed = [replace(p, received_by=Receiver.CLIENT) if p.payment_id in direct else p for p in pays]
    args: dict[str, Any] = {"fee_vat_bp": fee_vat_bp, "carried_in": 0, "vat_on_costs_kept": kept}
    ours = totals([contribution(p, terms) for p in pays], **args)
    t = totals([contribution(p, terms) for p in mixed], **args)
    assert t.balanced
    assert t.received + t.received_direct == ours.received
    assert (
        t.kept_by_client
        == t.received_direct
        == sum(p.amount for p in mixed if p.received_by is Receiver.CLIENT)
    )
    # what the client holds plus what it is paid (or less what it owes) is the same
    assert t.net + t.kept_by_client == ours.net
    assert t.payout == max(t.net, 0)


def test_the_claim_back_reads_in_dutch_on_the_console() -> None:
    from shared.api.console.action_text import detail_label, title

    english = (
        "Client C1 owes € 1.210,00 back (it received debtors' money itself and owes the "
        "agency's share of it; settlement R1-c1): claim it back; until then it is set off "
        "against its next payout"
    )
    assert title(english, "nl") == (
        "Opdrachtgever C1 moet € 1.210,00 terugbetalen (zij ontving zelf geld van debiteuren en "
        "is het deel van het incassobureau verschuldigd; afdracht R1-c1): vorder het terug; tot "
        "dan wordt het verrekend met de volgende afdracht"
    )
    assert detail_label("kept_by_client", "nl").startswith("Zelf ontvangen")
