"""An open-items export's credit note (``-24,20``) is refused as what it is, with how to book
one, not as "a thousands separator?"; ``€ 1.250,00`` and ``1 250,00`` are read as 1250.00
(review newcomer10, finding 6). Only there: any other negative money field (an open
amount, a plan's installment, a repayment, a minimum) is said to be below zero, no credit note
(codereview10 #9)."""

from __future__ import annotations

from decimal import Decimal

from shared.api import schemas
from shared.api.common import validate_rows
from shared.api.console.invoice_csv import read_rows
from shared.api.console.upload_reasons import reason
from tests.unit.api.conftest import client_row

HEADER = "factuurnummer;debiteur;factuurdatum;vervaldatum;bedrag;openstaand\n"


def _read(*amounts: str):
    body = "".join(f"F{n};D1;05-10-2026;04-11-2026;{a};{a}\n" for n, a in enumerate(amounts))
    return validate_rows(read_rows((HEADER + body).encode("cp1252")), schemas.InvoiceIn)


def test_amounts_with_a_euro_sign_or_spaces_between_thousands_are_read():
    valid, errors = _read("€ 1.250,00", "1.250,00 €", "EUR 12,50", "1 250,00", "€121,00")
    assert errors == []
    assert [(m.amount, m.open_amount) for _, m in valid] == [
        (Decimal("1250.00"), Decimal("1250.00")),
        (Decimal("1250.00"), Decimal("1250.00")),
        (Decimal("12.50"), Decimal("12.50")),
        (Decimal("1250.00"), Decimal("1250.00")),
        (Decimal("121.00"), Decimal("121.00")),
    ]


def test_a_credit_note_row_is_refused_as_a_credit_note_with_how_to_book_it():
    valid, errors = _read("121,00", "-24,20", "€ -24,20")
    assert [i for i, _ in valid] == [0]
    assert sorted({(e.index, e.field) for e in errors}) == [
        (1, "amount"), (1, "open_amount"), (2, "amount"), (2, "open_amount"),
    ]  # fmt: skip
    for error in errors:
        assert "thousands" not in error.message
        dutch = reason(error.message, "nl")
        if error.field == "open_amount":  # the row's amount says it once (codereview10 #9)
            assert error.message.endswith(
                "'-24,20' is below zero: an amount here is never negative"
            )
            assert dutch == "'-24,20' is negatief: een bedrag is hier nooit kleiner dan nul"
            continue
        assert "'-24,20' is below zero: a credit note is not an invoice" in error.message
        assert "/credit" in error.message
        assert dutch.startswith("'-24,20' is negatief: een creditnota is geen factuur;")
        assert "Factuur crediteren" in dutch


def test_the_api_says_the_same_of_a_negative_amount():
    # an integration sending a credit note as an invoice learns the endpoint for it
    _, errors = validate_rows(
        [{"number": "F1", "debtor": "D1", "invoice_date": "2026-10-05",
          "due_date": "2026-11-04", "amount": "-5.00"}],
        schemas.InvoiceIn,
    )  # fmt: skip
    (error,) = errors
    assert error.field == "amount" and "credit note" in error.message


def test_other_money_fields_do_not_speak_of_credit_notes(world):
    """A negative installment, minimum or repayment is no credit note: the API says it is
    below zero and nothing about importing invoices (codereview10 #9)."""
    from shared.api.routes_plans import RulesIn

    for model, field in ((schemas.CreditIn, "amount"), (RulesIn, "min_installment")):
        _, errors = validate_rows([{field: "-5.00"}], model)
        (error,) = [e for e in errors if e.field == field]
        assert error.message.endswith("'-5.00' is below zero: an amount here is never negative")
        assert "credit note" not in error.message
    api = world.agency_a
    api.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    answer = api.call("PUT", "/v1/clients/C1/plan-rules", {"min_installment": "-5.00"})
    assert answer.status == 422, answer.body
    assert "credit note" not in str(answer.body) and "below zero" in str(answer.body)
