"""Operations through the local host on Azurite: the health check, the nightly backup and the
watch timer fired through the admin endpoint, and the link callbacks refusing a forged state."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from azure.storage.blob import BlobServiceClient

from tests.e2e.conftest import serving


@pytest.fixture(scope="module")
def served(storage_connection, tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    with serving(storage_connection, tmp_path_factory.mktemp("data")) as running:
        yield running


def test_health_checks_the_real_storage(served) -> None:
    url, _ = served
    r = httpx.get(f"{url}/api/v1/health")
    assert r.status_code == 200, r.text
    body = r.json()
    assert {k: v["ok"] for k, v in body["checks"].items()} == {
        "tables": True,
        "queues": True,
        "blobs": True,
    }
    assert r.headers["cache-control"] == "no-store"


def test_the_nightly_backup_and_the_watch_run_as_timers(served, storage_connection) -> None:
    url, _ = served
    for name in ("backup_tables", "watch_operations"):
        r = httpx.post(f"{url}/admin/functions/{name}", json={"input": ""},
                       headers={"x-devhost-wait": "true"}, timeout=120)  # fmt: skip
        assert r.status_code == 200, (name, r.text)
    day = datetime.now(UTC).date().isoformat()
    blobs = BlobServiceClient.from_connection_string(storage_connection).get_container_client(
        "backups"
    )
    manifest = json.loads(blobs.download_blob(f"{day}/manifest.json").readall())
    assert manifest["tables"]["Clients"] >= 2  # the demo agency's clients
    assert manifest["tables"]["Invoices"] > 0


def test_link_callbacks_refuse_a_state_they_did_not_issue(served) -> None:
    url, _ = served
    forged = {
        "admin_consent": "True",
        "tenant": "6f1c2d3e-0000-4000-8000-000000000001",
        "state": "forged",
    }
    r = httpx.get(
        f"{url}/api/link/office365/callback", params=forged, headers={"Accept-Language": "en"}
    )
    assert r.status_code == 400 and "unknown, already used or expired" in r.text
    r = httpx.get(f"{url}/api/link/office365/callback", params=forged)  # the browser's Dutch
    assert r.status_code == 400 and "onbekend, al gebruikt of verlopen" in r.text
    r = httpx.get(f"{url}/api/link/mollie/callback", params={"code": "auth_x", "state": "forged"},
                  headers={"Accept-Language": "en-GB"})  # fmt: skip
    assert r.status_code == 400 and "not linked" in r.text
    r = httpx.get(f"{url}/api/link/mollie/callback", params={"code": "auth_x", "state": "forged"})
    assert r.status_code == 400 and "niet gekoppeld" in r.text
