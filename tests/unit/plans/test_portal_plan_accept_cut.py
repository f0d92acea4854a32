"""failure16b F1: a portal accept that failed after the plan was made (one 503 ServerBusy on
a later write, or the worker cut off) left a draft nobody was asked to approve: no
``plan_approval`` item, the draft covering F1 and F2 so every later click was refused 400
``no_plan_offered``, and dunning ran on as drafts hold none. Now the click's error undoes its
draft (the debtor may agree again at once), and what it could not undo (a cut) the next click
finds through the claim and finishes as the first would have: started, or on the action list
once, or undone when it is not the schedule this click agrees to."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError

from shared.adapters.tables.prescription_repo import PrescriptionDecisions
from tests.support.faults import SimulatedCrash
from tests.unit.plans.test_portal_plan_as_shown import _client_id, _plans
from tests.unit.plans.test_portal_plans import IBAN, csrf, enter, shown
from tests.unit.plans.test_portal_plans import portal as portal

THREE = {"method": "transfer", "by": "count", "installments": "3"}
STALE = timedelta(minutes=3)  # past ACCEPT_STALE_SECONDS: a cut click's claim is taken over
STARTED = "/api/portal/plan?done=plan_started"


def _once(monkeypatch: pytest.MonkeyPatch, obj: object, name: str, fault: Callable[[], None],
          *, after: bool = False) -> None:  # fmt: skip
    """``obj.name`` fails once: before it runs, or after (the worker dies past its writes)."""
    real = getattr(obj, name)
    armed = [True]

    def failing(*args: Any, **kwargs: Any) -> Any:
        if armed[0] and not after:
            armed[0] = False
            fault()
        out = real(*args, **kwargs)
        if armed[0]:
            armed[0] = False
            fault()
        return out

    monkeypatch.setattr(obj, name, failing)


def _crash() -> None:
    raise SimulatedCrash("the worker died")


def _busy() -> None:
    e = HttpResponseError("503 ServerBusy (injected)")
    e.status_code = 503
    raise e


def _items(world: Any, kind: str = "plan_approval") -> list[dict[str, Any]]:
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [i for i in items if i["kind"] == kind]


def _form(browser: Any, **choice: str) -> dict[str, object]:
    return {"csrf": csrf(browser), **choice, "shown": shown(browser, **choice)}


def _no_waiting(world: Any) -> None:
    world.services.portal_plans.pause = lambda seconds: None


@pytest.mark.parametrize("where", ["acknowledge", "activate"])
def test_a_503_after_the_plan_is_made_lets_the_debtor_agree_again_at_once(
    portal: Any, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    world, app = portal
    browser = enter(world, app)
    form = _form(browser, **THREE)
    target = PrescriptionDecisions if where == "acknowledge" else world.services.plans
    _once(monkeypatch, target, where, _busy)
    assert browser.go("POST", "/portal/plan/accept", form).status == 503
    assert _plans(world) == []  # the draft of the failed click is undone
    again = browser.go("POST", "/portal/plan/accept", form)  # he tries again at once
    assert (again.status, again.headers.get("Location")) == (303, STARTED)
    assert [p.status.value for p in _plans(world)] == ["active"]
    (plan,) = _plans(world)
    client = world.services.repos.clients.get(_client_id(world))[0]
    assert world.services.plans.holding(client, "F1") == plan.plan_id  # dunning held


@pytest.mark.parametrize("cut_after", ["create", "activate"])
def test_a_click_cut_off_after_the_plan_is_finished_by_the_next(
    portal: Any, monkeypatch: pytest.MonkeyPatch, cut_after: str
) -> None:
    world, app = portal
    browser = enter(world, app)
    _no_waiting(world)
    form = _form(browser, **THREE)
    _once(monkeypatch, world.services.plans, cut_after, _crash, after=True)
    with pytest.raises(SimulatedCrash):
        browser.go("POST", "/portal/plan/accept", form)
    (made,) = _plans(world)
    assert made.status.value == ("draft" if cut_after == "create" else "active")
    # at once: the first click may still be at work, the second waits and says so
    assert browser.go("POST", "/portal/plan/accept", form).status == 409
    world.clock.at += STALE
    again = browser.go("POST", "/portal/plan/accept", form)
    assert (again.status, again.headers.get("Location")) == (303, STARTED)
    assert [(p.plan_id, p.status.value) for p in _plans(world)] == [(made.plan_id, "active")]
    # his word acknowledged the plan's claims (3:318 BW) on the day he gave it
    decisions = PrescriptionDecisions(world.services.repos.store).for_debtor(
        _client_id(world), "D1"
    )
    assert set(decisions) == {"F1", "F2"}
    # and the same page's button once more: the same plan
    assert browser.go("POST", "/portal/plan/accept", form).status == 303
    assert [p.plan_id for p in _plans(world)] == [made.plan_id]


@pytest.mark.parametrize("cut_after", ["create", "note"])
def test_a_draft_for_staff_is_put_on_the_action_list_once(
    portal: Any, monkeypatch: pytest.MonkeyPatch, cut_after: str
) -> None:
    """The client approves debtors' plans: the draft of a cut click reaches staff, once (cut
    after ``note``: the item was filed, the click died before it answered)."""
    world, app = portal
    assert world.agency_a.call("PUT", "/v1/clients/C1/plan-rules",
                               {"self_service": "staff"}).status == 200  # fmt: skip
    browser = enter(world, app)
    _no_waiting(world)
    form = _form(browser, **THREE)
    _once(monkeypatch, world.services.plans, cut_after, _crash, after=True)
    with pytest.raises(SimulatedCrash):
        browser.go("POST", "/portal/plan/accept", form)
    world.clock.at += STALE
    again = browser.go("POST", "/portal/plan/accept", form)
    assert again.headers.get("Location") == "/api/portal/plan?done=plan_requested"
    (plan,) = _plans(world)
    assert plan.status.value == "draft"
    (item,) = _items(world)
    assert item["detail"]["plan_id"] == plan.plan_id


def test_a_left_draft_of_another_schedule_is_undone_for_the_one_agreed_now(
    portal: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cut click's draft is three installments; the debtor's next click is the page of
    four he opened before: the draft of three goes, the plan of four is made."""
    world, app = portal
    browser = enter(world, app)
    _no_waiting(world)
    three = _form(browser, **THREE)
    four = _form(browser, **{**THREE, "installments": "4"})
    _once(monkeypatch, world.services.plans, "create", _crash, after=True)
    with pytest.raises(SimulatedCrash):
        browser.go("POST", "/portal/plan/accept", three)
    world.clock.at += STALE
    again = browser.go("POST", "/portal/plan/accept", four)
    assert (again.status, again.headers.get("Location")) == (303, STARTED)
    (plan,) = _plans(world)
    assert plan.status.value == "active" and len(plan.schedule) == 4


