"""banks28 F5 on the statement window: a window writes its bookings to the ledger, then the
payment rows. Cut off between the two, a return of another payment of the same debtor before
the blob comes again replays the debtor's claims: the window's 50.00 paying F2 by its
reference was read as undesignated and spread again from F1, the oldest (6:43 lid 2), and the
redelivery wrote its row from the ledger. The window now writes each booking's designation in
its ledger transaction, as the one-line path does."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.domain.records import PaymentSource
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from tests.faults.test_booking_under_faults import ACCOUNT, PAYER
from tests.faults.test_first_return_while_backdated_row_missing import _first_ledger_transaction
from tests.faults.world import FaultWorld, build
from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, verify_ibans


def _world() -> tuple[FaultWorld, str]:
    world = build(0, 0.0)
    a = world.api
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="100.00"),
        invoice_row("F2", "D1", amount="100.00", invoice_date="2025-02-01", due_date="2025-02-28"),
    ]})  # fmt: skip
    return world, a.call("GET", "/v1/clients/C1/invoices/F2").body["payment_reference"]


def _after_a_return(cut: bool) -> tuple[Any, dict[str, int]]:
    world, reference = _world()
    svc = world.services
    client = next(iter(svc.repos.clients.all()))
    svc.payments.book(client, payment_id="A", amount=6000, received_on=date(2025, 3, 1),
                      source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    line = OutLine(date(2025, 3, 3), 5000, "", counterparty_iban=PAYER,
                   counterparty_name="Debtor D1", reference=reference, end_to_end_id="E1")  # fmt: skip
    data = write_mt940(ACCOUNT, [line], opening=0, opening_date=date(2025, 3, 3),
                       statement_id="W1").encode()  # fmt: skip
    if cut:
        world.plan.rule(_first_ledger_transaction(), "crash_after")
        world.plan.enabled = True
        with pytest.raises(SimulatedCrash):  # the window's ledger write landed, nothing after
            svc.statements.ingest("agency-a/w.sta", data)
        world.plan.enabled = False
        assert [p.payment_id for p in svc.repos.payments.list(client.client_id)[0]] == ["A"]
    else:
        svc.statements.ingest("agency-a/w.sta", data)
    svc.payments.reverse(client, "A", "AC04", date(2025, 3, 3))  # A's first return
    if cut:
        svc.statements.ingest("agency-a/w.sta", data)  # the blob comes again
    paid = [p for p in svc.repos.payments.list(client.client_id)[0] if p.payment_id != "A"]
    assert len(paid) == 1
    day = date(2025, 3, 3)
    return paid[0], {n: svc.ledger.claim(client, n, day).open.total for n in ("F1", "F2")}


def test_a_window_booking_cut_before_its_row_keeps_its_designation_at_a_return() -> None:
    clean, clean_open = _after_a_return(cut=False)
    assert {a.invoice_number for a in clean.allocations} == {"F2"}
    cut, cut_open = _after_a_return(cut=True)
    assert [(a.invoice_number, a.amount) for a in cut.allocations] == [
        (a.invoice_number, a.amount) for a in clean.allocations
    ]
    assert cut_open == clean_open
