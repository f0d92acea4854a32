"""A bank line received before a payment already booked on its claim (an online payment of the
next day) restates the claim and moves part of that later payment's money: booked through the
statement window, the later payment's row and the invoice follow the ledger (found by the e2e
statement test after midnight in Amsterdam: the invoice was left "partially paid").

Hand: consumer D1, F-0001 121.00 due 2025-01-31, 6 %. An online payment of 121.00 received
2025-03-04 takes interest 2025-02-01 -> 03-04 (31 days: 121 x 0.06 x 31/365 = 0.617 -> 0.62)
and principal 120.38; 0.62 stays open. The bank line of 0.62 was received 03-03: on that day
the interest is 30 days (0.597 -> 0.60) and the line pays it and 0.02 principal; the later
payment then takes the day's 0.02 interest and 120.98 principal. Together 121.00 principal:
the invoice is paid."""

from __future__ import annotations

from datetime import date

from shared.domain.records import PaymentSource
from shared.domain.statements.mt940_writer import OutLine
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.services.test_statement_ingest import PAYER, statement


def test_a_back_dated_line_in_the_window_moves_the_later_payment_as_the_ledger_does(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan de Vries")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F-0001", "D1", amount="121.00")]})  # fmt: skip
    access = world.services.access
    client = access.client_for(access.authenticate(a.key), "C1")
    online = world.services.payments.book(client, payment_id="mollie-tr_1", amount=12_100,
        received_on=date(2025, 3, 4), source=PaymentSource.MOLLIE, invoice_numbers=["F-0001"])  # fmt: skip
    assert sum(x.amount for x in online.allocations if x.component == "interest") == 62
    f1 = a.call("GET", "/v1/clients/C1/invoices/F-0001").body
    assert (f1["status"], f1["open_amount"]) == ("partially_paid", "0.62")
    line = OutLine(date(2025, 3, 3), 62, "", counterparty_iban=PAYER, counterparty_name="J de Vries",
                   reference=f1["payment_reference"], end_to_end_id="E2E-BACK")  # fmt: skip
    world.services.statements.ingest(
        "agency-a/back.sta", statement([line], account=client_iban("C1"), day=date(2025, 3, 3))
    )
    f1 = a.call("GET", "/v1/clients/C1/invoices/F-0001").body
    assert (f1["status"], f1["open_amount"]) == ("paid", "0.00"), f1
    later = world.services.repos.payments.get(client.client_id, "mollie-tr_1")
    assert later is not None
    principal = {x.component: x.amount for x in later.allocations}
    assert principal == {"interest": 2, "principal": 12_098}, later.allocations
