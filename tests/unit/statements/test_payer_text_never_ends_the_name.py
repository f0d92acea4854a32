"""Codes inside the payer's remittance or end-to-end id never end his name (codereview12 #2).
ABN AMRO writes no '//' in ``:86:``, so where the name ends is told by the bank's layout
(``/NAME/../RTRN/../REMI/../EREF/..``, spec 2.3.4): a code the bank writes again before its
next one is the payer's text in the name; one past that is inside the remittance or the end-to-
end id. Before: "/RTRN/" in the remittance of a return made the bank's "/RTRN/AC04" part of the
name, the return was read as none and F-1 stayed paid though the money went back; a remittance
"F-1 /REMI/ x" made the name "Jan/REMI/F-1" and the credit no longer named F-1."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.statements.details_nl import split_details
from tests.conftest import STATEMENTS
from tests.unit.services.test_statement_ingest import actions, invoice  # noqa: F401
from tests.unit.statements.test_returns_without_id import _client_of, _payments, _service

ABN = "/TRTP/SEPA OVERBOEKING/IBAN/NL02RABO0123456789/BIC/RABONL2U/NAME/"


@pytest.mark.parametrize(
    ("tail", "reason", "remittance", "eref"),
    [
        ("Debtor D1/RTRN/AC04/REMI/F-1 zie /RTRN/ brief/EREF/NOTPROVIDED", "AC04",
         "F-1 zie /RTRN/ brief", None),
        ("Debtor D1/RTRN/AC04/REMI/F-1/EREF/INV/RTRN/1", "AC04", "F-1", "INV/RTRN/1"),
        ("Debtor D1/RTRN/AC04/REMI/F-1/RTRN/x/EREF/NOTPROVIDED", "AC04", "F-1/RTRN/x", None),
    ],
)  # fmt: skip
def test_a_return_code_in_the_payers_text_leaves_the_banks_return(
    tail: str, reason: str, remittance: str, eref: str | None
) -> None:
    d = split_details(ABN + tail, bank="ABNA")
    assert (d.counterparty_name, d.return_reason) == ("Debtor D1", reason)
    assert (d.remittance, d.end_to_end_id) == (remittance, eref)
    assert ("NAME", ("RTRN",)) not in d.payer_texts


def test_a_remittance_that_quotes_remi_leaves_the_name_alone() -> None:
    d = split_details(ABN + "Jan/REMI/F-1 /REMI/ x/EREF/NOTPROVIDED", bank="ABNA")
    assert (d.counterparty_name, d.remittance) == ("Jan", "F-1")


def test_a_later_code_in_the_name_does_not_cut_the_banks_layout_short() -> None:
    # the payer's name "J/REMI/INV-1/EREF/x": his /EREF/ comes again, so it is no bank's code
    # that would close the window in which his /REMI/ comes again (stmt12's name stays his)
    d = split_details(ABN + "J/REMI/INV-1/EREF/x/REMI/F-1/EREF/E", bank="ABNA")
    assert (d.counterparty_name, d.remittance, d.end_to_end_id) == (
        "J/REMI/INV-1/EREF/x", "F-1", "E",
    )  # fmt: skip
    # a return code in the name before the bank's own stays his
    r = split_details(ABN + "J/RTRN/x/RTRN/AC04/REMI/F-1/EREF/NOTPROVIDED", bank="ABNA")
    assert (r.counterparty_name, r.return_reason) == ("J/RTRN/x", "AC04")


SRC = (STATEMENTS / "mt940/review12/abn_sct_credit_then_return.sta").read_text()
QUOTED = (
    "/REMI/Issuer: CUR                 Ref: 0123456789012\n345/EREF/NOTPROVIDED",
    "/REMI/Issuer: CUR                 Ref: 012\n3456789012345/EREF/NOTPROVIDED",
)


@pytest.mark.parametrize(
    "text",
    ["/REMI/F-1 zie /RTRN/ brief/EREF/NOTPROVIDED", "/REMI/F-1/EREF/INV/RTRN/1"],
    ids=["remittance", "end-to-end-id"],
)
def test_a_return_quoting_rtrn_in_the_payers_text_reopens_the_invoice(
    world: Any, text: str
) -> None:
    _client_of(world, "NL91ABNA0417164300")
    # the credit and its return carry the same payer text (a return quotes the original)
    data = SRC
    for quoted in QUOTED:
        data = data.replace(quoted, "\n" + text)
    assert data.count(text) == 2
    report = _service(world, True).ingest("agency-a/abn", data.encode())
    assert (report.booked, report.returned) == (1, 1)
    f1 = invoice(world, "F-1")
    assert f1["status"] == "open" and f1["open_amount"] == "121.00"
    [payment] = _payments(world)
    assert payment["reversed"] is True
