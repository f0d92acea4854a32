"""Charges the payer bears leave the invoice open by them (review newcomer11, finding 1); the
return of a credit booked with the bank's charges undoes its payment (finding 2); a statement
in a business-message envelope or a bank's ZIP download is booked like the file inside it
(finding 3). The files are in tests/fixtures/statements/camt053/review10 and review11."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest

from shared.services.statements import StatementService
from tests.conftest import STATEMENTS
from tests.unit.api.conftest import client_iban
from tests.unit.services.test_statement_charged_credit import setup

FILE_ACCOUNT = b"NL02ABNA0123456789"


def ingest(world, folder, name, *, window=True):
    data = (STATEMENTS / "camt053" / folder / name).read_bytes()
    service = world.services.statements
    if not window:  # every line on its own (the path a line takes outside a window)
        s = world.services
        service = StatementService(
            s.repos, s.files, s.payments, s.clock, open_totals=s.statements.open_totals, window=1
        )
    if name.endswith(".zip"):
        return service.ingest(f"agency-a/{name}", _rezip(data))
    data = data.replace(FILE_ACCOUNT, client_iban("C1").encode())
    return service.ingest(f"agency-a/{name}", data)


def _rezip(data: bytes) -> bytes:
    """The archive with the client's account in each file, as its bank would send it."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info).replace(FILE_ACCOUNT, client_iban("C1").encode())
            dst.writestr(info, body)
    return out.getvalue()


def items(a, kind):
    return [x for x in a.call("GET", "/v1/clients/C1/actions").body["items"] if x["kind"] == kind]


def test_charges_the_payer_bears_stay_open_on_the_invoice(world):
    a = setup(world, [("N10-5", "250.00")])
    report = ingest(world, "review11", "charged_debt.xml")  # 237.50 of 250.00; 12.50 Br DEBT
    assert report.booked == 1
    invoice = a.call("GET", "/v1/clients/C1/invoices/N10-5").body
    assert invoice["status"] == "partially_paid" and invoice["open_amount"] == "12.50"
    (warning,) = items(a, "statement_warning")
    (problem,) = warning["detail"]["problems"]
    assert "€ 12,50 charges of a credit of € 250,00 were borne by the payer" in problem
    assert not items(a, "balance_mismatch")


@pytest.mark.parametrize("window", [True, False], ids=["window", "one_by_one"])
def test_the_return_of_a_credit_booked_with_charges_reopens_the_invoice(world, window):
    a = setup(world, [("N10-5", "250.00")])
    # 250.00 paid, 12.50 kept: the payment is remembered with the 237.50 that arrived
    assert ingest(world, "review10", "charged_xbct.xml", window=window).booked == 1
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    (ref,) = world.services.repos.banking.payments_for(cid, "ALPEN-2026-118")
    assert (ref.amount, ref.received) == (25000, 23750)
    assert a.call("GET", "/v1/clients/C1/invoices/N10-5").body["status"] == "paid"
    world.clock.at = datetime(2026, 12, 3, 21, 0, tzinfo=UTC)
    report = ingest(world, "review11", "returned_charged.xml")  # the 237.50 that arrived, back
    assert report.returned == 1
    invoice = a.call("GET", "/v1/clients/C1/invoices/N10-5").body
    assert invoice["status"] == "open" and invoice["open_amount"] == "250.00"
    assert not items(a, "unmatched_return")
    # delivered again: undone once
    ingest(world, "review11", "returned_charged.xml")
    assert a.call("GET", "/v1/clients/C1/invoices/N10-5").body["open_amount"] == "250.00"
    assert not items(a, "unmatched_return")


def test_a_return_of_another_amount_still_goes_to_a_person(world):
    a = setup(world, [("N10-5", "250.00")])
    ingest(world, "review10", "charged_xbct.xml")
    world.clock.at = datetime(2026, 12, 3, 21, 0, tzinfo=UTC)
    data = (STATEMENTS / "camt053" / "review11" / "returned_charged.xml").read_bytes()
    odd = data.replace(b">237.50<", b">230.00<").replace(b">1198.50<", b">1206.00<")
    odd = odd.replace(FILE_ACCOUNT, client_iban("C1").encode())
    world.services.statements.ingest("agency-a/odd.xml", odd)
    assert a.call("GET", "/v1/clients/C1/invoices/N10-5").body["status"] == "paid"
    (item,) = items(a, "unmatched_return")
    assert "names no payment(s) of that amount and account" in item["title"]


def test_a_zip_download_books_each_statement_in_it(world):
    a = setup(world, [("N10-5", "250.00")])
    world.clock.at = datetime(2026, 12, 3, 21, 0, tzinfo=UTC)
    report = ingest(world, "review11", "statements.zip")  # the credit, then its return
    assert (report.booked, report.returned) == (1, 1)
    invoice = a.call("GET", "/v1/clients/C1/invoices/N10-5").body
    assert invoice["status"] == "open" and invoice["open_amount"] == "250.00"
    assert not items(a, "unmatched_return") and not items(a, "statement_quarantined")


def test_a_statement_in_a_business_message_envelope_is_booked(world):
    a = setup(world, [("N10-5", "250.00")])
    assert ingest(world, "review11", "envelope.xml").booked == 1
    assert a.call("GET", "/v1/clients/C1/invoices/N10-5").body["status"] == "paid"
