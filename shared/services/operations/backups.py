"""The daily backup (timer ``backup_tables``, ``BACKUP_SCHEDULE``) and ``inning restore``.

Table Storage holds the ledger and has no backup of its own (no point-in-time restore for
tables), so every night every table is exported to the ``backups`` container under the UTC
date (shared/adapters/tables/backup.py). The container has soft delete (30 days) and the
account a CanNotDelete lock in production. Restoring is deliberate work for an operator:
docs/operations.md, "Restore a backup"."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from shared.adapters.tables.backup import BACKUP_CONTAINER, TableBackup, TableCount
from shared.clock import Clock
from shared.telemetry import metrics
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.operations")

__all__ = ["BACKUP_CONTAINER", "back_up", "restore"]


def back_up(backup: TableBackup, clock: Clock) -> list[TableCount]:
    now = clock.now()
    day = now.date().isoformat()
    counts = backup.export(day, now)
    total = sum(c.entities for c in counts)
    metrics.count("inning.backup.entities", total)
    log.info("backup %s: %d tables, %d entities", day, len(counts), total,
             extra=log_extra({"backup_date": day, "tables": len(counts), "entities": total}))  # fmt: skip
    return counts


def restore(backup: TableBackup, day: str, tables: Iterable[str] = ()) -> list[TableCount]:
    counts = backup.restore(day, tables)
    log.warning("restored the backup of %s: %d tables, %d entities", day, len(counts),
                sum(c.entities for c in counts), extra=log_extra({"backup_date": day}))  # fmt: skip
    return counts
