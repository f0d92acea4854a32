"""failure16 R2: a plan's direct debit whose submission was cut off between its collection row
and its SddPending row (the row that tells the build a file is due) was never put in a file,
yet booked as collected on its date: installment 1 paid 100.00, F1 lowered by 100.00, no
pain.008, no item. The redelivery finishes the pending row; a collection no file carried is
never booked: on its date it is withdrawn as missed, told, and filed again."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.ports.tables import all_rows
from shared.services.plans.direct_debit import CONTAINER, PENDING
from tests.unit.plans.test_plan_debit_returned_late import _days
from tests.unit.plans.test_plan_service import BASE, run_day
from tests.unit.plans.test_plan_service import plans as plans
from tests.unit.plans.test_sepa_returns import _actions, _running_direct_debit


class CutAtPending:
    """The worker dies at the first SddPending write (after the collection row landed)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.cut = 1

    def upsert(self, table: str, row: Any) -> Any:
        if table == PENDING and self.cut:
            self.cut -= 1
            raise RuntimeError("the worker died before SddPending was written")
        return self.inner.upsert(table, row)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _plan(world: Any, plan_id: str) -> dict[str, Any]:
    got: dict[str, Any] = world.agency_a.call("GET", f"{BASE}/{plan_id}").body
    return got


def _in_files(world: Any) -> list[str]:
    files = world.services.files
    return [n for n in files.names(CONTAINER) if b"<DrctDbtTxInf>" in files.get(CONTAINER, n)]


def test_a_submission_cut_before_its_pending_row_is_finished_by_the_redelivery(plans: Any) -> None:
    world, _ = plans
    plan_id = _running_direct_debit(world)
    desk = world.services.plans.desk
    desk.store = CutAtPending(desk.store)
    with pytest.raises(RuntimeError):
        run_day(world, date(2026, 1, 21))  # filed five days before 26 January: cut
    run_day(world, date(2026, 1, 21))  # the installments message comes back
    _days(world, date(2026, 1, 22), date(2026, 1, 27))
    got = _plan(world, plan_id)
    assert [(d["state"], d["collection_date"]) for d in got["direct_debits"]] == [
        ("collected", "2026-01-26")
    ]
    assert got["installments"][0]["paid"] == "100.00"
    # the bank had it to collect: one file, built 24 January, and its upload item
    assert [n.rsplit("/", 1)[-1][:10] for n in _in_files(world)] == ["2026-01-26"]
    assert [x["detail"]["total"] for x in _actions(world, "direct_debit_file")] == [10000]


def test_a_collection_no_file_carried_is_not_booked_but_missed_and_filed_again(
    plans: Any,
) -> None:
    """Whatever leaves a collection without its pending row until its date (here: the row
    lost after every day's run, as the cut left it before this fix with no day to finish
    it), no file is made. Nothing is booked; the collection is withdrawn as missed (told),
    and the installment is filed again and collected."""
    world, _ = plans
    plan_id = _running_direct_debit(world)
    store = world.services.repos.store
    for day in range(21, 26):
        run_day(world, date(2026, 1, day))
        for row in list(all_rows(store, PENDING, pk="pending")):
            store.delete(PENDING, row.pk, row.rk)
    run_day(world, date(2026, 1, 26))  # its date
    got = _plan(world, plan_id)
    assert _in_files(world) == []
    assert got["direct_debits"][0]["state"] == "withdrawn"
    assert [i["paid"] for i in got["installments"]] == ["0.00", "0.00", "0.00"]
    missed = _actions(world, "direct_debit_missed")
    assert [x["detail"]["collection_date"] for x in missed] == ["2026-01-26"]
    # filed again for a later day, in a file this time, and collected then
    _days(world, date(2026, 1, 27), date(2026, 2, 10))
    got = _plan(world, plan_id)
    states = [(d["state"], d["collection_date"], d["amount"]) for d in got["direct_debits"]]
    assert states[:2] == [
        ("withdrawn", "2026-01-26", "100.00"),
        ("collected", "2026-02-02", "100.00"),
    ]
    assert got["installments"][0]["paid"] == "100.00"
    assert [n.rsplit("/", 1)[-1][:10] for n in _in_files(world)] == ["2026-02-02"]
