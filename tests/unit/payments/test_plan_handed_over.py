"""codereview17 F2: the portal refuses the client's payment and postponement of an invoice
handed over to a collection agency (misc17b), but a plan over it was made by the API (201, 2 x
EUR 25.19/25.20 over F2, handed over to "Incasso Noord B.V."), started (200), and the portal's
plan page said "Betaal elke termijn naar ... ten name van Client C1" and took installment 1
online for the client while the overview said to pay the agency. The agency collects it until
the case is withdrawn: no plan is made or started over it, and none of its installments is
paid or moved through the portal (422 / refused, code ``invoice_handed_over``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shared.api.console.refusal_text import REFUSALS
from shared.api.portal_app import PortalApp
from shared.domain.portal.tokens import PortalAccess
from shared.services.errors import Invalid
from tests.unit.payments.test_portal import enter
from tests.unit.payments.test_portal_handed_over import handed  # noqa: F401  (fixture)

PLAN = {"debtor": "D1", "start": "2025-04-01", "installments": 2,
        "agreed_by_debtor_on": "2025-03-20", "agreed_how": "phone"}  # fmt: skip


def _hand_over(world: Any, client: Any, number: str) -> None:
    """As the dunning run's hand-over step leaves the invoice (the `handed` fixture's way)."""
    repos = world.services.repos
    debtor = repos.debtors.get(client.client_id, "D1")[0]
    stored = repos.invoices.get(client.client_id, number)
    world.services.dunning.cases.hand_over(client, debtor, [stored.invoice], date(2025, 3, 20),
                                           costs=0, interest=0)  # fmt: skip
    stored = repos.invoices.get(client.client_id, number)
    repos.invoices.save(replace(stored.invoice, handed_over_to=client.agency_id), stored)


def _refused(reply: Any) -> dict[str, Any]:
    assert reply.status == 422, reply.body
    [detail] = reply.body["error"]["details"]
    assert detail["code"] == "invoice_handed_over", detail
    return dict(detail)


def test_no_plan_is_made_over_a_handed_over_invoice(handed: Any) -> None:  # noqa: F811
    world, _, _ = handed
    a = world.agency_a
    detail = _refused(a.call("POST", "/v1/clients/C1/plans", {**PLAN, "invoices": ["F2"]}))
    assert detail["message"].startswith("invoice F2 was handed over to Incasso Noord B.V.")
    _refused(a.call("POST", "/v1/clients/C1/plans", {**PLAN, "invoices": ["F1", "F2"]}))
    assert a.call("GET", "/v1/clients/C1/plans").body["items"] == []
    # his own invoice: a plan as before
    assert a.call("POST", "/v1/clients/C1/plans", {**PLAN, "invoices": ["F1"]}).status == 201


def test_the_refusal_is_worded_for_staff_and_debtor_in_both_languages() -> None:
    dutch, english = REFUSALS["invoice_handed_over"]
    assert "Factuur {invoice} is overgedragen aan {agency}" in dutch
    assert "betalingsregeling" in dutch and "niet hier" in dutch
    assert "Invoice {invoice} was handed over to {agency}" in english
    assert "payment plan" in english and "not here" in english


def test_a_draft_is_neither_widened_to_nor_started_over_a_handed_over_invoice(shop: Any) -> None:
    world, client = shop
    a = world.agency_a
    draft = a.call("POST", "/v1/clients/C1/plans", {**PLAN, "invoices": ["F2"]})
    assert draft.status == 201, draft.body
    plan_id = draft.body["plan_id"]
    _hand_over(world, client, "F2")
    _refused(a.call("POST", f"/v1/clients/C1/plans/{plan_id}/activate"))
    assert a.call("GET", f"/v1/clients/C1/plans/{plan_id}").body["status"] == "draft"
    _refused(a.call("PUT", f"/v1/clients/C1/plans/{plan_id}", {**PLAN, "invoices": ["F1", "F2"]}))


def test_a_running_plan_from_before_takes_no_installment_for_the_client(shop: Any) -> None:
    """A plan started before its invoice went to the agency (before this rule, or a draft of
    old): the portal neither pays nor moves its installments, and says so."""
    world, client = shop
    a = world.agency_a
    made = a.call("POST", "/v1/clients/C1/plans", {**PLAN, "invoices": ["F2"]})
    assert made.status == 201, made.body
    plan_id = made.body["plan_id"]
    assert a.call("POST", f"/v1/clients/C1/plans/{plan_id}/activate").status == 200
    _hand_over(world, client, "F2")
    world.clock.at = datetime(2025, 4, 1, 10, 0, tzinfo=UTC)
    desk = world.services.portal_plans
    me = PortalAccess(client.client_id, "D1", 0, world.clock.now() + timedelta(days=1))
    with pytest.raises(Invalid) as paid:
        desk.pay_installment(me, plan_id, 1, "http://localhost:7071")
    assert paid.value.code == "invoice_handed_over"
    with pytest.raises(Invalid) as moved:
        desk.postpone(me, plan_id, 1, date(2025, 4, 10), "salaris komt later")
    assert moved.value.code == "invoice_handed_over"
    browser = enter(world, PortalApp(world.services))
    page = browser.page("/portal/plan")
    assert 'action="/api/portal/plan/pay"' not in page
    assert 'action="/api/portal/plan/postpone"' not in page
    assert "ten name van Client C1" not in page
    assert "Factuur F2 uit deze regeling is overgedragen aan het incassobureau" in page
    answer = browser.post("/portal/plan/pay", plan=plan_id, installment="1")
    assert answer.status == 400
    notice = answer.encoded().decode().split('role="status">')[1].split("</p>")[0]
    assert notice.startswith("Dat lukte niet: factuur F2 is overgedragen aan AGENCY-A: het "
                             "incassobureau int deze"), notice  # fmt: skip
    english = browser.page("/portal/plan", lang="en")
    assert "Invoice F2 of this plan was handed over to the collection agency" in english
