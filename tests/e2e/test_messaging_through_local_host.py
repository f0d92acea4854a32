"""A message put on its queue is delivered by the queue-triggered function under the local
host (to the embedded outbox here) and shows on the outbox page."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from shared import bootstrap
from shared.domain.messaging import Channel, MessageContent, OutboundMessage
from tests.e2e.conftest import serving


@pytest.fixture(scope="module")
def served(storage_connection, tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    with serving(
        storage_connection, tmp_path_factory.mktemp("data"), INNING_CONTACT_HOURS="00:00-23:59"
    ) as running:
        yield running


def test_queued_message_reaches_the_outbox_page(served):
    url, keys = served
    services = bootstrap.services()
    client_id = httpx.get(
        f"{url}/api/v1/clients/BAKKERIJ", headers={"X-Api-Key": keys["BAKKERIJ"]}
    ).json()["client_id"]
    key = f"e2e-{time.time_ns()}"
    message = OutboundMessage(
        client_id,
        key,
        Channel.EMAIL,
        "D-1001",
        "j.devries@example.nl",
        datetime.now(UTC),
        sender="info@korenbloem.example",
    )
    services.messaging.enqueue(
        message, MessageContent(subject="Herinnering factuur F-0001", text="Wilt u betalen?")
    )
    deadline = time.monotonic() + 20
    status = None
    while time.monotonic() < deadline:
        found = services.messaging.outbox.get(client_id, key)
        status = found[0].status.value if found else None
        if status == "sent":
            break
        time.sleep(0.2)
    assert status == "sent"
    page = httpx.get(f"{url}/api/outbox")
    assert page.status_code == 200 and "j.devries@example.nl" in page.text
    detail = httpx.get(f"{url}/api/outbox/{client_id}/{key}")
    assert "Herinnering factuur F-0001" in detail.text and "Wilt u betalen?" in detail.text
    log = httpx.get(
        f"{url}/api/v1/clients/BAKKERIJ/debtors/D-1001/contacts",
        headers={"X-Api-Key": keys["BAKKERIJ"]},
    ).json()
    assert any("Herinnering factuur F-0001" in e["summary"] for e in log["items"])