def test_a_direct_debit_draft_cut_before_its_mandate_gets_it_from_the_next_click(
    portal: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world, app = portal
    a = world.agency_a
    assert a.call("PUT", "/v1/clients/C1/plan-rules",
                  {"creditor_id": "NL69ZZZ123456780000", "self_service": "staff"}).status == 200  # fmt: skip
    browser = enter(world, app)
    _no_waiting(world)
    choice = {"method": "direct_debit", "by": "count", "installments": "2"}
    preview = browser.page("/portal/plan/preview", **choice)
    text = re.search(r'name="mandate_text" value="([^"]+)"', preview)
    assert text is not None
    form = {**_form(browser, **choice), "iban": IBAN, "holder": "D. One", "consent": "yes",
            "mandate_text": html.unescape(text.group(1))}  # fmt: skip
    _once(monkeypatch, world.services.plans, "create", _crash, after=True)
    with pytest.raises(SimulatedCrash):
        browser.go("POST", "/portal/plan/accept", form)
    (draft,) = _plans(world)
    assert draft.mandate is None
    world.clock.at += STALE
    again = browser.go("POST", "/portal/plan/accept", form)
    assert again.headers.get("Location") == "/api/portal/plan?done=plan_requested"
    (plan,) = _plans(world)
    assert plan.plan_id == draft.plan_id
    assert plan.mandate is not None and plan.mandate.iban == IBAN
    assert [i["detail"]["plan_id"] for i in _items(world)] == [plan.plan_id]


@pytest.mark.parametrize("then", ["again", "four"])
def test_a_second_503_on_resolving_the_withdrawn_drafts_item_is_closed_by_the_next_click(
    portal: Any, monkeypatch: pytest.MonkeyPatch, then: str
) -> None:
    """codereview17 F3: staff approve; a 503 on the timeline note after the item was filed
    (failure17 F4) and a second on resolving that item when the draft was withdrawn: the item
    of the deleted draft stayed open for good (its plan 404) beside the retry's, as the next
    click found no draft to withdraw. The claim now names the withdrawn draft until its item
    is resolved, and the next click (the same page or another schedule) closes it."""
    world, app = portal
    assert world.agency_a.call("PUT", "/v1/clients/C1/plan-rules",
                               {"self_service": "staff"}).status == 200  # fmt: skip
    browser = enter(world, app)
    _no_waiting(world)
    form = _form(browser, **THREE)
    other = _form(browser, **{**THREE, "installments": "4"})
    _once(monkeypatch, world.services.plans, "note", _busy)
    _once(monkeypatch, world.services.portal.repos.actions, "resolve_if_open", _busy)
    assert browser.go("POST", "/portal/plan/accept", form).status == 503
    assert _plans(world) == []  # the draft went; its item could not be resolved
    (gone,) = [i for i in _items(world) if i["status"] == "open"]
    world.clock.at += STALE
    again = browser.go("POST", "/portal/plan/accept", form if then == "again" else other)
    assert again.headers.get("Location") == "/api/portal/plan?done=plan_requested"
    (plan,) = _plans(world)
    opened = [i["detail"]["plan_id"] for i in _items(world) if i["status"] == "open"]
    assert opened == [plan.plan_id]
    (closed,) = [i for i in _items(world) if i["detail"]["plan_id"] == gone["detail"]["plan_id"]]
    assert closed["status"] == "resolved", closed
