"""A night's backup of the in-memory table store, restored with the semantics of
shared/adapters/tables/backup.py ``TableBackup.restore`` (tested against Azurite in
tests/integration/test_backup_restore.py): each restored table made exactly as that night
(rows written since deleted unless ``keep_newer`` keeps them), the ``skip`` tables left alone,
the ``never_rolled_back`` tables given back only the rows they lack, and the rows of the
``keep_later`` tables made by its function of the row now and the night's. So the real restore
service (shared/services/operations/backups.py ``restore``) runs over a whole world."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from shared.adapters.tables.backup import Later, TableCount
from shared.adapters.tables.memory import InMemoryTableStore
from shared.ports.tables import Row


class NightlyBackup:
    """Taken when made (the night); ``restore`` and ``put`` are the two calls of
    ``TableBackup`` the restore service makes."""

    def __init__(self, store: InMemoryTableStore) -> None:
        self.store = store
        self.night = copy.deepcopy(store._tables)

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
        keep_newer = keep_newer or {}
        keep_later = keep_later or {}
        forward_only = set(never_rolled_back)
        tables = set(only) or set(self.night) | set(self.store._tables)
        counts = []
        for table in sorted(tables - set(skip)):
            now = self.store._tables.setdefault(table, {})
            then = copy.deepcopy(self.night.get(table, {}))
            if table in forward_only:
                kept = sorted(k for k in now if k not in then)
                for key, row in then.items():
                    now.setdefault(key, row)
                counts.append(TableCount(table, len(then), tuple(kept)))
                continue
            if (later := keep_later.get(table)) is not None:
                for key, row in then.items():
                    if key in now:
                        then[key] = _later(later, now[key], row)
            keep = keep_newer.get(table)
            kept = sorted(k for k in now if k not in then and keep is not None and keep(*k))
            held = len(then)
            for key in kept:
                then[key] = now[key]
            self.store._tables[table] = then
            counts.append(TableCount(table, held, tuple(kept)))
        return counts

    def put(self, table: str, entity: Mapping[str, Any]) -> None:
        data = {k: v for k, v in entity.items() if k not in ("PartitionKey", "RowKey")}
        self.store.upsert(table, Row(entity["PartitionKey"], entity["RowKey"], data))


def _later(keep: Later, now: Row, then: Row) -> Row:
    """``then`` as ``keep`` makes it of the row ``now`` (TableBackup's ``keep_later``)."""
    keys = {"PartitionKey": then.pk, "RowKey": then.rk}
    entity = keep({**now.data, **keys}, {**then.data, **keys})
    data = {k: v for k, v in entity.items() if k not in keys}
    return Row(then.pk, then.rk, data, then.etag)
