"""attack15 P3: 'deceased' set over a bankruptcy or WSNP in force replaced the ruling: its
interest stop went (art. 128 Fw: F1 9.32 of interest on 1-6-2026 became 21.48) and the 500.00
received under it, held by the settlement run until staff decide the filing item (art. 23 Fw),
was paid out on 9-3 (276.15) with the item still open.

A death does not end a bankruptcy (the curator winds up the estate; a WSNP ended by it goes on
as the estate's bankruptcy, art. 350 Fw): a death after the ruling's day is refused (422
standing_ruling_in_force) and the ruling stays, with its stop and its hold. Staff who learn the
ruling ended lift it with how it ended; the death recorded after that keeps it. A death on or
before the ruling's day corrects a ruling recorded in error, as before.
test_paid_after_ruling_held's world: the agency's bankruptcy of D1 of 10-2-2026, recorded
12-2; p1 500.00 received 20-2."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.api.console.refusal_text import refusal
from shared.services.errors import Invalid
from tests.unit.settlement.test_paid_after_ruling_held import _paid_after_the_ruling
from tests.unit.standing.test_standing_ruling_claims import URL, _at, _set, _world


def _interest_on_1_june(w: Any) -> str:
    _at(w, date(2026, 6, 1))
    return str(w.agency_a.call("GET", "/v1/clients/C1/invoices/F1/claim").body["interest"])


@pytest.mark.parametrize("ruling", ["bankrupt", "wsnp"])
def test_a_death_during_the_ruling_is_refused_and_the_ruling_stays(ruling: str) -> None:
    w, _ = _paid_after_the_ruling(ruling)
    _at(w, date(2026, 3, 2))
    assert w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 2)) is None  # held
    _at(w, date(2026, 3, 5))
    r = w.agency_a.call("POST", URL, {"standing": "deceased", "since": "2026-03-04"})
    assert r.status == 422, r.body
    assert r.body["error"]["details"][0]["code"] == "standing_ruling_in_force"
    shown = w.agency_a.call("GET", URL).body
    assert (shown["standing"], shown["since"]) == (ruling, "2026-02-10"), shown
    items = w.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    [item] = [x for x in items if x["action_id"] == f"standing-D1-{ruling}-2026-02-10"]
    assert item["status"] == "open"
    _at(w, date(2026, 3, 9))
    assert w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 9)) is None  # 27615
    assert _interest_on_1_june(w) == "9.32"  # before: 21.48 (deceased)


def test_the_interest_stop_stays_and_a_death_after_the_ruling_ended_keeps_it() -> None:
    w: Any = _world()
    _at(w, date(2026, 2, 12))
    _set(w, {"standing": "bankrupt", "since": "2026-02-10"})
    assert _interest_on_1_june(w) == "9.32"
    _at(w, date(2026, 3, 5))
    refused = w.agency_a.call("POST", URL, {"standing": "deceased", "since": "2026-03-04"})
    assert refused.status == 422, refused.body
    assert _interest_on_1_june(w) == "9.32"  # before: 21.48
    # the ruling ends (the final distribution); the death recorded after keeps its period
    _at(w, date(2026, 3, 6))
    _set(w, {"standing": "normal", "reason": "ended"})
    _set(w, {"standing": "deceased", "since": "2026-03-04"})
    rulings = w.agency_a.call("GET", URL).body["rulings"]
    assert [(x["standing"], x["since"]) for x in rulings] == [
        ("deceased", "2026-03-04"), ("bankrupt", "2026-02-10"),
    ], rulings  # fmt: skip
    # the stop of 10-2..5-3 stays; the interest runs again from the lift (the estate owes it):
    # 9.32 + 6-3..31-5 87 d x 4 % of 1,000.00 = 9.53: 18.85 (not 21.48)
    assert _interest_on_1_june(w) == "18.85"


def test_a_death_on_the_rulings_day_or_another_ruling_still_corrects_it() -> None:
    w: Any = _world()
    _at(w, date(2026, 2, 12))
    _set(w, {"standing": "bankrupt", "since": "2026-02-10"})
    _set(w, {"standing": "bankrupt", "since": "2026-02-09"})  # the day corrected
    _set(w, {"standing": "wsnp", "since": "2026-02-09"})  # the kind corrected
    assert w.agency_a.call("GET", URL).body["standing"] == "wsnp"
    _set(w, {"standing": "deceased", "since": "2026-02-09"})  # recorded in error: he had died
    assert w.agency_a.call("GET", URL).body["standing"] == "deceased"


def test_the_refusal_reads_in_dutch() -> None:
    said = refusal(
        Invalid("x", code="standing_ruling_in_force",
                params={"standing": "bankrupt", "day": date(2026, 2, 10)}),
        "nl",
    )  # fmt: skip
    assert said.startswith(
        "Deze debiteur is failliet sinds 10-02-2026 en blijft dat: zijn overlijden"
    ), said
