"""failure13 F1, F6: a standing set or lifted by a request cut off midway is finished by its
retry on any day and by the daily run, not only by a retry the same day. The story of
tests/unit/dunning/test_daily_run.py: D1 with F1 121.00 and F2 50.00 due 10-3-2025; a WSNP
of 18-3 (set that day); on 1-5, cleanly: F1 costs 28.30 interest 1.01, F2 costs 11.70
interest 0.42 after a lift as a mistake on 1-4; F1 interest 0.14 under the WSNP (stopped from
18-3, art. 128 Fw)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.support.faults import SimulatedCrash
from tests.unit.dunning.test_daily_run import engine, simulate  # noqa: F401

URL = "/v1/clients/C1/debtors/D1/standing"


def _open(world: Any, number: str) -> dict[str, str]:
    got = world.agency_a.call("GET", f"/v1/clients/C1/invoices/{number}/claim", on="2025-05-01")
    return dict(got.body["open"])


def _cut_lift(world: Any, body: dict[str, str]) -> None:
    """The lift dies after the debtor's row and F1's holds, at F2's interest stop."""
    ds = world.services.debtor_standing
    real = ds.ledger.set_interest_pause

    def crashing(client_id: str, debtor: str, invoice: str, ref: str, span: Any) -> None:
        if invoice == "F2":
            raise SimulatedCrash("after F1's holds were cleared")
        real(client_id, debtor, invoice, ref, span)

    ds.ledger.set_interest_pause = crashing
    try:
        with pytest.raises(SimulatedCrash):
            world.agency_a.call("POST", URL, body)
    finally:
        ds.ledger.set_interest_pause = real


@pytest.mark.parametrize("retry", [date(2025, 4, 2), None], ids=["retried-next-day", "not-retried"])
def test_a_lift_cut_off_midway_is_finished_by_a_later_retry_or_the_daily_run(engine, retry):  # noqa: F811
    """failure13 F1: the next day's retry answered 200 "lifted before: nothing left to
    finish", and F2 kept the WSNP's costs hold and interest stop (costs 0.00, interest 0.06
    on 1-5) of a ruling lifted as a mistake."""
    world, client = engine
    a = world.agency_a

    def hook(today: date) -> None:
        if today == date(2025, 3, 18):
            assert a.call("POST", URL, {"standing": "wsnp", "since": "2025-03-18"}).status == 200
        if today == date(2025, 4, 1):
            _cut_lift(world, {"standing": "normal", "reason": "mistake"})
        if today == retry:
            again = a.call("POST", URL, {"standing": "normal", "reason": "mistake"})
            assert again.status == 200, again.body

    simulate(world, client, 60, hook)
    f2 = _open(world, "F2")
    assert (f2["costs"], f2["interest"]) == ("11.70", "0.42"), f2
    f1 = _open(world, "F1")
    assert (f1["costs"], f1["interest"]) == ("28.30", "1.01"), f1


def test_a_ruling_ended_otherwise_cut_off_before_its_item_is_finished_by_the_daily_run(
    engine,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """failure13 F1 (worse): a WSNP lifted as ended (no clean slate) on 1-4, cut off before
    its claims were paused and its item written: the 1-4 run sent the SMS, the letter went
    out 8-4 and no debtor_standing_ended item existed. The daily run finishes it first (the
    request cut off half an hour before it: a fresh one may still be at work, GRACE)."""
    world, client = engine
    a = world.agency_a
    ds = world.services.debtor_standing

    def hook(today: date) -> None:
        if today == date(2025, 3, 18):
            assert a.call("POST", URL, {"standing": "wsnp", "since": "2025-03-18"}).status == 200
        if today == date(2025, 4, 1):

            def crash(*args: Any, **kw: Any) -> None:
                raise SimulatedCrash("before the ruling's end was handled")

            world.clock.at -= timedelta(minutes=30)
            with monkeypatch.context() as m:
                m.setattr(ds, "_after_ruling", crash)
                with pytest.raises(SimulatedCrash):
                    a.call("POST", URL, {"standing": "normal", "reason": "ended"})
            world.clock.at += timedelta(minutes=30)

    log = simulate(world, client, 60, hook)
    sent = [d for d, _, debtor, _ in log if debtor == "D1"]
    assert all(d < date(2025, 4, 1) for d in sent), sent
    kinds = [i["kind"] for i in a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert kinds.count("debtor_standing_ended") == 1, kinds


def test_a_ruling_set_cut_off_after_the_debtor_row_is_finished_by_the_daily_run(
    engine,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """failure13 F6: the WSNP of 18-3 saved on the debtor, cut off before the claims' holds;
    nobody retries (the debtor page says wsnp). F1's interest ran on (1.01 on 1-5) and no
    filing item existed; the daily run stops it from 18-3 (0.14) and writes the item."""
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

    log = simulate(world, client, 60, hook)
    assert [(d, ch) for d, ch, debtor, _ in log if debtor == "D1"] == [(date(2025, 3, 17), "email")]
    assert _open(world, "F1")["interest"] == "0.14"
    kinds = [i["kind"] for i in a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert kinds.count("debtor_standing") == 1, kinds


def test_a_death_the_bank_proposed_cut_off_after_the_debtor_row_is_finished_by_the_daily_run(
    engine,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """standing14 #1: a bank return MD07 on 1-4 (inside the letter's term: posted 29-3, costs
    owed from 17-4) proposes D1 deceased, cut off after the debtor's row, before the claims'
    costs holds and the proposal's item; the bank does not deliver it again. It wrote no mark,
    so no run finished it: F1 owed 28.30 costs on 1-5 and no person was asked to confirm. Marked
    as a person's set is, the next day's run writes the holds (costs 0.00) and the item."""
    world, client = engine
    a = world.agency_a
    ds = world.services.debtor_standing

    def hook(today: date) -> None:
        if today != date(2025, 4, 1):
            return

        def crash(*args: Any, **kw: Any) -> None:
            raise SimulatedCrash("before the holds")

        with monkeypatch.context() as m:
            m.setattr(ds, "_holds", crash)
            with pytest.raises(SimulatedCrash):
                ds.propose_deceased(client, "D1", "returned by the bank (MD07)", "ret-1")

    simulate(world, client, 60, hook)
    got = a.call("GET", URL).body
    assert (got["standing"], got["confirmed"]) == ("deceased", False), got
    assert _open(world, "F1")["costs"] == "0.00"
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    proposed = [i for i in items if i["kind"] == "debtor_standing_proposed"]
    assert len(proposed) == 1, [i["kind"] for i in items]
