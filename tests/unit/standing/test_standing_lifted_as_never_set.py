"""codereview11 F2: a bankruptcy recorded by mistake and lifted the next day must leave the
claim as if it was never set (docs/law.md: a lift restates the claims back). The interest stop's
correction was booked with a reason no restatement rule knew, so it counted as credited: the
floor of the interest, 1.09 of it lost for good (1.44 open on 27-3 where 2.53 is owed)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.unit.payments.test_client_sync_receipts import _claim, _handed_over, _sync

URL = "/v1/clients/C1/debtors/D1/standing"
DAYS = ("2026-03-27", "2026-09-01")


def _story(world: Any, *, mistaken_bankruptcy: bool) -> dict[str, Any]:
    _handed_over(world)
    _sync(world, "500.00", datetime(2026, 2, 20, 15, 0, tzinfo=UTC))
    if mistaken_bankruptcy:
        world.clock.at = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)
        set_ = world.agency_a.call("POST", URL, {"standing": "bankrupt", "since": "2026-02-10"})
        assert set_.status == 200, set_.body
        world.clock.at = datetime(2026, 3, 26, 9, 0, tzinfo=UTC)
        assert (
            world.agency_a.call("POST", URL, {"standing": "normal", "reason": "mistake"}).status
            == 200
        )
    world.clock.at = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)
    return {day: (_claim(world, day)["open"], _claim(world, day)["paid"]) for day in DAYS}


def test_a_bankruptcy_lifted_as_a_mistake_leaves_the_interest_as_never_set() -> None:
    from tests.unit.api.conftest import make_world

    never = _story(make_world(), mistaken_bankruptcy=False)
    lifted = _story(make_world(), mistaken_bankruptcy=True)
    assert never["2026-03-27"][0]["interest"] == "2.53"
    assert lifted == never
