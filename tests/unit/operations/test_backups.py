"""ops6 #3/#4: a restore takes whole consistency sets (Invoices without Payments and Ledger
left a paid invoice open beside the payment allocated to it), every table of the deployment
has chosen its set, and the watch timer reports the newest backup's age, a stale rate table
and dead-lettered statement events (the figures the alerts read)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from shared.adapters.tables.backup import BackupError
from shared.services.operations import watch as watch_module
from shared.services.operations.backups import (
    NEVER_RESTORED,
    RESTORE_SETS,
    STANDALONE,
    restore_set,
)
from shared.telemetry import metrics
from tests.support.code_scan import ROOT
from tests.support.otel import metric_points


def test_the_runbooks_old_example_is_refused_and_the_set_named() -> None:
    with pytest.raises(BackupError, match="add --set ledger") as raised:
        restore_set(["Invoices", "Payments"])
    assert "Ledger" in str(raised.value) and "MatchIndex" in str(raised.value)
    assert set(restore_set([], ["ledger"])) == RESTORE_SETS["ledger"]
    assert restore_set(["Actions"]) == ["Actions"]  # a table of no set stands alone
    assert restore_set([]) == []  # every table
    with pytest.raises(BackupError, match="no restore set"):
        restore_set([], ["everything"])


def test_every_table_of_the_deployment_chose_its_set() -> None:
    storage = (ROOT / "infra" / "app" / "storage.bicep").read_text()
    block = re.search(r"var tables = \[(.*?)\n\]", storage, re.S)
    assert block
    declared = set(re.findall(r"^\s*'(\w+)'", block.group(1), re.MULTILINE))
    placed = set(STANDALONE).union(NEVER_RESTORED, *RESTORE_SETS.values())
    assert declared - placed == set(), "a new table: put it in a restore set or STANDALONE"
    sets = [*RESTORE_SETS.values(), STANDALONE, NEVER_RESTORED]
    assert sum(len(s) for s in sets) == len(placed)  # no table in two sets


@pytest.fixture
def reader() -> Iterator[InMemoryMetricReader]:
    r = InMemoryMetricReader()
    metrics.use(MeterProvider(metric_readers=[r]))
    yield r
    metrics.use(None)


def test_the_watch_reports_backup_age_stale_rates_and_dead_letters(
    world, reader: InMemoryMetricReader
) -> None:
    now = world.clock.now()
    files = world.services.files
    files.put("statements-deadletter", "evgt/blob-ingest-statement/2026/12/01/05/x.json", b"{}")
    report = watch_module.watch(
        world.services.repos.store, world.services.queues, world.clock,
        rates_warning=lambda: "the newest rate is from 2026-01-01",
        newest_backup=lambda: now - timedelta(hours=30),
        files=files,
    )  # fmt: skip
    assert report.rates_stale is True
    assert report.backup_age_hours == 30
    assert report.deadlettered == 1
    points = metric_points(reader)
    assert points[("inning.rates.stale", ())] == 1
    assert points[("inning.backup.newest_age_hours", ())] == 30
    assert points[("inning.statements.deadlettered", ())] == 1


def test_one_failing_figure_hides_neither_the_others_nor_the_poison_depths(
    world, reader: InMemoryMetricReader
) -> None:
    def broken() -> datetime | None:
        raise ConnectionError("blob storage unreachable")

    report = watch_module.watch(
        world.services.repos.store, world.services.queues, world.clock,
        rates_warning=lambda: None, newest_backup=broken, files=world.services.files,
    )  # fmt: skip
    assert report.backup_age_hours is None
    assert report.rates_stale is False and report.deadlettered == 0
    assert metric_points(reader)[("inning.rates.stale", ())] == 0
