"""attack15 P3: 'deceased' set over a bankruptcy or WSNP in force replaced the ruling: its
interest stop went (art. 128 Fw: F1 9.32 of interest on 1-6-2026 became 21.48) and the 500.00
received under it, held by the settlement run until staff decide the filing item (art. 23 Fw),
was paid out on 9-3 (276.15) with the item still open.

A death does not end a bankruptcy (the curator winds up the estate; a WSNP ended by it goes on
as the estate's bankruptcy, art. 350 Fw): a death over a ruling in force is refused (422
standing_ruling_in_force) whatever its day and the ruling stays, with its stop and its hold.
law15b #2: a death of 1-2, before the bankruptcy of 10-2 (an estate's bankruptcy, art. 193 e.v.
Fw), replaced it: the run of 9-3 paid out 276.15, F1's interest on 1-6 was 17.72. Staff who
learn the ruling ended lift it with how it ended (one recorded in error: as a mistake); the
death recorded after that keeps it. Another ruling on or before its day, or of its kind,
corrects it; law15b #3: a bankruptcy from a later day than a WSNP's succeeds it (art. 350 lid 5
Fw) and keeps the WSNP as ended on its day (it replaced it: 276.15 paid out, 11.35 of interest).
test_paid_after_ruling_held's world: the agency's bankruptcy of D1 of 10-2-2026, recorded
12-2; p1 500.00 received 20-2."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.api.console.refusal_text import refusal
from shared.domain.standing import Standing
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


@pytest.mark.parametrize("day", ["2026-02-01", "2026-02-10"])
def test_a_death_on_or_before_the_rulings_day_is_refused_too(day: str) -> None:
    w, _ = _paid_after_the_ruling("bankrupt")
    _at(w, date(2026, 3, 5))
    r = w.agency_a.call("POST", URL, {"standing": "deceased", "since": day})
    assert r.status == 422, r.body  # before: 201, the bankruptcy gone
    assert r.body["error"]["details"][0]["code"] == "standing_ruling_in_force"
    shown = w.agency_a.call("GET", URL).body
    assert (shown["standing"], shown["since"]) == ("bankrupt", "2026-02-10"), shown
    _at(w, date(2026, 3, 9))
    assert w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 9)) is None  # 27615
    assert _interest_on_1_june(w) == "9.32"  # before: 17.72
    # a ruling recorded in error is lifted as a mistake first; the death is recorded after
    _set(w, {"standing": "normal", "reason": "mistake"})
    _set(w, {"standing": "deceased", "since": day})
    assert w.agency_a.call("GET", URL).body["standing"] == "deceased"


def test_another_ruling_on_or_before_its_day_or_of_its_kind_still_corrects_it() -> None:
    w: Any = _world()
    _at(w, date(2026, 2, 12))
    _set(w, {"standing": "bankrupt", "since": "2026-02-10"})
    _set(w, {"standing": "bankrupt", "since": "2026-02-11"})  # the day corrected (same kind)
    _set(w, {"standing": "bankrupt", "since": "2026-02-09"})  # the day corrected
    _set(w, {"standing": "wsnp", "since": "2026-02-09"})  # the kind corrected
    shown = w.agency_a.call("GET", URL).body
    assert [(x["standing"], x["since"]) for x in shown["rulings"]] == [("wsnp", "2026-02-09")]


def test_a_bankruptcy_after_a_wsnp_keeps_the_wsnp_as_ended_on_its_day() -> None:
    w, _ = _paid_after_the_ruling("wsnp")
    _at(w, date(2026, 3, 5))
    _set(w, {"standing": "bankrupt", "since": "2026-03-05"})  # art. 350 lid 5 Fw
    # before: the WSNP gone from the rulings
    rulings = w.agency_a.call("GET", URL).body["rulings"]
    assert [(x["standing"], x["since"], x["lifted_on"], x["lift_reason"]) for x in rulings] == [
        ("bankrupt", "2026-03-05", None, None), ("wsnp", "2026-02-10", "2026-03-05", "ended"),
    ], rulings  # fmt: skip
    items = w.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    [wsnp] = [x for x in items if x["action_id"] == "standing-D1-wsnp-2026-02-10"]
    assert wsnp["status"] == "open", wsnp  # the 500.00 received under it: a person decides
    assert [x["payment"] for x in wsnp["detail"]["paid_after_ruling"]] == ["p1"]
    assert any(x["action_id"] == "standing-D1-bankrupt-2026-03-05" for x in items)
    # set again (a retry): as it stands
    _set(w, {"standing": "bankrupt", "since": "2026-03-05"})
    again = w.agency_a.call("GET", URL).body["rulings"]
    assert again == rulings, again
    _at(w, date(2026, 3, 9))
    assert w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 9)) is None  # 27615
    assert _interest_on_1_june(w) == "9.32"  # before: 11.35 (the WSNP's stop gone)


def test_a_succession_cut_off_is_finished_by_the_daily_run() -> None:
    """The bankruptcy's set cut off after the debtor's row (before what the WSNP's end does):
    the daily run finishes it from the pending mark, the WSNP's ended item written."""
    w, client = _paid_after_the_ruling("wsnp")
    _at(w, date(2026, 3, 5))
    ds = w.services.debtor_standing

    def cut_off(*args: Any, **kw: Any) -> None:
        raise RuntimeError("cut off")

    with pytest.MonkeyPatch.context() as m:
        m.setattr(ds, "_tell_staff", cut_off)
        with pytest.raises(RuntimeError):
            ds.set(client, "D1", Standing.BANKRUPT, date(2026, 3, 5), "staff", by_agency=True)
    ended = "standing-D1-ended-wsnp-2026-02-10-2026-03-05"
    assert w.services.repos.actions.get(client.client_id, ended) is None
    _at(w, date(2026, 3, 6))
    w.services._left_over(client)
    assert w.services.repos.actions.get(client.client_id, ended) is not None
    found = w.services.repos.actions.get(client.client_id, "standing-D1-wsnp-2026-02-10")
    assert found is not None and found[0].status.value == "open", found


def test_the_refusal_reads_in_dutch() -> None:
    said = refusal(
        Invalid("x", code="standing_ruling_in_force",
                params={"standing": "bankrupt", "day": date(2026, 2, 10)}),
        "nl",
    )  # fmt: skip
    assert said.startswith(
        "Deze debiteur is failliet sinds 10-02-2026 en blijft dat: zijn overlijden"
    ), said
