"""law10 F4: the debtor's own written word in the portal acknowledges the claims it is about
(art. 3:318 BW; the new period runs from the next day, 3:319): a payment plan he proposes,
also when staff refuse it and the draft is deleted, and counted from the day he wrote it when
staff approve it later; a request to postpone invoices, granted or not. The prescription
watch counts the day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from shared.clock import amsterdam_date
from shared.domain.people.authorisation import Role
from shared.domain.plans.plan import Consent
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_plan_proposal_decisions import propose


def _acknowledged(world, client_id: str) -> dict[str, set[date]]:
    watch = world.services.dunning.prescriptions
    return dict(watch._acknowledgements(client_id, "D1", amsterdam_date(world.clock.now())))


def _plan_page(made) -> str:  # type: ignore[no-untyped-def]
    return "/plans/" + str(made.headers["Location"]).split("/plans/")[1].split("?")[0]


def test_a_refused_proposal_stays_an_acknowledgement_of_its_invoices(world, tenants):
    _client, plan, item = propose(world, tenants)
    proposed = amsterdam_date(world.clock.now())
    assert (plan.agreed_on, plan.agreed_how) == (proposed, Consent.PORTAL)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{item.action_id}")
    fields = {"csrf": csrf_of(page), "do": "refuse-plan", "channel": "email",
              "subject": "Uw voorstel", "body": "Wij kunnen het niet aannemen.", "reason": "te lang"}  # fmt: skip
    assert staff.post(f"/actions/{item.action_id}", fields).status == 303
    assert world.services.plans.plans.get(tenants.c1, plan.plan_id) is None  # the draft is gone
    found = _acknowledged(world, tenants.c1)
    assert {n: found.get(n) for n in plan.invoice_numbers} == {
        n: {proposed} for n in plan.invoice_numbers
    }


def test_an_approved_proposal_counts_from_the_day_he_wrote_it(world, tenants):
    client, plan, item = propose(world, tenants)
    proposed = amsterdam_date(world.clock.now())
    world.clock.at = world.clock.now() + timedelta(days=3)  # staff approve three days later
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{item.action_id}")
    assert (
        staff.post(
            f"/actions/{item.action_id}", {"csrf": csrf_of(page), "do": "approve-plan"}
        ).status
        == 303
    )
    assert world.services.plans.get(client, plan.plan_id).activated_at is not None
    found = _acknowledged(world, tenants.c1)
    assert {n: found.get(n) for n in plan.invoice_numbers} == {
        n: {proposed} for n in plan.invoice_numbers
    }


def test_a_staff_plan_without_consent_is_no_acknowledgement_and_the_page_says_so(world, tenants):
    """law10 F3 in the console: the form asks for the debtor's consent; left empty, the plan's
    page says it does not interrupt prescription; given, the day and way are kept."""
    from tests.unit.console.test_action_decisions import seed

    seed(world)
    world.clock.at = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D1")
    base = {"csrf": csrf_of(page), "client": tenants.c1, "debtor": "D1", "invoices": "F1",
            "start": "2025-03-20", "installments": "2", "period": "month", "do": "create"}  # fmt: skip
    made = staff.post("/plans", base)
    assert made.status == 303, made.encoded()
    shown = staff.get(_plan_page(made)).encoded().decode()
    assert "de regeling stuit de verjaring niet" in shown
    assert _acknowledged(world, tenants.c1).get("F1", set()) == set()
    half = staff.post("/plans", {**base, "csrf": csrf_of(staff.get("/dossier/D1")),
                                 "agreed_on": "2025-03-03"})  # fmt: skip
    assert half.status == 422 and "zowel de dag" in half.encoded().decode()
    agreed = staff.post("/plans", {**base, "csrf": csrf_of(staff.get("/dossier/D1")),
                                   "invoices": "F2", "agreed_on": "2025-03-03", "agreed_how": "phone"})  # fmt: skip
    assert agreed.status == 303, agreed.encoded()
    assert "03-03-2025 (telefonisch)" in staff.get(_plan_page(agreed)).encoded().decode()
    assert _acknowledged(world, tenants.c1)["F2"] == {date(2025, 3, 3)}
