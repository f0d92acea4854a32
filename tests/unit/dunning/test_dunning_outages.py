"""#12 item 3: a storage outage in a dunning run neither loses nor doubles a reminder."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from azure.core.exceptions import ServiceRequestError

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.memory import InMemoryTableStore
from shared.api.app import IntegrationApi
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.access import Scope
from shared.domain.parties import Agency
from shared.services.dunning import DunningRunIncomplete
from tests.support.faults import FaultPlan, FaultyTableStore
from tests.unit.api.conftest import SETTINGS, ApiClient, World, client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import TEMPLATES, WORKFLOW


@pytest.fixture
def faulty():
    plan = FaultPlan()
    store = InMemoryTableStore()
    clock = FixedClock(datetime(2025, 3, 3, 8, 0, tzinfo=UTC))
    services = build_services(SETTINGS, clock=clock, store=FaultyTableStore(store, plan),
                              files=InMemoryFileStore(), queues=InMemoryQueueSender(), senders={})  # fmt: skip
    api = IntegrationApi(services)
    services.repos.agencies.save(Agency("agency-a", "A"))
    _, key = services.access.issue(scope=Scope.AGENCY, agency_id="agency-a")
    a = ApiClient(api, key)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1"), debtor_row("D2")]})
    for template_id, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body).status == 200
    a.call("PUT", "/v1/clients/C1/workflows/particulier", WORKFLOW)
    a.call("POST", "/v1/clients/C1/workflows/particulier/activate")
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "particulier"}]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", due_date="2025-03-10"), invoice_row("F2", "D2", due_date="2025-03-10"),
    ]})  # fmt: skip
    principal = services.access.authenticate(key)
    assert principal is not None
    client = services.access.client_for(principal, "C1")
    return World(api, services, clock, store, a, a), client, plan


def _reminders(world, client, debtor):
    records = world.services.messaging.outbox.list(client.client_id, page_size=1000)[0]
    return [r for r in records if r.debtor_number == debtor and r.key.startswith("dun|")]


def test_a_failed_debtor_fails_the_job_so_the_host_retries(faulty):
    world, client, plan = faulty
    world.clock.at = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)
    # D1's invoice cannot be advanced: the storage account is away for every attempt
    plan.rule(lambda op, table: op == "transact" and table == "Invoices", "reset", times=1)
    with pytest.raises(DunningRunIncomplete):
        world.services.dunning.run_client(client.client_id, date(2025, 3, 17))
    # the retry (storage back) completes, and nobody got two reminders
    world.services.dunning.run_client(client.client_id, date(2025, 3, 17))
    assert len(_reminders(world, client, "D1")) == 1
    assert len(_reminders(world, client, "D2")) == 1


def test_a_reminder_written_before_a_failure_is_recognised_the_next_day(faulty):
    world, client, plan = faulty
    world.clock.at = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)
    plan.rule(lambda op, table: op == "transact" and table == "Invoices", "reset", times=1)
    with pytest.raises(DunningRunIncomplete):
        world.services.dunning.run_client(client.client_id, date(2025, 3, 17))
    # no retry that day (say the job went to poison); the next morning's run
    world.clock.at = datetime(2025, 3, 18, 8, 0, tzinfo=UTC)
    world.services.dunning.run_client(client.client_id, date(2025, 3, 18))
    assert len(_reminders(world, client, "D1")) == 1  # late at worst, never twice
    stored = world.services.repos.invoices.get(client.client_id, "F1").invoice
    assert stored.dunning_step == 0


def test_a_reminder_whose_job_never_reached_the_queue_is_queued_again(faulty):
    world, client, _ = faulty
    world.clock.at = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)
    queues = world.services.messaging.queues
    original_send = queues.send
    calls = {"n": 0}

    def flaky_send(queue, body, *, delay_seconds=0):
        if queue == "send-email" and calls["n"] == 0:
            calls["n"] += 1
            raise ServiceRequestError("injected: connection reset")
        original_send(queue, body, delay_seconds=delay_seconds)

    queues.send = flaky_send
    with pytest.raises(DunningRunIncomplete):
        world.services.dunning.run_client(client.client_id, date(2025, 3, 17))
    world.services.dunning.run_client(client.client_id, date(2025, 3, 17))
    jobs = [json.loads(m.body)["key"] for m in queues.take("send-email")]
    assert {r.key for r in _reminders(world, client, "D1")} <= set(jobs)


def test_a_schedule_write_lost_in_an_outage_is_not_swallowed(faulty):
    world, client, plan = faulty
    world.clock.at = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)
    plan.rule(lambda op, table: op == "transact" and table == "DunningSchedule", "reset", times=50)
    with pytest.raises(DunningRunIncomplete):
        world.services.dunning.run_client(client.client_id, date(2025, 3, 17))
    # the entries are still there for the retry: D1 and D2 go on with their workflow
    due = world.services.repos.dunning.due(client.client_id, date(2025, 3, 30))
    assert {e.debtor_number for e in due} == {"D1", "D2"}


def _run_days(world, client, first, last, on_day=None):
    from datetime import timedelta

    day = first
    while day <= last:
        world.clock.at = datetime(day.year, day.month, day.day, 6, 0, tzinfo=UTC)
        if on_day:
            on_day(day)
        try:
            world.services.dunning.run_client(client.client_id, day)
        except DunningRunIncomplete:
            pass  # no retry that day: the next day's run must catch up without doubling
        day += timedelta(days=1)


def test_a_staff_task_is_written_once_when_its_run_fails_after_it(faulty):
    world, client, plan = faulty

    def fail_advancing_on_the_task_day(day):
        if day == date(2025, 4, 14):  # 16 days after the 14-day letter: "Bellen"
            plan.rule(lambda op, table: op == "transact" and table == "Invoices", "reset", times=1)

    _run_days(world, client, date(2025, 3, 17), date(2025, 4, 20), fail_advancing_on_the_task_day)
    items, _ = world.services.repos.actions.list(client.client_id, page_size=1000)
    tasks = [a for a in items if a.kind == "staff_task"]
    assert sorted(a.debtor_number for a in tasks) == ["D1", "D2"]


def test_a_hand_over_retried_the_next_day_makes_one_case_and_one_item(faulty):
    world, client, plan = faulty
    services = world.services
    debtor = services.repos.debtors.get(client.client_id, "D1")[0]
    invoices = services.repos.invoices.for_debtor(client.client_id, "D1")
    cases = services.dunning.cases
    plan.rule(lambda op, table: op == "insert" and table == "Actions", "reset", times=1)
    with pytest.raises(ServiceRequestError):
        cases.hand_over(client, debtor, invoices, date(2025, 5, 1), costs=0, interest=0)
    world.clock.at = datetime(2025, 5, 2, 6, 0, tzinfo=UTC)
    first = cases.hand_over(client, debtor, invoices, date(2025, 5, 2), costs=0, interest=0)
    again = cases.hand_over(client, debtor, invoices, date(2025, 5, 3), costs=0, interest=0)
    assert first.case_id == again.case_id
    items, _ = services.repos.actions.list(f"@{client.agency_id}", page_size=1000)
    assert [a.kind for a in items].count("new_case") == 1


def test_a_job_replayed_days_later_runs_as_today(faulty):
    world, client, _ = faulty
    world.clock.at = datetime(2025, 3, 20, 9, 0, tzinfo=UTC)  # the 17th's job, replayed
    record = world.services.dunning.run_client(client.client_id, date(2025, 3, 17))
    assert record is not None and record.business_date == date(2025, 3, 20)
    stored = world.services.repos.invoices.get(client.client_id, "F1").invoice
    assert stored.dunning_step_on == date(2025, 3, 20)
