"""Two repayments recorded at the same moment under two references (the console's Afdracht page
and the API, or a double submit with a new reference): each read "owed 87.90" before the other's
row landed, both passed the bound and the client ended at -87.90, which the next settlement
pays out (session6 finding 2). A recording's transaction moves the client's turn row, so the
later one checks again and is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.unit.settlement.test_repayment_bounds import _post
from tests.unit.settlement.test_settlement_repayment import PATH, _owing


def test_two_repayments_at_once_cannot_both_take_what_is_owed(world: Any) -> None:
    _owing(world)
    world.clock.at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    repos = world.services.settlement_repayments.repayments
    real = repos.add_in_turn
    inner: list[Any] = []

    def add_in_turn(asked: Any, turn: Any) -> Any:
        # the second request runs between the first one's check and its write
        if asked.reference == "S6-A" and not inner:
            inner.append(None)
            inner[0] = _post(world, "87.90", "2026-12-02", "S6-B")
        return real(asked, turn)

    repos.add_in_turn = add_in_turn
    first = _post(world, "87.90", "2026-12-02", "S6-A")
    repos.add_in_turn = real
    body = world.agency_a.call("GET", PATH).body
    assert inner[0].status == 201, inner[0].body
    assert first.status == 422, first.body
    assert body["owed"] == "0.00"
    assert [i["reference"] for i in body["items"]] == ["S6-B"]
