"""Outside local development a channel without provider credentials never falls back to the
outbox: the message fails, goes on the action list and counts for the alert. Locally the
outbox still catches it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.channels.unconfigured import UnconfiguredChannel
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.memory import InMemoryTableStore
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.messaging import Channel, MessageContent, OutboundMessage
from shared.settings import Settings
from shared.telemetry import metrics
from tests.support.otel import metric_points

BASE = {"AzureWebJobsStorage": "UseDevelopmentStorage=true"}
PRODUCTION = BASE | {
    "INNING_ENVIRONMENT": "production",
    "INNING_API_KEY_PEPPER": "p" * 40,
    "INNING_PORTAL_KEYS": "k1:" + "s" * 40,
    "CM_PRODUCT_TOKEN": "cm-token",
}


def services_for(env: dict[str, str]):  # type: ignore[no-untyped-def]
    return build_services(
        Settings.from_env(env),
        clock=FixedClock(datetime(2026, 11, 30, 10, tzinfo=UTC)),  # a Monday, inside contact hours
        store=InMemoryTableStore(),
        files=InMemoryFileStore(),
        queues=InMemoryQueueSender(),
    )


def email(client_id: str = "c1") -> OutboundMessage:
    return OutboundMessage(client_id, "k-1", Channel.EMAIL, "D1", "debtor@example.nl",
                           datetime(2026, 11, 30, 9, tzinfo=UTC), sender="facturen@client.example")  # fmt: skip


@pytest.fixture
def reader() -> Iterator[InMemoryMetricReader]:
    r = InMemoryMetricReader()
    metrics.use(MeterProvider(metric_readers=[r]))
    yield r
    metrics.use(None)


def test_production_refuses_every_channel_without_credentials(reader: InMemoryMetricReader) -> None:
    services = services_for(PRODUCTION)
    senders = services.senders
    assert not isinstance(senders[Channel.SMS], UnconfiguredChannel)  # CM.com is configured
    for channel in (Channel.EMAIL, Channel.WHATSAPP, Channel.LETTER, Channel.ROBOCALL):
        assert isinstance(senders[channel], UnconfiguredChannel), channel

    messaging = services.messaging
    messaging.enqueue(email(), MessageContent(subject="Herinnering", text="Betaal a.u.b."))
    assert messaging.deliver("c1", "k-1") == "failed"
    message, _ = messaging.outbox.get("c1", "k-1")  # type: ignore[misc]
    assert message.status.value == "failed" and "no email provider is configured" in (
        message.error or ""
    )
    actions, _ = services.repos.actions.list("c1")
    assert any(
        "no email provider" in a.title or "no email provider" in str(a.detail) for a in actions
    )
    assert (
        metric_points(reader)[("inning.messages.unconfigured_channel", (("channel", "email"),))]
        == 1
    )


def test_local_development_still_uses_the_outbox() -> None:
    services = services_for(BASE)
    assert Channel.EMAIL not in services.senders
    services.messaging.enqueue(email(), MessageContent(subject="Herinnering", text="Betaal a.u.b."))
    assert services.messaging.deliver("c1", "k-1") == "sent"
    message, _ = services.messaging.outbox.get("c1", "k-1")  # type: ignore[misc]
    assert message.provider == "outbox"
