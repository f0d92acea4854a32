"""onboard32: a new client's dunning went live with the first daily run after its import, so
a backlog of old invoices got its reminders the morning after onboarding, before the agency
and the client had looked at it. A client's ``dunning_starts_on`` holds its run until that
day (the schedule kept, as for a client without an account), then the first run takes what
is due; the API sets and shows the day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shared.domain.parties import Client
from tests.unit.api.conftest import debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import engine, simulate  # noqa: F401


def test_nothing_goes_before_the_start_day_and_the_first_run_on_it_takes_the_backlog(engine):  # noqa: F811
    world, client = engine
    clients = world.services.repos.clients
    stored, etag = clients.get(client.client_id)
    clients.save(replace(stored, dunning_starts_on=date(2025, 3, 23)), etag)

    assert simulate(world, client, 20) == []  # 3-3 to 22-3: the reminder of 17-3 waits
    runs = world.agency_a.call("GET", "/v1/clients/C1/runs").body["items"]
    latest = runs[0]  # the run of 22-3 says it waited, and for whom
    assert (latest["business_date"], latest["messages"]) == ("2025-03-22", 0)
    assert (latest["waiting_until"], latest["waiting_debtors"]) == ("2025-03-23", 2)
    sent = simulate(world, client, 1)
    assert [(d, ch, debtor) for d, ch, debtor, _ in sent] == [
        (date(2025, 3, 23), "email", "D1"),
        (date(2025, 3, 23), "email", "D2"),
    ]
    latest = world.agency_a.call("GET", "/v1/clients/C1/runs").body["items"][0]
    assert (latest["waiting_until"], latest["waiting_debtors"], latest["messages"]) == (None, 0, 2)


def test_the_start_day_is_read_back_and_a_client_without_one_is_live():
    live = Client("c", "a", "C1", "Live")
    assert not live.dunning_waits(date(2025, 3, 1))
    later = replace(live, dunning_starts_on=date(2025, 3, 2))
    assert later.dunning_waits(date(2025, 3, 1))
    assert not later.dunning_waits(date(2025, 3, 2))


def test_the_api_sets_shows_and_clears_the_start_day(engine):  # noqa: F811
    world, client = engine
    api = world.agency_a
    set_ = {"items": [{"number": "C1", "dunning_starts_on": "2025-04-01"}]}
    assert api.call("POST", "/v1/clients", set_).status in (200, 207)
    [shown] = [c for c in api.call("GET", "/v1/clients").body["items"] if c["number"] == "C1"]
    assert shown["dunning_starts_on"] == "2025-04-01"
    stored, _ = world.services.repos.clients.get(client.client_id)
    assert stored.dunning_starts_on == date(2025, 4, 1)

    kept = {"items": [{"number": "C1", "name": stored.name}]}  # left out: kept as stored
    assert api.call("POST", "/v1/clients", kept).status in (200, 207)
    kept_day = world.services.repos.clients.get(client.client_id)[0].dunning_starts_on
    assert kept_day == date(2025, 4, 1)

    cleared = {"items": [{"number": "C1", "dunning_starts_on": None}]}  # null: live now
    assert api.call("POST", "/v1/clients", cleared).status in (200, 207)
    assert world.services.repos.clients.get(client.client_id)[0].dunning_starts_on is None


def test_an_invoice_200_days_overdue_starts_at_the_first_step_on_the_go_live_day(engine):  # noqa: F811
    """A backlog's old invoice skips no step: the reminder, the SMS, then the 14-day letter
    (a consumer owes no costs before its term), each at the workflow's spacing."""
    world, client = engine
    api = world.agency_a
    api.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D3", name="Oud")]})
    # due 200 days before the first morning (3-3)
    old = invoice_row("F9", "D3", invoice_date="2024-07-16", due_date="2024-08-15")
    answer = api.call("POST", "/v1/clients/C1/invoices", {"items": [old]}).body
    assert answer["created"] == 1, answer
    clients = world.services.repos.clients
    stored, etag = clients.get(client.client_id)
    clients.save(replace(stored, dunning_starts_on=date(2025, 3, 5)), etag)

    d3 = [(d, ch) for d, ch, debtor, _ in simulate(world, client, 25) if debtor == "D3"]
    assert d3 == [
        (date(2025, 3, 5), "email"),  # the first live run: the first step
        (date(2025, 3, 10), "sms"),
        (date(2025, 3, 17), "letter"),  # the 14-day letter
    ]
