"""law15b #4: 500.00 received and booked 20-2 under the bankruptcy of 10-2 (held by the run
while its filing item is open); on 1-3 staff lift the ruling as ended. The lift resolved the
filing item on its own and the run of 2-3 paid the client 276.15 of it (350.00 - 35.00
commission - 38.85 VAT), nobody having decided: the end of a ruling is no decision that the
money is the creditor's (art. 23, 35, 194 Fw). Now the item stays open for who may decide it
and the run holds the money until then; a ruling with no money received under it is resolved
by the lift as before."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.settlement.test_paid_after_ruling_held import (
    _paid_after_the_ruling,
    ruling_recorded,
)
from tests.unit.standing.test_standing_ruling_claims import _at, _filing, _set


@pytest.mark.parametrize("ruling", ["bankrupt", "wsnp"])
def test_the_end_of_the_ruling_leaves_its_money_to_a_person(ruling: str) -> None:
    w, _ = _paid_after_the_ruling(ruling)
    _at(w, date(2026, 3, 1))
    _set(w, {"standing": "normal", "reason": "ended"})
    item = _filing(w)
    assert item["status"] == "open", item  # before: resolved by the lift
    assert [x["payment"] for x in item["detail"]["paid_after_ruling"]] == ["p1"]
    _at(w, date(2026, 3, 2))
    assert w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 2)) is None  # 27615
    done = w.agency_a.call("POST", f"/v1/clients/C1/actions/{item['action_id']}/resolve",
                           {"resolution": "the curator lets the payment stand"})  # fmt: skip
    assert done.status == 200, done.body
    _at(w, date(2026, 3, 9))
    run = w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 9))
    assert run is not None and run.payout_total == 276_15, run


def test_a_ruling_with_no_money_received_under_it_is_resolved_by_its_end() -> None:
    w, _ = ruling_recorded("bankrupt")
    _at(w, date(2026, 3, 1))
    _set(w, {"standing": "normal", "reason": "ended"})
    assert _filing(w)["status"] == "resolved"
