"""Inning's metrics through the OpenTelemetry API, read back with the SDK's in-memory reader."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from shared.adapters.tables.dunning_repo import RunRecord
from shared.telemetry import context, metrics
from tests.support.otel import metric_points


class Recorded:
    def __init__(self) -> None:
        self.reader = InMemoryMetricReader()
        self.provider = MeterProvider(metric_readers=[self.reader])

    def points(self) -> dict[tuple[str, tuple[tuple[str, Any], ...]], Any]:
        return metric_points(self.reader)


@pytest.fixture
def recorded() -> Iterator[Recorded]:
    r = Recorded()
    metrics.use(r.provider)
    yield r
    metrics.use(None)


def test_a_dunning_run(recorded: Recorded) -> None:
    now = datetime(2026, 11, 30, 6, tzinfo=UTC)
    metrics.dunning_run(
        RunRecord("C1", "r1", date(2026, 11, 30), now, now, 12, 9, ("D3: no address",))
    )
    p = recorded.points()
    assert p[("inning.dunning.due", (("client_id", "C1"),))] == 12
    assert p[("inning.dunning.queued", (("client_id", "C1"),))] == 9
    assert p[("inning.dunning.failed", (("client_id", "C1"),))] == 1
    assert p[("inning.dunning.runs", (("outcome", "failed"),))] == 1


@dataclass
class Report:
    name: str
    status: str
    lines: int
    booked: int
    suggested: int
    warnings: list[str] = field(default_factory=list)
    held_back: int = 0


def test_statement_files_deliveries_and_webhooks(recorded: Recorded) -> None:
    metrics.statement_file(Report("a/x.sta", "booked", 10, 7, 2))
    metrics.statement_file(Report("a/y.sta", "quarantined", 0, 0, 0))
    metrics.statement_file(Report("a/z.sta", "booked", 1, 1, 0, held_back=1))  # newcomer9 F
    with context.operation("send_sms"):
        metrics.delivery("deferred")
        metrics.delivery("sent")
    metrics.webhook("mollie", "paid")
    p = recorded.points()
    assert p[("inning.statements.files", (("outcome", "quarantined"),))] == 1
    assert p[("inning.statements.lines", ())] == 11
    assert p[("inning.statements.booked", ())] == 8
    assert p[("inning.statements.held_back", ())] == 1
    assert p[("inning.statements.suggested", ())] == 2
    assert p[("inning.messages.delivered", (("channel", "sms"), ("outcome", "deferred")))] == 1
    assert p[("inning.webhooks", (("outcome", "paid"), ("provider", "mollie")))] == 1


def test_levels_keep_the_maximum(recorded: Recorded) -> None:
    metrics.level("inning.queue.poison_depth", 0, queue="send-sms-poison")
    metrics.level("inning.queue.poison_depth", 3, queue="send-sms-poison")
    assert recorded.points()[("inning.queue.poison_depth", (("queue", "send-sms-poison"),))] == 3
