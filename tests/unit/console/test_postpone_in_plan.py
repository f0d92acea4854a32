"""newcomer16 #2: an invoice a running payment plan holds took a postponement request from an
overview opened before the plan (an old tab), and the console granted it: the debtor was
mailed "u hoeft niet eerder te betalen dan 31-01-2027" while installment 1 was due
16-12-2026. The portal now refuses it (coded, in Dutch, pointing to the plan's page), and the
console neither offers the grant nor carries out one posted from an older page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.api.portal_app import PortalApp
from shared.domain.people.authorisation import Role
from shared.services.errors import Invalid
from tests.unit.console.conftest import csrf_of, desk_for, forms_of
from tests.unit.console.test_action_decisions import request, seed, told
from tests.unit.payments.test_portal import Browser
from tests.unit.plans.test_portal_plans import accept


def _debtor(world, client_id: str) -> Browser:  # type: ignore[no-untyped-def]
    browser = Browser(PortalApp(world.services))
    token = world.services.portal.links.token(client_id, "D1")
    assert browser.go("GET", f"/p/{token}").status == 303
    return browser


def _plan_over_f1_and_f2(world, browser: Browser, client_id: str):  # type: ignore[no-untyped-def]
    done = accept(browser, method="transfer", by="count", installments="3")
    assert done.status == 303 and done.headers["Location"].endswith("done=plan_started")
    (plan,) = world.services.plans.plans.of_debtor(client_id, "D1")
    assert set(plan.invoice_numbers) == {"F1", "F2"} and plan.status.value == "active"
    return plan


def test_the_portal_refuses_to_postpone_an_invoice_a_running_plan_holds(world, tenants):  # type: ignore[no-untyped-def]
    seed(world)
    browser = _debtor(world, tenants.c1)
    old_tab = browser.csrf()  # the overview read before the plan, with F1 in its form
    plan = _plan_over_f1_and_f2(world, browser, tenants.c1)
    until = (world.clock.now().date() + timedelta(days=60)).isoformat()
    refused = browser.go("POST", "/portal/postpone",
                         {"csrf": old_tab, "invoice": ["F1"], "until": until, "reason": "later"})  # fmt: skip
    page = refused.encoded().decode()
    assert refused.status == 400
    assert "factuur F1 valt onder uw betalingsregeling" in page and "Een termijn uitstellen" in page
    assert world.services.repos.invoices.get(tenants.c1, "F1").invoice.paused_until is None
    kinds = [i["kind"] for i in world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert "postponement_request" not in kinds
    assert world.services.plans.plans.get(tenants.c1, plan.plan_id)[0].status.value == "active"
    # the service's refusal is coded (the page's words come from the code), and a short
    # postponement within the client's own limit is refused as well
    portal = world.services.portal
    access = portal.links.check(portal.links.token(tenants.c1, "D1"))
    with pytest.raises(Invalid) as e:
        portal.postpone(access, ["F2"], world.clock.now().date() + timedelta(days=1), "")
    assert e.value.code == "postpone_in_plan" and e.value.params == {"invoices": "F2"}
    assert world.services.repos.invoices.get(tenants.c1, "F2").invoice.paused_until is None


def test_the_console_does_not_grant_a_postponement_of_a_plan_s_invoice(world, tenants):  # type: ignore[no-untyped-def]
    seed(world)
    item = request(world, tenants.c1, "D1", ("F1",))  # asked before the plan was made
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    before = staff.get(f"/actions/{item.action_id}")
    assert any('value="grant"' in f for f in forms_of(before))  # offered: no plan yet
    plan = _plan_over_f1_and_f2(world, _debtor(world, tenants.c1), tenants.c1)
    first = plan.schedule[0].due_date.strftime("%d-%m-%Y")
    page = staff.get(f"/actions/{item.action_id}")
    text = page.encoded().decode()
    assert not any('value="grant"' in f for f in forms_of(page))  # not offered
    assert any('value="refuse"' in f for f in forms_of(page))
    assert f"valt onder lopende regeling {plan.plan_id}" in text and first in text
    # the form of the page read before the plan, posted now: refused, nothing paused or told
    form = {"csrf": csrf_of(page), "do": "grant", "channel": "email", "subject": "Uitstel",
            "body": "U hoeft niet eerder te betalen.", "until_seen": "2025-03-20"}  # fmt: skip
    refused = staff.post(f"/actions/{item.action_id}", form)
    assert refused.status == 422
    assert f"valt onder lopende regeling {plan.plan_id}" in refused.encoded().decode()
    assert world.services.repos.invoices.get(tenants.c1, "F1").invoice.paused_until is None
    assert not any("niet eerder te betalen" in t for t in told(world, tenants.c1, "D1"))
    assert world.services.repos.actions.get(tenants.c1, item.action_id)[0].status.value == "open"
