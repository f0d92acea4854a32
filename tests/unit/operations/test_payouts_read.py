"""ops28: the payouts ``inning restore-hold paid`` reads from the agency's files instead of
having them typed: the run's pain.001 (what Inning asked the bank to pay) and a camt.053 of
the payout account (what the bank debited), matched by end-to-end id."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from shared.domain.settlement.pain001 import Transfer, TransferBatch, pain001
from shared.services.operations.payouts_read import (
    PayoutFileError,
    payouts_in_camt053,
    payouts_in_pain001,
    payouts_read,
)
from tests.support.payout_camt import Booked, camt053

ACCOUNT = "NL91ABNA0417164300"
A, B, C = "R20261130-cl1", "R20261130-cl2", "R20261130-cl3"


def _pain(*transfers: tuple[str, int]) -> bytes:
    return pain001(TransferBatch(
        "R20261130", datetime(2026, 11, 30, 5, 0), date(2026, 11, 30), "Hold Incasso", ACCOUNT,
        tuple(Transfer(e2e, cents, f"Client {e2e[-1]}", "NL44RABO0123456789", f"Afdracht {e2e}")
              for e2e, cents in transfers),
    ))  # fmt: skip


def test_a_pain001_gives_every_transfer_it_asked_for() -> None:
    found = payouts_in_pain001(_pain((A, 10772), (B, 5000)))
    assert found.paid == {A: 10772, B: 5000}
    assert found.account == ACCOUNT and found.left == {}


def test_a_camt053_gives_the_booked_settlement_debits_less_returns() -> None:
    camt = camt053(ACCOUNT, [
        Booked(A, "107.72"),
        Booked(B, "50.00"), Booked(B, "50.00", debit=False, day="2026-12-01"),  # sent back
        Booked(C, "12.34", status="PDNG"),  # not booked: not paid
        Booked("NOTPROVIDED", "3.50"),  # the bank's fee: no settlement's
        Booked("", "75.00", batch=(("R20261130-cl4", "25.00"), ("R20261130-cl5", "50.00"))),
    ])  # fmt: skip
    found = payouts_in_camt053(camt)
    assert found.paid == {A: 10772, "R20261130-cl4": 2500, "R20261130-cl5": 5000}
    assert found.left == {B: "debited and returned (nothing paid on balance)"}
    assert found.account == ACCOUNT


def test_both_files_record_what_was_asked_and_debited_and_say_why_not_the_rest() -> None:
    pain = _pain((A, 10772), (B, 5000), (C, 1234))
    camt = camt053(ACCOUNT, [Booked(A, "107.72"), Booked(B, "49.00"),
                             Booked("R20261129-cl1", "20.00")])  # fmt: skip
    found = payouts_read(pain, camt)
    assert found.paid == {A: 10772}
    assert found.left == {
        B: "the pain.001 asks € 50,00, the camt.053 debited € 49,00",
        C: "in the pain.001, not debited in the camt.053",
        "R20261129-cl1": "debited in the camt.053, not in this pain.001 (give its own file)",
    }


def test_files_of_another_account_or_not_the_kind_are_refused() -> None:
    with pytest.raises(PayoutFileError, match="pays from NL91ABNA0417164300"):
        payouts_read(_pain((A, 10772)), camt053("NL44RABO0123456789", [Booked(A, "107.72")]))
    with pytest.raises(PayoutFileError, match=r"not a camt\.053 file"):
        payouts_in_camt053(_pain((A, 10772)))
    with pytest.raises(PayoutFileError, match=r"camt\.053: refused"):
        payouts_in_camt053(b'<!DOCTYPE x [<!ENTITY a "b">]><Document>&a;</Document>')
    with pytest.raises(PayoutFileError, match=r"or both"):
        payouts_read(None, None)
