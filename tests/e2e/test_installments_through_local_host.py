"""The daily installment timer fired through the local host's admin endpoint: a plan made
and activated through the API gets its installment reminder in the outbox."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from shared import bootstrap
from shared.clock import amsterdam_today
from tests.e2e.conftest import serving


@pytest.fixture(scope="module")
def served(storage_connection, tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    with serving(
        storage_connection, tmp_path_factory.mktemp("data"), INNING_CONTACT_HOURS="00:00-23:59"
    ) as running:
        yield running


def test_the_installment_timer_reminds_a_plan_due_today(served):
    url, keys = served
    headers = {"X-Api-Key": keys["BAKKERIJ"]}
    api = f"{url}/api/v1/clients/BAKKERIJ"
    invoices = httpx.get(f"{api}/invoices", params={"status": "open"}, headers=headers).json()
    first = invoices["items"][0]
    numbers = [i["number"] for i in invoices["items"] if i["debtor"] == first["debtor"]]
    made = httpx.post(f"{api}/plans", headers=headers, json={
        "debtor": first["debtor"], "invoices": numbers, "include_costs": False,
        "start": amsterdam_today().isoformat(), "installments": 1,
    })  # fmt: skip
    assert made.status_code == 201, made.text
    plan_id = made.json()["plan_id"]
    assert httpx.post(f"{api}/plans/{plan_id}/activate", headers=headers).status_code == 200
    r = httpx.post(
        f"{url}/admin/functions/installment_run",
        json={"input": ""},
        headers={"x-devhost-wait": "true"},
    )
    assert r.status_code == 200, r.text
    client_id = httpx.get(api, headers=headers).json()["client_id"]
    deadline = time.monotonic() + 30
    keys_sent: set[str] = set()
    while time.monotonic() < deadline and not any("|remind|1@" in k for k in keys_sent):
        records, _ = bootstrap.services().messaging.outbox.list(client_id)
        keys_sent = {m.key for m in records if m.key.startswith(f"plan|{plan_id}|")}
        time.sleep(0.3)
    assert f"plan|{plan_id}|agreement" in keys_sent
    assert any(k.startswith(f"plan|{plan_id}|remind|1@") for k in keys_sent), keys_sent
    timeline = httpx.get(f"{api}/plans/{plan_id}", headers=headers).json()["timeline"]
    assert "reminder" in [e["kind"] for e in timeline]
