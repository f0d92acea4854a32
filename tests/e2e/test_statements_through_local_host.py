"""A statement uploaded through the API is booked by the blob-triggered function, run by the
local host exactly as Flex Consumption would (Event Grid style), on Azurite."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from shared.domain.statements.mt940_writer import OutLine, write_mt940
from tests.conftest import STATEMENTS
from tests.e2e.conftest import serving


@pytest.fixture(scope="module")
def served(storage_connection, tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    with serving(storage_connection, tmp_path_factory.mktemp("data")) as running:
        yield running


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (value := predicate()) is not None:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_uploaded_statement_is_booked_by_the_blob_trigger(served):
    url, keys = served
    agency = {"X-Api-Key": keys["agency"]}
    bakkerij = {"X-Api-Key": keys["BAKKERIJ"]}
    inv = httpx.get(f"{url}/api/v1/clients/BAKKERIJ/invoices/F-0001", headers=bakkerij).json()
    # what the debtor owes today: the demo invoice's due date is fixed, so statutory interest
    # has run since; paying the principal alone would leave the invoice partly open (6:44 BW)
    claim = httpx.get(
        f"{url}/api/v1/clients/BAKKERIJ/invoices/F-0001/claim", headers=bakkerij
    ).json()
    owed = int(claim["open"]["total"].replace(".", ""))
    client = httpx.get(f"{url}/api/v1/clients/BAKKERIJ", headers=bakkerij).json()
    line = OutLine(date.today(), owed, "", counterparty_iban="NL02RABO0123456789",
                   counterparty_name="J. de Vries", reference=inv["payment_reference"], end_to_end_id="E2E-UP")  # fmt: skip
    data = write_mt940(
        client["ibans"][0], [line], opening=0, opening_date=date.today(), statement_id="UP1"
    )
    r = httpx.post(
        f"{url}/api/v1/statements",
        params={"name": "upload.sta"},
        content=data.encode(),
        headers=agency,
    )
    assert r.status_code == 202

    def paid():
        got = httpx.get(f"{url}/api/v1/clients/BAKKERIJ/invoices/F-0001", headers=bakkerij).json()
        return got if got["status"] == "paid" else None

    assert wait_for(paid)["open_amount"] == "0.00"


def test_a_broken_file_lands_in_quarantine_with_an_action_item(served):
    url, keys = served
    agency = {"X-Api-Key": keys["agency"]}
    r = httpx.post(
        f"{url}/api/v1/statements",
        params={"name": "broken.sta"},
        content=b"1\n2\n3\n",
        headers=agency,
    )
    assert r.status_code == 202

    def quarantined():
        items = httpx.get(f"{url}/api/v1/actions", headers=agency).json()["items"]
        hits = [
            i for i in items if i["kind"] == "statement_quarantined" and "broken.sta" in i["title"]
        ]
        return hits or None

    assert "not a bank statement" in wait_for(quarantined)[0]["title"]


def _client_with_verified_iban(
    url: str, agency: dict[str, str], number: str, iban: str
) -> dict[str, str]:
    """A client of the agency whose account is proven (its own key confirms the code)."""
    r = httpx.post(
        f"{url}/api/v1/clients",
        json={"items": [{"number": number, "name": f"Client {number}", "ibans": [iban],
                         "charge_interest": False}]},
        headers=agency,
    )  # fmt: skip
    assert r.status_code in (200, 201, 207), r.text
    key = httpx.post(
        f"{url}/api/v1/keys",
        json={"scope": "client", "client": number, "admin": True},
        headers=agency,
    ).json()["key"]
    own = {"X-Api-Key": key}
    for item in httpx.get(f"{url}/api/v1/clients/{number}/ibans", headers=own).json()["items"]:
        if item["status"] == "pending":
            reply = httpx.post(f"{url}/api/v1/clients/{number}/ibans/confirm",
                               json={"iban": item["iban"], "code": item["code"]}, headers=own)  # fmt: skip
            assert reply.json()["status"] == "verified", reply.text
    return own


def test_an_abn_amro_export_books_for_the_client_that_registered_its_iban(served):
    """ABN AMRO writes its own account number in :25: (``555555555``); the file's header names
    the bank (``ABNANL2A``), so the statement is NL75ABNA0555555555's (review newcomer2 #2)."""
    url, keys = served
    agency = {"X-Api-Key": keys["agency"]}
    own = _client_with_verified_iban(url, agency, "ABNPROBE", "NL75ABNA0555555555")
    debtor = {"number": "D1", "kind": "b2b", "name": "Cafe Mon Ami",
              "emails": ["cafe@example.nl"],
              "address": {"street": "Dorpsstraat 1", "postal_code": "1234ab", "city": "Utrecht"}}  # fmt: skip
    assert httpx.post(f"{url}/api/v1/clients/ABNPROBE/debtors", json={"items": [debtor]},
                      headers=own).status_code < 300  # fmt: skip
    invoice = {"number": "897789005", "debtor": "D1", "invoice_date": "2015-01-01",
               "due_date": "2015-01-31", "amount": "10.50"}  # fmt: skip
    assert httpx.post(f"{url}/api/v1/clients/ABNPROBE/invoices", json={"items": [invoice]},
                      headers=own).status_code < 300  # fmt: skip
    data = (STATEMENTS / "mt940/zilverline/abn_structured_sepa_overboeking.txt").read_bytes()
    r = httpx.post(
        f"{url}/api/v1/statements", params={"name": "abn.txt"}, content=data, headers=agency
    )
    assert r.status_code == 202

    def paid():
        got = httpx.get(f"{url}/api/v1/clients/ABNPROBE/invoices/897789005", headers=own).json()
        return got if got["status"] == "paid" else None

    assert wait_for(paid)["open_amount"] == "0.00"


def test_a_usd_statement_is_not_booked_but_on_the_agency_action_list(served):
    url, keys = served
    agency = {"X-Api-Key": keys["agency"]}
    bakkerij = {"X-Api-Key": keys["BAKKERIJ"]}
    inv = httpx.get(f"{url}/api/v1/clients/BAKKERIJ/invoices/F-0002", headers=bakkerij).json()
    client = httpx.get(f"{url}/api/v1/clients/BAKKERIJ", headers=bakkerij).json()
    line = OutLine(date.today(), 4995, "", counterparty_iban="NL02RABO0123456789",
                   counterparty_name="J. de Vries", reference=inv["payment_reference"], end_to_end_id="E2E-USD")  # fmt: skip
    data = write_mt940(client["ibans"][0], [line], opening=0, opening_date=date.today(),
                       statement_id="USD1", currency="USD")  # fmt: skip
    r = httpx.post(
        f"{url}/api/v1/statements",
        params={"name": "usd.sta"},
        content=data.encode(),
        headers=agency,
    )
    assert r.status_code == 202

    def flagged():
        items = httpx.get(f"{url}/api/v1/actions", headers=agency).json()["items"]
        hits = [i for i in items if i["kind"] == "foreign_currency" and "usd.sta" in i["title"]]
        return hits or None

    [item] = wait_for(flagged)
    assert "USD" in item["title"]
    after = httpx.get(f"{url}/api/v1/clients/BAKKERIJ/invoices/F-0002", headers=bakkerij).json()
    assert (after["status"], after["open_amount"]) == (inv["status"], inv["open_amount"])
