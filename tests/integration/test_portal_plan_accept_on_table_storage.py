"""newcomer16 #4 on Azurite (real ETags): a debtor's plan accept claims its ``PortalReturns``
row before the plan is made, so a second click while the first is making the plan makes none
(it waits, then says the first is under way), a reload gets the first click's plan, and a
claim cut off is taken over under its ETag."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.azure import AzureTableStore
from shared.api.app import IntegrationApi
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.access import Scope
from shared.domain.parties import Agency
from shared.domain.plans.schedule import PlanMethod
from shared.domain.portal.tokens import PortalAccess
from shared.ports.tables import Row
from shared.services.errors import Invalid
from shared.services.plans.self_service import PlanChoice, accept_key, shown_digest
from shared.services.portal import RETURNS
from shared.settings import Settings
from tests.unit.api.conftest import ApiClient, client_iban, client_row, debtor_row, invoice_row


def test_one_plan_per_accept_on_table_storage(storage_connection: str) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    services = build_services(
        Settings.from_env({"AzureWebJobsStorage": storage_connection}), clock=clock,
        store=AzureTableStore.from_connection_string(storage_connection),
        files=InMemoryFileStore(), queues=InMemoryQueueSender(), senders={},
    )  # fmt: skip
    agency_id = "az-" + uuid.uuid4().hex[:8]
    services.repos.agencies.save(Agency(agency_id, "Azurite Incasso"))
    _, key = services.access.issue(scope=Scope.AGENCY, agency_id=agency_id)
    a = ApiClient(IntegrationApi(services), key)
    a.call(
        "POST",
        "/v1/clients",
        {"items": [client_row("C1", charge_interest=False, ibans=[client_iban(agency_id)])]},
    )
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="300.00", due_date="2026-02-01")]})  # fmt: skip
    principal = services.access.authenticate(key)
    assert principal is not None
    client = services.access.client_for(principal, "C1")
    access = PortalAccess(client.client_id, "D1", 0, datetime(2026, 4, 1, tzinfo=UTC))
    desk = services.portal_plans
    looks: list[float] = []
    desk.pause = looks.append
    view, schedule = desk.preview(access, PlanChoice(PlanMethod.TRANSFER, count=3))
    seen = shown_digest("D1", view.invoice_numbers, PlanMethod.TRANSFER, schedule)
    choice = PlanChoice(PlanMethod.TRANSFER, count=3, shown=seen)
    # a claim cut off three minutes ago (no plan on it): taken over under its ETag
    services.repos.store.upsert(RETURNS, Row(client.client_id, accept_key(access), {
        "Debtor": "D1", "Shown": seen,
        "Started": (clock.now() - timedelta(minutes=3)).isoformat()}))  # fmt: skip
    make = services.plans.create
    second: list[BaseException] = []

    def create(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not second:  # the second click comes while the first is making the plan
            try:
                desk.accept(access, choice, None)
            except Invalid as e:
                second.append(e)
        return make(*args, **kwargs)

    services.plans.create = create  # type: ignore[method-assign]
    plan = desk.accept(access, choice, None)
    assert plan.status.value == "active" and looks  # the second click waited for the first
    assert [getattr(e, "code", None) for e in second] == ["plan_accept_under_way"]
    assert desk.accept(access, choice, None).plan_id == plan.plan_id  # a reload: the same plan
    mine = services.plans.plans.of_debtor(client.client_id, "D1")
    assert [p.plan_id for p in mine] == [plan.plan_id]
    row = services.repos.store.get(RETURNS, client.client_id, accept_key(access))
    assert row is not None and row.data["PlanId"] == plan.plan_id
    with pytest.raises(Invalid) as other:  # another tab's schedule: no second plan
        desk.accept(access, PlanChoice(PlanMethod.TRANSFER, count=2, shown="0" * 32), None)
    assert other.value.code == "no_plan_offered"
    assert len(services.plans.plans.of_debtor(client.client_id, "D1")) == 1
