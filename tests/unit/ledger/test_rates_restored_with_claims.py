"""ops16 #2: the table the claims were last restated to is restored with the claims. It was a
blob (``statutory-rates/in-force/``), in no restore set: ``inning restore --from <the night
before a rate change> --set ledger`` brought the claims back as booked on the old table, the
blob still named the new one, and no settle ever restated them again.

Figures of test_rate_table_restatement.py: consumer F1 1,000.00 due 31-5-2026, 300.00 paid
1-9-2026 on the stale table (10.08 interest, 710.08 open); 3.50 % from 1-7-2026 put in force on
1-12 gives 9.23 interest and 709.23 open. The restore is emulated on the in-memory store as
``TableBackup.restore`` defines it for the tables the ledger set names (each as that night,
rows written since deleted); blobs are in no backup."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from shared.domain.law.interest_rates import rate_table_csv
from shared.ports.tables import Row
from shared.services.operations.backups import restore_set
from shared.services.rates import CONTAINER, IN_FORCE, REMEMBERED, RESTATED_TABLE
from tests.support.rate_tables import table_before_july_2026
from tests.unit.api.conftest import World
from tests.unit.ledger.test_rate_restatement_queue import NEWER
from tests.unit.ledger.test_rate_table_restatement import _booked, _claim, deliver

pytestmark = pytest.mark.usefixtures("shipped_before_july_2026")


def _restore_ledger(world: World, night: dict[str, dict[tuple[str, str], Row]]) -> None:
    """`inning restore --from <night> --set ledger`: those tables exactly as that night."""
    tables = world.store._tables  # type: ignore[attr-defined]
    for name in restore_set([], ["ledger"]):
        tables[name] = copy.deepcopy(night.get(name, {}))


def test_a_restore_from_before_a_rate_change_is_restated_again(world: World) -> None:
    _booked(world)
    rates = world.services.statutory_rates
    assert rates.settle() == 0  # the daily run remembers the table the claims are booked on
    assert _claim(world, "2026-09-01")["paid"]["interest"] == "10.08"
    night = copy.deepcopy(world.store._tables)  # type: ignore[attr-defined]  # 1-12 02:30
    world.clock.at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    rates.upload(NEWER.encode(), author="ops")
    deliver(world)
    deliver(world, later=True)
    assert _claim(world, "2026-09-01")["paid"]["interest"] == "9.23"
    world.clock.at = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    _restore_ledger(world, night)
    assert _claim(world, "2026-09-01")["paid"]["interest"] == "10.08"  # as booked that night
    # the app starts again: the daily check_statutory_rates finds the restored claims' table
    # differ from the one in force and restates them
    assert rates.settle() == 1
    deliver(world)
    deliver(world, later=True)
    claim = _claim(world, "2026-09-01")
    assert (claim["paid"]["interest"], claim["open"]["principal"]) == ("9.23", "709.23")
    assert rates.settle() == 0  # once


def test_the_blob_of_a_release_before_counts_until_a_row_remembers(world: World) -> None:
    """A deployment upgraded with a table remembered in a blob: that table is the one restated
    from (not the releases' guess), and the first settle writes it as the row."""
    _booked(world)
    files = world.services.files
    # remembered by the release before: the table with the 3.50 % row, put in force then
    files.put(CONTAINER, f"{REMEMBERED}20261201T090000000000Z.csv", NEWER.encode())
    files.put(CONTAINER, "v20261201T090000000000Z.csv", NEWER.encode())
    rates = world.services.statutory_rates
    assert rates.settle() == 0  # the blob's table is in force: nothing to restate
    rows = world.store.query(RESTATED_TABLE, pk=IN_FORCE).rows
    assert [r.data["Table"] for r in rows] == [NEWER]
    assert rate_table_csv(table_before_july_2026()) != NEWER
