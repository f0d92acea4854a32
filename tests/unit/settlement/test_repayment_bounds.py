"""attack6 finding 5: a settlement repayment was recorded without bound: 12,345,678.90 for a
client that owes nothing back (``owed: -12345678.90``, paid out of the third-party account by
its next settlement), ``received_on`` 2099-12-31 or 1900-01-01. What cannot be true is now a
422 with a Dutch/English message."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.domain.settlement.repayment import (
    RepaymentError,
    check_received_on,
    check_within_owed,
)
from tests.unit.settlement.test_settlement_repayment import PATH, _owing
from tests.unit.settlement.test_settlement_run import Setup


def _post(world: Any, amount: str, received_on: str, ref: str, **more: Any) -> Any:
    body = {"reference": ref, "amount": amount, "received_on": received_on, **more}
    return world.agency_a.call("POST", PATH, body)


def test_the_rules() -> None:
    today = date(2026, 12, 2)
    assert check_received_on(today, today, None) == today
    for day, settled in ((date(2099, 12, 31), None), (date(1900, 1, 1), None),
                         (date(2026, 11, 29), date(2026, 11, 30)), (date(2025, 11, 30), None)):  # fmt: skip
        with pytest.raises(RepaymentError):
            check_received_on(day, today, settled)
    assert check_within_owed(8_790, 8_790) == 8_790
    for amount, owed in ((8_791, 8_790), (1, 0), (1, -500)):
        with pytest.raises(RepaymentError) as refused:
            check_within_owed(amount, owed)
        assert " / " in str(refused.value)  # English / Dutch


def test_nothing_owed_nothing_repaid_and_no_day_out_of_time(world: Any) -> None:
    Setup(world)  # C1 owes nothing back
    world.clock.at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    reply = _post(world, "12345678.90", "2026-12-01", "A6-HUGE")
    assert reply.status == 422 and "owes back" in reply.body["error"]["message"], reply.body
    assert world.agency_a.call("GET", PATH).body == {"owed": "0.00", "items": []}


def test_more_than_owed_or_a_date_out_of_range_is_refused(world: Any) -> None:
    s, run = _owing(world)  # owes 87.90
    world.clock.at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    assert _post(world, "87.91", "2026-12-02", "A6-MORE").status == 422
    assert _post(world, "1.00", "2099-12-31", "A6-LATE").status == 422
    assert _post(world, "1.00", "1900-01-01", "A6-OLD").status == 422
    sid = s.statements(run.run_id)["C1"].settlement_id  # settled on 2026-12-01
    assert _post(world, "1.00", "2026-11-30", "A6-EARLY", settlement=sid).status == 422
    assert world.agency_a.call("GET", PATH).body["items"] == []
    ok = _post(world, "87.90", "2026-12-01", "A6-OK", settlement=sid)
    assert ok.status == 201 and ok.body["owed"] == "0.00", ok.body
    again = _post(world, "87.90", "2026-12-01", "A6-OK", settlement=sid)  # a retry: same answer
    assert again.status == 201 and again.body["created"] is False
