"""A payment's designation corrected while something else happens to it (failure13b G1, G2, G4).

The story of test_payment_redesignation.py: stmt-line-1 (506.00, received 15-1, remittance F2)
was booked on F1 by mistake; on 1-2 a person corrects it to F2 (F2 0.00, F1 1,000.52). Was:
- G1: the bank's return of stmt-line-1 landing after the correction checked the row and before
  it saved it (or before it re-booked) was undone: the row saved back as not reversed, the
  ledger spreading the 506.00 again (F2 paid, F1 1,000.52) though the money went back.
- G4: two people correcting from the same page version at once both got 200; the row said F2,
  the ledger kept the money on F1 (F2 579.16 with 75.00 costs it never owed).
- G2: a correction cut off between the row's designation and the re-booking: its retry with the
  page's version was 412, no daily run finished it, a plain retry audited "from F2 to F2".
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.adapters.tables.invoices_repo import REDESIGNATING_ROW
from shared.adapters.tables.schema import PAYMENTS
from shared.domain.ledger.designation import rebook_designated
from shared.services.ledger import redesignation as R
from tests.support.faults import FaultPlan, SimulatedCrash
from tests.unit.api.conftest import make_world
from tests.unit.payments.test_payment_redesignation import (
    BASE,
    BODY,
    PATH,
    _audited,
    _booked_on_f1,
    _open,
    _put,
)

CORRECTED = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
AS_WITHOUT = {"F1": "1000.00", "F2": "500.00"}  # principal open when the payment never paid


def _principals(world: Any) -> dict[str, str]:
    return {n: _open(world, n)["principal"] for n in ("F1", "F2")}


def _row(world: Any, client: Any) -> Any:
    return world.services.repos.payments.get(client.client_id, "stmt-line-1")


def _marks(world: Any, client: Any) -> list[Any]:
    return list(world.services.repos.invoices.marks(client.client_id, REDESIGNATING_ROW))


def _returned(world: Any, client: Any) -> None:
    world.services.payments.reverse(client, "stmt-line-1", "AC04", on=date(2026, 2, 1))


def test_a_return_between_the_check_and_the_save_is_not_undone(world, monkeypatch):
    """G1: the return saves the row after the correction read it: the correction's save is
    conditional on that read, reads again and refuses the payment that came back."""
    client = _booked_on_f1(world)
    world.clock.at = CORRECTED
    check = R.Redesignation._check

    def check_then_return(self: Any, *a: Any) -> None:
        check(self, *a)
        monkeypatch.setattr(R.Redesignation, "_check", check)
        _returned(world, client)

    monkeypatch.setattr(R.Redesignation, "_check", check_then_return)
    reply = world.agency_a.call("PUT", PATH, BODY)
    assert reply.status == 422, reply.body
    assert reply.body["error"]["details"][0]["code"] == "designation_payment_reversed"
    assert _row(world, client).reversed  # was saved back as not reversed
    assert _principals(world) == AS_WITHOUT  # was F2 0.00: paid by money that went back
    assert _audited(world, client) == [] and _marks(world, client) == []


def test_a_return_between_the_save_and_the_re_booking_spreads_nothing(world, monkeypatch):
    """G1, second window: the row took F2, then the return ran whole: the re-booking finds
    the payment back on the ledger and moves nothing."""
    client = _booked_on_f1(world)
    world.clock.at = CORRECTED
    rebook = R.Redesignation._rebook

    def return_then_rebook(self: Any, *a: Any) -> bool:
        _returned(world, client)
        return rebook(self, *a)

    monkeypatch.setattr(R.Redesignation, "_rebook", return_then_rebook)
    reply = world.agency_a.call("PUT", PATH, BODY)
    assert reply.status == 422, reply.body
    assert _row(world, client).reversed
    assert _principals(world) == AS_WITHOUT  # was F2 0.00, F1 1,000.52
    assert _marks(world, client) == []


def test_the_ledger_never_spreads_a_payment_that_came_back(world):
    """G1 in the domain: a payment reversed off every claim by a return (its row not saved
    reversed yet) is not booked again by a designation."""
    client = _booked_on_f1(world)
    world.clock.at = CORRECTED
    world.services.ledger.reverse(client, "stmt-line-1", ["F1"], "AC04", on=date(2026, 2, 1),
                                  debtor="D1")  # fmt: skip
    claims = world.services.ledger.debtor_claims(client, "D1")
    assert rebook_designated(claims.records, "stmt-line-1", 50600, ("F2",), date(2026, 1, 15),
                             date(2026, 2, 1)) is None  # fmt: skip


@pytest.mark.parametrize("order", ["one-after-other", "at-once"])
def test_two_people_from_one_page_version_one_wins(world, monkeypatch, order):
    """G4: B (keeps F1) checked the version, A (F2) ran whole, B goes on: B is 412 and the row
    and the ledger agree on A's F2."""
    client = _booked_on_f1(world)
    world.clock.at = CORRECTED
    version = world.api.handle(_put(world, {**BODY, "invoices": ["F1"]}, {})).headers["ETag"]
    a_body, b_body = BODY, {**BODY, "invoices": ["F1"]}
    out: dict[str, Any] = {}
    if order == "at-once":
        check = R.Redesignation._check

        def b_checked_then_a(self: Any, *args: Any) -> None:
            check(self, *args)
            monkeypatch.setattr(R.Redesignation, "_check", check)
            out["A"] = world.api.handle(_put(world, a_body, {"if-match": version}))

        monkeypatch.setattr(R.Redesignation, "_check", b_checked_then_a)
        out["B"] = world.api.handle(_put(world, b_body, {"if-match": version}))
    else:
        out["A"] = world.api.handle(_put(world, a_body, {"if-match": version}))
        out["B"] = world.api.handle(_put(world, b_body, {"if-match": version}))
    assert (out["A"].status, out["B"].status) == (200, 412)
    assert _row(world, client).designated == ("F2",)
    assert _open(world, "F2")["total"] == "0.00"  # was 579.16: the ledger back on F1


