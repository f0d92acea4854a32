"""#12 item 10: an agency proves an account is its client's before statements of it are booked;
registering can neither probe nor block another customer's account."""

from __future__ import annotations

from datetime import date

from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.services.poison import PLATFORM_SCOPE
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans

ACCOUNT = client_iban("C1")


def _statement(text: str, amount: int = 1) -> bytes:
    line = OutLine(
        date(2025, 3, 3),
        amount,
        text,
        counterparty_iban="NL02RABO0123456789",
        counterparty_name="X",
    )
    return write_mt940(
        ACCOUNT, [line], opening=0, opening_date=date(2025, 3, 3), statement_id="V1"
    ).encode()


def test_registering_a_taken_account_looks_like_a_free_one_and_takes_nothing(world):
    a, b = world.agency_a, world.agency_b
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    taken = b.call("POST", "/v1/clients", {"items": [client_row("B1", ibans=[ACCOUNT])]})
    free = b.call("POST", "/v1/clients", {"items": [client_row("B2")]})
    assert (taken.status, taken.body) == (free.status, free.body)
    owner = world.services.repos.banking.owner(ACCOUNT)
    assert owner.agency_id == "agency-a"
    statuses = [i["status"] for i in b.call("GET", "/v1/clients/B1/ibans").body["items"]]
    assert statuses == ["pending"]
    # agency B's statement of that account is not booked for B1
    report = world.services.statements.ingest("agency-b/x.sta", _statement("anything"))
    assert report.status == "quarantined"


def test_an_unproven_account_is_not_booked_and_a_line_with_the_code_proves_it(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1")]})
    assert world.services.repos.banking.owner(ACCOUNT) is None
    assert (
        world.services.statements.ingest("agency-a/a.sta", _statement("hello")).status
        == "quarantined"
    )
    [item] = a.call("GET", "/v1/clients/C1/ibans").body["items"]
    code = item["code"]
    report = world.services.statements.ingest(
        "agency-a/b.sta", _statement(f"verificatie {code.lower()}")
    )
    assert report.status == "booked"
    assert world.services.repos.banking.owner(ACCOUNT).client_id is not None
    assert [i["status"] for i in a.call("GET", "/v1/clients/C1/ibans").body["items"]] == [
        "verified"
    ]


def test_only_the_clients_own_key_confirms_and_only_with_the_code(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    [item] = a.call("GET", "/v1/clients/C1/ibans").body["items"]
    by_agency = a.call(
        "POST", "/v1/clients/C1/ibans/confirm", {"iban": ACCOUNT, "code": item["code"]}
    )
    assert by_agency.status == 403
    key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True}).body["key"]
    client = a.as_key(key)
    wrong = client.call(
        "POST", "/v1/clients/C1/ibans/confirm", {"iban": ACCOUNT, "code": "INNV-AAAA-AAAA"}
    )
    assert wrong.status == 422
    right = client.call(
        "POST", "/v1/clients/C1/ibans/confirm", {"iban": ACCOUNT, "code": item["code"]}
    )
    assert right.body == {"iban": ACCOUNT, "status": "verified"}
    assert world.agency_b.call("GET", "/v1/clients/C1/ibans").status == 404


def test_a_proof_for_an_owned_account_changes_nothing_and_goes_to_the_operator(world):
    a, b = world.agency_a, world.agency_b
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    b.call("POST", "/v1/clients", {"items": [client_row("B1", ibans=[ACCOUNT])]})
    [item] = b.call("GET", "/v1/clients/B1/ibans").body["items"]
    key = b.call("POST", "/v1/keys", {"scope": "client", "client": "B1", "admin": True}).body["key"]
    reply = b.as_key(key).call(
        "POST", "/v1/clients/B1/ibans/confirm", {"iban": ACCOUNT, "code": item["code"]}
    )
    assert reply.body["status"] == "pending"
    assert world.services.repos.banking.owner(ACCOUNT).agency_id == "agency-a"
    items, _ = world.services.repos.actions.list(PLATFORM_SCOPE)
    assert [i.kind for i in items] == ["account_dispute"]
