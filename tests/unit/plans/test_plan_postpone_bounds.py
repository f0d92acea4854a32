# ruff: noqa: F811  (the fixtures are imported from the tests they belong to)
"""attack28 F2 left: an installment postponed to 20-11-9999 without moving the later ones was
accepted (the last one, or a plan of one: nothing after it to pass), a plan waiting 8,000
years. The rule a credit manager expects, in the API, the console form and the portal:
- an installment does not move past the next one unless the later ones move with it (this
  was refused before, without a code: now ``plan_move_passes_next``, with Dutch words);
- a postponement never makes the plan run past its term: the client's maximum term
  (``max_term_months``, the rule a new plan meets) from the plan's start, or the plan's
  last date already when it runs longer (a dispute's pause moved it): ``plan_move_past_term``.
That term is also the bound on how far one installment moves."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from shared.api.console.refusal_text import refusal
from shared.services.errors import Invalid
from tests.unit.plans.test_plan_service import BASE, make, plans  # noqa: F401 (fixture)
from tests.unit.plans.test_portal_plans import accept, csrf, enter, portal  # noqa: F401


def _detail(reply: Any) -> dict[str, Any]:
    (detail,) = reply.body["error"]["details"]
    return dict(detail)


def _running(world: Any) -> str:
    """D1's plan of 300.00 in three: 31-1, 28-2 and 31-3-2026; the term (12 months from its
    start, 31-1-2026) ends on 31-1-2027."""
    a = world.agency_a
    plan_id: str = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    return plan_id


def _dates(world: Any, plan_id: str) -> list[str]:
    got = world.agency_a.call("GET", f"{BASE}/{plan_id}").body
    return [i["due_date"] for i in got["installments"]]


def test_the_last_installment_moves_no_further_than_the_plans_term(plans):
    world, _ = plans
    plan_id = _running(world)
    a = world.agency_a
    before = _dates(world, plan_id)
    for to in ("9999-11-20", "2027-02-01"):
        reply = a.call("POST", f"{BASE}/{plan_id}/installments/3/postpone", {"to": to})
        assert reply.status == 422, (to, reply.body)
        detail = _detail(reply)
        assert (detail["code"], detail["field"]) == ("plan_move_past_term", "to"), detail
        assert "31-01-2027" in detail["message"] or "2027-01-31" in detail["message"]
    assert _dates(world, plan_id) == before
    ok = a.call("POST", f"{BASE}/{plan_id}/installments/3/postpone", {"to": "2027-01-31"})
    assert ok.status == 200, ok.body
    assert _dates(world, plan_id) == ["2026-01-31", "2026-02-28", "2027-01-31"]


def test_moving_the_later_ones_along_stays_inside_the_term_too(plans):
    world, _ = plans
    plan_id = _running(world)
    a = world.agency_a
    path = f"{BASE}/{plan_id}/installments/1/postpone"
    alone = a.call("POST", path, {"to": "2026-03-15"})  # past installment 2 (28-2)
    assert alone.status == 422
    assert _detail(alone)["code"] == "plan_move_passes_next", alone.body
    far = a.call("POST", path, {"to": "2026-12-31", "shift_later": True})  # last: 28-2-2027
    assert (far.status, _detail(far)["code"]) == (422, "plan_move_past_term"), far.body
    moved = a.call("POST", path, {"to": "2026-11-30", "shift_later": True})
    assert moved.status == 200, moved.body
    assert _dates(world, plan_id) == ["2026-11-30", "2026-12-30", "2027-01-30"]


def test_the_refusals_read_dutch():
    term = Invalid("x", field="to", code="plan_move_past_term",
                   params={"months": 12, "start": date(2026, 1, 31), "day": date(2027, 1, 31)})  # fmt: skip
    assert refusal(term, "nl") == (
        "Een regeling loopt niet langer dan 12 maanden vanaf haar begin (31-01-2026): de laatste "
        "termijn valt uiterlijk op 31-01-2027."
    )
    assert refusal(term, "en").startswith("A plan runs no longer than 12 months from its start")
    passes = Invalid("x", field="to", code="plan_move_passes_next",
                     params={"number": 1, "next": 2, "day": date(2026, 2, 28)})  # fmt: skip
    assert refusal(passes, "nl").startswith("Termijn 1 schuift niet voorbij termijn 2")


def test_the_debtor_cannot_ask_for_a_date_past_the_term_in_the_portal(portal):
    w, app = portal
    a = w.agency_a
    browser = enter(w, app)
    assert accept(browser, method="transfer", by="count", installments="3").status == 303
    client = w.services.access.client_for(w.services.access.authenticate(a.key), "C1")
    (plan,) = w.services.plans.of_client(client)
    last = plan.schedule[-1]
    reply = browser.go("POST", "/portal/plan/postpone", {
        "csrf": csrf(browser), "plan": plan.plan_id, "installment": str(last.number),
        "to": "9999-11-20", "reason": "later"})  # fmt: skip
    assert reply.status == 400, reply.status
    page = reply.encoded().decode()
    assert "niet langer dan 12 maanden" in page, page[:3000]
    kinds = [x["kind"] for x in a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert "plan_postponement_request" not in kinds  # no request staff could not grant
    assert w.services.plans.get(client, plan.plan_id).schedule == plan.schedule
    # within the term a request is filed as before
    inside = last.due_date + timedelta(days=plan.rules.debtor_postpone_days + 7)
    asked = browser.go("POST", "/portal/plan/postpone", {
        "csrf": csrf(browser), "plan": plan.plan_id, "installment": str(last.number),
        "to": inside.isoformat(), "reason": "later"})  # fmt: skip
    assert asked.status == 303
