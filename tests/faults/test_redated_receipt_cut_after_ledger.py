"""failure27 F3: a client's receipt re-dated (``POST .../payments/{id}/received-on``) cut off
after the ledger booked it again on its new day and before its payment row was written. The
retry reversed the old receipt once more; a return is a replay's reason, and the debtor's
claims replayed again moved the re-dated 100.00 (a receipt of F1 only) over F1 and F2 as if
undesignated: F1 29.24 short (open 79.46 for 50.21), and the agency of the case told a second
'received EUR 100.00 ... on invoice F2'. A return already made now changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shared.adapters.tables.ledger_repo import LEDGER
from tests.support.faults import FaultPlan, SimulatedCrash
from tests.unit.api.conftest import make_world
from tests.unit.dunning.test_case_told_of_own_money import _corrections, _received, _taken_back
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401

PLAN = FaultPlan(enabled=True)


@pytest.fixture
def world() -> Any:
    """The dunning engine's world, its services writing through the fault plan."""
    PLAN.rules.clear()
    return make_world(faults=PLAN)


def _open(world: Any, client: Any) -> dict[str, int]:
    day = world.clock.now().date()
    return {n: world.services.ledger.claim(client, n, day).open.total for n in ("F1", "F2")}


def _second_ledger_write() -> Any:
    """The re-dating's ledger writes: the old receipt's reversal, then its booking again."""
    seen: list[str] = []

    def match(op: str, table: str) -> bool:
        if op == "transact" and table == LEDGER:
            seen.append(op)
            return len(seen) == 2
        return False

    return match


def test_a_re_dating_cut_after_its_ledger_booking_books_it_on_its_invoice_alone(engine):  # noqa: F811
    from tests.unit.dunning.test_case_told_of_direct_receipt import _sync

    world, client = engine
    handed_over(world, client)
    _sync(world, "21.00")  # 100.00 of F1's 121.00 reported paid to the client
    [receipt] = world.services.repos.payments.list(client.client_id)[0]
    day = receipt.received_on - timedelta(days=2)
    again = f"{receipt.payment_id}-on-{day:%Y%m%d}"

    def ask() -> Any:
        return world.agency_a.call(
            "POST", f"/v1/clients/C1/payments/{receipt.payment_id}/received-on",
            {"received_on": day.isoformat(), "reason": "the client's books"},
        )  # fmt: skip

    PLAN.rule(_second_ledger_write(), "crash_after")
    with pytest.raises(SimulatedCrash):
        ask()
    PLAN.rules.clear()
    assert world.services.repos.payments.get(client.client_id, again) is None  # what it left
    reply = ask()  # the caller's retry
    assert reply.status == 200, reply.body

    booked = world.services.repos.payments.get(client.client_id, again)
    assert booked is not None and not booked.reversed
    assert {a.invoice_number for a in booked.allocations} == {"F1"}, booked.allocations
    assert sum(a.amount for a in booked.allocations) == 10_000
    # as the same request uncut leaves them: 50.21 open on F1, F2's 62.09 untouched
    assert _open(world, client) == {"F1": 5_021, "F2": 6_209}
    # the agency heard the receipt once, and its correction once
    assert len(_received(world)) == 1 and len(_corrections(world)) == 1
    assert _taken_back(world) == []
