"""One debtor with more claims booked in one statement window than one transaction holds
(100 operations: 50 claims): the window writes that debtor's claims in parts, on the first
delivery, and a redelivery books nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.domain.statements.mt940_writer import OutLine, write_mt940
from tests.unit.api.conftest import (
    client_row,
    debtor_row,
    invoice_row,
    verify_ibans,
    world,  # noqa: F401 - the fixture
)
from tests.unit.services.test_statement_window import (
    ACCOUNT,
    PAID_ON,
    PAYER,
    payments,
    reference,
    service,
)


def test_a_debtor_with_51_invoices_paid_in_one_window_is_booked_on_the_first_delivery(world):  # noqa: F811
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 20, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Groot BV")]})
    numbers = [f"G{i:03d}" for i in range(51)]
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row(n, "D1", amount="10.00", invoice_date="2025-03-01", due_date="2025-04-01")
        for n in numbers
    ]})  # fmt: skip
    lines = [OutLine(PAID_ON, 1_000, "", counterparty_iban=PAYER, counterparty_name="Groot BV",
                     reference=reference(world, n)) for n in numbers]  # fmt: skip
    data = write_mt940(ACCOUNT, lines, opening=0, opening_date=PAID_ON, statement_id="S1").encode()
    first = service(world, 100).ingest("agency-a/big.sta", data)
    assert first.booked == 51
    again = service(world, 100).ingest("agency-a/big.sta", data)
    assert again.booked in (0, 51)  # a redelivery reports, books nothing twice
    assert len(payments(world)) == 51
    for n in numbers:
        body = a.call("GET", f"/v1/clients/C1/invoices/{n}").body
        assert body["status"] == "paid", (n, body["status"])
