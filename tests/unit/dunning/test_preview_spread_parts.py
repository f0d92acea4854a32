"""walk33: the preview of a day after the go-live day named, part by part, the newest due
debtors as starters (each part gave its own debtors the day's slots) where the run started the
oldest due of its whole job; and a day before the go-live day, whose run holds every step,
showed the spread as if that run gave first steps."""

from __future__ import annotations

from datetime import date
from functools import partial
from unittest.mock import patch

from shared.api.console import page_run_preview
from shared.domain.people.authorisation import Role
from shared.services.dunning_preview import preview_run
from tests.unit.console.conftest import desk_for
from tests.unit.dunning.test_backlog_spread import _backlog, _firsts
from tests.unit.dunning.test_daily_run import engine, simulate  # noqa: F401


def _preview(world, client, on: date, rows: int):  # type: ignore[no-untyped-def]
    services = world.services
    found, _ = services.repos.clients.get(client.client_id)
    return preview_run(services.dunning, found, on, rows=rows)


def test_a_part_of_the_preview_gives_the_slots_as_the_runs_whole_job(engine):  # noqa: F811
    world, client = engine
    _backlog(world, client, 1)  # D3 due 5-3, D4 8-3, then D1 and D2; one first step a day
    log = simulate(world, client, 15)  # 3-3 to 17-3, the go-live day
    assert _firsts(log) == [(17, "D3")]
    # 18-3: D4, D1 and D2 wait, a row per invoice; a part of one row holds D1 alone
    first = _preview(world, client, date(2025, 3, 18), rows=1)
    assert first.continuation is not None
    assert (first.starting, first.spread_waiting) == ([], 1)  # D4, due first, takes the slot
    assert first.steps == {}
    whole = _preview(world, client, date(2025, 3, 18), rows=200)
    assert (whole.starting, whole.spread_waiting) == (["D4"], 2)
    assert _firsts(simulate(world, client, 1)) == [(18, "D4")]  # as both said
    # 19-3: D1 and D2 fell due on the same day; D1 goes by number, in part 1 or the whole
    assert _preview(world, client, date(2025, 3, 19), rows=1).starting == ["D1"]
    assert _preview(world, client, date(2025, 3, 19), rows=200).starting == ["D1"]
    assert _firsts(simulate(world, client, 1)) == [(19, "D1")]


def test_a_day_before_the_go_live_day_starts_nobody_and_lists_every_held_step(engine):  # noqa: F811
    world, client = engine
    _backlog(world, client, 1)
    simulate(world, client, 13)  # 3-3 to 15-3
    held = _preview(world, client, date(2025, 3, 16), rows=200)
    assert (held.starting, held.spread_waiting) == ([], 0)
    # D3 and D4 due for a reminder: both listed, not the day's one first step
    assert sorted(d for s in held.steps.values() for d in s.debtors) == ["D3", "D4"]
    listed = held.debtors  # what the run's record counts as waiting
    simulate(world, client, 1)  # the run of 16-3 holds them all
    run = world.agency_a.call("GET", "/v1/clients/C1/runs").body["items"][0]
    assert (run["business_date"], run["waiting_debtors"], run["spread_waiting"]) == (
        "2025-03-16", listed, 0,
    )  # fmt: skip


def test_the_consoles_part_without_a_step_says_the_next_parts_may_have_some(engine):  # noqa: F811
    """walk33: part 1 of the console's preview read "the run of this day takes no step" while
    its part 2 held the day's first steps (the oldest due debtors)."""
    world, client = engine
    _backlog(world, client, 1)
    simulate(world, client, 15)  # to 17-3: D3 starts; D4, D1 and D2 wait, a row per invoice
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    small = partial(preview_run, rows=1)  # part 1: D1's first invoice; D4 (due 8-3) goes
    with patch.object(page_run_preview, "preview_run", small):
        page = agency.get(f"/run-preview?client={client.client_id}&on=2025-03-18&lang=en")
    body = page.encoded().decode()
    assert page.status == 200 and 'id="runp-more"' in body
    assert "This part of the run takes no step; the next parts may." in body
    assert "The run of this day takes no step" not in body
