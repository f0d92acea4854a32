"""failure9 #3: a withdrawal or credit from the dossier whose follow-up (the agency's case,
the plan) a storage fault cut off after the invoice was saved. The staff member sends the
same form again: it was refused ("withdrawn meanwhile") and the case stayed open at the
agency. The same step again now finishes what follows; another step on a closed invoice,
or the same one with nothing left to follow, is still refused (review console8 #6)."""

from __future__ import annotations

from dataclasses import replace

from shared.domain.people.authorisation import Role
from shared.domain.scopes import agency_scope
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_console_claim_work import claim, seed
from tests.unit.console.test_console_claim_work_follows import _plan, _plan_of
from tests.unit.console.test_console_plans_cases import hand_over


def _down(*args):  # type: ignore[no-untyped-def]
    raise TimeoutError("storage 503 while following")


def _post_failing(staff, form):  # type: ignore[no-untyped-def]
    try:
        staff.post("/dossier/D1", form)
    except TimeoutError:
        pass


def test_the_same_withdrawal_sent_again_withdraws_the_case_and_tells_the_agency(world, tenants):
    seed(world)
    case = hand_over(world, tenants)
    repos = world.services.repos
    stored = repos.invoices.get(tenants.c1, "F1")
    repos.invoices.save(replace(stored.invoice, handed_over_to="agency-a"), stored)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D1")
    form = {"csrf": csrf_of(page), "do": "withdraw", "invoice": "F1", "confirm": "yes"}
    service = world.services.invoice_status
    real, service.plan_listener = service.plan_listener, _down
    _post_failing(staff, form)
    service.plan_listener = real
    assert repos.cases.get("agency-a", case.case_id)[0].status == "open"

    again = staff.post("/dossier/D1?lang=en", form)
    assert again.status == 303
    assert repos.cases.get("agency-a", case.case_id)[0].status == "withdrawn"
    told = world.services.action_desk.listed(agency_scope("agency-a"), kind="case_withdrawn")
    assert len(list(told)) == 1
    # finished: the same form once more is refused as a stale one
    stale = staff.post("/dossier/D1?lang=en", form)
    assert stale.status == 422 and "is withdrawn meanwhile" in stale.encoded().decode()


def test_the_same_credit_sent_again_lowers_the_plan_and_sends_the_new_schedule(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    plan_id = _plan(world, tenants, staff, "F1", "F2")
    before = _plan_of(world, tenants, plan_id)
    page = staff.get("/dossier/D1")
    form = {"csrf": csrf_of(page), "do": "credit", "invoice": "F1", "confirm": "yes"}
    service = world.services.invoice_status
    real, service.plan_listener = service.plan_listener, _down
    _post_failing(staff, form)
    service.plan_listener = real
    assert _plan_of(world, tenants, plan_id).total == before.total

    assert staff.post("/dossier/D1", form).status == 303
    owed = claim(world, tenants, "F2").open.total
    after = _plan_of(world, tenants, plan_id)
    assert after.total == owed < before.total
    outbox = world.services.messaging.outbox
    assert outbox.get(tenants.c1, f"plan|{plan_id}|lowered|{owed}") is not None
    assert after.notice_to_tell == ""
