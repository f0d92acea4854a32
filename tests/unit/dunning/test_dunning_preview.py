"""golive32: a preview of a client's run, nothing sent or written, decided by the run's own
code: on every morning of a workflow's first steps the preview and the real run agree on which
debtors get which step for which invoices."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from unittest.mock import patch

from shared.clock import amsterdam_date
from shared.services.dunning import PLANNED_ON, STEP_NAME
from shared.services.dunning_preview import preview_run, steps_in_order
from tests.unit.api.conftest import debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import engine, simulate  # noqa: F401


def _snapshot(world):
    return {
        t: {k: (dict(r.data), r.etag) for k, r in rows.items()}
        for t, rows in world.store._tables.items()
    }


def _run_the_day(world, client):
    """The day's run and what it wrote to the outbox: debtor -> [(step name, invoices)]."""
    services = world.services
    services.dunning.fan_out()
    for job in services.messaging.queues.take("dunning-run"):
        body = json.loads(job.body)
        if body["client_id"] == client.client_id:
            services.dunning.run_client(body["client_id"], date.fromisoformat(body["date"]))
    made: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for channel in ("email", "sms", "letter"):
        for job in services.messaging.queues.take(f"send-{channel}"):
            body = json.loads(job.body)
            record, _ = services.messaging.outbox.get(body["client_id"], body["key"])
            services.messaging.deliver(body["client_id"], body["key"])
            if record.extra[PLANNED_ON] != amsterdam_date(world.clock.now()).isoformat():
                continue  # an earlier day's, deferred past a Sunday: not this day's run
            made.setdefault(record.debtor_number, []).append(
                (record.extra[STEP_NAME], tuple(sorted(record.invoice_numbers)))
            )
    return made


def _agree(world, client, days):
    """Each morning: the preview of the day, then the day's run; they must name the same
    debtors, steps and invoices, and the preview writes nothing. The days something went."""
    services = world.services
    workflow = services.repos.dunning.workflows(client.client_id)["particulier"]
    names = {s.step_id: s.name for s in workflow.steps}
    went = []
    for _ in range(days):
        today = amsterdam_date(world.clock.now())
        stored = services.repos.clients.get(client.client_id)[0]
        before = _snapshot(world)
        preview = preview_run(services.dunning, stored, today)
        assert _snapshot(world) == before  # nothing written, no schedule row moved
        expected = {
            debtor: sorted((names[step_id], numbers) for step_id, numbers in planned)
            for debtor, planned in preview.planned.items()
        }
        made = _run_the_day(world, client)
        assert {d: sorted(m) for d, m in made.items()} == expected, today
        went += [(today, d, step, numbers) for d, m in sorted(made.items()) for step, numbers in m]
        world.clock.advance(days=1)
    return went


def test_the_preview_and_the_run_agree_on_every_morning(engine):  # noqa: F811
    world, client = engine
    # 3-3 to 30-3: the reminder, the SMS and the 14-day letter
    went = _agree(world, client, 28)
    assert sorted({day for day, *_ in went}) == [
        date(2025, 3, 17),
        date(2025, 3, 22),
        date(2025, 3, 29),
    ]


def test_they_agree_on_a_paused_debtor_and_a_paid_invoice(engine):  # noqa: F811
    world, client = engine
    api = world.agency_a
    paused = api.call("POST", "/v1/clients/C1/debtors/D2/pause",
                      {"reason": "Schuldhulp", "until": "2025-03-24"})  # fmt: skip
    assert paused.status == 200, paused.body
    credit = api.call("POST", "/v1/clients/C1/invoices/F2/credit")  # the whole invoice
    assert credit.status == 200, credit.body
    went = _agree(world, client, 28)
    assert [(day.day, debtor, step, numbers) for day, debtor, step, numbers in went] == [
        (17, "D1", "Herinnering", ("F1",)),  # F2 credited: not named
        (22, "D1", "SMS", ("F1",)),
        (25, "D2", "Herinnering", ("F3",)),  # the day after the pause
        (29, "D1", "Veertiendagenbrief", ("F1",)),
        (30, "D2", "SMS", ("F3",)),
    ]


