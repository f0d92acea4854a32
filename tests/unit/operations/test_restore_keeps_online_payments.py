"""newcomer10 #3: a restore to last night's backup must not forget the online payments
debtors made since: their records stay and each is watched again, due at once, so the
reconcile timer asks Mollie and books what was paid (once: the booking's id is the
payment's). The adapter's own keeping of rows is tested against Azurite
(tests/integration/test_backup_resume_and_retention.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters.tables.backup import BackupError, Later, TableCount
from shared.adapters.tables.keys import encode
from shared.services.mollie_reconcile import MOLLIE_PAYMENTS, WATCHED, watch_key
from shared.services.operations.backups import NEVER_RESTORED, restore, restore_set
from shared.services.operations.money_hold import HOLD_TABLE, hold_entity

AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


class RecordingBackup:
    """The rows a restore would find written since the backup, per table; what it keeps
    is decided by the predicate the service hands it."""

    def __init__(self, newer: dict[str, list[tuple[str, str]]]) -> None:
        self.newer = newer
        self.put_rows: list[tuple[str, dict[str, Any]]] = []

    def restore(
        self,
        day: str,
        only: Iterable[str] = (),
        *,
        may_be_absent: Iterable[str] = (),
        keep_newer: Mapping[str, Callable[[str, str], bool]] | None = None,
        skip: Iterable[str] = (),
        never_rolled_back: Iterable[str] = (),
        keep_later: Mapping[str, Later] | None = None,
    ) -> list[TableCount]:
        keep = keep_newer or {}
        self.skipped = set(skip)
        self.never_rolled_back = set(never_rolled_back)
        return [
            TableCount(t, 1, tuple(k for k in self.newer.get(t, []) if t in keep and keep[t](*k)))
            for t in sorted(only)
            if t not in self.skipped
        ]

    def put(self, table: str, entity: Mapping[str, Any]) -> None:
        self.put_rows.append((table, dict(entity)))


def test_online_payments_started_since_the_backup_are_kept_and_watched_again() -> None:
    backup = RecordingBackup({
        MOLLIE_PAYMENTS: [
            (encode("tr_paid_since"), "p"),  # started and paid after the backup
            (encode("tr_paid_since"), "hook-begun"),  # its webhook's mark: goes
            (WATCHED, watch_key(AT, "tr_open")),  # a watch written since: stays
        ],
        "Payments": [("c1", "pay-1")],  # everything else newer goes
    })  # fmt: skip
    counts = restore(backup, "2026-11-30", sets=["ledger"], now=AT)  # type: ignore[arg-type]
    kept = {c.table: c.kept for c in counts if c.kept}
    assert kept == {
        MOLLIE_PAYMENTS: ((encode("tr_paid_since"), "p"), (WATCHED, watch_key(AT, "tr_open")))
    }
    # and then the money hold's marker (restore26 F5: a restore of the ledger holds payouts)
    assert backup.put_rows == [(MOLLIE_PAYMENTS, {
        "PartitionKey": WATCHED, "RowKey": watch_key(AT, "tr_paid_since"),
        "PaymentId": "tr_paid_since", "Since": AT,
    }), (HOLD_TABLE, hold_entity("2026-11-30", AT, "unknown"))]  # fmt: skip


def test_the_payment_simulations_records_are_never_restored() -> None:
    """newcomer11 #3: the simulation's table stood in the ledger set, so rehearsing the
    runbook's restore locally made the simulated Mollie forget a payment made since the
    backup and the watch reported it missing (the invoice open again at 18,150.00)."""
    assert "SimulatedPayments" in NEVER_RESTORED
    assert "SimulatedPayments" not in restore_set([], ["ledger"])
    backup = RecordingBackup({})
    restore(backup, "2026-11-30", now=AT)  # type: ignore[arg-type]  # every table
    assert backup.skipped == NEVER_RESTORED
    with pytest.raises(BackupError, match="provider"):
        restore_set(["SimulatedPayments"])
