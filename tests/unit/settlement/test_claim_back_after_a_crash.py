"""failure5 finding 3: a settlement whose net is negative (the ledger moved money already paid
out) is written complete, and the worker dies right after (the balance's write is the next
step). The run message comes back after the lease and finishes the run; the resume makes the
``settlement_claim_back`` item (keyed per settlement: once). Figures:
``test_settlement_follows_ledger.py::test_money_moved_twice_after_payout_is_corrected_once_each_time``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from shared.domain.records import AllocatedAmount
from tests.support.faults import SimulatedCrash
from tests.unit.settlement.test_settlement_follows_ledger import _claim_back, _move
from tests.unit.settlement.test_settlement_run import MONDAY, Setup


@pytest.mark.parametrize("crash", [True, False], ids=["crash_after_settlement_row", "control"])
def test_the_claim_back_item_survives_a_crash_after_the_settlement_row(
    world: Any, monkeypatch: pytest.MonkeyPatch, crash: bool
) -> None:
    s = Setup(world)
    s.pay(s.c1, "p1", date(2026, 11, 27), principal=10_000, costs=0, costs_vat=0, interest=0)
    s.run(MONDAY)  # paid out 87.90
    _move(s, "p1", AllocatedAmount("F2", "costs", 4_000))  # a credit note moved it: net -96.30
    store = s.services.settlement_runs.store
    day = MONDAY + timedelta(days=1)
    if crash:
        real = store.save_balance
        calls: list[object] = []

        def dies(*a: Any, **kw: Any) -> Any:
            calls.append(a)
            if len(calls) == 1:
                raise SimulatedCrash("after save_settlement(COMPLETE), before the balance")
            return real(*a, **kw)

        monkeypatch.setattr(store, "save_balance", dies)
        with pytest.raises(SimulatedCrash):
            s.run(day)
        assert _claim_back(world) == []  # the crash came before the item
    s.run(day)
    # the run message again: the crashed worker's lease (5 minutes) has run out
    world.clock.at = world.clock.at + timedelta(minutes=6)
    second = s.services.settlement_runs.run_agency("agency-a", day)
    st = s.statements(second.run_id)["C1"]
    bal, _ = store.balance("agency-a", s.c1.client_id)
    assert second.owed_total == 9_630 and st.totals.net == -9_630 and bal.carried == -9_630
    # staff are asked to claim the 96.30 back, once however often the run is handled
    [item] = _claim_back(world)
    assert item.detail.get("owed") == 9_630
