"""Two people confirm one kind letter at once: the one who loses the item takes no other's
``q|`` mark away (failure14 F5).

test_kind_letter_confirm_finished's story: F1 5,000.00 under a held business sommatie, a
1,000.00 part payment on 15-1, so once confirmed costs are owed from 22-1 (525.00 open on 16-2,
as an un-raced confirm leaves them). A
decides the item ("being confirmed") and is cut off before its letters; B, from a read of the
item taken before A's decision, writes its mark and loses the item's save (409). Was: B's
failure dropped the mark whoever's it was, so the daily run never finished A's decision: the
item stayed "being confirmed … the daily run finishes it" and F1's costs held (0.00) for good.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.services import debtor_kind as K
from tests.support.faults import SimulatedCrash
from tests.unit.api.test_debtor_kind_letter_held import CLAIM, _corrected
from tests.unit.api.test_debtor_kind_restates_payments import _items
from tests.unit.api.test_kind_letter_confirm_finished import _audited, _daily_run, _marks
from tests.unit.api.test_kind_letter_paid_as_told import _pay


def _url(check: dict[str, Any]) -> str:
    return f"/v1/clients/C1/actions/{check['action_id']}/letter-qualified"


def test_the_loser_of_a_confirm_leaves_the_winners_mark_for_the_daily_run(
    world: Any, monkeypatch: Any
) -> None:
    a = _corrected(world)
    _pay(world, a, "p1", 100_000, date(2026, 1, 15))
    [check] = [c for c in _items(a, "kind_letter_check") if c["status"] == "open"]
    repos = world.services.repos
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    stale = repos.actions.get(client.client_id, check["action_id"])  # B's read, before A's
    real_confirm = K.DebtorKindChanges._confirm_letters

    def cut_off(self: Any, *args: Any, **kw: Any) -> Any:
        raise SimulatedCrash("A cut off after deciding the item")

    monkeypatch.setattr(K.DebtorKindChanges, "_confirm_letters", cut_off)
    with pytest.raises(SimulatedCrash):
        a.call("POST", _url(check))  # A
    monkeypatch.setattr(K.DebtorKindChanges, "_confirm_letters", real_confirm)
    [winners] = [row.data for row in _marks(world)]

    real_get = repos.actions.get
    monkeypatch.setattr(repos.actions, "get",
                        lambda scope, action_id: stale if action_id == check["action_id"]
                        else real_get(scope, action_id))  # fmt: skip
    world.clock.at = datetime(2026, 2, 15, 10, 0, tzinfo=UTC)  # B, an hour later
    b = a.call("POST", _url(check))
    monkeypatch.setattr(repos.actions, "get", real_get)
    assert b.status == 409, b.body
    assert [row.data for row in _marks(world)] == [winners]  # was: no mark left

    _daily_run(world, date(2026, 2, 16))
    [item] = [c for c in _items(a, "kind_letter_check") if c["action_id"] == check["action_id"]]
    assert str(item["resolution"]).startswith(
        "confirmed as a 14-day letter (6:96 lid 6); costs owed from: F1 2026-01-22 ("
    ), item  # was "being confirmed …", for good
    claim = a.call("GET", CLAIM, on="2026-02-16").body
    assert claim["costs_owed_from"] == "2026-01-22" and claim["open"]["costs"] == "525.00"
    assert len(_audited(world)) == 1
    assert _marks(world) == []


def test_a_confirm_dead_before_its_decision_is_taken_over_by_the_next(
    world: Any, monkeypatch: Any
) -> None:
    """C's mark stands (cut off before deciding the item); A confirms: A's mark replaces C's
    under C's etag, A carries it out and drops its own: nothing is left."""
    a = _corrected(world)
    _pay(world, a, "p1", 100_000, date(2026, 1, 15))
    [check] = [c for c in _items(a, "kind_letter_check") if c["status"] == "open"]
    actions = world.services.repos.actions

    def dead(*args: Any, **kw: Any) -> None:
        raise SimulatedCrash("C cut off before the item's save")

    with monkeypatch.context() as m:
        m.setattr(actions, "save", dead)
        with pytest.raises(SimulatedCrash):
            a.call("POST", _url(check))  # C
    assert len(_marks(world)) == 1
    done = a.call("POST", _url(check))
    assert done.status == 200, done.body
    assert _marks(world) == []
    claim = a.call("GET", CLAIM, on="2026-02-16").body
    assert claim["costs_owed_from"] == "2026-01-22" and claim["open"]["costs"] == "525.00"
