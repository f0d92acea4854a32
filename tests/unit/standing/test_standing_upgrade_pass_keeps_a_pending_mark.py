"""failure14b Q2: the daily run's one-time pass (adopt_old_standings, u|standings) marks an
old-shaped WSNP with put_mark(pending=False), an upsert: a person's set of the same debtor
cut off before its holds while the pass runs loses its pending mark, and no run finishes it.

Story of tests/unit/standing/test_standing_recorded_by_agency.py: the agency set D1's WSNP since
10-2-2026 on 25-3, stored as before the flag (no by_agency, no g| mark). On 28-3 the run's pass
lists D1; meanwhile the agency corrects the ruling's day to 20-1-2026 (POST standing wsnp since
2026-01-20), cut off after the debtor's row, before the claims' holds. Control: the same cut-off
set after the pass (u| written): the next run finishes it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.adapters.tables.invoices_repo import STANDING_ROW
from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import make_world
from tests.unit.payments.test_client_sync_receipts import _claim, _handed_over
from tests.unit.standing.test_standing_recorded_by_agency import _as_stored_before_the_flag

URL = "/v1/clients/C1/debtors/D1/standing"


def _cut_set(world: Any) -> None:
    """The agency corrects the ruling's day to 20-1; the request dies before the holds."""
    ds = world.services.debtor_standing

    def crash(*a: Any, **k: Any) -> None:
        raise SimulatedCrash("before the holds")

    with pytest.MonkeyPatch.context() as m:
        m.setattr(ds, "_holds", crash)
        with pytest.raises(SimulatedCrash):
            world.agency_a.call("POST", URL, {"standing": "wsnp", "since": "2026-01-20"})


@pytest.mark.parametrize("race", [False, True], ids=["control-after-pass", "set-during-pass"])
def test_a_set_cut_off_during_the_upgrade_pass(race: bool) -> None:
    world = make_world()
    client = _handed_over(world)
    a = world.agency_a
    world.clock.at = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)
    assert a.call("POST", URL, {"standing": "wsnp", "since": "2026-02-10"}).status == 200
    _as_stored_before_the_flag(world, client)
    world.clock.at = datetime(2026, 3, 28, 5, 0, tzinfo=UTC)
    debtors = world.services.repos.debtors
    real_list = debtors.list
    fired: list[int] = []

    def listing(*args: Any, **kw: Any) -> Any:
        page = real_list(*args, **kw)
        if race and not fired:
            fired.append(1)
            _cut_set(world)  # the agency's correction, cut off, while the pass walks D1
        return page

    with pytest.MonkeyPatch.context() as m:
        m.setattr(debtors, "list", listing)
        world.services.dunning.run_client(client.client_id, date(2026, 3, 28))
    if not race:
        _cut_set(world)
    for day in (29, 30):
        world.clock.at = datetime(2026, 3, day, 5, 0, tzinfo=UTC)
        world.services.dunning.run_client(client.client_id, date(2026, 3, day))
    body = a.call("GET", URL).body
    assert (body["standing"], body["since"]) == ("wsnp", "2026-01-20")
    header = world.services.ledger.ledger.header(client.client_id, "D1", "F1")
    assert header is not None
    # the corrected ruling's stop (a consumer's: from the ruling's day), no costs after it
    assert [s for _, s, _ in header.interest_paused] == [date(2026, 1, 20)], header.interest_paused
    assert _claim(world, "2026-03-30")["open"]["costs"] == "0.00"
    marks = world.services.repos.invoices.marks(client.client_id, STANDING_ROW)
    assert [m["pending"] for _, _, m in marks] == [False], marks
