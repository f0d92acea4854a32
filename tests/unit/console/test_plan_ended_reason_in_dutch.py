"""cm18 F13: the page of D-1's lapsed plan read "Status geannuleerd: breach: installments not
paid within the tolerance" on the Dutch console; the reasons Inning gives itself when it ends a
plan (a breach, a hand-over) are Dutch on a Dutch page now. A reason staff typed stays as
typed; the API keeps the stored text."""

from __future__ import annotations

from shared.api.console.contact_text import plan_reason
from shared.domain.people.authorisation import Role
from shared.domain.plans.plan import BREACH
from shared.services.plans.handover_end import HANDED_OVER
from tests.unit.console.conftest import desk_for
from tests.unit.plans.test_plan_lapse_notice_figures import _lapsed


def test_a_lapsed_plans_page_says_why_in_dutch() -> None:
    world, client, plan_id = _lapsed(include_costs=False)
    stored = world.agency_a.call("GET", f"/v1/clients/C1/plans/{plan_id}").body
    assert stored["reason"] == BREACH  # the API's text as stored
    staff = desk_for(world, Role.CLIENT_STAFF, client.client_id, "s@c1.example")
    page = staff.get(f"/plans/{plan_id}").encoded().decode()
    assert "geannuleerd: niet nagekomen: termijnen niet binnen de marge betaald" in page
    assert "installments not paid within the tolerance" not in page
    english = staff.get(f"/plans/{plan_id}?lang=en").encoded().decode()
    assert f"cancelled: {BREACH}" in english


def test_a_hand_overs_reason_and_a_typed_one() -> None:
    handed = f"{HANDED_OVER}F1, F2 to Incasso Noord B.V., which collects them now"
    assert plan_reason(handed, "nl") == (
        "overgedragen aan een incassobureau: F1, F2 aan Incasso Noord B.V., dat ze nu int"
    )
    assert plan_reason(handed, "en") == handed
    assert plan_reason("debiteur belde: ziek", "nl") == "debiteur belde: ziek"
