"""debtorplan26: the plan agreement said "Maak elke termijn over naar NL25ABNA1347374924 onder
vermelding van betalingskenmerk ..." without the name on the account (his bank checks the name
against the IBAN before the transfer: an agency's third-party account named nowhere in the text
makes it look like a wrong payee), and spoke of "facturen 24-0502" for one invoice. Now the
account's holder is named (the agency on its plan) and one invoice is "factuur"."""

from __future__ import annotations

from dataclasses import replace

from shared.services.plans.notices import agreement
from tests.unit.plans.test_plan_agreement_pdf import CLIENT, IBAN, PLAN


def test_the_agreement_names_the_accounts_holder_and_one_invoice_as_one() -> None:
    text = agreement(PLAN, CLIENT.name, IBAN, "nl").text
    assert (
        f"Maak elke termijn over naar {IBAN} ten name van Bakkerij De Korenbloem onder "
        "vermelding van betalingskenmerk 8744 7036 8076 1250."
    ) in text
    assert "in 3 termijnen (factuur 2026-0042)." in text


def test_in_english_and_for_the_agencys_plan() -> None:
    plan = replace(PLAN, invoice_numbers=("2026-0042", "2026-0043"))
    text = agreement(plan, "Noord Incasso", IBAN, "en", CLIENT.name).text
    assert (
        f"Please transfer each installment to {IBAN} in the name of Noord Incasso quoting "
        "payment reference 8744 7036 8076 1250."
    ) in text
    assert "in 3 installments (invoices 2026-0042, 2026-0043)." in text
    assert "Noord Incasso collects these invoices for Bakkerij De Korenbloem" in text
