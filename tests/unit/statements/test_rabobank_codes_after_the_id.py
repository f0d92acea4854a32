"""Rabobank's MT940 day exports (2025) write the bank's own codes right after the payer's
end-to-end id: "/EREF/<id>/PREF/<batch>/TRCD/593/RTRN/AC04/BENM//NAME/..": its batch
reference, its transaction code and a returned transfer's reason, before /ORDP// or /BENM//
(newcomer14 #1, seen in real exports of berriep/cashapp). The id ran to the '//' and took
"/TRCD/593/RTRN/AC04" as the payer's text, so a transfer that came back (account closed) was
booked as the debtor's payment. The layout is tests/fixtures/statements/mt940/review14/."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.statements.details_nl import split_details
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS
from tests.unit.api.conftest import invoice_row
from tests.unit.services.test_statement_ingest import actions, invoice
from tests.unit.statements.test_returns_without_id import _client_of, _payments

DAY = STATEMENTS / "mt940/review14/rabo_day_with_return.swi"
ACCOUNT = "NL42RABO0300012345"
REFUND_QUOTES = "0500000000000112"  # F-2's betalingskenmerk: the refund sent back quotes it
RETURN = (
    "/EREF/C20261202-1234567890-12345678901234/PREF/C20261202-1234567890-PID-00001"
    "/TRCD/593/RTRN/AC04/BENM//NAME/J BERKEL/REMI/Restitutie 0500000000000112/ISDT/2026-12-02"
)


def test_the_returned_transfer_is_read_with_its_reason_and_a_35_character_id() -> None:
    details = split_details(RETURN, bank="RABO")
    assert details.return_reason == "AC04"
    assert details.end_to_end_id == "C20261202-1234567890-12345678901234"
    assert len(details.end_to_end_id) == 35
    assert details.counterparty_name == "J BERKEL"
    assert details.remittance == "Restitutie 0500000000000112"
    assert details.payer_texts == ()


def test_a_day_export_reads_every_id_without_the_banks_codes_and_warns_of_nothing() -> None:
    [statement] = parse_statement_file(DAY.read_bytes())
    assert statement.warnings == ()
    got = [(x.amount, x.end_to_end_id, x.batch_id, x.return_reason) for x in statement.lines]
    assert got == [
        (12100, "02-12-2026 09:15 7020000000000001", None, None),
        # a Rabobank customer's transfer repeats its id as /PREF/: one payer, no batch's sum
        (5000, "OO9B000000000002", None, None),
        (-30000, None, "C20261202-1234567890-PID-00001", None),
        (1120, "C20261202-1234567890-12345678901234", None, "AC04"),
        (-2500, "C20261202-1234567890-55555555555555", None, None),
    ]
    assert statement.lines[3].is_return


@pytest.mark.parametrize(
    "payers_id",
    ["X/RTRN/AC04", "X/TRCD/593/RTRN/AC04", "X/PREF/Y/TRCD/593/RTRN/AC04", "A/TRCD/5"],
)
def test_the_banks_codes_written_by_the_payer_in_his_id_stay_his_text(payers_id: str) -> None:
    """A code the payer typed in his id (35 characters, '/' allowed) breaks the bank's order
    or comes again: his credit stays a credit, his id his text, and a person is told."""
    assert len(payers_id) <= 35
    text = f"/EREF/{payers_id}/TRCD/541/ORDP//NAME/J JANSEN/REMI/F-1/ISDT/2026-12-02"
    details = split_details(text, bank="RABO")
    assert details.end_to_end_id == payers_id
    assert details.return_reason is None
    assert dict(details.payer_texts)["EREF"]


def test_without_the_transaction_code_the_older_layout_reads_as_before() -> None:
    """Rabobank's older exports write no /TRCD/: a /RTRN/ straight after /EREF/ is the
    payer's id there (its returns come after the name), as before."""
    details = split_details("/EREF/X/RTRN/AC04/ORDP//NAME/J/REMI/USTD//F-1/", bank="RABO")
    assert (details.end_to_end_id, details.return_reason) == ("X/RTRN/AC04", None)


def test_the_return_books_nothing_on_the_debtors_invoice(world: Any) -> None:
    _client_of(world, ACCOUNT)  # F-1 121.00 quoting the kenmerk the iDEAL credit quotes
    world.agency_a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {"items": [invoice_row("F-2", "D1", amount="11.20", payment_reference=REFUND_QUOTES)]},
    )
    report = world.services.statements.ingest("agency-a/rabo.swi", DAY.read_bytes())
    assert invoice(world, "F-1")["status"] == "paid"
    f2 = invoice(world, "F-2")
    assert (f2["status"], f2["open_amount"]) == ("open", "11.20")
    assert [p["amount"] for p in _payments(world)] == [12100]
    assert report.returned == 1
    kinds = actions(world)
    assert "returned_transfer" in kinds
    assert "statement_warning" not in kinds
