"""ops6 #1: without an operator agency nobody can read the platform list, so poison that would
land there stays on its poison queue (whose depth the ``poison-queue`` alert reads) instead of
being emptied into a list nobody sees; every item written is counted by scope."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from shared.services.poison import KEEP_SECONDS, PLATFORM_SCOPE, PlatformListUnread
from shared.telemetry import metrics
from tests.support.otel import metric_points
from tests.unit.api.conftest import client_row
from tests.unit.services.test_poison import MemoryPoisonQueues


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.fixture
def no_operator(world) -> Iterator[object]:
    settings = world.services.settings
    before = settings.operator_agency
    object.__setattr__(settings, "operator_agency", "")
    try:
        yield world
    finally:
        object.__setattr__(settings, "operator_agency", before)


@pytest.fixture
def reader() -> Iterator[InMemoryMetricReader]:
    r = InMemoryMetricReader()
    metrics.use(MeterProvider(metric_readers=[r]))
    yield r
    metrics.use(None)


def _client(world) -> str:
    world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    principal = world.services.access.authenticate(world.agency_a.key)
    return str(world.services.access.client_for(principal, "C1").client_id)


def test_the_sweep_keeps_platform_poison_when_no_operator_can_read_it(no_operator) -> None:
    world = no_operator
    client_id = _client(world)
    queues = MemoryPoisonQueues()
    queues.put("send-sms-poison", "%%% not base64", "u1")
    queues.put("mollie-webhook-poison", b64(json.dumps({"id": "tr_nobody"})), "u2")
    queues.put("send-email-poison", b64(json.dumps({"client_id": client_id, "key": "k"})), "u3")
    assert world.services.poison.sweep(queues) == 1  # only the client's job has a reader
    left = {q: [m.message_id for m in ms] for q, ms in queues.queues.items() if ms}
    assert left == {"send-sms-poison": ["u1"], "mollie-webhook-poison": ["u2"]}
    platform, _ = world.services.repos.actions.list(PLATFORM_SCOPE, page_size=100)
    assert platform == []
    # the watch timer's depth (the poison-queue alert) still sees them
    assert world.services.poison.sweep(queues) == 0


def test_a_trigger_drain_puts_platform_poison_back_on_its_queue(no_operator) -> None:
    world = no_operator
    body = json.dumps({"id": "tr_nobody"}).encode()
    with pytest.raises(PlatformListUnread):
        world.services.poison.drain("mollie-webhook-poison", body, message_id="w1")
    assert (
        world.services.poison.drain_delivered("mollie-webhook-poison", body, message_id="w1")
        is None
    )
    [back] = world.services.queues.take("mollie-webhook-poison")
    assert json.loads(back.body)["id"] == "tr_nobody"
    assert back.delay_seconds == KEEP_SECONDS


def test_poison_items_are_counted_by_scope(world, reader: InMemoryMetricReader) -> None:
    client_id = _client(world)
    poison = world.services.poison
    poison.drain("mollie-webhook-poison", b'{"id": "tr_nobody"}', message_id="w1")
    poison.drain(
        "dunning-run-poison", json.dumps({"client_id": client_id}).encode(), message_id="d1"
    )
    points = metric_points(reader)
    assert (
        points[("inning.actions.poison", (("queue", "mollie-webhook"), ("scope", "platform")))] == 1
    )
    assert points[("inning.actions.poison", (("queue", "dunning-run"), ("scope", "client")))] == 1
