"""Statement files of another currency are not booked (a person books them from the action
list), and an ABN AMRO export, whose ``:25:`` holds the bank's account number, books for the
client that registered the IBAN (review newcomer2, findings 1 and 2)."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.statements.mt940_writer import OutLine, write_mt940
from tests.conftest import STATEMENTS
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans

ACCOUNT = client_iban("C1")
ABN_IBAN = "NL75ABNA0555555555"  # :25:555555555 in the ABN AMRO export, header ABNANL2A


@pytest.fixture
def setup(world):
    a = world.agency_a
    a.call(
        "POST",
        "/v1/clients",
        {
            "items": [
                client_row("C1", charge_interest=False),
                client_row("C2", charge_interest=False, ibans=[ABN_IBAN]),
            ]
        },
    )
    verify_ibans(a, "C1")
    verify_ibans(a, "C2")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C2/debtors", {"items": [debtor_row("D1", name="Cafe Mon Ami")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F-0002", "D1")]})
    # the ABN AMRO file's one credit: EUR 10.50 from CAFE MON AMI, description "897789005"
    a.call(
        "POST",
        "/v1/clients/C2/invoices",
        {"items": [invoice_row("897789005", "D1", amount="10.50")]},
    )
    return world


def invoice(world, client, number):
    return world.agency_a.call("GET", f"/v1/clients/{client}/invoices/{number}").body


def agency_items(world):
    items, _ = world.services.repos.actions.list("@agency-a")
    return items


def usd_statement(world, sid="USD-1"):
    line = OutLine(
        date(2025, 3, 3),
        12_100,
        "factuur F-0002",
        reference=invoice(world, "C1", "F-0002")["payment_reference"],
        counterparty_iban="NL02RABO0123456789",
        counterparty_name="J de Vries",
        end_to_end_id="E-USD",
    )
    return write_mt940(
        ACCOUNT,
        [line],
        opening=100_000,
        opening_date=date(2025, 3, 3),
        statement_id=sid,
        currency="USD",
    ).encode()


def test_a_foreign_currency_statement_is_not_booked_but_put_before_a_person(setup):
    report = setup.services.statements.ingest("agency-a/usd.sta", usd_statement(setup))
    assert report.booked == 0 and report.suggested == 0
    inv = invoice(setup, "C1", "F-0002")
    assert inv["status"] == "open" and inv["open_amount"] == "121.00"
    assert setup.agency_a.call("GET", "/v1/clients/C1/payments").body["items"] == []
    [item] = [x for x in agency_items(setup) if x.kind == "foreign_currency"]
    assert "USD" in item.title and ACCOUNT in item.title
    assert item.detail["account"] == ACCOUNT and item.detail["currency"] == "USD"
    owner = setup.services.repos.banking.owner(ACCOUNT)
    assert item.detail["client_id"] == owner.client_id and item.detail["credits"] == 12_100
    [line] = item.detail["lines"]
    kenmerk = invoice(setup, "C1", "F-0002")["payment_reference"]
    assert (line["amount"], line["currency"], line["reference"]) == (12_100, "USD", kenmerk)
    # nothing else about the statement went on the client's list as if it were euros
    kinds = [x["kind"] for x in setup.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert "unmatched_credit" not in kinds


def test_a_foreign_currency_statement_sent_again_adds_no_second_item(setup):
    setup.services.statements.ingest("agency-a/usd.sta", usd_statement(setup))
    again = setup.services.statements.ingest("agency-a/usd-again.sta", usd_statement(setup))
    assert again.status == "skipped"
    assert len([x for x in agency_items(setup) if x.kind == "foreign_currency"]) == 1


def test_the_same_account_in_euros_still_books(setup):
    data = usd_statement(setup).replace(b"USD", b"EUR")
    report = setup.services.statements.ingest("agency-a/eur.sta", data)
    assert report.booked == 1
    assert invoice(setup, "C1", "F-0002")["status"] == "paid"


def test_an_abn_amro_structured_export_books_for_the_registered_iban(setup):
    data = (STATEMENTS / "mt940/zilverline/abn_structured_sepa_overboeking.txt").read_bytes()
    report = setup.services.statements.ingest("agency-a/abn.txt", data)
    assert report.status == "booked", report.error
    assert report.booked == 1
    inv = invoice(setup, "C2", "897789005")
    assert inv["status"] == "paid" and inv["open_amount"] == "0.00"
    [payment] = setup.agency_a.call("GET", "/v1/clients/C2/payments").body["items"]
    assert payment["amount"] == 1050
    assert not [x for x in agency_items(setup) if x.kind == "statement_quarantined"]


def test_an_abn_amro_export_of_an_unregistered_account_is_still_quarantined(setup):
    data = (STATEMENTS / "mt940/zilverline/abn_structured_sepa_overboeking.txt").read_bytes()
    other = data.replace(b":25:555555555", b":25:444444444")
    report = setup.services.statements.ingest("agency-a/abn-other.txt", other)
    assert report.status == "quarantined"
    assert "NL" in str(report.error) and "ABNA0444444444" in str(report.error)
