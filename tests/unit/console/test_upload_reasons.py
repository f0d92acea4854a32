"""Refusal reasons on the console's upload pages: Dutch where the shape is known, the API's
own words otherwise; refused rows counted as rows."""

from __future__ import annotations

import pytest

from shared.api.console.upload_reasons import reason, rows_refused
from shared.services.batch import RowError


@pytest.mark.parametrize(
    ("message", "dutch"),
    [
        ("Field required", "verplicht, maar leeg"),
        ("Decimal input should have no more than 2 decimal places",
         "hoogstens 2 cijfers achter de komma"),
        ("Input should be greater than 0", "moet groter zijn dan 0"),
        ("String should have at most 500 characters", "hoogstens 500 tekens"),
        ("must lie between 1990-01-01 and 2099-12-31", "moet tussen 1990-01-01 en 2099-12-31 liggen"),
        ("open_amount exceeds amount", "het openstaande bedrag is hoger dan het factuurbedrag"),
        ("duplicate invoice number in this batch (first at index 0)",
         "factuurnummer staat al eerder in het bestand (regel 2)"),
        ("interest_from is on or before due_date (no default yet)",
         "rente vanaf ligt op of vóór de vervaldatum (nog geen verzuim)"),
        # the claim-terms screen (attack7), as shared.services.claim_terms_changes words it
        ("invoice F1: its claim kind changes after the 14-day letter only by an administrator "
         "(it moves the claim's interest, costs or prescription)",
         "factuur F1: de soort vordering wijzigt na de veertiendagenbrief alleen door een "
         "beheerder"),
        ("invoice F1 is held as past its prescription date; this change would lift the hold: "
         "release it or record the interruption with POST …/prescription and a reason (an "
         "administrator)", "factuur F1 staat stil omdat hij verjaard kan zijn; deze wijziging "
         "zou dat opheffen: een beheerder beslist dat (verjaring vrijgeven of stuiting "
         "vastleggen)"),
        # the invoice's own rules on a stored invoice, and storage's answers (words10)
        ("open amount exceeds the invoice amount",
         "het openstaande bedrag is hoger dan het factuurbedrag"),
        ("amount is below what has already been paid", "het bedrag is lager dan wat al is betaald"),
        ("amount is not above the 2100 cents of credit notes booked on invoice F3; credit the "
         "whole invoice instead", "het bedrag is niet hoger dan de creditnota's op factuur F3 "
         "(€ 21,00): crediteer de hele factuur"),
        ("invoice F1 is withdrawn", "factuur F1 is ingetrokken"),
        ("invoice F1: a 14-day letter of 2025-03-01 is asserted after Inning's 14-day letter of "
         "2025-02-10 was reported failed on 2025-02-20; a letter dated before that, or before "
         "today, is an administrator's to record (it makes the collection costs owed)",
         "factuur F1: een veertiendagenbrief van 01-03-2025 wordt gemeld nadat de "
         "veertiendagenbrief van Inning van 10-02-2025 op 20-02-2025 als mislukt werd gemeld; een "
         "brief van vóór die dag, of van vóór vandaag, legt een beheerder vast (hij maakt de "
         "incassokosten verschuldigd)"),
        ("changed concurrently by another request; retry",
         "tegelijk door een ander verzoek gewijzigd: lees het bestand opnieuw in"),
        ("not stored, retry: TransactionFailed",
         "niet opgeslagen (TransactionFailed): lees het bestand opnieuw in"),
    ],
)  # fmt: skip
def test_known_reasons_read_in_dutch(message, dutch):
    assert reason(message, "nl") == dutch
    assert reason(message, "en") == message


def test_an_unknown_reason_is_shown_as_it_is():
    assert reason("something new", "nl") == "something new"


def test_refused_rows_are_rows_not_findings():
    errors = [RowError(1, "amount", "a"), RowError(1, "invoice_date", "b"), RowError(4, None, "c")]
    assert rows_refused(errors) == 2