def test_the_api_counts_per_step_with_costs_only_where_the_law_allows(engine):  # noqa: F811
    world, client = engine
    api = world.agency_a
    first = api.call("GET", "/v1/clients/C1/dunning/preview", on="2025-03-17")
    assert first.status == 200, first.body
    assert first.body["steps"] == [{
        "workflow": "particulier", "step_id": first.body["steps"][0]["step_id"],
        "step": "Herinnering", "channel": "email", "debtors": 2, "invoices": 3,
        "principal": "292.00", "costs": "0.00", "costs_announced": "0.00",
    }]  # fmt: skip
    assert (first.body["debtors"], first.body["continuation"]) == (2, None)
    assert first.body["without_workflow"] == first.body["below_minimum"] == 0
    before = _snapshot(world)
    assert api.call("GET", "/v1/clients/C1/dunning/preview").body["on"] == "2025-03-03"  # today
    assert _snapshot(world) == before
    # the consumers' 14-day letter: it announces the WIK costs for after its term, owes none
    simulate(world, client, 26)  # 3-3 to 28-3: the reminders and the SMS
    letter = api.call("GET", "/v1/clients/C1/dunning/preview").body
    assert letter["on"] == "2025-03-29"
    [step] = letter["steps"]
    assert (step["step"], step["debtors"], step["costs"]) == ("Veertiendagenbrief", 2, "0.00")
    assert step["costs_announced"] == "80.00"  # the 40.00 minimum for each debtor


def test_the_default_day_is_the_go_live_day_and_the_past_is_refused(engine):  # noqa: F811
    world, client = engine
    api = world.agency_a
    stored = world.services.repos.clients
    found, etag = stored.get(client.client_id)
    stored.save(replace(found, dunning_starts_on=date(2025, 3, 20)), etag)
    body = api.call("GET", "/v1/clients/C1/dunning/preview").body
    assert body["on"] == "2025-03-20" and body["steps"][0]["debtors"] == 2
    assert api.call("GET", "/v1/clients/C1/dunning/preview", on="2025-03-02").status == 400
    assert api.call("GET", "/v1/clients/C1/dunning/preview", on="morgen").status == 400
    assert world.agency_b.call("GET", "/v1/clients/C1/dunning/preview").status == 404
    plain = api.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"]
    assert api.as_key(plain).call("GET", "/v1/clients/C1/dunning/preview").status == 404


def test_a_preview_reads_one_part_and_goes_on_after_it(engine):  # noqa: F811
    world, client = engine
    services = world.services
    simulate(world, client, 1)  # the import's row becomes a row per invoice, due on 17-3
    stored = services.repos.clients.get(client.client_id)[0]
    whole = preview_run(services.dunning, stored, date(2025, 3, 17))
    first = preview_run(services.dunning, stored, date(2025, 3, 17), rows=2)
    assert first.continuation is not None and list(first.planned) == ["D1"]  # F1 and F2
    rest = preview_run(services.dunning, stored, date(2025, 3, 17), first.continuation, rows=1000)
    assert rest.continuation is None
    assert {**first.planned, **rest.planned} == whole.planned


