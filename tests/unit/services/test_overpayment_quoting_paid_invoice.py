"""Extra money quoting an invoice its debtor paid already names that invoice and its debtor on
the unmatched credit's item (newcomer26 F3: EUR 100 from "bedrijf 40 bv" quoting "2026-0196",
paid online an hour before, was "no candidate invoice found" with no debtor named: staff had to
find the overpayer themselves). The description names the invoice by its number, not by its
kenmerk; the matching index holds open invoices only, so the line stays on the action list,
now with ``quoted_invoice`` and ``quoted_debtor`` for the refund or his other invoices."""

from __future__ import annotations

from datetime import date

from shared.domain.statements.mt940_writer import OutLine
from tests.unit.services.test_statement_ingest import invoice, paid_line, statement
from tests.unit.services.test_statement_ingest import setup as setup


def _items(world):
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [x for x in items if x["kind"] in ("unmatched_credit", "payment_suggestion")]


def test_extra_money_quoting_a_paid_invoice_number_names_its_debtor(setup):
    ref = invoice(setup, "F-0003")["payment_reference"]
    first = paid_line(7_700, "", reference=ref, end_to_end_id="E1", name="Piet Bakker")
    setup.services.statements.ingest("agency-a/d1.sta", statement([first], sid="D1"))
    assert invoice(setup, "F-0003")["status"] == "paid"
    extra = OutLine(date(2025, 3, 4), 10_000, "nog een keer F-0003", end_to_end_id="E2",
                    counterparty_iban="NL39RABO0300065264", counterparty_name="Bakker Holding")  # fmt: skip
    later = statement([extra], opening=107_700, day=date(2025, 3, 4), sid="D2")
    report = setup.services.statements.ingest("agency-a/d2.sta", later)
    assert report.booked == 0 and report.unmatched == 1
    [item] = _items(setup)
    assert item["kind"] == "unmatched_credit"
    assert item["detail"]["quoted_invoice"] == "F-0003"  # was: absent
    assert item["detail"]["quoted_debtor"] == "D2"  # the paid invoice's debtor, nobody else
    assert item["debtor_number"] == "D2"  # filed under him: on his page
    assert any("invoice F-0003 of debtor D2 (paid" in r for r in item["detail"]["reasons"]), item
    assert invoice(setup, "F-0001")["status"] == "open"  # D1's invoices untouched


def test_a_description_naming_no_invoice_names_no_debtor(setup):
    extra = OutLine(date(2025, 3, 4), 10_000, "gift 2025 F-9999", end_to_end_id="E3",
                    counterparty_iban="NL39RABO0300065264", counterparty_name="Onbekend")  # fmt: skip
    setup.services.statements.ingest("agency-a/d3.sta", statement([extra], sid="D3"))
    [item] = _items(setup)
    assert "quoted_invoice" not in item["detail"] and "quoted_debtor" not in item["detail"]
    assert item["debtor_number"] is None
