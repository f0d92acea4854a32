"""The dunning holds of a plan staff cancelled while the debtor kept it (law16b F4), on both
table stores: held from the dunning in the client's ``|ended`` partition until released, apart
from the running plans' holds (a new plan, the portal and the console read those alone)."""

from __future__ import annotations

import uuid
from datetime import date

from shared.adapters.tables.plans_repo import PlanRepository, held_by_plan
from shared.services.repositories import Repositories


def test_an_ended_plans_hold_is_read_by_the_dunning_alone_and_released_by_its_plan(
    repos: Repositories,
) -> None:
    client_id = "cl-" + uuid.uuid4().hex[:8]
    plans = PlanRepository(repos.store)
    plans.hold_after_end(client_id, "PL1", ("F1", "2024/002"), date(2026, 4, 8))
    assert held_by_plan(repos.store, client_id, ["F1", "2024/002", "F3"], ended=True) == {
        "F1",
        "2024/002",
    }
    assert held_by_plan(repos.store, client_id, ["F1", "2024/002"]) == set()
    assert plans.holding_plan(client_id, "F1") is None
    # another plan's release does not drop it; its own does, and a second time is harmless
    plans.release_after_end(client_id, ("F1",), "PL2")
    assert held_by_plan(repos.store, client_id, ["F1"], ended=True) == {"F1"}
    plans.release_after_end(client_id, ("F1", "2024/002"), "PL1")
    plans.release_after_end(client_id, ("F1", "2024/002"), "PL1")
    assert held_by_plan(repos.store, client_id, ["F1", "2024/002"], ended=True) == set()
    # a new plan drops any ended plan's hold of its invoices
    plans.hold_after_end(client_id, "PL1", ("F1",), date(2026, 4, 8))
    plans.release_after_end(client_id, ("F1",))
    assert held_by_plan(repos.store, client_id, ["F1"], ended=True) == set()
