"""An import schedules its new invoices with one row per request; the daily run gives each
invoice its own next row and deletes the import's row, keeps a row of their own for today for
debtors it could not finish, and hands a later-sharded client's other shards their debtors."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.adapters.tables.dunning_repo import IMPORTED, SCHEDULE
from shared.adapters.tables.keys import encode
from shared.services.dunning import DunningRunIncomplete, _shard_of
from tests.unit.dunning.test_dunning_outages import _reminders, faulty  # noqa: F401 - fixture


def _rows(world, client) -> list[str]:
    page = world.store.query(SCHEDULE, pk=encode(client.client_id))
    return sorted(r.rk for r in page.rows if not r.rk.startswith("~"))


def test_an_import_is_one_row_the_run_replaces_by_one_per_invoice(faulty):  # noqa: F811
    world, client, _ = faulty
    rows = _rows(world, client)
    assert len(rows) == 1 and rows[0].split("|")[1] == IMPORTED
    due = world.services.repos.dunning.due(client.client_id, date(2025, 3, 3))
    assert {(e.debtor_number, e.invoice_number, e.imported) for e in due} == {
        ("D1", "F1", True), ("D2", "F2", True),
    }  # fmt: skip
    world.clock.at = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)
    world.services.dunning.run_client(client.client_id, date(2025, 3, 17))
    assert len(_reminders(world, client, "D1")) == len(_reminders(world, client, "D2")) == 1
    after = _rows(world, client)
    assert [r.split("|", 1)[1] for r in after] == ["D1|F1", "D2|F2"]
    assert all(r > "20250317" for r in after)  # each at its next step's date


def test_a_debtor_the_run_could_not_finish_keeps_a_row_for_the_retry(faulty):  # noqa: F811
    world, client, plan = faulty
    world.clock.at = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)
    plan.rule(lambda op, table: op == "transact" and table == "Invoices", "reset", times=1)
    with pytest.raises(DunningRunIncomplete):
        world.services.dunning.run_client(client.client_id, date(2025, 3, 17))
    rows = _rows(world, client)
    assert not any(r.split("|")[1] == IMPORTED for r in rows)
    assert len([r for r in rows if r.startswith("20250317|")]) == 1  # the one that failed
    world.services.dunning.run_client(client.client_id, date(2025, 3, 17))
    assert len(_reminders(world, client, "D1")) == len(_reminders(world, client, "D2")) == 1
    assert all(r > "20250317" for r in _rows(world, client))


def test_a_client_sharded_after_an_import_gets_each_debtor_worked_once(faulty):  # noqa: F811
    world, client, _ = faulty
    world.clock.at = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)
    shards = 4
    assert {_shard_of("D1", shards), _shard_of("D2", shards)} != {0}  # someone is handed on
    for shard in range(shards):
        world.services.dunning.run_client(client.client_id, date(2025, 3, 17), shard, shards)
    assert len(_reminders(world, client, "D1")) == len(_reminders(world, client, "D2")) == 1
    assert all(r > "20250317" for r in _rows(world, client))


def test_a_sharded_client_schedules_a_row_per_invoice(faulty):  # noqa: F811
    world, client, _ = faulty
    invoices = world.services.repos.invoices.for_debtor(client.client_id, "D1")
    invoices += world.services.repos.invoices.for_debtor(client.client_id, "D2")
    world.services.dunning.schedule_invoices(client.client_id, invoices, shards=2)
    assert "20250303|D1|F1" in _rows(world, client) and "20250303|D2|F2" in _rows(world, client)
