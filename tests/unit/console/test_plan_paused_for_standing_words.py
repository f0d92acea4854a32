"""kindletter12 #4: a plan paused because the debtor's standing holds it showed the service's
English reason ("debtor's standing: deceased") on the Dutch plan page and in the Dutch
dossier's line "Betalingsregeling P gepauzeerd (debtor's standing: deceased)"."""

from __future__ import annotations

from datetime import date

from shared.api.console.contact_text import plan_reason, summary
from shared.domain.people.authorisation import Role
from shared.domain.plans.plan import PlanStatus
from shared.domain.standing import Standing
from tests.unit.console.conftest import desk_for
from tests.unit.console.test_console_claim_work import seed


def test_the_standings_pause_reads_in_the_pages_language(world, tenants):  # type: ignore[no-untyped-def]
    seed(world)
    api = world.agency_a
    made = api.call("POST", "/v1/clients/C1/plans", {"debtor": "D1", "invoices": ["F1"],
                    "start": "2025-03-10", "installments": 2})  # fmt: skip
    plan_id = made.body["plan_id"]
    assert api.call("POST", f"/v1/clients/C1/plans/{plan_id}/activate").status == 200
    client = world.services.access.client_for(world.services.access.authenticate(api.key), "C1")
    world.services.debtor_standing.set(client, "D1", Standing.DECEASED, date(2025, 2, 1), "t")
    plan = world.services.plans.plans.get(tenants.c1, plan_id)[0]
    assert plan.status is PlanStatus.PAUSED and plan.reason == "debtor's standing: deceased"
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    nl = staff.get(f"/plans/{plan_id}?lang=nl").encoded().decode()
    assert "status van de debiteur: overleden" in nl and "debtor&#39;s standing" not in nl
    en = staff.get(f"/plans/{plan_id}?lang=en").encoded().decode()
    assert "the debtor&#39;s standing: deceased" in en
    line = f"Payment plan {plan_id} paused (debtor's standing: deceased)"
    assert (
        summary(line, "nl")
        == f"Betalingsregeling {plan_id} gepauzeerd (status van de debiteur: overleden)"
    )
    proposed = "debtor's standing: deceased (proposed by the bank's return)"
    assert plan_reason(proposed, "nl") == (
        "status van de debiteur: overleden (voorgesteld na een terugboeking door de bank)"
    )
    assert plan_reason("stopped paying", "nl") == "stopped paying"  # staff's own words
