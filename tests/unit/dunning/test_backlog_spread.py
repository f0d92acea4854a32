"""golive33: a client going live with a backlog sent every first step on its go-live day. Its
``first_steps_per_day`` gives a workflow's first step to at most so many debtors a day, oldest
due first; the others wait for the next runs (counted as ``spread_waiting``), debtors already
in a workflow go on as normal, and a run delivered again the same day gives no more."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest

from shared.services.dunning import DunningRunIncomplete, DunningService
from shared.services.dunning_spread import share
from tests.unit.api.conftest import debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import engine, simulate  # noqa: F401

GO_LIVE = date(2025, 3, 17)


def _backlog(world, client, limit: int | None) -> None:
    """D3 and D4 fell due before D1 and D2 (10-3); all wait for the go-live day, 17-3."""
    api = world.agency_a
    rows = [debtor_row("D3", name="Drie"), debtor_row("D4", name="Vier")]
    assert api.call("POST", "/v1/clients/C1/debtors", {"items": rows}).status == 200
    invoices = [invoice_row("F4", "D3", due_date="2025-03-05"),
                invoice_row("F5", "D4", due_date="2025-03-08")]  # fmt: skip
    assert api.call("POST", "/v1/clients/C1/invoices", {"items": invoices}).status == 200
    clients = world.services.repos.clients
    stored, etag = clients.get(client.client_id)
    clients.save(replace(stored, dunning_starts_on=GO_LIVE, first_steps_per_day=limit), etag)


def _limit(world, client, limit: int | None) -> None:
    clients = world.services.repos.clients
    stored, etag = clients.get(client.client_id)
    clients.save(replace(stored, first_steps_per_day=limit), etag)


def _firsts(log) -> list[tuple[int, str]]:
    return [(d.day, debtor) for d, channel, debtor, _ in log if channel == "email"]


def _latest_run(world):  # type: ignore[no-untyped-def]
    return world.agency_a.call("GET", "/v1/clients/C1/runs").body["items"][0]


def test_the_oldest_due_go_first_the_others_follow_and_the_rest_goes_on(engine):  # noqa: F811
    world, client = engine
    _backlog(world, client, 2)
    log = simulate(world, client, 15)  # 3-3 to 17-3
    assert _firsts(log) == [(17, "D3"), (17, "D4")]  # due 5-3 and 8-3: before D1 and D2
    run = _latest_run(world)
    assert (run["messages"], run["spread_waiting"]) == (2, 2)
    log = simulate(world, client, 1)  # 18-3: the two that waited
    assert _firsts(log) == [(18, "D1"), (18, "D2")]
    assert _latest_run(world)["spread_waiting"] == 0
    _limit(world, client, 1)  # debtors in the workflow go on, whatever the limit
    log = simulate(world, client, 6)  # 19-3 to 24-3: the SMS five days after each reminder
    assert sorted((d.day, debtor) for d, ch, debtor, _ in log if ch == "sms") == [
        (22, "D3"), (22, "D4"), (23, "D1"), (23, "D2"),
    ]  # fmt: skip


def test_without_a_limit_every_first_step_goes_on_the_go_live_day(engine):  # noqa: F811
    world, client = engine
    _backlog(world, client, None)
    log = simulate(world, client, 15)
    assert sorted(_firsts(log)) == [(17, "D1"), (17, "D2"), (17, "D3"), (17, "D4")]
    assert _latest_run(world)["spread_waiting"] == 0


def test_a_run_delivered_again_the_same_day_gives_no_more(engine):  # noqa: F811
    world, client = engine
    _backlog(world, client, 2)
    simulate(world, client, 14)  # 3-3 to 16-3: held for the go-live day
    log = simulate(world, client, 1)
    assert _firsts(log) == [(17, "D3"), (17, "D4")]
    world.clock.advance(days=-1)  # 17-3 again: a debtor due longest of all comes in
    api = world.agency_a
    assert api.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D5")]}).status == 200
    old = invoice_row("F6", "D5", due_date="2025-02-01")
    assert api.call("POST", "/v1/clients/C1/invoices", {"items": [old]}).status == 200
    record = world.services.dunning.run_client(client.client_id, GO_LIVE)  # delivered again
    assert (record.messages, record.spread_waiting) == (0, 1)
    assert world.services.messaging.queues.take("send-email") == []
    world.clock.advance(days=1)
    log = simulate(world, client, 2)  # 18-3: D5 (due 1-2), then D1; 19-3: D2
    assert _firsts(log) == [(18, "D5"), (18, "D1"), (19, "D2")]


def test_the_limit_is_set_shown_and_cleared_by_the_agency_and_the_clients_admin(engine):  # noqa: F811
    world, client = engine
    api = world.agency_a
    set_ = {"items": [{"number": "C1", "first_steps_per_day": 250}]}
    assert api.call("POST", "/v1/clients", set_).status in (200, 207)
    assert api.call("GET", "/v1/clients/C1").body["first_steps_per_day"] == 250
    kept = {"items": [{"number": "C1", "name": "Client C1"}]}  # left out: kept
    assert api.call("POST", "/v1/clients", kept).status in (200, 207)
    assert world.services.repos.clients.get(client.client_id)[0].first_steps_per_day == 250
    refused = api.call(
        "POST", "/v1/clients", {"items": [{"number": "C1", "first_steps_per_day": 0}]}
    )
    assert refused.body["errors"][0]["field"] == "first_steps_per_day", refused.body
    assert world.services.repos.clients.get(client.client_id)[0].first_steps_per_day == 250
    plain = api.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True})
    admin = api.as_key(plain.body["key"])
    changed = admin.call("PUT", "/v1/clients/C1/contact", {"first_steps_per_day": 40})
    assert changed.status == 200 and changed.body["first_steps_per_day"] == 40
    assert admin.call("PUT", "/v1/clients/C1/contact", {"contact_phone": None}).status == 200
    assert world.services.repos.clients.get(client.client_id)[0].first_steps_per_day == 40
    cleared = admin.call("PUT", "/v1/clients/C1/contact", {"first_steps_per_day": None})
    assert cleared.status == 200 and cleared.body["first_steps_per_day"] is None


def test_a_debtor_given_its_slot_and_cut_off_goes_on_the_retry_without_another(engine):  # noqa: F811
    world, client = engine
    _backlog(world, client, 2)
    simulate(world, client, 14)  # to 16-3: held
    world.clock.at = world.clock.at.replace(hour=5)
    perform = DunningService._perform
    cut = {"D3"}

    def once(self, client_, debtor, *args, **kwargs):  # type: ignore[no-untyped-def]
        if debtor.number in cut:
            cut.discard(debtor.number)
            raise RuntimeError("the worker died after D3's mark")
        return perform(self, client_, debtor, *args, **kwargs)

    dunning = world.services.dunning
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DunningService, "_perform", once)
        with pytest.raises(DunningRunIncomplete):
            dunning.run_client(client.client_id, GO_LIVE)
        record = dunning.run_client(client.client_id, GO_LIVE)  # the host's retry
    assert record is not None and (record.messages, record.spread_waiting) == (1, 0)
    queued = world.services.messaging.queues.take("send-email")
    debtors = sorted(
        world.services.messaging.outbox.get(client.client_id, json.loads(j.body)["key"])[
            0
        ].debtor_number
        for j in queued
    )
    assert debtors == ["D3", "D4"]  # D4 on the first attempt, D3 on the retry: two in all


def test_a_shards_part_of_the_limit():
    day = GO_LIVE
    assert sorted(share(5, s, 3, day) for s in range(3)) == [1, 2, 2]
    assert share(7, 0, 1, day) == 7
    # the remainder goes round: over as many days as shards, each shard gets its turn
    days = [day + timedelta(days=n) for n in range(3)]
    assert [sum(share(1, s, 3, d) for s in range(3)) for d in days] == [1, 1, 1]
    assert [sum(share(1, s, 3, d) for d in days) for s in range(3)] == [1, 1, 1]
    assert [sum(share(5, s, 3, d) for d in days) for s in range(3)] == [5, 5, 5]


def _sharded_day(world, client) -> list[str]:  # type: ignore[no-untyped-def]
    """One morning of a sharded client: the fan-out, each shard's job, the e-mails delivered;
    the debtors that got one."""
    services = world.services
    services.dunning.fan_out()
    for job in services.messaging.queues.take("dunning-run"):
        body = json.loads(job.body)
        services.dunning.run_client(body["client_id"], date.fromisoformat(body["date"]),
                                    body["shard"], body["shards"])  # fmt: skip
    got = []
    for job in services.messaging.queues.take("send-email"):
        body = json.loads(job.body)
        services.messaging.deliver(body["client_id"], body["key"])
        got.append(services.messaging.outbox.get(body["client_id"], body["key"])[0].debtor_number)
    world.clock.advance(days=1)
    return got


def test_a_limit_below_the_shard_count_starves_no_shard(engine):  # noqa: F811
    """review33: with a limit of 1 and 2 shards, shard 0 took the one slot every day and the
    debtors of shard 1 (D1, D2) never started their workflow."""
    world, client = engine
    _backlog(world, client, 1)
    clients = world.services.repos.clients
    stored, etag = clients.get(client.client_id)
    clients.save(replace(stored, dunning_shards=2), etag)
    simulate(world, client, 14)  # 3-3 to 16-3: held for the go-live day
    started = [_sharded_day(world, client) for _ in range(6)]  # 17-3 to 22-3
    assert all(len(day) <= 1 for day in started), started  # the limit holds over the shards
    assert {"D1", "D2", "D3", "D4"} <= {d for day in started for d in day}, started
