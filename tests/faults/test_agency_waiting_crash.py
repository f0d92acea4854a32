# ruff: noqa: F811  (the fixtures world and tenants are imported)
"""The agency's Today block counts its waiting items from the scope's waiting sums. An item and
its change of the sums are two writes: a worker dying between them (after an item's insert,
before its +1; after its resolve, before its -1) must not hide a refused statement, nor count a
resolved one red, for good (failure6 finding 2). The few items Today reads check the sums and
count them again when they disagree; above that, the agency list's recount does."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shared.domain.people.authorisation import Role
from shared.domain.records import ActionItem
from shared.domain.scopes import agency_scope
from shared.ports.tables import Conflict
from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import world  # noqa: F401 (fixture)
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.people.conftest import tenants  # noqa: F401 (fixture)

NOW = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
SCOPE = agency_scope("agency-a")


def _item(i: str, kind: str = "statement_quarantined") -> ActionItem:
    return ActionItem(SCOPE, i, kind, f"Statement {i}.sta refused: account belongs to no client",
                      NOW, detail={"blob": f"agency-a/{i}.sta"})  # fmt: skip


def _dies_once(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The next waiting-sum change is never recorded: the worker died just before it."""
    figures = world.services.repos.actions.figures
    real = figures.move_waiting_for

    def dies(*a: Any, **kw: Any) -> None:
        monkeypatch.setattr(figures, "move_waiting_for", real)
        raise SimulatedCrash("between the item's write and its waiting-sum change")

    monkeypatch.setattr(figures, "move_waiting_for", dies)


def _crash_after_the_write(world: Any, item: ActionItem, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker died after the item's write, its redelivery not yet run (that one settles
    the count: tests/faults/test_waiting_count_once.py)."""
    _dies_once(world, monkeypatch)
    with pytest.raises(SimulatedCrash):
        world.services.repos.actions.add(item)


def _add_across_a_crash(world: Any, item: ActionItem, monkeypatch: pytest.MonkeyPatch) -> None:
    """What every caller does (settlement, statement quarantine): insert; the redelivery takes
    Conflict as 'on the list already'."""
    _dies_once(world, monkeypatch)
    with pytest.raises(SimulatedCrash):
        world.services.repos.actions.add(item)
    with pytest.raises(Conflict):
        world.services.repos.actions.add(item)


def _today(staff: Any) -> str:
    return str(staff.get("/today?lang=en").encoded().decode())


def test_a_refused_statement_added_across_a_crash_shows_on_today(
    world: Any, tenants: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    assert "No open actions." in _today(staff)  # the sums are built
    _add_across_a_crash(world, _item("q1"), monkeypatch)
    today = _today(staff)
    assert "1 waiting, 1 of them holding money up" in today and '<p class="red">' in today
    assert "/agency-actions/q1" in today
    # counted again, stored: the next view reads the sums right
    assert world.services.console_figures.action_counts(SCOPE) == {"statement_quarantined": 1}


def test_a_crash_after_resolving_does_not_count_a_gone_item(
    world: Any, tenants: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    _today(staff)
    actions = world.services.repos.actions
    actions.add(_item("q2"))
    assert "1 waiting" in _today(staff)
    _dies_once(world, monkeypatch)
    with pytest.raises(SimulatedCrash):
        actions.resolve_if_open(SCOPE, "q2", "done", NOW)
    assert actions.resolve_if_open(SCOPE, "q2", "done", NOW) is False  # the retry
    today = _today(staff)
    assert "1 waiting" not in today and '<p class="red">' not in today
    assert "No open actions." in today
    assert world.services.console_figures.action_counts(SCOPE) == {}


def test_more_items_than_today_shows_are_counted_again_on_the_agency_list(
    world: Any, tenants: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seven waiting, one of them added across a crash: Today reads five, so the sums cannot be
    checked there; the agency list's recount counts them again."""
    staff = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    _today(staff)
    for n in range(6):
        world.services.repos.actions.add(_item(f"p{n}", "pooled_credit"))
    _crash_after_the_write(world, _item("q7"), monkeypatch)
    assert "6 waiting, 0 of them" in _today(staff)  # off by the lost change, as designed
    token = csrf_of(staff.get("/agency-actions"))
    assert staff.post("/agency-actions", {"csrf": token, "do": "recount"}).status == 303
    today = _today(staff)
    assert "7 waiting, 1 of them holding money up" in today and '<p class="red">' in today


def test_a_clients_person_cannot_recount_the_agency_list(world: Any, tenants: Any) -> None:
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    token = csrf_of(admin.get("/today"))
    assert admin.post("/agency-actions", {"csrf": token, "do": "recount"}).status == 403


def test_today_is_shown_when_counting_again_fails(
    world: Any, tenants: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Storage refusing the recount's writes: Today still shows what it read."""
    from azure.core.exceptions import ServiceRequestError

    staff = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    _today(staff)
    _crash_after_the_write(world, _item("q1"), monkeypatch)

    def down(*a: Any, **kw: Any) -> None:
        raise ServiceRequestError("injected: connection refused")

    monkeypatch.setattr(world.services.console_figures, "recount", down)
    page = staff.get("/today?lang=en")
    assert page.status == 200
    assert "1 waiting, 1 of them holding money up" in page.encoded().decode()
