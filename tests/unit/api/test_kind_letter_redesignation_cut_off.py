"""A designation correction that lets a kind letter's share go (the payment, corrected to F2,
pays F2 as told) lets it go only with the money: cut off, refused or overtaken by a return
before its ledger write, every share stays as it was (failure14 F1: F2's 312.50 was written
let go before the ledger moved the money; the correction cut off at the ledger's write and
then refunded, or corrected back to F1, left F2 at 2,526.03 without costs for good while it
never held a cent of p1).

test_kind_letter_paid_as_told_undone's figures: F1 + F2 2,500.00 each under one held letter
(625.00 costs over both once confirmed); p1 2,524.66 pays F1 as told on 15-2, the letter is
confirmed: F1 paid, F2 owes 312.50. As a debtor who never paid, each owes 2,500.00 + 312.50 +
26.03 interest = 2,838.53 on 20-2."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.services.ledger.service import LedgerService
from tests.support.faults import SimulatedCrash
from tests.unit.api.test_kind_letter_paid_as_told import _claim, _confirm, _pay, _two_invoices
from tests.unit.api.test_kind_letter_paid_as_told_undone import _on, _refunded

PUT = "/v1/clients/C1/payments/p1/designation"
TO_F2 = {"invoices": ["F2"], "reason": "the payer named F2", "payer_word": "misread"}
NEVER_PAID = ("312.50", "2838.53")  # costs, total on 20-2


def _paid_f1_confirmed(world: Any) -> Any:
    a = _two_invoices(world)
    _pay(world, a, "p1", 252_466, date(2026, 2, 15))
    assert _confirm(a).status == 200
    return a


def _cut_at_the_ledger_write(monkeypatch: Any, before: Any = None) -> None:
    """The next ledger write of a change is not made: the worker dies (or ``before`` runs
    first and the write goes on)."""
    real = LedgerService.write_change

    def write(self: Any, *args: Any, **kw: Any) -> None:
        monkeypatch.setattr(LedgerService, "write_change", real)
        if before is None:
            raise SimulatedCrash("before the ledger's write")
        before()
        real(self, *args, **kw)

    monkeypatch.setattr(LedgerService, "write_change", write)


def _costs_and_totals(a: Any) -> dict[str, tuple[str, str]]:
    return {n: (o["costs"], o["total"]) for n in ("F1", "F2")
            for o in [_on(a, n, "2026-02-20")["open"]]}  # fmt: skip


def test_cut_off_at_the_ledger_write_then_refunded_both_owe_their_share(
    world: Any, monkeypatch: Any
) -> None:
    """Was F2 0.00 costs, 2,526.03: its share let go by a correction whose money never came."""
    a = _paid_f1_confirmed(world)
    _cut_at_the_ledger_write(monkeypatch)
    with pytest.raises(SimulatedCrash):
        a.call("PUT", PUT, TO_F2)
    _refunded(world, a, "p1")
    assert _costs_and_totals(a) == {"F1": NEVER_PAID, "F2": NEVER_PAID}


def test_cut_off_then_corrected_back_to_f1_f2_is_as_before(world: Any, monkeypatch: Any) -> None:
    a = _paid_f1_confirmed(world)
    before = _on(a, "F2", "2026-02-20")["open"]
    assert before["costs"] == "312.50"
    _cut_at_the_ledger_write(monkeypatch)
    with pytest.raises(SimulatedCrash):
        a.call("PUT", PUT, TO_F2)
    back = a.call("PUT", PUT, {"invoices": ["F1"], "reason": "F1 after all", "payer_word": "asked"})
    assert back.status == 200, back.body
    assert _on(a, "F2", "2026-02-20")["open"] == before  # was 0.00 costs


def test_a_refund_before_the_ledger_write_is_refused_and_lets_nothing_go(
    world: Any, monkeypatch: Any
) -> None:
    """No crash: the MD06 refund lands after the correction decided F2 is paid as told and
    before its ledger write: 422 (the money came back), and F2 owes its share."""
    a = _paid_f1_confirmed(world)
    _cut_at_the_ledger_write(monkeypatch, before=lambda: _refunded(world, a, "p1"))
    reply = a.call("PUT", PUT, TO_F2)
    assert reply.status == 422, reply.body
    assert reply.body["error"]["details"][0]["code"] == "designation_payment_reversed"
    assert _costs_and_totals(a) == {"F1": NEVER_PAID, "F2": NEVER_PAID}


def test_cut_off_then_finished_by_the_daily_run_lets_f2s_share_go_with_the_money(
    world: Any, monkeypatch: Any
) -> None:
    """The correction the row kept is finished by the run: F2 paid as told (0.00, no costs),
    F1 owes its share (2,837.16 on 15-2), as a correction not cut off."""
    a = _paid_f1_confirmed(world)
    _cut_at_the_ledger_write(monkeypatch)
    with pytest.raises(SimulatedCrash):
        a.call("PUT", PUT, TO_F2)
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.clock.at = world.clock.at.replace(hour=20)  # the same day in Amsterdam
    world.services.redesignation.finish_left_over(client)
    f1, f2 = _claim(a, "F1"), _claim(a, "F2")
    assert f2["open"]["total"] == "0.00" and f2["paid"]["costs"] == "0.00", f2
    assert (f1["open"]["costs"], f1["open"]["total"]) == ("312.50", "2837.16"), f1
