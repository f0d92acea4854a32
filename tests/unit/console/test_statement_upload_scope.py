"""A statement uploaded for one client books that client's own accounts only (attack2
finding 1): a client's staff cannot book on another client's invoices by uploading a forged
statement of that client's account or of the agency's pooled account, and no upload (console
or API) proves a pending IBAN claim; a file the bank drops into the container still does."""

from __future__ import annotations

from datetime import date

from shared.domain.parties import Agency
from shared.domain.people.authorisation import Role
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.services.onboarding import register_agency
from shared.services.statements import INBOX, QUARANTINE
from tests.unit.api.conftest import client_iban, client_row, invoice_row, verify_ibans
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.money_support import post_files, with_debtors


def _forged(account: str, amount: int, text: str = "", reference: str | None = None) -> bytes:
    line = OutLine(date(2025, 3, 3), amount, text, reference=reference, end_to_end_id="E-FORGED",
                   counterparty_iban="NL02RABO0123456789", counterparty_name="J de Vries")  # fmt: skip
    return write_mt940(
        account, [line], opening=100_000, opening_date=date(2025, 3, 3), statement_id="FORGED1"
    ).encode()


def _upload_as_c1_staff(world, tenants, data: bytes) -> str:
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "mallory@c1.example")
    token = csrf_of(staff.get("/payments"))
    done = post_files(staff, "/payments", {"csrf": token}, {"file": ("day.sta", data)})
    assert done.status == 303, done.status
    (name,) = world.services.files.names(INBOX, f"agency-a/console/{tenants.c1}/")
    return str(name)


def _trigger(world, name: str):
    """What functions/statements.py does for a new blob."""
    report = world.services.statements.ingest(name, world.services.files.get(INBOX, name))
    world.services.payment_overview.remember(report)
    return report


def _quarantined_on_agency_list(world, name: str) -> str:
    items = world.agency_a.call("GET", "/v1/actions").body["items"]
    [hit] = [i for i in items if i["kind"] == "statement_quarantined" and name in i["title"]]
    return str(hit["title"])


def _c2_invoice(world, number: str, amount: str, *, pooled: bool = False) -> str:
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [
        {"number": "C2", "name": "Client C2", "ibans": [client_iban("C2")],
         "charge_interest": False, "allow_third_party_matching": pooled}]})  # fmt: skip
    with_debtors(world, "C2", "D9")
    reply = a.call(
        "POST", "/v1/clients/C2/invoices", {"items": [invoice_row(number, "D9", amount=amount)]}
    )
    assert reply.status == 200
    return str(a.call("GET", f"/v1/clients/C2/invoices/{number}").body["payment_reference"])


def _untouched(world, number: str, open_amount: str) -> None:
    after = world.agency_a.call("GET", f"/v1/clients/C2/invoices/{number}").body
    assert (after["status"], after["open_amount"]) == ("open", open_amount)
    assert world.agency_a.call("GET", "/v1/clients/C2/payments").body["items"] == []


def test_a_statement_of_another_clients_account_is_quarantined_not_booked(world, tenants):
    verify_ibans(world.agency_a, "C2")
    ref = _c2_invoice(world, "F-C2-1", "500.00")
    name = _upload_as_c1_staff(world, tenants, _forged(client_iban("C2"), 50_000, reference=ref))
    report = _trigger(world, name)
    assert (report.status, report.booked) == ("quarantined", 0)
    _untouched(world, "F-C2-1", "500.00")
    assert "a client's upload books only its own accounts" in _quarantined_on_agency_list(
        world, name
    )
    assert world.services.files.names(INBOX, "agency-a/") == []
    assert name in world.services.files.names(QUARANTINE, "agency-a/")  # kept, with its report


def test_a_statement_of_the_agencys_pooled_account_from_a_client_is_quarantined(world, tenants):
    pooled = client_iban("POOL")
    register_agency(world.services.repos, Agency("agency-a", "A", pooled))
    ref = _c2_invoice(world, "F-C2-2", "250.00", pooled=True)
    name = _upload_as_c1_staff(world, tenants, _forged(pooled, 25_000, reference=ref))
    report = _trigger(world, name)
    assert (report.status, report.booked) == ("quarantined", 0)
    _untouched(world, "F-C2-2", "250.00")
    _quarantined_on_agency_list(world, name)


def test_an_upload_never_proves_a_claim_but_the_banks_own_file_does(world, tenants):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})  # C1's IBAN: a pending claim
    [item] = a.call("GET", "/v1/clients/C1/ibans").body["items"]
    assert item["status"] == "pending"
    # a transfer out of the account (a debit) with the code: only its holder makes one
    proof = _forged(client_iban("C1"), -1, text=f"verificatie {item['code']}")

    console = _upload_as_c1_staff(world, tenants, proof)
    assert _trigger(world, console).status == "quarantined"
    api = a.call("POST", "/v1/statements", raw=proof, name="proof.sta")
    assert api.status == 202 and api.body["blob"].startswith("statements/agency-a/api/")
    assert _trigger(world, api.body["blob"].split("/", 1)[1]).status == "quarantined"
    assert world.services.repos.banking.owner(client_iban("C1")) is None
    assert [i["status"] for i in a.call("GET", "/v1/clients/C1/ibans").body["items"]] == ["pending"]

    # the same file delivered by the bank (straight into statements/<agency>/) proves it
    world.services.files.put(INBOX, "agency-a/bank/day.sta", proof)
    assert _trigger(world, "agency-a/bank/day.sta").status == "booked"
    assert [i["status"] for i in a.call("GET", "/v1/clients/C1/ibans").body["items"]] == [
        "verified"
    ]


def test_an_agency_upload_still_books_for_any_of_its_clients(world, tenants):
    verify_ibans(world.agency_a, "C2")
    ref = _c2_invoice(world, "F-C2-3", "500.00")
    r = world.agency_a.call(
        "POST",
        "/v1/statements",
        raw=_forged(client_iban("C2"), 50_000, reference=ref),
        name="d.sta",
    )
    report = _trigger(world, r.body["blob"].split("/", 1)[1])
    assert (report.status, report.booked) == ("booked", 1)
    after = world.agency_a.call("GET", "/v1/clients/C2/invoices/F-C2-3").body
    assert (after["status"], after["open_amount"]) == ("paid", "0.00")
