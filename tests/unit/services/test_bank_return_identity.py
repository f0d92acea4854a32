"""A bank return is tied to the payment it undoes by the end-to-end id, which is the payer's own
text (any payer's software may write "1"): the return undoes only a payment under that id of
the same amount (and the same payer's account, when both are known); with none or several a
person decides (attack4 finding 3)."""

from __future__ import annotations

from datetime import date

from shared.domain.statements.mt940_writer import OutLine
from tests.unit.services.test_statement_ingest import (  # noqa: F401
    PAYER,
    actions,
    invoice,
    paid_line,
    setup,
    statement,
)

OTHER_PAYER = "NL91ABNA0417164300"


def _two_payments_under_one_id(setup, d2_amount: int) -> None:  # noqa: F811
    s = setup.services.statements
    f1, f3 = invoice(setup, "F-0001"), invoice(setup, "F-0003")
    s.ingest("agency-a/d1.sta", statement([paid_line(12_100, "", reference=f1["payment_reference"], end_to_end_id="1")]))  # fmt: skip
    d2 = OutLine(date(2025, 3, 4), d2_amount, "", counterparty_iban=OTHER_PAYER, counterparty_name="P Bakker",
                 reference=f3["payment_reference"], end_to_end_id="1")  # fmt: skip
    s.ingest("agency-a/d2.sta", statement([d2], opening=112_100, day=date(2025, 3, 4), sid="S2"))
    assert invoice(setup, "F-0001")["status"] == "paid"


def test_a_return_undoes_the_payment_of_its_amount_not_another_debtors(setup):  # noqa: F811
    _two_payments_under_one_id(setup, 7_700)
    assert invoice(setup, "F-0003")["status"] == "paid"
    # 5 March: D1's 121.00 comes back (AC04), quoting the id D2's payer also used
    back = OutLine(date(2025, 3, 5), -12_100, "retour", counterparty_iban=PAYER,
                   end_to_end_id="1", return_reason="AC04")  # fmt: skip
    setup.services.statements.ingest(
        "agency-a/back.sta", statement([back], opening=119_800, day=date(2025, 3, 5), sid="S3")
    )
    assert invoice(setup, "F-0001")["status"] == "open"  # D1's money went back
    assert invoice(setup, "F-0003")["status"] == "paid"  # D2's payment stands
    assert "unmatched_return" not in actions(setup)


def test_a_return_that_fits_no_remembered_payment_goes_to_a_person(setup):  # noqa: F811
    _two_payments_under_one_id(setup, 7_700)
    back = OutLine(date(2025, 3, 5), -5_000, "retour", end_to_end_id="1", return_reason="MS03")
    setup.services.statements.ingest(
        "agency-a/back.sta", statement([back], opening=119_800, day=date(2025, 3, 5), sid="S3")
    )
    assert invoice(setup, "F-0001")["status"] == "paid"
    assert invoice(setup, "F-0003")["status"] == "paid"
    assert "unmatched_return" in actions(setup)


def test_the_payers_account_tells_two_payments_of_one_amount_apart(setup):  # noqa: F811
    _two_payments_under_one_id(setup, 12_100)  # D2 paid 121.00 under the same id
    back = OutLine(date(2025, 3, 5), -12_100, "retour", counterparty_iban=OTHER_PAYER,
                   end_to_end_id="1", return_reason="AC04")  # fmt: skip
    setup.services.statements.ingest(
        "agency-a/back.sta", statement([back], opening=124_200, day=date(2025, 3, 5), sid="S3")
    )
    assert invoice(setup, "F-0003")["status"] == "open"  # D2's money went back
    assert invoice(setup, "F-0001")["status"] == "paid"
