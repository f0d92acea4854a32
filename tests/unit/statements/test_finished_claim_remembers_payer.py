"""A pooled line's payment is booked one way whoever books it (codereview12 #5): a person's
confirm, a colleague's confirm or the client's daily run finishing the claim a failed confirm
left, all remember it
under its payer's account, so the bank's return of that money quoting no end-to-end id
(NOTPROVIDED, as most Dutch transfers) finds it and reopens the invoice."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from azure.core.exceptions import ServiceResponseError

from shared.clock import amsterdam_date
from shared.domain.statements.mt940_writer import OutLine
from shared.services.claimed_lines import LEASE
from shared.services.payments import PaymentService
from tests.unit.services.test_statement_ingest import statement
from tests.unit.statements.test_pooled_confirm_once import C2_H1, C3_Z1, confirm, suggested
from tests.unit.statements.test_pooled_known_payers import KEES, POOL, status
from tests.unit.statements.test_pooled_known_payers import pool as pool


@pytest.mark.parametrize("path", ["confirm", "finished-by-colleague", "finished-by-daily-run"])
def test_a_return_without_id_finds_the_payment(pool, monkeypatch, path):
    item = suggested(pool)
    if path == "confirm":
        assert confirm(pool, item, C2_H1).status == 200
    else:
        real = PaymentService.book
        failing = [True]

        def book(self: PaymentService, *a: Any, **k: Any) -> Any:
            if failing:
                failing.clear()
                raise ServiceResponseError("injected: read timed out")
            return real(self, *a, **k)

        monkeypatch.setattr(PaymentService, "book", book)
        assert confirm(pool, item, C2_H1).status == 503  # claimed, not booked
        if path == "finished-by-colleague":
            assert confirm(pool, item, C3_Z1).status == 422  # refused; finish() books C2/H-1
        else:  # C2's daily run, once the claim is older than a confirm could take
            at = pool.clock.now() + LEASE + timedelta(minutes=1)
            pool.clock.at = at
            [c2] = [c for c in pool.services.repos.clients.all() if c.number == "C2"]
            pool.services.dunning.run_client(c2.client_id, amsterdam_date(at))
    assert status(pool, "C2", "H-1") == "paid"
    ret = OutLine(date(2025, 3, 5), -42_000, "Bedankt", counterparty_iban=KEES,
                  counterparty_name="KEES KLANT BV", return_reason="AC04")  # fmt: skip
    pool.services.statements.ingest("agency-a/R1.sta", statement([ret], account=POOL, sid="R1"))
    assert status(pool, "C2", "H-1") == "open", "the return did not undo the payment"
