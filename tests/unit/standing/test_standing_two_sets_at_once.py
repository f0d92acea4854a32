"""failure14b Q3: two standing sets of one debtor at once: the first's holds, written from the
debtor row it saved, land after the second finished; its mark settle fails silently and the
second already settled the mark as done: the claims keep the first's holds for good.

Story of test_standing_recorded_by_agency: F1 1,000.00 handed over. On 25-3-2026 the agency
sets WSNP since 10-2 (request A); while A is between its debtor row and its holds, a colleague
corrects its day to 1-3 (request B, runs whole). Then A goes on. Runs 26-3..28-3."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.adapters.tables.invoices_repo import STANDING_ROW
from tests.unit.api.conftest import make_world
from tests.unit.payments.test_client_sync_receipts import _claim, _handed_over

URL = "/v1/clients/C1/debtors/D1/standing"


@pytest.mark.parametrize("race", [False, True], ids=["control-in-turn", "b-inside-a"])
def test_two_sets_at_once(race: bool) -> None:
    world = make_world()
    client = _handed_over(world)
    a = world.agency_a
    ds = world.services.debtor_standing
    world.clock.at = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)
    real = ds._holds
    fired: list[int] = []

    def holds(c: Any, debtor: Any) -> None:
        if race and not fired:  # B runs whole while A is at its holds
            fired.append(1)
            got = a.call("POST", URL, {"standing": "wsnp", "since": "2026-03-01"})
            assert got.status == 200, got.body
        real(c, debtor)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(ds, "_holds", holds)
        assert a.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"}).status == 200
    if not race:
        assert a.call("POST", URL, {"standing": "wsnp", "since": "2026-03-01"}).status == 200
    for day in (26, 27, 28):
        world.clock.at = datetime(2026, 3, day, 5, 0, tzinfo=UTC)
        world.services.dunning.run_client(client.client_id, date(2026, 3, day))
    body = a.call("GET", URL).body
    header = world.services.ledger.ledger.header(client.client_id, "D1", "F1")
    assert header is not None
    # (a correction of the day: a bankruptcy from 1-3 would succeed the WSNP, law15b #3)
    assert (body["standing"], body["since"]) == ("wsnp", "2026-03-01")
    assert [s for _, s, _ in header.interest_paused] == [date(2026, 3, 1)], header.interest_paused
    assert _claim(world, "2026-03-28")["open"]["interest"] == "11.40"
    marks = world.services.repos.invoices.marks(client.client_id, STANDING_ROW)
    assert [m["pending"] for _, _, m in marks] == [False], marks
