"""failure13b G3, G6: a standing set or lifted while another instance of the daily run (its
timer firing twice, a second host) is in ``finish_left_over`` for the same debtor. The story of
test_standing_cut_off.py: D1 with F1 121.00 and F2 50.00 due 10-3-2025; a WSNP of 18-3; lifted
as a mistake (as if never set) on 1-5: F1 costs 28.30 interest 1.01, F2 costs 11.70 interest
0.42; under the WSNP F1's interest is 0.14 (stopped from 18-3, art. 128 Fw).

The other run is played by listing the marks and reading D1 before the request saves, then
letting ``finish_left_over`` go on with what it read (the mark list and D1's first read)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from shared.adapters.tables.invoices_repo import STANDING_ROW
from tests.support.faults import SimulatedCrash
from tests.unit.dunning.test_daily_run import engine, simulate  # noqa: F401
from tests.unit.standing.test_standing_cut_off import URL, _open

NEVER_SET = {"F1": ("28.30", "1.01"), "F2": ("11.70", "0.42")}


class OtherRun:
    """The daily run on another host: what it listed and read before a request's save."""

    def __init__(self, world: Any, client: Any) -> None:
        self.ds = world.services.debtor_standing
        self.client = client
        self.marks: list[Any] = []
        self.debtor: Any = None

    def reads(self) -> None:
        self.marks = list(self.ds.repos.invoices.marks(self.client.client_id, STANDING_ROW))
        self.debtor = self.ds.repos.debtors.get(self.client.client_id, "D1")

    def goes_on(self, monkeypatch: pytest.MonkeyPatch) -> None:
        invoices, debtors = self.ds.repos.invoices, self.ds.repos.debtors
        real_marks, real_get = invoices.marks, debtors.get
        used: set[str] = set()

        def marks(client_id: str, row: str) -> Any:
            if row == STANDING_ROW and "marks" not in used:
                used.add("marks")
                return self.marks
            return real_marks(client_id, row)

        def get(client_id: str, number: str) -> Any:
            if number == "D1" and "debtor" not in used:
                used.add("debtor")
                return self.debtor
            return real_get(client_id, number)

        with monkeypatch.context() as m:
            m.setattr(invoices, "marks", marks)
            m.setattr(debtors, "get", get)
            self.ds.finish_left_over(self.client)
        assert "marks" in used  # (a fresh pending mark: D1 is not read at all)


def _figures(world: Any) -> dict[str, tuple[str, str]]:
    return {n: (f["costs"], f["interest"]) for n in ("F1", "F2") for f in [_open(world, n)]}


def _marks(world: Any, client: Any) -> list[dict[str, Any]]:
    ds = world.services.debtor_standing
    return [m for _, _, m in ds.repos.invoices.marks(client.client_id, STANDING_ROW)]


def test_a_lift_while_the_run_reads_the_debtor_is_not_undone(engine, monkeypatch):  # noqa: F811
    """G3: the run listed the lift's pending mark and read D1 (WSNP) before the lift's save;
    going on after the lift it wrote the WSNP's costs hold and interest stop back on both
    claims (F1 0.00 / 0.14, F2 0.00 / 0.06 for good) and dropped the mark. A pending mark
    younger than GRACE is its request's: the run leaves it."""
    world, client = engine
    a = world.agency_a
    ds = world.services.debtor_standing
    run = OtherRun(world, client)

    def hook(today: date) -> None:
        if today == date(2025, 3, 18):
            assert a.call("POST", URL, {"standing": "wsnp", "since": "2025-03-18"}).status == 200
        if today == date(2025, 4, 1):
            real = ds._change

            def change(*args: Any, **kw: Any) -> Any:
                run.reads()
                return real(*args, **kw)

            with monkeypatch.context() as m:
                m.setattr(ds, "_change", change)
                lifted = a.call("POST", URL, {"standing": "normal", "reason": "mistake"})
                assert lifted.status == 200, lifted.body
            assert [m["pending"] for _, _, m in run.marks] == [True]  # the lift's own
            run.goes_on(monkeypatch)

    simulate(world, client, 60, hook)
    assert _figures(world) == NEVER_SET
    assert _marks(world, client) == []


def test_the_run_acts_on_the_debtor_as_saved(engine, monkeypatch):  # noqa: F811
    """G3, a mark older than GRACE: a WSNP set at 7:00 on 18-3 is cut off before its holds; at
    8:00 the run lists its pending mark and reads D1 (WSNP) while staff lift it as a mistake.
    Going on, it wrote the WSNP's holds after the lift cleared them (F1 0.00 / 0.14 for good)
    and dropped the mark: it reads D1 again after its work and, changed, does it again on the
    debtor as saved."""
    world, client = engine
    a = world.agency_a
    ds = world.services.debtor_standing
    run = OtherRun(world, client)

    def crash(*args: Any, **kw: Any) -> None:
        raise SimulatedCrash("before the holds")

    def hook(today: date) -> None:
        if today != date(2025, 3, 18):
            return
        world.clock.at -= timedelta(hours=1)
        with monkeypatch.context() as m:
            m.setattr(ds, "_holds", crash)
            with pytest.raises(SimulatedCrash):
                a.call("POST", URL, {"standing": "wsnp", "since": "2025-03-18"})
        world.clock.at += timedelta(hours=1)
        run.reads()
        assert [m["pending"] for _, _, m in run.marks] == [True]  # the cut set's, of 7:00
        lifted = a.call("POST", URL, {"standing": "normal", "reason": "mistake"})
        assert lifted.status == 200, lifted.body
        run.goes_on(monkeypatch)

    simulate(world, client, 60, hook)
    assert _figures(world) == NEVER_SET
    assert _marks(world, client) == []


