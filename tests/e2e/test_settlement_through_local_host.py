"""The settlement timer fired through the local host's admin endpoint: the fan-out queues the
agency, the queue-triggered run settles the client, the API shows the run with its files, the
transfer file validates against the ISO XSD, and only the agency's key approves it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import httpx
import pytest
import xmlschema

from shared import bootstrap
from shared.domain.records import AllocatedAmount, Payment, PaymentSource
from tests.e2e.conftest import serving
from tests.unit.settlement.conftest import PAIN001_XSD


@pytest.fixture(scope="module")
def served(storage_connection, tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    with serving(storage_connection, tmp_path_factory.mktemp("data")) as running:
        yield running


def test_the_settlement_timer_builds_a_run_awaiting_approval(served):
    url, keys = served
    agency = {"X-Api-Key": keys["agency"]}
    r = httpx.put(
        f"{url}/api/v1/clients/BAKKERIJ/settlement-agreement",
        headers=agency,
        json={
            "payout_iban": "NL44RABO0123456789",
            "payout_name": "Bakkerij",
            "frequency": "daily",
            "commission_percent": "10.00",
            "starts_on": "2020-01-01",  # its payment below is of 2026-01-05
        },
    )
    assert r.status_code == 200, r.text
    client_id = httpx.get(f"{url}/api/v1/clients/BAKKERIJ", headers=agency).json()["client_id"]
    parts = (("costs", 4000), ("costs_vat", 840), ("interest", 155), ("principal", 12100))
    bootstrap.services().repos.payments.add(
        Payment(
            client_id,
            "e2e-settle-1",
            "D1",
            17095,
            date(2026, 1, 5),
            PaymentSource.BANK,
            allocations=tuple(AllocatedAmount("E2E-1", c, a) for c, a in parts),
        )
    )
    fired = httpx.post(
        f"{url}/admin/functions/settlement_run",
        json={"input": ""},
        headers={"x-devhost-wait": "true"},
    )
    assert fired.status_code == 200, fired.text
    deadline = time.monotonic() + 30
    runs: list[dict[str, object]] = []
    while time.monotonic() < deadline and not (runs and runs[0]["status"] != "building"):
        runs = httpx.get(f"{url}/api/v1/settlements", headers=agency).json()["items"]
        time.sleep(0.3)
    assert runs and runs[0]["status"] == "awaiting_approval", runs
    detail = httpx.get(f"{url}/api/v1/settlements/{runs[0]['id']}", headers=agency).json()
    (mine,) = [s for s in detail["settlements"] if s["client"] == "BAKKERIJ"]
    # other e2e modules may have booked payments for this client on the same Azurite
    statement = httpx.get(f"{url}{mine['csv']}", headers=agency).text.splitlines()
    assert {line for line in statement if "e2e-settle-1" in line} == {
        # no reason (not a correction); the money reached the third-party account; then the
        # debtor (D1, never uploaded here: no name) and the payment's own reference (none: the
        # payment is written directly, with no bank line behind it: a dash, booked24) (statement22)
        f"payment,2026-01-05,e2e-settle-1,E2E-1,{c},{who},{a},,third_party,D1,,\u2014"
        for c, who, a in (
            ("costs", "agency", "40.00"),
            ("costs_vat", "agency", "8.40"),
            ("interest", "client", "1.55"),
            ("principal", "client", "121.00"),
        )
    }
    f = {k: Decimal(v) for k, v in mine["figures"].items()}
    assert f["received"] >= Decimal("170.95") and f["to_agency"] >= Decimal("40.00")
    # the other modules' payments may include money the client received itself (a statement of
    # its own account): the whole balance of the statement holds
    came = ("received", "received_direct", "reversed", "corrected", "carried_in", "repaid")
    went = ("to_agency", "commission", "fee_vat", "kept_by_client", "payout", "carried_out")
    assert sum(f[k] for k in came) == sum(f[k] for k in went)
    xml = httpx.get(f"{url}{detail['pain001']}", headers=agency)
    assert xml.status_code == 200
    xmlschema.XMLSchema(str(PAIN001_XSD)).validate(xml.text)
    assert httpx.get(f"{url}{mine['pdf']}", headers=agency).content.startswith(b"%PDF")
    client_key = {"X-Api-Key": keys["BAKKERIJ"]}
    approve = f"{url}/api/v1/settlements/{runs[0]['id']}/approve"
    assert httpx.post(approve, headers=client_key).status_code == 404
    ok = httpx.post(approve, headers=agency)
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