def _cut(world: Any, monkeypatch: Any) -> str:
    """The page read (its version), then the correction dies after the row took F2."""
    version: str = world.api.handle(_put(world, {**BODY, "invoices": ["F1"]}, {})).headers["ETag"]

    def crash(self: Any, *a: Any) -> bool:
        raise SimulatedCrash("after the row's designation, before the re-booking")

    with monkeypatch.context() as patch:
        patch.setattr(R.Redesignation, "_rebook", crash)
        with pytest.raises(SimulatedCrash):
            world.api.handle(_put(world, BODY, {"if-match": version}))
    return version


@pytest.mark.parametrize("finish", ["retry-with-page-version", "plain-retry", "daily-run"])
def test_a_correction_cut_off_before_its_re_booking_is_finished(world, monkeypatch, finish):
    """G2: the mark written before the row tells the retry (with the page's version, the
    console form's hidden one, or none) and the daily run what is left, and what stood
    before."""
    client = _booked_on_f1(world)
    world.clock.at = CORRECTED
    version = _cut(world, monkeypatch)
    assert _row(world, client).designated == ("F2",) and len(_marks(world, client)) == 1
    assert _open(world, "F2")["total"] == "579.16"  # half done: the ledger keeps it on F1
    if finish == "daily-run":  # late that day (the claims are read on 1-2)
        world.clock.at = datetime(2026, 2, 1, 22, 0, tzinfo=UTC)
        world.services._left_over(client)
    else:
        headers = {"if-match": version} if finish == "retry-with-page-version" else {}
        again = world.api.handle(_put(world, BODY, headers))
        assert again.status == 200, again.body  # was 412: its own half-write
    assert _open(world, "F2")["total"] == "0.00"
    assert _open(world, "F1")["principal"] == "998.65"
    (event,) = _audited(world, client)
    assert event.detail["designated_before"] == "F1", event.detail  # was "F2": the cut's own
    assert (event.detail["booked_on_before"], event.detail["designated"]) == ("F1", "F2")
    assert event.detail["reason"] == BODY["reason"]
    assert _marks(world, client) == []
    world.services._left_over(client)  # nothing more
    assert len(_audited(world, client)) == 1 and _open(world, "F2")["total"] == "0.00"


def test_a_correction_cut_before_the_row_leaves_nothing_behind(world, monkeypatch):
    """Cut after the mark, before the row's save: the row and the ledger never changed, the
    daily run drops the mark once its request can no longer be writing."""
    client = _booked_on_f1(world)
    world.clock.at = CORRECTED
    save_if = world.services.repos.payments.save_if

    def crash(*a: Any) -> None:
        raise SimulatedCrash("before the row's save")

    monkeypatch.setattr(world.services.repos.payments, "save_if", crash)
    with pytest.raises(SimulatedCrash):
        world.api.handle(_put(world, BODY, {}))
    monkeypatch.setattr(world.services.repos.payments, "save_if", save_if)
    world.services._left_over(client)  # within the grace: its request may still be writing
    assert len(_marks(world, client)) == 1
    world.clock.at = datetime(2026, 2, 1, 22, 0, tzinfo=UTC)
    world.services._left_over(client)
    assert _marks(world, client) == [] and _row(world, client).designated == ("F1",)
    assert _open(world, "F2")["total"] == "579.16" and _audited(world, client) == []


