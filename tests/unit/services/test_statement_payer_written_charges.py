"""A debtor who pays 100.00 and writes ING's /OCMT/ and /CHGS/ codes in his own description is
credited 100.00, on a client's account and on the agency's pooled third-party account, from
the bank's own delivery (attack11 A2); figures the bank could not have meant go to a person."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.parties import Agency
from shared.domain.references import iban
from shared.services.onboarding import register_agency
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, verify_ibans

# ING writes /OCMT/ and /CHGS/: the accounts are ING's, so only the payer's placing and the
# figures themselves keep the codes from being read
ING = iban.build("NL", "INGB0123456789")
POOL = iban.build("NL", "INGB0987654321")


def _file(account: str, details: str, amount: str = "100,00") -> bytes:
    return (
        ":20:ING1\n"
        f":25:{account}EUR\n"
        ":28C:00002\n"
        ":60F:C261201EUR0,00\n"
        f":61:2612021202C{amount}NTRFNONREF\n"
        f":86:{details}\n"
        f":62F:C261202EUR{amount}\n"
        "-\n"
    ).encode()


def _remi(text: str) -> str:
    return f"/EREF/NOTPROVIDED//CNTP/NL02RABO0123456789/RABONL2U/J JANSEN///REMI/USTD//{text}/"


def _setup(world):  # type: ignore[no-untyped-def]
    a = world.agency_a
    world.clock.at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", ibans=[ING])]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="J Jansen")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F-1", "D1", amount="1000.00", invoice_date="2026-11-20", due_date="2026-12-20")]})  # fmt: skip
    return a, a.call("GET", "/v1/clients/C1/invoices/F-1").body["payment_reference"]


def test_the_payers_codes_book_what_arrived(world):
    a, ref = _setup(world)
    data = _file(ING, _remi(f"{ref} /OCMT/EUR1000,00//CHGS/EUR900,00"))
    report = world.services.statements.ingest("agency-a/bank/day.sta", data)
    assert report.booked == 1
    invoice = a.call("GET", "/v1/clients/C1/invoices/F-1").body
    assert (invoice["status"], invoice["open_amount"]) != ("paid", "0.00")
    payments = a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert [p["amount"] for p in payments] == [10000]
    assert report.warnings == []


def test_implausible_bank_figures_book_what_arrived_and_go_to_a_person(world):
    a, ref = _setup(world)
    details = (
        "/EREF/X//OCMT/EUR1000,00//CHGS/EUR900,00//CNTP/NL02RABO0123456789/RABONL2U/J JANSEN///"
        f"REMI/USTD//{ref}/"
    )
    report = world.services.statements.ingest("agency-a/bank/day.sta", _file(ING, details))
    payments = a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert [p["amount"] for p in payments] == [10000]
    assert len(report.warnings) == 1
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    (warning,) = [x for x in items if x["kind"] == "statement_warning"]
    (problem,) = warning["detail"]["problems"]
    assert "EUR 1000.00 sent and EUR 900.00 charges" in problem
    assert "credited the € 100,00 that arrived" in problem


@pytest.fixture
def pool(world):  # type: ignore[no-untyped-def]
    register_agency(world.services.repos, Agency("agency-a", "A", POOL))
    a = world.agency_a
    world.clock.at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C2", allow_third_party_matching=True)]})
    verify_ibans(a, "C2")
    a.call("POST", "/v1/clients/C2/debtors", {"items": [debtor_row("Y1", name="J Jansen")]})
    a.call("POST", "/v1/clients/C2/invoices", {"items": [invoice_row(
        "H-1", "Y1", amount="420.00", invoice_date="2026-11-20", due_date="2026-12-20")]})  # fmt: skip
    return world


def test_on_the_pooled_account_the_settlement_owes_only_what_arrived(pool):
    world = pool
    a = world.agency_a
    ref = a.call("GET", "/v1/clients/C2/invoices/H-1").body["payment_reference"]
    data = _file(POOL, _remi(f"{ref} /OCMT/EUR420,00//CHGS/EUR378,00"), "42,00")
    world.services.statements.ingest("agency-a/bank/pool.sta", data)
    invoice = a.call("GET", "/v1/clients/C2/invoices/H-1").body
    assert invoice["open_amount"] == "378.00"
    payments = a.call("GET", "/v1/clients/C2/payments").body["items"]
    assert [p["amount"] for p in payments] == [4200]
