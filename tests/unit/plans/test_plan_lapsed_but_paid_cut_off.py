# ruff: noqa: F811
"""A cancelled Mollie plan whose refunded installment 1 turns out paid (the
refund failed at Mollie). Uncut: the plan stays cancelled, the debit is collected again and
staff get plan_lapsed_but_paid ('consider offering the plan again'). Cut off right after the
plan's row is saved (the worker dies at the timeline's write), the webhook's retry finds the
debit collected already and returns: the item is written before the save, keyed by the
collection, so staff are told once all the same (failure15 F3)."""

from __future__ import annotations

from typing import Any

import pytest

from shared.services.plans.service import PlanService
from tests.support.mollie_stand_in import MollieWorld
from tests.unit.plans.test_plan_mollie import actions, mollie, plan_of, webhook, world  # noqa: F401
from tests.unit.plans.test_plan_mollie_refund_failed import _refunded


def test_a_counts_again_cut_off_after_the_save_still_tells_staff_once(
    world: Any, mollie: MollieWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.unit.plans.test_plan_service import BASE

    plan_id, pid, refund_id = _refunded(world, mollie)
    reply = world.agency_a.call(
        "POST", f"{BASE}/{plan_id}/cancel", {"reason": "installment 1 refunded"}
    )
    assert reply.status == 200, reply.body
    mollie.refund_status(pid, refund_id, "failed")
    real = PlanService._log

    def cut_at_collected(self: Any, plan: Any, kind: str, text: str) -> None:
        if kind == "collected":
            raise RuntimeError("cut off")
        real(self, plan, kind, text)

    with monkeypatch.context() as m:
        m.setattr(PlanService, "_log", cut_at_collected)
        with pytest.raises(RuntimeError):
            webhook(world, pid)
    outcomes = []
    for _ in range(3):  # the queue's redeliveries
        try:
            outcomes += webhook(world, pid)
        except Exception as exc:
            outcomes.append(repr(exc))
    got = plan_of(world, plan_id)
    assert got["status"] == "cancelled" and got["direct_debits"][0]["state"] == "collected"
    items = actions(world, "plan_lapsed_but_paid")
    assert len(items) == 1, (outcomes, items)
