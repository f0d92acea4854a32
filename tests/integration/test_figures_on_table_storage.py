"""The portfolio sums on the in-memory store and on Azurite alike: changes recorded by the
invoice, payment and action repositories, folded by a reader in one transaction, counted once
when two readers fold the same changes, and equal to a recount from scratch."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from shared.adapters.tables.figures_repo import FIGURES, FOLD_AT, FiguresRepository
from shared.adapters.tables.keys import encode
from shared.domain.invoices import Invoice
from shared.domain.records import ActionItem
from shared.ports.tables import all_rows


def test_changes_fold_once_and_agree_with_a_recount(repos):
    client = f"fig-{uuid.uuid4().hex[:8]}"
    figures = FiguresRepository(repos.store)
    invoices = [
        Invoice(client, f"F{n}", f"D{n % 7}", date(2025, 1, 1), date(2025, 1 + n % 3, 10), 1000 + n)
        for n in range(FOLD_AT + 20)
    ]
    for inv in invoices:
        repos.invoices.save(inv, None)
    now = datetime(2025, 3, 3, tzinfo=UTC)
    for n in range(5):
        repos.actions.add(ActionItem(client, f"a{n}", "staff_task", "t", now))
    first, second = FiguresRepository(repos.store), FiguresRepository(repos.store)
    seen = first.read(client)
    assert second.read(client) == seen  # the second's fold finds nothing left, or fails whole
    assert sum(seen.open_by_due.values()) == sum(i.amount for i in invoices)
    assert seen.waiting_by_kind == {"staff_task": 5}
    rows = list(all_rows(repos.store, FIGURES, pk=encode(client)))
    assert len(rows) < len(invoices)  # folded into a few month rows
    figures.rebuild(client, invoices, {}, {"staff_task": 5})
    rebuilt = figures.read(client)
    assert rebuilt.built and rebuilt.open_by_due == seen.open_by_due
    assert rebuilt.waiting_by_kind == seen.waiting_by_kind


def test_an_item_added_and_resolved_across_crashes_counts_once(repos):
    """The owed move on the item's row and its item-keyed change on Table Storage (the row's
    time read back as Azure's datetime): a redelivery after each crash settles it (counts24)."""
    import pytest

    from shared.adapters.tables import schema
    from shared.adapters.tables.records_repo import OWED, ActionRepository
    from tests.support.faults import FaultPlan, FaultyTableStore, SimulatedCrash

    client = f"fig-{uuid.uuid4().hex[:8]}"
    day_ago = datetime.now(UTC) - timedelta(days=1)
    FiguresRepository(repos.store, lambda: day_ago).rebuild(client, [], {}, {})
    plan = FaultPlan()
    actions = ActionRepository(FaultyTableStore(repos.store, plan))
    item = ActionItem(client, "q1", "statement_quarantined", "refused", datetime.now(UTC))
    plan.rule(lambda o, t: o == "insert" and t == schema.ACTIONS, "crash_after")
    with pytest.raises(SimulatedCrash):
        actions.add_once(item)
    assert actions.add_once(item) is False
    assert FiguresRepository(repos.store).read(client).waiting_by_kind == {
        "statement_quarantined": 1
    }
    plan.rule(lambda o, t: o == "replace" and t == schema.ACTIONS, "crash_after")
    with pytest.raises(SimulatedCrash):
        actions.resolve_if_open(client, "q1", "done", datetime.now(UTC))
    assert actions.resolve_if_open(client, "q1", "done", datetime.now(UTC)) is False
    assert FiguresRepository(repos.store).read(client).waiting_by_kind == {}
    row = repos.store.get(schema.ACTIONS, encode(client), "q1")
    assert row is not None and OWED not in row.data
