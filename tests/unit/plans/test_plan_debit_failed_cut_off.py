"""A collection's return cut off after the plan's row was saved still tells the debtor and
staff when the bank delivers it again (codereview14b F3). The row then says the collection
came back, and before the redelivery returned early as "told before": the debtor never heard
his installment failed (no `plan|<id>|debit-failed|<e2e>`), staff had no `plan_debit_failed`
item, and the plan lapsed on 11-2 unsaid.

The plans fixture's direct-debit plan, collection 1 of 26-1; an AM04 rejection read 3-2 whose
worker dies right after the row's save, then the same status report again."""

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.services.plans.direct_debit import CONTAINER
from shared.services.plans.service import PlanService
from tests.unit.plans.test_plan_debit_returned_late import _days, _told
from tests.unit.plans.test_plan_service import BASE
from tests.unit.plans.test_plan_service import plans as plans
from tests.unit.plans.test_sepa_returns import _actions, _running_direct_debit, report


def test_a_return_cut_off_after_the_save_is_told_on_redelivery(
    plans: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world, client = plans
    a = world.agency_a
    plan_id = _running_direct_debit(world)
    _days(world, date(2026, 1, 21), date(2026, 1, 26))
    e2e = a.call("GET", f"{BASE}/{plan_id}").body["direct_debits"][0]["end_to_end_id"]
    world.clock.at = datetime(2026, 2, 3, 9, 0, tzinfo=UTC)
    [name] = sorted(world.services.files.names(CONTAINER))[:1]
    message_id = name.rsplit("-", 1)[-1].removesuffix(".xml")
    rejected = report(message_id, (e2e, "RJCT", "AM04"))

    def cut_off(*args: Any, **kw: Any) -> None:  # the worker dies right after the row's save
        raise RuntimeError("cut off")

    with monkeypatch.context() as m:
        m.setattr(PlanService, "_tell_debit_failed", cut_off)
        first = a.call("POST", "/v1/clients/C1/direct-debits/status-reports", raw=rejected)
    assert first.status == 500
    assert a.call("GET", f"{BASE}/{plan_id}").body["direct_debits"][0]["state"] == "returned"
    assert _actions(world, "plan_debit_failed") == []

    again = a.call("POST", "/v1/clients/C1/direct-debits/status-reports", raw=rejected)
    assert again.status == 200, again.body
    assert _told(world, client, plan_id, e2e)  # LookupError: never written
    [item] = _actions(world, "plan_debit_failed")
    assert item["detail"]["end_to_end_id"] == e2e and item["detail"]["installment"] == 1

    # delivered once more: nothing new (the item's id and the notice's key)
    assert a.call("POST", "/v1/clients/C1/direct-debits/status-reports", raw=rejected).status == 200
    assert len(_actions(world, "plan_debit_failed")) == 1


def test_a_return_cut_off_at_the_contact_log_is_logged_once_on_redelivery(
    plans: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cut off at the contact log's write (after the debtor was told): the redelivery used
    to see staff's item and return "told before", and the contact log never said the
    collection failed (failure15 F8). The entry is keyed by the collection and written
    before the item."""
    world, client = plans
    a = world.agency_a
    plan_id = _running_direct_debit(world)
    _days(world, date(2026, 1, 21), date(2026, 1, 26))
    e2e = a.call("GET", f"{BASE}/{plan_id}").body["direct_debits"][0]["end_to_end_id"]
    world.clock.at = datetime(2026, 2, 3, 9, 0, tzinfo=UTC)
    [name] = sorted(world.services.files.names(CONTAINER))[:1]
    message_id = name.rsplit("-", 1)[-1].removesuffix(".xml")
    rejected = report(message_id, (e2e, "RJCT", "AM04"))

    def cut_off(*args: Any, **kw: Any) -> None:  # the worker dies at the contact log's write
        raise RuntimeError("cut off")

    with monkeypatch.context() as m:
        m.setattr(PlanService, "_contact", cut_off)
        first = a.call("POST", "/v1/clients/C1/direct-debits/status-reports", raw=rejected)
    assert first.status == 500

    def logged() -> list[str]:
        return [c.summary for c in world.services.repos.contacts.between(client.client_id)
                if "failed" in c.summary]  # fmt: skip

    for _ in range(2):  # delivered again, and once more: logged once
        again = a.call("POST", "/v1/clients/C1/direct-debits/status-reports", raw=rejected)
        assert again.status == 200, again.body
        assert logged() == ["Direct debit of installment 1 failed (AM04)"]
        assert len(_actions(world, "plan_debit_failed")) == 1
