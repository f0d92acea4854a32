"""The client's exports (``…/exports/mt940``, ``…/exports/report.pdf``) when money arrived in
both places: on the agency's third-party account and on the client's own account.

newcomer17 F5: the MT940 was a statement "of" the client's own IBAN holding every payment, so
imported as README intends (the bank journal is picked by ``:25:``) the 100,00 its own bank's
statement brought was booked twice and the 250,85 on the agency's account was booked as money
the client's account received. newcomer17 F3: the PDF was an "Afdrachtoverzicht" ending
"Totaal af te dragen 100.00" for money the client had received itself."""

from __future__ import annotations

import io
from datetime import date

import pypdf
import pytest

from shared.api.http import ApiRequest
from shared.domain.parties import Agency
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.domain.statements.parse import parse_statement_file
from shared.services.onboarding import register_agency
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans

OWN = client_iban("C1")  # the client's own bank account
POOLED = client_iban("POOL")  # the agency's third-party account (derdengeldenrekening)
PAYER = "NL02RABO0123456789"


@pytest.fixture
def world_of_two_accounts(world):
    register_agency(world.services.repos, Agency("agency-a", "A", POOLED))
    a = world.agency_a
    row = client_row("C1", charge_interest=False, allow_third_party_matching=True)
    a.call("POST", "/v1/clients", {"items": [row]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan de Vries")]})
    invoices = [
        invoice_row("F-1", "D1", amount="100.00"),
        invoice_row("F-2", "D1", amount="250.85"),
    ]
    a.call("POST", "/v1/clients/C1/invoices", {"items": invoices})
    return world


def _ingest(world, name, account, amount, number, day=date(2025, 3, 3), sid="S1"):
    ref = world.agency_a.call("GET", f"/v1/clients/C1/invoices/{number}").body["payment_reference"]
    line = OutLine(day, amount, "", counterparty_iban=PAYER, counterparty_name="J de Vries",
                   reference=ref, end_to_end_id=f"E-{number}")  # fmt: skip
    data = write_mt940(account, [line], opening=0, opening_date=day, statement_id=sid).encode()
    report = world.services.statements.ingest(f"agency-a/{name}", data)
    assert report.booked == 1, report


def pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def _get(world, what, start, end):
    headers = {"x-api-key": world.agency_a.key}
    period = {"from": start, "to": end}
    return world.api.handle(ApiRequest("GET", f"/v1/clients/C1/exports/{what}", headers, period))


def test_the_mt940_is_a_statement_of_the_third_party_account_without_the_clients_own_receipts(
    world_of_two_accounts,
):
    w = world_of_two_accounts
    _ingest(w, "own.sta", OWN, 10_000, "F-1")  # on the client's own account
    _ingest(w, "pool.sta", POOLED, 25_085, "F-2", sid="S2")  # on the agency's account
    payments = w.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert sorted(p["received_by"] for p in payments) == ["client", "third_party"]

    answer = _get(w, "mt940", "2025-03-01", "2025-03-31")
    assert answer.status == 200
    text = answer.encoded().decode()
    (statement,) = parse_statement_file(answer.encoded())
    # field 25, the account the statement is of: the third-party account, never the client's
    assert f":25:{POOLED}EUR" in text and OWN not in text
    assert [(x.amount, (x.remittance or "").split()[0]) for x in statement.lines] == [
        (25_085, "F-2")
    ]  # the 100,00 on its own account is in its own bank's file, not here again
    assert statement.opening and statement.closing
    assert (statement.opening.amount, statement.closing.amount) == (0, 25_085)
    assert statement.balance_difference() == 0


def test_the_third_party_statements_chain_from_period_to_period(world_of_two_accounts):
    w = world_of_two_accounts
    _ingest(w, "pool.sta", POOLED, 25_085, "F-2")
    _ingest(w, "own.sta", OWN, 10_000, "F-1", day=date(2025, 4, 2), sid="S2")

    def balances(start: str, end: str) -> tuple[int, int]:
        (statement,) = parse_statement_file(_get(w, "mt940", start, end).encoded())
        assert statement.opening and statement.closing and statement.balance_difference() == 0
        return statement.opening.amount, statement.closing.amount

    assert balances("2025-03-01", "2025-03-31") == (0, 25_085)
    # April: the client's own receipt moves nothing on the third-party account
    assert balances("2025-04-01", "2025-04-30") == (25_085, 25_085)


def test_without_a_third_party_account_the_mt940_is_refused_with_its_code(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    answer = a.call(
        "GET", "/v1/clients/C1/exports/mt940", **{"from": "2025-03-01", "to": "2025-03-31"}
    )
    assert answer.status == 422
    assert answer.body["error"]["details"][0]["code"] == "export_no_third_party_account"
    # what to do about it, by the command that records it (newcomer18 F1)
    assert "inning agency update" in answer.body["error"]["message"]


def test_the_report_says_received_and_by_whom_in_dutch_amounts_not_what_is_remitted(
    world_of_two_accounts,
):
    w = world_of_two_accounts
    _ingest(w, "own.sta", OWN, 10_000, "F-1")
    _ingest(w, "pool.sta", POOLED, 25_085, "F-2", sid="S2")
    answer = _get(w, "report.pdf", "2025-03-01", "2025-03-31")
    assert answer.status == 200
    text = " ".join(pdf_text(answer.encoded()).split())
    assert "Ontvangen betalingen Client C1" in text
    assert "af te dragen" not in text.lower() and "Afdrachtoverzicht" not in text
    assert "Totaal ontvangen 350,85" in text
    assert "waarvan ontvangen op de derdengeldenrekening 250,85" in text
    assert "waarvan door u zelf ontvangen 100,00" in text
    assert "uw eigen rekening 100,00" in text  # the row of F-1, and where it arrived
    assert "100.00" not in text and "250.85" not in text  # Dutch amounts


def test_a_credit_note_leaves_what_arrived_in_the_period_it_arrived(world_of_two_accounts):
    """newcomer17b F4: a credit note freed a payment's money from its invoice and the export's
    line for it vanished, from the period it arrived in: December closed at 221,00, fetched
    again after the note at 121,00, and January opened at 121,00. The money is still on the
    third-party account (to refund or re-book): its receipt stays, as "niet toegewezen"."""
    w = world_of_two_accounts
    # F-2 credited first: the debtor's only open claim is F-1, so nothing takes the freed money
    assert w.agency_a.call("POST", "/v1/clients/C1/invoices/F-2/credit").status == 200
    _ingest(w, "pool.sta", POOLED, 10_000, "F-1")

    def balances(start: str, end: str) -> tuple[int, int, list[tuple[int, str]]]:
        (statement,) = parse_statement_file(_get(w, "mt940", start, end).encoded())
        assert statement.opening and statement.closing and statement.balance_difference() == 0
        lines = [(x.amount, x.remittance or "") for x in statement.lines]
        return statement.opening.amount, statement.closing.amount, lines

    assert balances("2025-03-01", "2025-03-31") == (0, 10_000, [(10_000, "F-1 hoofdsom")])
    w.clock.advance(days=30)  # 2 April: the client credits F-1 in full
    credit = {"amount": "100.00", "reference": "CN-1"}
    assert w.agency_a.call("POST", "/v1/clients/C1/invoices/F-1/credit", credit).status == 200
    payment = w.agency_a.call("GET", "/v1/clients/C1/payments").body["items"][0]
    assert payment["allocations"] == []  # the note freed the money (the ledger's part)

    # March as fetched before: the 100,00 arrived then and is held still, on no claim now
    assert balances("2025-03-01", "2025-03-31") == (0, 10_000, [(10_000, "F-1 niet toegewezen")])
    assert balances("2025-04-01", "2025-04-30") == (10_000, 10_000, [])  # chains, nothing left
    text = " ".join(pdf_text(_get(w, "report.pdf", "2025-03-01", "2025-03-31").encoded()).split())
    assert "Totaal ontvangen 100,00" in text and "1 posten" in text
    assert "niet toegewezen" in text
