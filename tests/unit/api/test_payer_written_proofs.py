"""What the payer writes neither books more than arrived nor proves whose account paid
(attack11b B2, B5), and the bank's payer name proves an account a client's only when it is the
client's name exactly, initials included (attack11b B3)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.parties import Agency
from shared.domain.references import iban
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.services.account_ownership import holder_is
from shared.services.onboarding import register_agency
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.api.test_account_ownership import ACCOUNT, _client_id

ING = iban.build("NL", "INGB" + "0001234567")


def _ing_file(account: str, eref: str, remittance: str, amount: str) -> bytes:
    return (
        ":20:ING1\n"
        f":25:{account}EUR\n"
        ":28C:00002\n"
        ":60F:C261201EUR0,00\n"
        f":61:2612021202C{amount}NTRFNONREF\n"
        f":86:/EREF/{eref}//CNTP/NL02RABO0123456789/RABONL2U/J JANSEN///REMI/USTD//{remittance}/\n"
        f":62F:C261202EUR{amount}\n"
        "-\n"
    ).encode()


def test_a_debtor_who_pays_1000_with_ocmt_in_his_end_to_end_id_owes_the_rest(world):
    a = world.agency_a
    world.clock.at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", ibans=[ING])]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="J Jansen")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F-1", "D1", amount="1050.00", invoice_date="2026-11-20", due_date="2026-12-20")]})  # fmt: skip
    ref = a.call("GET", "/v1/clients/C1/invoices/F-1").body["payment_reference"]
    data = _ing_file(ING, "X/OCMT/EUR1050,00/CHGS/EUR50,00", ref, "1000,00")
    world.services.statements.ingest("agency-a/bank/day.sta", data)
    invoice = a.call("GET", "/v1/clients/C1/invoices/F-1").body
    assert invoice["open_amount"] == "50.00"
    [payment] = a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert payment["amount"] == 100000


def test_the_pooled_account_books_what_arrived(world):
    pool = iban.build("NL", "INGB" + "0007654321")
    register_agency(world.services.repos, Agency("agency-a", "A", pool))
    a = world.agency_a
    world.clock.at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row(
        "C2", allow_third_party_matching=True, charge_interest=False)]})  # fmt: skip
    verify_ibans(a, "C2")
    a.call("POST", "/v1/clients/C2/debtors", {"items": [debtor_row("Y1", name="J Jansen")]})
    a.call(
        "POST", "/v1/clients/C2/invoices", {"items": [invoice_row("H-1", "Y1", amount="420.00")]}
    )
    ref = a.call("GET", "/v1/clients/C2/invoices/H-1").body["payment_reference"]
    data = _ing_file(pool, "X/OCMT/EUR420,00/CHGS/EUR20,00", ref, "400,00")
    world.services.statements.ingest("agency-a/bank/pool.sta", data)
    assert a.call("GET", "/v1/clients/C2/invoices/H-1").body["open_amount"] == "20.00"


def test_a_counterparty_in_the_payers_end_to_end_id_proves_no_account(world):
    pooled = client_iban("POOL")
    register_agency(world.services.repos, Agency("agency-a", "A", pooled))
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C2", name="Klant BV", ibans=[])]})
    c2 = world.services.repos.clients.get(_client_id(world, "C2"))[0]
    world.services.client_settings.add_iban(c2, ACCOUNT, by_agency=False)  # a stranger's
    [item] = a.call("GET", "/v1/clients/C2/ibans").body["items"]
    eref = f"X/CNTP/{ACCOUNT}/B/KLANT"
    data = _ing_file(pooled, eref, f"verificatie {item['code']}", "0,01")
    world.services.statements.ingest("agency-a/p3.sta", data)
    assert world.services.repos.banking.owner(ACCOUNT) is None
    [status] = a.call("GET", "/v1/clients/C2/ibans").body["items"]
    assert status["status"] == "pending"


def test_the_payers_name_proves_only_when_it_is_the_clients_exactly():
    not_the_client = [
        ("P JANSEN", "J. Jansen"),
        ("JANSEN", "J. Jansen"),
        ("M VAN DEN BERG", "Van der Berg"),
        ("JANSEN J", "Jansen & Jansen"),
        ("JANSEN J", "J. Jansen"),  # another order: the agency decides
        ("BAKKERIJ JANSEN", "Jansen"),
        (None, "Jansen"),
    ]
    assert [pair for pair in not_the_client if holder_is(*pair)] == []
    the_client = [
        ("J JANSEN", "J. Jansen"),
        ("J.J. JANSEN", "JJ Jansen"),
        ("BAKKERIJ JANSEN BV", "Bakkerij Jansen B.V."),
        ("MÜLLER V.O.F.", "Muller"),
        ("VAN DER BERG", "van der Berg"),
    ]
    assert [pair for pair in the_client if not holder_is(*pair)] == []


def test_a_debtor_sharing_the_clients_surname_proves_nothing(world):
    pooled = client_iban("POOL")
    register_agency(world.services.repos, Agency("agency-a", "A", pooled))
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C2", name="J. Jansen", ibans=[])]})
    c2 = world.services.repos.clients.get(_client_id(world, "C2"))[0]
    world.services.client_settings.add_iban(c2, ACCOUNT, by_agency=False)
    [item] = a.call("GET", "/v1/clients/C2/ibans").body["items"]

    def to_pool(day: int, payer: str) -> None:
        on = date(2025, 3, day)
        line = OutLine(on, 4_200, f"factuur 2025-7 vermeld {item['code']}",
                       counterparty_iban=ACCOUNT, counterparty_name=payer)  # fmt: skip
        sta = write_mt940(pooled, [line], opening=0, opening_date=on, statement_id=f"P{day}")
        world.services.statements.ingest(f"agency-a/p{day}.sta", sta.encode())

    to_pool(3, "P JANSEN")
    assert world.services.repos.banking.owner(ACCOUNT) is None
    to_pool(4, "J JANSEN")  # the client's own transfer: its bank names it
    owner = world.services.repos.banking.owner(ACCOUNT)
    assert owner is not None and owner.client_id == c2.client_id
