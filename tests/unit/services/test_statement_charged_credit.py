"""A debtor who paid in full from abroad, whose payment the client's bank booked less its own
charges, owes nothing more: the invoice is paid, the charges are on the line and on the action
list as the client's cost (review newcomer10, finding 1); a batch whose parts do not add up to
what arrived books no part on an invoice (finding 2)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import STATEMENTS
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans

REVIEW = STATEMENTS / "camt053" / "review10"
FILE_ACCOUNT = b"NL02ABNA0123456789"


def setup(world, invoices):
    a = world.agency_a
    world.clock.at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Gasthof Alpen AG")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row(number, "D1", amount=amount, invoice_date="2026-11-20", due_date="2026-12-20")
        for number, amount in invoices
    ]})  # fmt: skip
    return a


def ingest(world, name):
    data = (REVIEW / name).read_bytes().replace(FILE_ACCOUNT, client_iban("C1").encode())
    return world.services.statements.ingest(f"agency-a/{name}", data)


def test_a_payment_less_the_banks_charges_pays_the_invoice_in_full(world):
    a = setup(world, [("N10-5", "250.00")])
    report = ingest(world, "charged_xbct.xml")  # 237.50 arrived of 250.00 sent, 12.50 charges
    assert report.booked == 1
    invoice = a.call("GET", "/v1/clients/C1/invoices/N10-5").body
    assert invoice["status"] == "paid" and invoice["open_amount"] == "0.00"
    claim = a.call("GET", "/v1/clients/C1/invoices/N10-5/claim", on="2027-03-01").body
    assert claim["open"]["total"] == "0.00"
    # the charges: the client's cost, told, not the debtor's principal
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    (warning,) = [x for x in items if x["kind"] == "statement_warning"]
    assert any("the bank kept € 12,50 charges" in p for p in warning["detail"]["problems"])
    assert not [x for x in items if x["kind"] == "balance_mismatch"]


def test_batch_parts_that_disagree_with_the_entry_book_no_part(world):
    a = setup(world, [("N10-2", "75.00"), ("N10-3", "75.00")])
    report = ingest(world, "batch_parts_disagree.xml")  # entry of 150.00: parts 80.00 + 75.00
    assert report.booked == 0
    for number in ("N10-2", "N10-3"):
        assert a.call("GET", f"/v1/clients/C1/invoices/{number}").body["open_amount"] == "75.00"
    # the entry is one line of what arrived, on the list for a person, with the reason
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert "Unmatched payment of € 150,00" in [x["title"] for x in items]
    (warning,) = [x for x in items if x["kind"] == "statement_warning"]
    assert any("booked as one line of € 150,00" in p for p in warning["detail"]["problems"])
