"""Review console7 F2: a settlement run awaiting approval is approved on its agency action
item, through the service the API's approval route uses, by agency people with the settlement
permission only; the item shows the run's figures per client and links the statements (PDF,
CSV) and the transfer file; ticking it off in bulk does not pass for an approval, and closing
it on its page says that nothing was approved."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.parties import Agency
from shared.domain.people.authorisation import Role
from shared.domain.records import ActionStatus
from shared.domain.scopes import agency_scope
from shared.domain.settlement.records import RunStatus
from tests.unit.console.conftest import csrf_of, desk_for, forms_of
from tests.unit.settlement.conftest import THIRD_PARTY, payment

AGREEMENT = {"payout_iban": "NL44 RABO 0123 4567 89", "payout_name": "Bakkerij Client One",
             "frequency": "weekly", "starts_on": "2020-01-01", "commission_percent": "10"}  # fmt: skip


def run_awaiting(world, tenants):  # type: ignore[no-untyped-def]
    world.services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    put = world.agency_a.call("PUT", "/v1/clients/C1/settlement-agreement", AGREEMENT)
    assert put.status == 200, put.body
    world.services.repos.payments.add(payment(tenants.c1, "p1", date(2025, 3, 1)))
    run = world.services.settlement_runs.run_agency("agency-a", date(2025, 3, 3))
    assert run is not None and run.status is RunStatus.AWAITING_APPROVAL
    return run


def test_the_agency_admin_checks_the_figures_and_files_and_approves_the_run(world, tenants):
    run = run_awaiting(world, tenants)
    admin = desk_for(world, Role.AGENCY_ADMIN, None, "admin@agency-a.example")
    page = admin.get(f"/agency-actions/{run.action_id}")
    text = page.encoded().decode()
    assert f"Afdrachtrun {run.run_id}" in text and "wacht op goedkeuring" in text
    assert "107,72" in text  # the payout, as the API says 107.72
    (st,) = world.services.settlements.run("agency-a", run.run_id)[1]
    pdf = admin.get(f"/agency-actions/{run.action_id}/files/{st.settlement_id}.pdf")
    assert pdf.status == 200 and pdf.encoded().startswith(b"%PDF")
    pain = admin.get(f"/agency-actions/{run.action_id}/files/pain.001.xml")
    assert pain.status == 200 and b"pain.001.001.09" in pain.encoded()
    assert admin.get(f"/agency-actions/{run.action_id}/files/other.xml").status == 404
    assert "Sluiten zonder goedkeuren" in text
    approve = next(f for f in forms_of(page) if 'value="approve-run"' in f)
    assert "Afdracht goedkeuren" in approve
    done = admin.post(
        f"/agency-actions/{run.action_id}", {"csrf": csrf_of(page), "do": "approve-run"}
    )
    assert done.status == 303 and "done=run_approved" in done.headers["Location"]
    approved, _ = world.services.settlements.run("agency-a", run.run_id)
    assert approved.status is RunStatus.APPROVED
    item = world.services.repos.actions.get(agency_scope("agency-a"), run.action_id)[0]
    assert item.status is ActionStatus.RESOLVED
    listed = world.agency_a.call("GET", "/v1/settlements").body["items"]
    assert listed[0]["status"] == "approved"


@pytest.mark.parametrize("role", [Role.AGENCY_STAFF])
def test_without_the_settlement_permission_the_run_is_not_approved(world, tenants, role):
    run = run_awaiting(world, tenants)
    person = desk_for(world, role, None, f"{role.value}@agency-a.example")
    page = person.get(f"/agency-actions/{run.action_id}")
    assert page.status == 200
    assert not any('value="approve-run"' in f for f in forms_of(page))
    refused = person.post(
        f"/agency-actions/{run.action_id}", {"csrf": csrf_of(page), "do": "approve-run"}
    )
    assert refused.status == 403
    assert (
        world.services.settlements.run("agency-a", run.run_id)[0].status
        is RunStatus.AWAITING_APPROVAL
    )
    # nor are its files read or its item closed by whom may not approve it (attack8 #5: the
    # payout file and every client's statement were downloaded, the item closed unpaid)
    (st,) = world.services.settlements.run("agency-a", run.run_id)[1]
    for name in ("pain.001.xml", f"{st.settlement_id}.pdf", f"{st.settlement_id}.csv"):
        assert person.get(f"/agency-actions/{run.action_id}/files/{name}").status == 403
    assert "pain.001.xml" not in page.encoded().decode()
    assert not any('value="resolve"' in f for f in forms_of(page))
    closed = person.post(
        f"/agency-actions/{run.action_id}", {"csrf": csrf_of(page), "do": "resolve"}
    )
    assert closed.status == 409
    listed = person.get("/agency-actions")
    bulk = person.post(
        "/agency-actions", {"csrf": csrf_of(listed), "do": "resolve", "id": run.action_id}
    )
    assert bulk.status == 409
    scope = agency_scope("agency-a")
    assert world.services.repos.actions.get(scope, run.action_id)[0].status is ActionStatus.OPEN


def test_ticking_the_run_off_is_no_approval(world, tenants):
    run = run_awaiting(world, tenants)
    admin = desk_for(world, Role.AGENCY_ADMIN, None, "admin@agency-a.example")
    listed = admin.get("/agency-actions")
    bulk = admin.post(
        "/agency-actions", {"csrf": csrf_of(listed), "do": "resolve", "id": run.action_id}
    )
    assert bulk.status == 409 and "op de eigen pagina goedgekeurd" in bulk.encoded().decode()
    scope = agency_scope("agency-a")
    assert world.services.repos.actions.get(scope, run.action_id)[0].status is ActionStatus.OPEN
    page = admin.get(f"/agency-actions/{run.action_id}")
    closed = admin.post(
        f"/agency-actions/{run.action_id}", {"csrf": csrf_of(page), "do": "resolve"}
    )
    assert closed.status == 303
    item = world.services.repos.actions.get(scope, run.action_id)[0]
    assert item.resolution.startswith("closed without approving")
    assert (
        world.services.settlements.run("agency-a", run.run_id)[0].status
        is RunStatus.AWAITING_APPROVAL
    )