def test_a_preview_reads_the_ended_plans_once_and_each_debtor_side_by_side(engine):  # noqa: F811
    """walk32: a backlog's preview on Table Storage took a minute (1,000 debtors, one by one,
    five reads each). The ended plans' holds are read once for the part, as the run does, and
    the debtors' reads go side by side; the answer is the same as one by one."""
    world, client = engine
    api = world.agency_a
    numbers = [f"B{n:03d}" for n in range(40)]
    rows = [debtor_row(n, name=f"Debiteur {n}") for n in numbers]
    assert api.call("POST", "/v1/clients/C1/debtors", {"items": rows}).status == 200
    invoices = [invoice_row(f"G{n}", n, due_date="2025-03-10") for n in numbers]
    assert api.call("POST", "/v1/clients/C1/invoices", {"items": invoices}).status == 200
    services = world.services
    stored = services.repos.clients.get(client.client_id)[0]
    side_by_side = preview_run(services.dunning, stored, date(2025, 3, 17))
    with patch("shared.services.dunning_preview.PREVIEW_READERS", 1, create=True):
        before = world.store.requests
        sequential = preview_run(services.dunning, stored, date(2025, 3, 17))
        reads = world.store.requests - before
    assert sequential.planned == side_by_side.planned and len(side_by_side.planned) == 42
    assert steps_in_order(sequential) == steps_in_order(side_by_side)
    # the debtor, its invoices, the running plans' holds, the claims, the ledger's figures:
    # no read of the ended plans' holds per debtor (it was five a debtor)
    assert reads <= 4 * 42 + 5, reads


def test_a_day_before_the_go_live_day_says_its_run_waits(engine):  # noqa: F811
    """walk32 F1: the preview of a day before the go-live day listed 502 reminders, and that
    day's run sent none (``waiting_debtors: 502``): the answer says the steps wait."""
    world, client = engine
    api = world.agency_a
    stored = world.services.repos.clients
    found, etag = stored.get(client.client_id)
    stored.save(replace(found, dunning_starts_on=date(2025, 3, 20)), etag)
    before = api.call("GET", "/v1/clients/C1/dunning/preview", on="2025-03-17").body
    assert before["waiting_until"] == "2025-03-20" and before["steps"][0]["debtors"] == 2
    live = api.call("GET", "/v1/clients/C1/dunning/preview", on="2025-03-20").body
    assert live["waiting_until"] is None


def test_they_agree_with_a_limit_of_first_steps_a_day(engine):  # noqa: F811
    """golive33: with ``first_steps_per_day`` the preview names the debtors the run takes,
    and those that wait for the next morning."""
    world, client = engine
    clients = world.services.repos.clients
    found, etag = clients.get(client.client_id)
    clients.save(replace(found, first_steps_per_day=1), etag)
    went = _agree(world, client, 28)
    assert [(day.day, debtor, step) for day, debtor, step, _ in went] == [
        (17, "D1", "Herinnering"),  # due on the same day as D2's: by number
        (18, "D2", "Herinnering"),  # waited a day
        (22, "D1", "SMS"),
        (23, "D2", "SMS"),
        (29, "D1", "Veertiendagenbrief"),
        (30, "D2", "Veertiendagenbrief"),
    ]


def test_the_preview_of_a_go_live_day_names_who_starts_and_counts_who_waits(engine):  # noqa: F811
    world, client = engine
    api = world.agency_a
    assert api.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D3")]}).status == 200
    old = invoice_row("F4", "D3", due_date="2025-03-05")  # due before D1's and D2's
    assert api.call("POST", "/v1/clients/C1/invoices", {"items": [old]}).status == 200
    set_ = {
        "items": [{"number": "C1", "dunning_starts_on": "2025-03-17", "first_steps_per_day": 2}]
    }
    assert api.call("POST", "/v1/clients", set_).status in (200, 207)
    simulate(world, client, 1)  # the import's row: a row per invoice
    body = api.call("GET", "/v1/clients/C1/dunning/preview").body
    assert (body["on"], body["starting"], body["spread_waiting"]) == ("2025-03-17", ["D3", "D1"], 1)
    assert body["steps"][0]["debtors"] == 2
    simulate(world, client, 14)  # 4-3 to 17-3: the run of the go-live day as the preview said
    run = api.call("GET", "/v1/clients/C1/runs").body["items"][0]
    assert (run["business_date"], run["messages"], run["spread_waiting"]) == ("2025-03-17", 2, 1)
    tomorrow = api.call("GET", "/v1/clients/C1/dunning/preview", on="2025-03-18").body
    assert (tomorrow["starting"], tomorrow["spread_waiting"]) == (["D2"], 0)