def test_a_set_cut_off_while_the_run_settles_keeps_its_pending_mark(engine, monkeypatch):  # noqa: F811
    """G6: the run listed the set's pending mark and read D1 before its save (no standing:
    nothing to do), then rewrote the mark as done reading the saved WSNP; the set died before
    its holds, and no run wrote them: F1's interest ran on (1.01 on 1-5). The run leaves the
    fresh mark; the next run finishes the set (0.14)."""
    world, client = engine
    a = world.agency_a
    ds = world.services.debtor_standing
    run = OtherRun(world, client)

    def hook(today: date) -> None:
        if today != date(2025, 3, 18):
            return
        real = ds._change

        def change(*args: Any, **kw: Any) -> Any:
            run.reads()
            out = real(*args, **kw)
            run.goes_on(monkeypatch)
            return out

        def crash(*args: Any, **kw: Any) -> None:
            raise SimulatedCrash("before the holds")

        with monkeypatch.context() as m:
            m.setattr(ds, "_change", change)
            m.setattr(ds, "_holds", crash)
            with pytest.raises(SimulatedCrash):
                a.call("POST", URL, {"standing": "wsnp", "since": "2025-03-18"})

    simulate(world, client, 60, hook)
    assert _open(world, "F1")["interest"] == "0.14"
    assert [m["pending"] for m in _marks(world, client)] == [False]  # the filing item's


def test_the_run_leaves_a_fresh_pending_mark_to_its_request(engine, monkeypatch):  # noqa: F811
    """GRACE: the run lists the set's pending mark and does its whole look before the set's
    save (D1 without a standing, read twice alike: nothing to do) and drops the mark as its
    own; the set then dies before its holds and nothing is left to finish them (F1 1.01).
    A pending mark younger than GRACE is its request's: the next run finishes the set."""
    world, client = engine
    a = world.agency_a
    ds = world.services.debtor_standing
    run = OtherRun(world, client)

    def hook(today: date) -> None:
        if today != date(2025, 3, 18):
            return
        real = ds._change

        def change(*args: Any, **kw: Any) -> Any:
            run.reads()
            assert [m["pending"] for _, _, m in run.marks] == [True]  # the set's own
            run.goes_on(monkeypatch)
            return real(*args, **kw)

        def crash(*args: Any, **kw: Any) -> None:
            raise SimulatedCrash("before the holds")

        with monkeypatch.context() as m:
            m.setattr(ds, "_change", change)
            m.setattr(ds, "_holds", crash)
            with pytest.raises(SimulatedCrash):
                a.call("POST", URL, {"standing": "wsnp", "since": "2025-03-18"})

    simulate(world, client, 60, hook)
    assert _open(world, "F1")["interest"] == "0.14"


def test_the_run_changes_only_the_mark_it_listed(engine, monkeypatch):  # noqa: F811
    """G3/G6, the mark's ETag: on 1-4 the run lists the WSNP's settled mark and reads D1;
    staff lift the WSNP as a mistake, cut off before its holds (its mark pending again). The
    run, finding D1 lifted, dropped the mark as it stood, the lift's: nothing ever cleared the
    holds (F1 0.00 / 0.14 for good). It drops only under the ETag it listed; the lift's
    mark stays for the next run, which finishes the lift."""
    world, client = engine
    a = world.agency_a
    ds = world.services.debtor_standing
    run = OtherRun(world, client)

    def crash(*args: Any, **kw: Any) -> None:
        raise SimulatedCrash("before the holds")

    def hook(today: date) -> None:
        if today == date(2025, 3, 18):
            assert a.call("POST", URL, {"standing": "wsnp", "since": "2025-03-18"}).status == 200
        if today == date(2025, 4, 1):
            run.reads()
            assert [m["pending"] for _, _, m in run.marks] == [False]  # the WSNP's, settled
            with monkeypatch.context() as m:
                m.setattr(ds, "_finish_lift", crash)
                with pytest.raises(SimulatedCrash):
                    a.call("POST", URL, {"standing": "normal", "reason": "mistake"})
            run.goes_on(monkeypatch)

    simulate(world, client, 60, hook)
    assert _figures(world) == NEVER_SET
    assert _marks(world, client) == []


def test_a_request_settles_only_its_own_mark(engine, monkeypatch):  # noqa: F811
    """The request's side: a WSNP set on 18-3 writes its holds from the debtor it saved while
    a colleague's lift as a mistake (its mark pending again) saves and dies before its own
    holds. The set then rewrote the lift's pending mark as done (a confirmed WSNP's mark):
    no run finished the lift, the WSNP's holds stayed (F1 0.00 / 0.14). Each request settles
    the mark under the ETag it wrote it with; the lift's stays for the run."""
    world, client = engine
    a = world.agency_a
    ds = world.services.debtor_standing
    real_holds, real_finish = ds._holds, ds._finish_lift
    done: list[bool] = []

    def crash(*args: Any, **kw: Any) -> None:
        raise SimulatedCrash("before the lift's holds")

    def holds(*args: Any, **kw: Any) -> None:
        if not done:  # the set's holds: the colleague's lift comes first
            done.append(True)
            ds._finish_lift = crash
            try:
                with pytest.raises(SimulatedCrash):
                    a.call("POST", URL, {"standing": "normal", "reason": "mistake"})
            finally:
                ds._finish_lift = real_finish
        real_holds(*args, **kw)

    def hook(today: date) -> None:
        if today == date(2025, 3, 18):
            with monkeypatch.context() as m:
                m.setattr(ds, "_holds", holds)
                set_ = a.call("POST", URL, {"standing": "wsnp", "since": "2025-03-18"})
                assert set_.status == 200, set_.body
            assert done

    simulate(world, client, 60, hook)
    assert _figures(world) == NEVER_SET
    assert _marks(world, client) == []
