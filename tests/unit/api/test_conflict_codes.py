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


def test_an_invoice_in_another_plan_names_its_rule(plans: Any) -> None:
    """newcomer14b #2: the second plan over an invoice was refused with a bare 409, which
    README's *Errors* reads as "retry"; it is refused again as long as the first plan holds."""
    world, _ = plans
    a = world.agency_a
    first = make(a).body["plan_id"]
    second = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{first}/activate").status == 200
    _refused(a.call("POST", f"{BASE}/{second}/activate"), "plan_invoice_in_plan")


def test_postponing_in_an_ended_plan_names_its_rule(plans: Any) -> None:
    world, _ = plans
    a = world.agency_a
    plan_id = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    assert a.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "agreed otherwise"}).status == 200
    asked = a.call("POST", f"{BASE}/{plan_id}/installments/2/postpone", {"to": "2026-03-31"})
    _refused(asked, "plan_ended")


def test_a_credit_note_number_booked_with_another_amount_names_its_rule(plans: Any) -> None:
    """The same credit note number with another amount is refused as long as the first note
    stands (the invoice's own retry path and the ledger's)."""
    world, _ = plans
    a = world.agency_a
    note = {"amount": "10.00", "reference": "CN-1"}
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit", note).status == 200
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit", note).status == 200  # booked once
    other = {"amount": "12.00", "reference": "CN-1"}
    _refused(a.call("POST", "/v1/clients/C1/invoices/F1/credit", other), "credit_note_other_amount")


def test_a_conflict_without_a_rule_stays_a_bare_conflict() -> None:
    error = _conflict(ConflictingUpdate("the claims keep changing"))
    assert (error.status, error.code, error.details) == (409, "conflict", None)
