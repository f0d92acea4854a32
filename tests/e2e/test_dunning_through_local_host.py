"""The daily dunning timer fired through the local host's admin endpoint (as a person would),
fanning out to the queue-triggered client runs, ending in messages in the outbox."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from shared import bootstrap
from tests.e2e.conftest import serving


@pytest.fixture(scope="module")
def served(storage_connection, tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    with serving(
        storage_connection, tmp_path_factory.mktemp("data"), INNING_CONTACT_HOURS="00:00-23:59"
    ) as running:
        yield running


def test_firing_the_daily_timer_sends_the_due_reminders(served):
    url, keys = served
    r = httpx.post(
        f"{url}/admin/functions/daily_dunning",
        json={"input": ""},
        headers={"x-devhost-wait": "true"},
    )
    assert r.status_code == 200, r.text
    headers = {"X-Api-Key": keys["BAKKERIJ"]}

    def runs():
        items = httpx.get(f"{url}/api/v1/clients/BAKKERIJ/runs", headers=headers).json()["items"]
        return items or None

    deadline = time.monotonic() + 20
    found = None
    while time.monotonic() < deadline and not found:
        found = runs()
        time.sleep(0.3)
    assert found and found[0]["succeeded"] and found[0]["steps"] >= 1
    client_id = httpx.get(f"{url}/api/v1/clients/BAKKERIJ", headers=headers).json()["client_id"]
    dunning_messages: list[object] = []
    while time.monotonic() < deadline + 10 and not dunning_messages:
        records, _ = bootstrap.services().messaging.outbox.list(client_id)
        dunning_messages = [
            m for m in records if m.key.startswith("dun|") and m.status.value == "sent"
        ]
        time.sleep(0.3)
    assert dunning_messages, "the run's reminders were delivered (to the outbox)"
    assert "dun|" in httpx.get(f"{url}/api/outbox").text
    overview = httpx.get(
        f"{url}/api/v1/dunning/runs", headers={"X-Api-Key": keys["agency"]}
    ).json()["items"]
    assert {row["client"] for row in overview} == {"BAKKERIJ", "ADVIES"}
