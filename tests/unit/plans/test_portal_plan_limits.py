"""A debtor moves an installment of a running plan in the portal: one grace period from the
installment's first date, not a new one from each moved date."""

from __future__ import annotations

from datetime import date, timedelta

from tests.unit.plans.test_portal_plans import accept, csrf, enter, portal  # noqa: F401


def test_an_installment_moved_by_the_debtor_counts_from_its_first_date(portal):  # noqa: F811
    w, app = portal
    a = w.agency_a
    browser = enter(w, app)
    assert accept(browser, method="transfer", by="count", installments="3").status == 303
    client = w.services.access.client_for(w.services.access.authenticate(a.key), "C1")
    (plan,) = w.services.plans.of_client(client)
    first: date = plan.schedule[0].due_date
    limit = plan.rules.debtor_postpone_days

    def move(to: date) -> None:
        browser.go(
            "POST",
            "/portal/plan/postpone",
            {"csrf": csrf(browser), "plan": plan.plan_id, "installment": "1", "to": to.isoformat()},
        )

    def due() -> date:
        moved: date = w.services.plans.get(client, plan.plan_id).schedule[0].due_date
        return moved

    move(first + timedelta(days=limit - 3))
    assert due() == first + timedelta(days=limit - 3)
    move(first + timedelta(days=limit))  # still within one grace period from its first date
    assert due() == first + timedelta(days=limit)
    move(first + timedelta(days=limit + 7))  # past it: a request for staff, the date stays
    assert due() == first + timedelta(days=limit)
    kinds = [x["kind"] for x in a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert kinds.count("plan_postponement_request") == 1
