"""A statement uploaded through the API is booked by the blob-triggered function, run by the
local host exactly as Flex Consumption would (Event Grid style), on Azurite."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from shared.domain.statements.mt940_writer import OutLine, write_mt940
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
