"""A 409 names the rule that refused, as a 422 does (newcomer14 #3): the service's
``ConflictingUpdate(code=...)`` reached the client as a bare ``conflict``, so an integrator
could not tell "a natural obligation: never" (plan_natural_obligation) from "changed
meanwhile: read again and retry". docs/law.md and README *Errors* promise the code."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.api.app import _conflict
from shared.services.errors import ConflictingUpdate
from tests.unit.plans.test_plan_service import BASE, make
from tests.unit.plans.test_plan_service import plans as plans
from tests.unit.standing.test_standing_natural_obligation import _clean_slate
from tests.unit.standing.test_standing_ruling_claims import _at, _plan, _world


def _refused(reply: Any, code: str) -> None:
    assert reply.status == 409, reply.body
    error = reply.body["error"]
    assert error["code"] == "conflict"  # the status's code stays what it was
    [finding] = error["details"]
    assert finding["code"] == code
    assert finding["message"] == error["message"]


def test_a_plan_over_a_natural_obligation_names_its_rule() -> None:
    w = _world()
    _clean_slate(w)
    _at(w, date(2026, 4, 2))
    _refused(_plan(w), "plan_natural_obligation")


def test_a_plan_no_longer_a_draft_names_its_rule(plans: Any) -> None:
    world, _ = plans
    a = world.agency_a
    plan_id = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    body = {"debtor": "D1", "invoices": ["F1", "F2"], "start": "2026-01-31", "installments": 2}
    _refused(a.call("PUT", f"{BASE}/{plan_id}", body), "plan_only_drafts_change")
    _refused(a.call("POST", f"{BASE}/{plan_id}/activate"), "plan_not_draft")


def test_a_conflict_without_a_rule_stays_a_bare_conflict() -> None:
    error = _conflict(ConflictingUpdate("the claims keep changing"))
    assert (error.status, error.code, error.details) == (409, "conflict", None)
