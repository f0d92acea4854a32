"""failure14b Q1: a bank's MD07 proposal settles the pending mark of a person's set cut off
before its holds: the daily run then never writes the WSNP's interest stop.

Story of tests/unit/standing/test_standing_cut_off.py (test_a_ruling_set_cut_off_after_the_
debtor_row_is_finished_by_the_daily_run): the WSNP of 18-3 saved on D1, cut off before the
claims' holds. The same day (before the run) a direct debit of D1 comes back MD07 (the bank's
return, propose_deceased). Without the MD07 the daily run finishes the set (F1 interest 0.14 on
1-5); with it, the proposal's put_mark (an upsert) takes over the set's pending mark, finds the
standing in force (nothing to propose) and settles the mark as done (replace_mark pending=False)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.support.faults import SimulatedCrash
from tests.unit.dunning.test_daily_run import engine, simulate  # noqa: F401

URL = "/v1/clients/C1/debtors/D1/standing"


def _open(world: Any, number: str) -> dict[str, str]:
    got = world.agency_a.call("GET", f"/v1/clients/C1/invoices/{number}/claim", on="2025-05-01")
    return dict(got.body["open"])


@pytest.mark.parametrize("md07", [False, True], ids=["control-no-md07", "md07-after-cut-set"])
def test_md07_after_a_cut_off_wsnp_set(engine, monkeypatch, md07):  # noqa: F811
    world, client = engine
    a = world.agency_a
    ds = world.services.debtor_standing

    def hook(today: date) -> None:
        if today == date(2025, 3, 18):

            def crash(*args: Any, **kw: Any) -> None:
                raise SimulatedCrash("before the holds")

            with monkeypatch.context() as m:
                m.setattr(ds, "_holds", crash)
                with pytest.raises(SimulatedCrash):
                    a.call("POST", URL, {"standing": "wsnp", "since": "2025-03-18"})
            if md07:
                ds.propose_deceased(client, "D1", "returned by the bank (MD07)", "ret-1")

    simulate(world, client, 60, hook)
    f1 = _open(world, "F1")
    kinds = [i["kind"] for i in a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert f1["interest"] == "0.14", f1
    assert kinds.count("debtor_standing") == 1, kinds


@pytest.mark.parametrize("md07", [False, True], ids=["control-no-md07", "md07-after-cut-set"])
def test_md07_after_a_cut_off_deceased_set(engine, monkeypatch, md07):  # noqa: F811
    """Staff set D1 deceased (died 30-3) on 1-4, inside the letter's term (posted 29-3, costs
    owed from 17-4), cut off before the holds; the bank returns the plan's/direct debit MD07
    the same morning. The proposal finds a standing in force and drops the set's pending mark
    (deceased keeps no mark): the costs hold is never written."""
    world, client = engine
    a = world.agency_a
    ds = world.services.debtor_standing

    def hook(today: date) -> None:
        if today == date(2025, 4, 1):

            def crash(*args: Any, **kw: Any) -> None:
                raise SimulatedCrash("before the holds")

            with monkeypatch.context() as m:
                m.setattr(ds, "_holds", crash)
                with pytest.raises(SimulatedCrash):
                    a.call("POST", URL, {"standing": "deceased", "since": "2025-03-30"})
            if md07:
                ds.propose_deceased(client, "D1", "returned by the bank (MD07)", "ret-1")

    simulate(world, client, 60, hook)
    f1 = _open(world, "F1")
    assert f1["costs"] == "0.00", f1


@pytest.mark.parametrize("again", [False, True], ids=["control-no-redelivery", "md07-redelivered"])
def test_md07_redelivered_after_a_cut_off_lift(engine, monkeypatch, again):  # noqa: F811
    """The bank's MD07 of 1-4 proposes D1 deceased (whole). On 2-4 staff lift it as the bank's
    mistake; the lift dies before the holds are cleared. The bank delivers the same return
    again (ret-1, a queue message twice): the proposal sees the person's lift of that return,
    proposes nothing, and drops the lift's pending mark: the proposal's costs hold stays on a
    debtor who is "normal" again."""
    world, client = engine
    a = world.agency_a
    ds = world.services.debtor_standing

    def hook(today: date) -> None:
        if today == date(2025, 4, 1):
            ds.propose_deceased(client, "D1", "returned by the bank (MD07)", "ret-1")
        if today == date(2025, 4, 2):

            def crash(*args: Any, **kw: Any) -> None:
                raise SimulatedCrash("before the holds")

            with monkeypatch.context() as m:
                m.setattr(ds, "_holds", crash)
                with pytest.raises(SimulatedCrash):
                    a.call("POST", URL, {"standing": "normal", "reason": "mistake"})
            if again:
                ds.propose_deceased(client, "D1", "returned by the bank (MD07)", "ret-1")

    simulate(world, client, 60, hook)
    got = a.call("GET", URL).body
    f1 = _open(world, "F1")
    assert got["standing"] == "normal", got
    assert f1["costs"] == "28.30", f1
