"""A line booked one by one whose worker died right after the payment row (failure11b B4):
the redelivery finishes what the crash left out (the return reference, the payer's account,
the log line), once, so the bank's later return of the money reopens the invoice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.adapters.tables.records_repo import PaymentRepository
from tests.unit.services.test_statement_charged_credit import setup
from tests.unit.services.test_statement_charges_and_returns import ingest, items

PAYER = "CH9300762011623852957"


class Crash(BaseException):
    pass


def _log_lines(world):  # type: ignore[no-untyped-def]
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    entries, _ = world.services.repos.contacts.for_debtor(cid, "D1")
    return [e for e in entries if "received" in e.summary]


@pytest.mark.parametrize("crash", [True, False])
def test_redelivered_one_line_booking_is_finished_once(world, monkeypatch, crash):  # type: ignore[no-untyped-def]
    a = setup(world, [("N10-5", "250.00")])
    real = PaymentRepository.add
    cut = {"left": 1 if crash else 0}

    def add(self, payment):  # type: ignore[no-untyped-def]
        real(self, payment)
        if cut["left"]:
            cut["left"] -= 1
            raise Crash("worker died after the payment row")

    monkeypatch.setattr(PaymentRepository, "add", add)
    if crash:
        with pytest.raises(Crash):
            ingest(world, "review10", "charged_xbct.xml", window=False)
    else:
        ingest(world, "review10", "charged_xbct.xml", window=False)
    ingest(world, "review10", "charged_xbct.xml", window=False)  # redelivered
    ingest(world, "review10", "charged_xbct.xml", window=False)  # and once more
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    refs = world.services.repos.banking.payments_for(cid, "ALPEN-2026-118")
    assert [(r.amount, r.received) for r in refs] == [(25000, 23750)]
    assert world.services.repos.banking.debtors_for_iban(cid, PAYER) == {"D1"}
    assert len(_log_lines(world)) == 1  # logged once, however often delivered
    world.clock.at = datetime(2026, 12, 3, 21, 0, tzinfo=UTC)
    ingest(world, "review11", "returned_charged.xml", window=False)
    inv = a.call("GET", "/v1/clients/C1/invoices/N10-5").body
    assert (inv["status"], inv["open_amount"]) == ("open", "250.00")
    assert items(a, "unmatched_return") == []
