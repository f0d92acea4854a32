"""failure14 F6: a return (no end-to-end id) found its payment by the payer's account, wrote
its choice and was cut off before the payment's claim. The next file's return of the same
amount found the payment unclaimed and undid it; the first return's redelivery then undid it
"again" from its choice row: two debits of 121.00, one payment undone, and nothing for a
person. The choice undoes a payment only with the payment's claim: the second return is
listed (unmatched_return, the payment reversed already), as without the crash."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.domain.statements.mt940_writer import OutLine
from tests.support.faults import SimulatedCrash
from tests.unit.services.test_statement_ingest import PAYER, invoice, statement
from tests.unit.services.test_statement_ingest import setup as setup
from tests.unit.statements.test_return_of_an_unbooked_twin import _items, _payments


def _paid(world: Any) -> None:
    ref = invoice(world, "F-0001")["payment_reference"]
    one = OutLine(date(2025, 3, 3), 12_100, "", reference=ref, counterparty_iban=PAYER,
                  counterparty_name="J de Vries")  # fmt: skip
    world.services.statements.ingest("agency-a/d1.sta", statement([one]))
    assert invoice(world, "F-0001")["status"] == "paid"


def _back(world: Any, sid: str, day: date, opening: int) -> Any:
    back = OutLine(day, -12_100, "", counterparty_iban=PAYER, counterparty_name="J de Vries",
                   return_reason="AC04")  # fmt: skip
    return world.services.statements.ingest(f"agency-a/{sid}.sta", statement(
        [back], opening=opening, day=day, sid=sid))  # fmt: skip


@pytest.mark.parametrize("crash", [False, True], ids=["whole", "cut-after-choice"])
def test_two_returns_of_one_payment_list_the_second(
    setup: Any,
    monkeypatch: pytest.MonkeyPatch,
    crash: bool,
) -> None:
    _paid(setup)
    if crash:
        banking = type(setup.services.repos.banking)
        real = banking.claim_returned

        def cut(self: Any, *a: Any, **k: Any) -> Any:
            monkeypatch.setattr(banking, "claim_returned", real)
            raise SimulatedCrash("after the return's choice, before the payment's claim")

        monkeypatch.setattr(banking, "claim_returned", cut)
        with pytest.raises(SimulatedCrash):
            _back(setup, "S9", date(2025, 3, 6), 112_100)
        _back(setup, "S10", date(2025, 3, 7), 100_000)  # the next day's file first
        _back(setup, "S9", date(2025, 3, 6), 112_100)  # the first return's blob event again
    else:
        _back(setup, "S9", date(2025, 3, 6), 112_100)
        _back(setup, "S10", date(2025, 3, 7), 100_000)
    [payment] = _payments(setup)
    assert payment["reversed"] is True
    [item] = _items(setup, "/v1/clients/C1/actions", "unmatched_return")
    assert item["detail"]["reversed_already"] == [payment["payment_id"]]
    assert invoice(setup, "F-0001")["status"] == "open"
    # read again, the listed return stays listed once and the payment undone once
    _back(setup, "S9", date(2025, 3, 6), 112_100)
    _back(setup, "S10", date(2025, 3, 7), 100_000)
    assert len(_items(setup, "/v1/clients/C1/actions", "unmatched_return")) == 1
