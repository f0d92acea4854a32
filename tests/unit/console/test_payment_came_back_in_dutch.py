"""A pooled payment the bank returned showed on the client's Dutch action list as "Betaling
van € 611,17 teruggekomen (returned by the bank (MS03))" (agency21 F4): the reason the
payment service writes is now Dutch too; a person's own note stays as written."""

from __future__ import annotations

import pytest

from shared.api.console import action_text
from shared.services.statement_returns import RETURNED_BY_BANK
from shared.services.statements_redo import UNDONE


@pytest.mark.parametrize(
    ("reason", "dutch"),
    [
        (RETURNED_BY_BANK.format(reason="MS03"), "teruggeboekt door de bank (MS03)"),
        ("direct debit returned by the bank (MD06)", "incasso teruggeboekt door de bank (MD06)"),
        ("refund through Mollie", "terugbetaling via Mollie"),
        ("chargeback through Mollie", "chargeback via Mollie"),
        ("AC04", "AC04"),
        ("dubbel overgemaakt, klant belde", "dubbel overgemaakt, klant belde"),
    ],
)
def test_the_reason_a_payment_came_back_reads_dutch(reason: str, dutch: str) -> None:
    title = f"Payment of € 611,17 came back ({reason})"
    assert action_text.title(title, "nl") == f"Betaling van € 611,17 teruggekomen ({dutch})"
    assert action_text.title(title, "en") == title


def test_a_booking_undone_reads_dutch() -> None:
    shown = action_text.title(f"Payment of € 5,00 came back ({UNDONE})", "nl")
    assert shown.startswith("Betaling van € 5,00 teruggekomen (geboekt op een factuur die")
