"""Issue 10's case through the real wiring (the matcher asks the claim ledger): a consumer
invoice of EUR 121 whose EUR 40 collection costs are owed, paid by bank transfer with
principal + costs + interest, is an exact match booked by law, not an overpayment; a partial
payment goes costs -> interest -> principal."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.statements.mt940_writer import OutLine, write_mt940
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans

ACCOUNT = client_iban("C1")
PAYER = "NL02RABO0123456789"
PAID_ON = date(2025, 3, 20)


def setup(world):
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 20, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan de Vries")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="121.00", invoice_date="2025-01-01", due_date="2025-01-31",
                    fourteen_day_letter_on="2025-02-10"),
    ]})  # fmt: skip
    return a


def ingest(world, cents, reference):
    line = OutLine(PAID_ON, cents, "", counterparty_iban=PAYER, counterparty_name="J de Vries",
                   reference=reference, end_to_end_id=f"E{cents}")  # fmt: skip
    data = write_mt940(ACCOUNT, [line], opening=0, opening_date=PAID_ON, statement_id="S1")
    return world.services.statements.ingest("agency-a/day.sta", data.encode())


def test_paying_the_whole_claim_by_transfer_is_an_exact_match(world):
    a = setup(world)
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on=PAID_ON.isoformat()).body
    assert claim["open"]["costs"] == "40.00" and claim["open"]["interest"] != "0.00"
    total = int(claim["open"]["total"].replace(".", ""))
    reference = a.call("GET", "/v1/clients/C1/invoices/F1").body["payment_reference"]
    report = ingest(world, total, reference)
    assert report.booked == 1
    after = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on=PAID_ON.isoformat()).body
    assert after["open"]["total"] == "0.00"
    assert after["paid"]["costs"] == "40.00" and after["paid"]["principal"] == "121.00"
    kinds = [x["kind"] for x in a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert "overpayment" not in kinds
    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "paid"


def test_a_partial_transfer_pays_costs_then_interest_then_principal(world):
    a = setup(world)
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on=PAID_ON.isoformat()).body
    interest = int(claim["open"]["interest"].replace(".", ""))
    reference = a.call("GET", "/v1/clients/C1/invoices/F1").body["payment_reference"]
    ingest(world, 10_000, reference)
    after = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on=PAID_ON.isoformat()).body
    assert after["paid"]["costs"] == "40.00"
    assert int(after["paid"]["interest"].replace(".", "")) == interest
    assert int(after["paid"]["principal"].replace(".", "")) == 10_000 - 4_000 - interest
