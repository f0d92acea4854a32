"""Review console7 F1: a payment plan the debtor proposed in the portal, when the client
approves debtors' plans, is decided on its action item: approve starts it through the API's
activate (the debtor gets the agreement), refuse drops the draft and tells the debtor in their
language. The dossier shows the proposal; closing the item without a decision says so."""

from __future__ import annotations

import pytest

from shared.api.portal_app import PortalApp
from shared.domain.people.authorisation import Role
from shared.domain.plans.plan import PlanStatus
from shared.domain.records import ActionStatus
from shared.ports.tables import StorageError
from tests.unit.console.conftest import csrf_of, desk_for, forms_of
from tests.unit.console.test_action_decisions import seed, told
from tests.unit.plans.test_portal_plans import accept, enter


def propose(world, tenants, debtor: str = "D1"):  # type: ignore[no-untyped-def]
    """The debtor proposes three installments in the portal; the client approves plans."""
    seed(world)
    assert world.agency_a.call("PUT", "/v1/clients/C1/plan-rules",
                               {"self_service": "staff", "portal_min_total": "50.00",
                                "min_installment": "10.00"}).status == 200  # fmt: skip
    browser = enter(world, PortalApp(world.services), debtor)
    done = accept(browser, method="transfer", by="count", installments="3")
    assert done.headers["Location"].endswith("done=plan_requested"), done.headers
    client = world.services.repos.clients.get(tenants.c1)[0]
    (plan,) = [p for p in world.services.plans.of_client(client) if p.debtor_number == debtor]
    assert plan.status is PlanStatus.DRAFT
    (item,) = list(world.services.action_desk.listed(tenants.c1, kind="plan_approval",
                                                     assignee="", resolved=False))  # fmt: skip
    return client, plan, item


def test_approving_the_proposal_starts_the_plan_and_sends_the_agreement(world, tenants):
    client, plan, item = propose(world, tenants)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    dossier = staff.get("/dossier/D1").encoded().decode()
    assert plan.plan_id in dossier and "Betalingsregelingen" in dossier  # the proposal shows
    page = staff.get(f"/actions/{item.action_id}")
    text = page.encoded().decode()
    assert "Regeling goedkeuren" in text and "Regeling weigeren" in text
    assert f"Voorstel {plan.plan_id}: 3 termijnen" in text
    assert "Sluiten zonder besluit" in text  # the plain close says what it is
    done = staff.post(f"/actions/{item.action_id}", {"csrf": csrf_of(page), "do": "approve-plan"})
    assert done.status == 303, done.encoded()
    assert world.services.plans.get(client, plan.plan_id).status in (
        PlanStatus.ACTIVE, PlanStatus.DUE)  # fmt: skip
    stored = world.services.repos.actions.get(tenants.c1, item.action_id)[0]
    assert stored.status is ActionStatus.RESOLVED
    assert stored.resolution.startswith(f"plan {plan.plan_id} approved")
    sent = world.services.messaging.outbox.get(tenants.c1, f"plan|{plan.plan_id}|agreement")
    assert sent is not None  # the agreement with the schedule is the debtor's message
    after = staff.get(f"/actions/{item.action_id}")
    assert f"betalingsregeling {plan.plan_id} goedgekeurd" in after.encoded().decode()
    assert not any('value="refuse-plan"' in f for f in forms_of(after))


def test_refusing_the_proposal_drops_the_draft_and_tells_the_debtor_in_english(world, tenants):
    client, plan, item = propose(world, tenants, "D2")  # D2 reads English
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{item.action_id}")
    refuse = next(f for f in forms_of(page) if 'name="do" value="refuse-plan"' in f)
    assert "we cannot accept your proposal" in refuse
    fields = {"csrf": csrf_of(page), "do": "refuse-plan", "channel": "email",
              "subject": "Your proposal", "body": "We cannot accept it."}  # fmt: skip
    assert staff.post(f"/actions/{item.action_id}", fields).status == 422  # no reason given
    done = staff.post(f"/actions/{item.action_id}", {**fields, "reason": "too long"})
    assert done.status == 303, done.encoded()
    assert world.services.plans.plans.get(tenants.c1, plan.plan_id) is None
    stored = world.services.repos.actions.get(tenants.c1, item.action_id)[0]
    assert stored.resolution.startswith(f"plan {plan.plan_id} refused: too long")
    assert told(world, tenants.c1, "D2") == ["We cannot accept it."]
    timeline = [
        e.summary for e in world.services.dossier.timeline(client, "D2", include_system=False)
    ]
    assert any(f"Payment plan {plan.plan_id} proposed by the debtor refused" in s for s in timeline)


def test_a_reader_cannot_decide_and_a_bulk_close_leaves_the_proposal_waiting(world, tenants):
    client, plan, item = propose(world, tenants)
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = reader.get(f"/actions/{item.action_id}")
    assert reader.post(f"/actions/{item.action_id}",
                       {"csrf": csrf_of(page), "do": "approve-plan"}).status == 403  # fmt: skip
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    listed = staff.get("/actions")
    bulk = staff.post("/actions", {"csrf": csrf_of(listed), "do": "resolve", "id": item.action_id})
    assert bulk.status == 409 and "op de eigen pagina beslist" in bulk.encoded().decode()
    assert (
        world.services.repos.actions.get(tenants.c1, item.action_id)[0].status is ActionStatus.OPEN
    )
    assert world.services.plans.get(client, plan.plan_id).status is PlanStatus.DRAFT
    # closing it on its page says no decision was taken
    page = staff.get(f"/actions/{item.action_id}")
    staff.post(f"/actions/{item.action_id}", {"csrf": csrf_of(page), "do": "resolve"})
    stored = world.services.repos.actions.get(tenants.c1, item.action_id)[0]
    assert stored.resolution.startswith("closed without a decision")


def test_the_approval_again_finishes_an_activation_that_stopped_before_the_agreement(
    world, tenants, monkeypatch
):
    """failure8 #2: the plan was saved active and the outbox write of the agreement failed;
    doing the decision again resolved the item "approved" with no agreement ever sent. Now
    the decision again sends it (once) before the item is resolved."""
    client, plan, item = propose(world, tenants)
    decisions = world.services.request_decisions
    outbox = world.services.plans.messaging
    real = outbox.enqueue

    def down(*args, **kwargs):  # the outbox's storage answers 503 once
        monkeypatch.setattr(outbox, "enqueue", real)
        raise StorageError("503 ServerBusy")

    monkeypatch.setattr(outbox, "enqueue", down)
    with pytest.raises(StorageError):
        decisions.approve_plan(client, item.action_id, "user:u1")
    assert world.services.plans.get(client, plan.plan_id).status is PlanStatus.ACTIVE
    key = f"plan|{plan.plan_id}|agreement"
    assert world.services.messaging.outbox.get(tenants.c1, key) is None
    done = decisions.approve_plan(client, item.action_id, "user:u1")  # staff do it again
    assert done.item.status is ActionStatus.RESOLVED
    assert world.services.messaging.outbox.get(tenants.c1, key) is not None
    assert world.services.plans.get(client, plan.plan_id).activation_to_tell == ""
