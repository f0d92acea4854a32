# ruff: noqa: F811  (the fixture world is imported)
"""A client's repayment recorded while a settlement run is completing the same client (after
the run read its repayments, before it completes), and a part repaid with the rest set off by
the next settlement: the client owes nothing back, so no claim-back item stays open asking
finance to claim money the client has repaid (failure6 finding 3)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from shared.services.settlement.runs import SettlementRunner
from tests.unit.api.conftest import world  # noqa: F401 (fixture)
from tests.unit.settlement.test_settlement_follows_ledger import _claim_back
from tests.unit.settlement.test_settlement_repayment import _owing, _repay
from tests.unit.settlement.test_settlement_run import MONDAY


def _owed(world: Any) -> str:
    return str(world.agency_a.call("GET", "/v1/clients/C1/settlement-repayments").body["owed"])


@pytest.mark.parametrize("race", [True, False], ids=["race", "control"])
def test_a_repayment_recorded_while_settling_leaves_no_claim_back_open(
    world: Any, monkeypatch: pytest.MonkeyPatch, race: bool
) -> None:
    s, _ = _owing(world)  # C1 owes 87.90; the claim-back item of that settlement is open
    # a new payment of C1 brings it 50.00 - 5.00 - 1.05 = 43.95
    s.pay(s.c1, "p2", date(2026, 12, 3), principal=5_000, costs=0, costs_vat=0, interest=0)
    done: list[Any] = []
    if race:
        real = SettlementRunner._complete

        def meanwhile(self: Any, *a: Any, **kw: Any) -> Any:
            if not done and a[2].client_id == s.c1.client_id:
                done.append(_repay(world, "87.90"))  # finance records C1's transfer now
            return real(self, *a, **kw)

        monkeypatch.setattr(SettlementRunner, "_complete", meanwhile)
    else:
        done.append(_repay(world, "87.90"))
    st = s.statements(s.run(MONDAY + timedelta(days=3)).run_id)["C1"].totals
    assert done[0].status == 201
    items = [(a.action_id, a.status.value) for a in _claim_back(world)]
    assert all(status == "resolved" for _, status in items), items
    # raced: the repayment waits for the next settlement, which pays the client 43.95 more
    assert (st.repaid, _owed(world)) == ((0, "-43.95") if race else (8790, "0.00"))
    monkeypatch.undo()
    s.pay(s.c1, "p3", date(2026, 12, 5), principal=100, costs=0, costs_vat=0, interest=0)
    later = s.statements(s.run(MONDAY + timedelta(days=6)).run_id)["C1"].totals
    assert later.payout > 0
    items = [(a.action_id, a.status.value) for a in _claim_back(world)]
    assert all(status == "resolved" for _, status in items), items


def test_a_part_repaid_and_the_rest_set_off_closes_the_claim_back(world: Any) -> None:
    s, _ = _owing(world)
    assert _repay(world, "50.00", ref="PART-1").body["owed"] == "37.90"
    assert [a.status.value for a in _claim_back(world)] == ["open"]  # 37.90 still owed
    s.pay(s.c1, "p2", date(2026, 12, 3), principal=5_000, costs=0, costs_vat=0, interest=0)
    st = s.statements(s.run(MONDAY + timedelta(days=3)).run_id)["C1"].totals
    assert (st.net, st.payout) == (605, 605)
    assert _owed(world) == "0.00"
    [item] = _claim_back(world)
    assert item.status.value == "resolved" and "settlement" in (item.resolution or "")


def test_a_settlement_that_leaves_money_owed_keeps_the_item_open(world: Any) -> None:
    """The control of the rule: a new payment too small to set the debt off leaves it owed."""
    s, _ = _owing(world)
    s.pay(s.c1, "p2", date(2026, 12, 3), principal=1_000, costs=0, costs_vat=0, interest=0)
    s.run(MONDAY + timedelta(days=3))
    assert _owed(world) != "0.00"
    assert "open" in [a.status.value for a in _claim_back(world)]
