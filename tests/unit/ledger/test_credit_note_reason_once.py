"""codereview15b F6: the reason prefix of a partial credit note ("credit note of ") was kept
twice, in restate.py (booking writes the reason with it) and in accrual.py (which tells by it
that a note's day's 6:119a interest is taken off already, ledger15's 27.97 against 28.05), with
a comment naming a link that was not there. One constant in model.py, beside the other reason
prefixes: a change of the reason changes what accrual reads with it."""

from __future__ import annotations

from datetime import date

from shared.domain.ledger import accrual, restate
from shared.domain.ledger.model import CREDIT_NOTE, Component, EventKind, LedgerEvent
from tests.support.code_scan import ROOT, string_constants


def test_the_credit_note_prefix_is_defined_once() -> None:
    kept = {
        where: value
        for where, value in string_constants(r".", ROOT / "shared" / "domain" / "ledger").items()
        if value == CREDIT_NOTE
    }
    assert list(kept) == ["shared/domain/ledger/model.py:CREDIT_NOTE"], kept
    assert restate.CREDIT_NOTE is CREDIT_NOTE


def test_accrual_knows_the_note_booking_writes() -> None:
    note = LedgerEvent(
        1, EventKind.CREDIT, Component.PRINCIPAL, 2_100, date(2025, 3, 1),
        reason=f"{restate.CREDIT_NOTE}2025-01-31: CN-7: wrong size", note="CN-7",
    )  # fmt: skip
    assert accrual._partial_note(note)
