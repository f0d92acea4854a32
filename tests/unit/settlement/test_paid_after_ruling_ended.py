"""Money a debtor pays once his bankruptcy or WSNP has ended is settled like any other
(codereview14b F2). Art. 23 Fw takes his estate from 00:00 on the ruling's day until it ends;
from the day it ended (``lifted_on``: back to normal from this day) he disposes of his assets
again: an ended bankruptcy revives the claims (art. 195 Fw), after a clean slate a natural
obligation paid anyway is valid (art. 6:3 BW). Before, the run held such money for ever and
told staff to resolve a filing item the end had already resolved.

Consumer D1, F1 (test_standing_ruling_claims' world); ruling of 10-2-2026 recorded 12-2,
ended 1-3; p1 500.00 received on F1; weekly settlement, commission 10 %."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.domain.parties import Agency
from shared.domain.records import PaymentSource
from tests.unit.settlement.conftest import THIRD_PARTY
from tests.unit.settlement.test_paid_after_ruling_held import AGREEMENT, _agency_items
from tests.unit.standing.test_standing_ruling_claims import _at, _set, _world


def _paid_after_it_ended(standing: str, reason: str, paid_on: date) -> tuple[Any, Any]:
    w: Any = _world()
    w.services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    assert w.agency_a.call("PUT", "/v1/clients/C1/settlement-agreement", AGREEMENT).status == 200
    client = w.services.access.client_for(w.services.access.authenticate(w.agency_a.key), "C1")
    _at(w, date(2026, 2, 12))
    _set(w, {"standing": standing, "since": "2026-02-10"})
    _at(w, date(2026, 3, 1))
    _set(w, {"standing": "normal", "reason": reason})
    _at(w, paid_on)
    w.services.payments.book(client, payment_id="p1", amount=500_00, received_on=paid_on,
                             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    return w, client


@pytest.mark.parametrize(
    ("standing", "reason", "paid_on"),
    [
        ("bankrupt", "ended", date(2026, 4, 1)),  # opgeheven: the claims revive
        ("wsnp", "clean_slate", date(2026, 4, 1)),  # a natural obligation paid anyway
        ("bankrupt", "ended", date(2026, 3, 1)),  # on the day it ended: his own again
    ],
)
def test_money_paid_after_the_ruling_ended_is_paid_out(
    standing: str, reason: str, paid_on: date
) -> None:
    w, client = _paid_after_it_ended(standing, reason, paid_on)
    _at(w, date(2026, 4, 2))
    w.services._left_over(client)
    run = w.services.settlement_runs.run_agency("agency-a", date(2026, 4, 6))
    assert run is not None and run.payout_total > 0, run
    assert _agency_items(w, "settlement_held") == []