def test_a_correction_saved_after_another_s_ledger_write_is_the_one_booked(world, monkeypatch):
    """G4's other order: A's re-booking is on the ledger when B (reading A's row) corrects it
    back to F1 and runs whole: A books what the row says in the end, row and ledger agree."""
    client = _booked_on_f1(world)
    world.clock.at = CORRECTED
    still = R.Redesignation._still
    out: dict[str, Any] = {}

    def b_after_a_s_ledger(self: Any, *a: Any) -> bool:
        monkeypatch.setattr(R.Redesignation, "_still", still)
        version = R.version_of(_row(world, client))
        out["B"] = world.api.handle(
            _put(world, {**BODY, "invoices": ["F1"]}, {"if-match": version})
        )
        return still(self, *a)

    monkeypatch.setattr(R.Redesignation, "_still", b_after_a_s_ledger)
    out["A"] = world.api.handle(_put(world, BODY, {}))
    assert (out["A"].status, out["B"].status) == (200, 200)
    assert _row(world, client).designated == ("F1",) == tuple(out["A"].body["designated"])
    assert _open(world, "F2")["costs"] == "75.00"  # on F1 again, as B said last
    assert _marks(world, client) == []
    moves = sorted((e.detail["designated_before"], e.detail["designated"])
                   for e in _audited(world, client))  # fmt: skip
    assert moves == [("F1", "F2"), ("F2", "F1")]  # each correction as asked, once


def _invoice(world: Any, number: str) -> dict[str, Any]:
    return dict(world.agency_a.call("GET", f"{BASE}/{number}").body)


def test_a_return_that_read_the_row_before_a_correction_keeps_the_correction(world, monkeypatch):
    """returns14 #1: the bank's return read the payment (designated F1), then a person's
    correction to F2 ran whole (row, ledger, invoices), then the return undid the money and
    saved the row it had read: the row said F1 again (a reversal of the return would book
    the money back on F1) and F2's invoice kept the principal the correction put there. The
    return's save is conditional on its read: it reads again and undoes what the row holds
    now, keeping its designation."""
    client = _booked_on_f1(world)
    world.clock.at = CORRECTED
    ledger = world.services.payments.ledger
    reverse = ledger.reverse
    out: dict[str, Any] = {}

    def correction_first(*a: Any, **kw: Any) -> Any:
        monkeypatch.setattr(ledger, "reverse", reverse)
        out["put"] = world.agency_a.call("PUT", PATH, BODY)
        return reverse(*a, **kw)

    monkeypatch.setattr(ledger, "reverse", correction_first)
    _returned(world, client)
    assert out["put"].status == 200, out["put"].body
    row = _row(world, client)
    assert row.reversed and row.designated == ("F2",)  # was ("F1",): written back
    assert _principals(world) == AS_WITHOUT
    assert [(_invoice(world, n)["status"], _invoice(world, n)["paid"]) for n in ("F1", "F2")] == [
        ("open", "0.00"),
        ("open", "0.00"),
    ]  # was F2 "paid" 500.00: the return undid only the invoices of its stale read
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [i["kind"] for i in items].count("payment_reversed") == 1


def test_a_return_whose_row_save_loses_a_race_is_told_once(monkeypatch):
    """The row's conditional save lost to another writer (the fault store's race: the row
    rewritten between the read and the save): read again and saved once; one log line, one
    item, as a return without the race."""
    plan = FaultPlan()
    world = make_world(faults=plan)
    client = _booked_on_f1(world)
    world.clock.at = CORRECTED
    plan.rule(lambda op, table: op == "replace" and table == PAYMENTS, "race")
    _returned(world, client)
    assert plan.log == [("race", "replace", PAYMENTS)]
    assert _row(world, client).reversed and _principals(world) == AS_WITHOUT
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [i["kind"] for i in items].count("payment_reversed") == 1
    log = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body
    assert sum("reversed" in str(e) for e in log.get("items", [])) == 1, log
