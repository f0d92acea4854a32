"""A line on the pooled account quoting a code-only client's code, from a payer whose known
account leads only to an invoice the client never handed over, is the agency's item with the
reason why (agency21's left: the invoice was dropped from the candidates without a word, and
the line read as an ordinary unknown payment)."""

from __future__ import annotations

import pytest

from shared.api.console.action_text import reason
from shared.domain.statements.client_code import client_code
from tests.unit.services.test_pooled_books_only_what_was_handed_over import (
    _agency_items,
    _line,
    _pay,
    _tulp,
)
from tests.unit.services.test_pooled_handed_over_quote import invoice
from tests.unit.services.test_statement_ingest import PAYER


def _known_payer(world, tulp):  # type: ignore[no-untyped-def]
    world.services.repos.banking.learn_ibans(tulp.client_id, {PAYER: {"T1"}})


@pytest.mark.parametrize("window", [1, None], ids=["line-by-line", "window"])
def test_a_payer_known_only_for_an_invoice_not_handed_over_is_said(world, window):  # type: ignore[no-untyped-def]
    tulp = _tulp(world)
    if window is not None:
        world.services.statements.window = window
    _known_payer(world, tulp)
    code = client_code(tulp.client_id)
    report = _pay(world, [_line(240_000, f"{code} betaling")])  # TF-103's amount, no number
    assert report.booked == 0
    assert invoice(world, "TULP", "TF-103")["open_amount"] == "2400.00"
    [item] = _agency_items(world)
    said = [r for r in item.detail["reasons"] if "hand" in r]
    assert said == [
        f"not booked: the payer's account is known for invoice TF-103 of client {code}, which "
        "its client did not hand over to the agency: the money may be the client's, not the "
        "agency's; pay it on to the client, or book it once the client hands the invoice over"
    ]
    assert all(s["invoice"] != "TF-103" for s in item.detail["suggestions"])
    assert reason(said[0], "nl").startswith(
        f"niet geboekt: de rekening van de betaler is bekend bij factuur TF-103 van "
        f"opdrachtgever {code}, die de opdrachtgever niet aan het bureau overdroeg"
    )


def test_the_cases_quote_from_that_payer_still_books_the_case(world):  # type: ignore[no-untyped-def]
    tulp = _tulp(world)
    _known_payer(world, tulp)
    report = _pay(world, [_line(242_000, f"{client_code(tulp.client_id)} T1 TF-101")])
    assert report.booked == 1
    assert invoice(world, "TULP", "TF-101")["open_amount"] == "0.00"
    assert invoice(world, "TULP", "TF-103")["open_amount"] == "2400.00"
