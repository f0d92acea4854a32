"""standing15 #2: two rulings of one debtor that end on the same day had one item between them.

The item of a ruling that ended (what to book and write off on its claims) was keyed by the
debtor and the day of the lift alone (``standing-D1-ended-2026-03-20``). Staff recording a
debtor's history on one day (a bankruptcy of 10-1-2026 that ended otherwise, then a WSNP of
10-2-2026 that ended with a clean slate, both lifted on 20-3) got the bankruptcy's item only:
the WSNP's was taken as written (``_ended_told``), so nobody was told to write its claims off.

Consumer D1, F1 1,000.00 of 1-11-2025 (test_standing_ruling_claims' world): a claim of both."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.domain.records import ActionItem
from tests.unit.standing.test_standing_ruling_claims import _at, _set, _world


def _ended_items(w: Any) -> list[dict[str, Any]]:
    items = w.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [x for x in items if x["kind"] == "debtor_standing_ended"]


def _two_rulings_ended_on_one_day() -> Any:
    w = _world()
    _at(w, date(2026, 3, 20))
    _set(w, {"standing": "bankrupt", "since": "2026-01-10"})
    _set(w, {"standing": "normal", "reason": "ended"})
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    _set(w, {"standing": "normal", "reason": "clean_slate"})
    return w


def test_each_ruling_that_ended_on_one_day_gets_its_own_item() -> None:
    w = _two_rulings_ended_on_one_day()
    found = sorted((x["detail"]["standing"], x["detail"]["since"], x["detail"]["reason"],
                    tuple(x["invoice_numbers"])) for x in _ended_items(w))  # fmt: skip
    assert found == [
        ("bankrupt", "2026-01-10", "ended", ("F1",)),
        ("wsnp", "2026-02-10", "clean_slate", ("F1",)),
    ], found
    assert len({x["action_id"] for x in _ended_items(w)}) == 2


def test_an_item_stored_under_the_old_key_is_still_the_rulings() -> None:
    """An item an earlier version wrote (``standing-D1-ended-<day>``, its detail naming the
    ruling) is that ruling's: a lift finished again writes no second one for it."""
    w = _world()
    client = w.services.access.client_for(w.services.access.authenticate(w.agency_a.key), "C1")
    _at(w, date(2026, 3, 20))
    _set(w, {"standing": "wsnp", "since": "2026-02-10"})
    w.services.repos.actions.add(ActionItem(
        client_id=client.client_id, action_id="standing-D1-ended-2026-03-20",
        kind="debtor_standing_ended", title="Debtor D1's wsnp since 2026-02-10 ended (ended)",
        created_at=w.clock.now(), debtor_number="D1", invoice_numbers=("F1",),
        detail={"standing": "wsnp", "since": "2026-02-10", "lifted_on": "2026-03-20",
                "reason": "ended"},
    ))  # fmt: skip
    _set(w, {"standing": "normal", "reason": "ended"})
    assert [x["action_id"] for x in _ended_items(w)] == ["standing-D1-ended-2026-03-20"]
