"""twice24 (failure24's "Left"): a message now waits out a provider that is away for up to a
day, and nothing told ops meanwhile: Graph answering 503 from 10:00 for two hours left three
reminders waiting, and the first anyone heard was 24 hours later, a delivery_failure item
each. The watch now reports, per channel, the messages a provider has kept waiting over
PROVIDER_WAIT_ALERT (30 minutes), and the oldest wait, for the provider-waiting alert."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from shared.adapters.tables.provider_waits_repo import ProviderWaitRepository
from shared.domain.messaging import MessageContent, OutboxStatus
from shared.services.messaging import MailboxLimits
from shared.services.operations import watch as watch_module
from shared.services.operations.watch import PROVIDER_WAIT_ALERT
from shared.telemetry import metrics
from tests.support.code_scan import ROOT
from tests.support.otel import metric_points
from tests.unit.messaging.test_delivery import TUESDAY_10, env, message
from tests.unit.messaging.test_provider_away_for_hours import _Host, _provider_away_until

__all__ = ["env"]


@pytest.fixture
def reader() -> Iterator[InMemoryMetricReader]:
    r = InMemoryMetricReader()
    metrics.use(MeterProvider(metric_readers=[r]))
    yield r
    metrics.use(None)


def _watch(world, reader):
    report = watch_module.watch(world.store, world.services.queues, world.clock)
    points = metric_points(reader)
    return (report.provider_waiting, report.provider_wait_minutes,
            points[("inning.messages.provider_waiting", (("channel", "email"),))],
            points[("inning.messages.provider_wait_minutes", ())])  # fmt: skip


def test_messages_a_provider_keeps_waiting_over_half_an_hour_are_reported(env, reader):
    world, client, channel, _queues, service = env
    service.limits = MailboxLimits(per_minute=1000, per_day=10_000)
    back = TUESDAY_10 + timedelta(hours=2)
    _provider_away_until(world, channel, back)
    host = _Host(world, service)
    for i in range(3):
        host.run_until(TUESDAY_10 + timedelta(minutes=10 * i))
        service.enqueue(message(client, key=f"k{i}", to=f"d{i}@example.nl"),
                        MessageContent(subject=f"Herinnering {i}"))  # fmt: skip
    host.run_until(TUESDAY_10 + timedelta(minutes=25))
    waiting, oldest, level, minutes = _watch(world, reader)
    assert waiting is not None and waiting["email"] == 0 and level == 0 and minutes == 0
    # the first failed at 10:00, the others at 10:10 and 10:20: over 30 minutes at 10:51
    host.run_until(TUESDAY_10 + timedelta(minutes=45))
    waiting, oldest, level, minutes = _watch(world, reader)
    assert waiting is not None and waiting["email"] == 2 and waiting["sms"] == 0
    assert level == 2 and oldest == minutes == 45.0
    host.run_until(TUESDAY_10 + timedelta(minutes=55))
    assert _watch(world, reader)[2] == 3
    # the provider is back: all sent, the watch reports none and drops their rows
    host.run_until(back + timedelta(hours=2))
    statuses = {service.outbox.get(client.client_id, f"k{i}")[0].status for i in range(3)}
    assert statuses == {OutboxStatus.SENT}
    waiting, oldest, _, _ = _watch(world, reader)  # (the points keep their highest)
    assert waiting is not None and sum(waiting.values()) == 0 and oldest == 0
    assert ProviderWaitRepository(world.store).waits() == []


def test_a_row_younger_than_the_threshold_is_not_read(env, reader, monkeypatch):
    world, client, channel, _queues, service = env
    _provider_away_until(world, channel, TUESDAY_10 + timedelta(hours=1))
    host = _Host(world, service)
    service.enqueue(message(client), MessageContent(subject="Herinnering"))
    host.run_until(TUESDAY_10 + timedelta(minutes=5))
    read: list[str] = []
    real = ProviderWaitRepository.record

    def record(self, wait):
        read.append(wait.key)
        return real(self, wait)

    monkeypatch.setattr(ProviderWaitRepository, "record", record)
    assert _watch(world, reader)[2] == 0 and read == []
    world.clock.at = TUESDAY_10 + PROVIDER_WAIT_ALERT + timedelta(minutes=1)
    assert _watch(world, reader)[2] == 1 and read == ["k1"]


def test_the_provider_waiting_alert_reads_the_watch_figure() -> None:
    alerts = (ROOT / "infra" / "app" / "alerts.bicep").read_text()
    block = alerts[alerts.index("name: 'provider-waiting'") :]
    query = re.search(r"query: '([^']*)'", block)
    assert query is not None
    assert 'name == "inning.messages.provider_waiting"' in query[1]
    assert "by channel" in query[1] and "> 0" in query[1]
    runbook = (ROOT / "docs" / "operations.md").read_text()
    assert "| provider-waiting |" in runbook
    minutes = int(PROVIDER_WAIT_ALERT.total_seconds() // 60)
    assert f"{minutes} minutes" in block
    assert f"{minutes} minutes" in runbook[runbook.index("| provider-waiting |") :][:400]
