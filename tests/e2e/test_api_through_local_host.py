"""The real function_app.py, served by the local host over HTTP, on Azurite: what a newcomer
meets after `make run`."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.conftest import serving


@pytest.fixture(scope="module")
def served(storage_connection, tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    with serving(
        storage_connection, tmp_path_factory.mktemp("data"), INNING_ENVIRONMENT="local"
    ) as running:
        yield running


def test_demo_data_is_served(served):
    url, keys = served
    r = httpx.get(f"{url}/api/v1/clients", headers={"X-Api-Key": keys["agency"]})
    assert r.status_code == 200
    assert sorted(c["number"] for c in r.json()["items"]) == ["ADVIES", "BAKKERIJ"]
    assert r.headers["cache-control"] == "no-store"
    invoices = httpx.get(
        f"{url}/api/v1/clients/BAKKERIJ/invoices",
        headers={"Authorization": f"Bearer {keys['BAKKERIJ']}"},
    ).json()["items"]
    states = {i["number"]: i["status"] for i in invoices}
    assert states["F-0003"] == "partially_paid"
    assert states["F-0004"] == "disputed"
    assert states["F-0005"] == "credited"
    assert states["F-0007"] == "paid"


def test_bulk_import_over_http(served):
    url, keys = served
    headers = {"X-Api-Key": keys["ADVIES"], "Content-Type": "application/json"}
    body = {
        "items": [
            {
                "number": "E2E-1",
                "debtor": "D-1001",
                "invoice_date": "2025-01-01",
                "due_date": "2025-01-15",
                "amount": 10.5,
            },
            {
                "number": "E2E-2",
                "debtor": "D-1001",
                "invoice_date": "2025-01-01",
                "due_date": "2025-01-15",
                "amount": "1.001",
            },
        ]
    }
    r = httpx.post(
        f"{url}/api/v1/clients/ADVIES/invoices", content=json.dumps(body), headers=headers
    )
    assert r.status_code == 200
    assert r.json()["created"] == 1 and r.json()["errors"][0]["index"] == 1
    r = httpx.post(f"{url}/api/v1/clients/ADVIES/invoices", content=b"{nope", headers=headers)
    assert r.status_code == 400
    r = httpx.get(f"{url}/api/v1/clients/BAKKERIJ/invoices", headers=headers)
    assert r.status_code == 404  # ADVIES's key, BAKKERIJ's data


def test_openapi_is_served(served):
    url, _ = served
    doc = httpx.get(f"{url}/api/v1/openapi.json").json()
    assert "/v1/clients/{client}/invoices" in doc["paths"]


def test_claim_and_mollie_webhook_over_http(served):
    """The claim ledger's route through the real host, and the webhook refusing what is not
    a Mollie payment id before anything is queued (issue 12, item 8)."""
    url, keys = served
    headers = {"X-Api-Key": keys["BAKKERIJ"]}
    claim = httpx.get(f"{url}/api/v1/clients/BAKKERIJ/invoices/F-0003/claim", headers=headers)
    assert claim.status_code == 200
    body = claim.json()
    assert set(body["open"]) == {"principal", "costs", "costs_vat", "interest", "total"}
    assert (
        httpx.get(
            f"{url}/api/v1/clients/BAKKERIJ/invoices/F-0003/claim?on=nope", headers=headers
        ).status_code
        == 400
    )
    bad = httpx.post(f"{url}/api/mollie/webhook", data={"id": "../../etc"})
    assert bad.status_code == 400
    error = bad.json()["error"]  # the API's one error envelope, not plain text
    assert error["code"] == "bad_request" and error["field"] == "id"
    assert error["request_id"] == bad.headers["X-Request-Id"]
    good = httpx.post(f"{url}/api/mollie/webhook", data={"id": "tr_unknown1"})
    assert good.status_code == 200  # queued; an id that is not ours changes nothing
