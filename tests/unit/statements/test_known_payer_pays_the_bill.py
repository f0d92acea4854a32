"""The known-payer rule after the due day (newcomer15 #1): a debtor paying the invoiced amount
of his only open bill from his registered account, a few days late, is booked, in the app as
in ``inning match``. The rule compares the amount with the bill's whole claim on the day *or*
its open principal (he pays the bill he received; the day's interest he cannot know to the
cent: README "Bank statements" step 6, docs/law.md "The tacit designation").

Real line (corpus test-rabo.swi): 400.00 on 2-1-2014 from NL66RABO0160878799 "R. SMITH", no
reference; S-400 400.00 due 31-12-2013, open on 2-1-2014 400.03 (interest 0.03). Was: the app
suggested it (score 0.55, "amount is part of the open amount") while ``inning match`` on the
same data said "booked"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from shared.domain.money import Cents
from shared.domain.statements.matching import (
    InvoiceIndex,
    MatchSettings,
    OpenInvoice,
    match_line,
    principal_open,
)
from shared.domain.statements.model import StatementLine
from shared.domain.statements.mt940_writer import OutLine
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.services.test_statement_ingest import statement

SMITH = "NL66RABO0160878799"
LINE = StatementLine(
    date(2014, 1, 2), None, 40_000, "EUR", counterparty_iban=SMITH,
    counterparty_name="R. SMITH", remittance="Test money paid by other partner:",
)  # fmt: skip
S400 = OpenInvoice("S-400", "D-SMITH", "R. Smith", 40_000, None, date(2013, 12, 31), (SMITH,))


def _with_interest(extra: dict[str, Cents]) -> Any:
    """The app's totals: the ledger's whole claim on the day (here principal + interest)."""

    def totals(invoices: Sequence[OpenInvoice]) -> dict[str, Cents]:
        return {i.number: i.open_amount + extra.get(i.number, 0) for i in invoices}

    return totals


def _match(invoices: list[OpenInvoice], totals: Any) -> Any:
    return match_line(0, LINE, InvoiceIndex(invoices), MatchSettings(), totals)


def test_the_invoiced_amount_after_the_due_day_books_as_in_inning_match():
    dry_run = _match([S400], principal_open)  # inning match: the CSV's open amount
    live = _match([S400], _with_interest({"S-400": 3}))  # the app: 400.03 open that day
    assert [(a.invoice_number, a.amount) for a in dry_run.booked] == [("S-400", 40_000)]
    assert [(a.invoice_number, a.amount) for a in live.booked] == [("S-400", 40_000)]
    assert any("rule known payer" in r for r in live.reasons)
    assert "amount equals the open principal" in live.reasons


def test_the_principal_books_without_the_payers_name_as_the_whole_claim_does():
    anonymous = StatementLine(date(2014, 1, 2), None, 40_000, "EUR", counterparty_iban=SMITH)
    result = match_line(
        0, anonymous, InvoiceIndex([S400]), MatchSettings(), _with_interest({"S-400": 3})
    )
    assert [(a.invoice_number, a.amount) for a in result.booked] == [("S-400", 40_000)]


def test_the_precision_guard_another_bill_whose_whole_claim_is_the_amount():
    """S-401 (not yet due) is 400.00 whole: the amount fits two bills, nobody's is booked."""
    s401 = OpenInvoice("S-401", "D-SMITH", "R. Smith", 40_000, None, date(2014, 1, 31), (SMITH,))
    result = _match([S400, s401], _with_interest({"S-400": 3}))
    assert not result.booked
    assert result.suggested and any("another open invoice fits" in r for r in result.reasons)


def test_the_precision_guard_a_set_whose_whole_claims_sum_to_the_amount():
    """S-402 + S-403 sum to 400.00 whole as S-400's principal does: a person decides."""
    s402 = OpenInvoice("S-402", "D-SMITH", "R. Smith", 25_000, None, date(2014, 1, 31), (SMITH,))
    s403 = OpenInvoice("S-403", "D-SMITH", "R. Smith", 15_000, None, date(2014, 1, 31), (SMITH,))
    result = _match([S400, s402, s403], _with_interest({"S-400": 3}))
    assert not result.booked


def test_the_app_books_the_late_payment_on_the_bill_it_pays(world):
    """Through the statement service with the ledger's totals: consumer D1 (known account),
    F-0001 400.00 due 28-2-2025; 400.00 on 3-3-2025 without a reference: booked on F-0001
    (interest 0.07 first by 6:44, principal 399.93), no action item."""
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors",
           {"items": [debtor_row("D1", name="Jan de Vries", ibans=[SMITH])]})  # fmt: skip
    row = invoice_row("F-0001", "D1", amount="400.00", invoice_date="2025-02-01",
                      due_date="2025-02-28")  # fmt: skip
    assert not a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).body.get("errors")
    claim = a.call("GET", "/v1/clients/C1/invoices/F-0001/claim", on="2025-03-03").body
    assert claim["open"]["total"] != "400.00"  # interest has run: the whole claim is more
    line = OutLine(date(2025, 3, 3), 400_00, "betaling", counterparty_iban=SMITH,
                   counterparty_name="J de Vries")  # fmt: skip
    world.services.statements.ingest("agency-a/s.sta", statement([line]))
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert not [x for x in items if x["kind"] in ("payment_suggestion", "unmatched_credit")]
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    found, _ = world.services.repos.payments.list(client_id)
    (p,) = [p for p in found if not p.reversed]
    assert p.designated == ("F-0001",)
    assert sum(x.amount for x in p.allocations) == 400_00
    assert {x.invoice_number for x in p.allocations} == {"F-0001"}


def test_a_payer_naming_another_bill_has_not_paid_this_ones_principal():
    """The e2e console run of round 15: 12.50 "E2E-0001 betaling" from the debtor's known
    account, E2E-0001 open at 11.50 and E2E-0002 at a principal of 12.50 with 0.08 of
    interest. The principal rule booked it on E2E-0002 (designated E2E-0002, as if the payer
    had named it); the text names E2E-0001: a person decides."""
    named = StatementLine(
        date(2014, 1, 2), None, 1_250, "EUR", counterparty_iban=SMITH,
        counterparty_name="R. SMITH", remittance="E2E-0001 betaling",
    )  # fmt: skip
    first = OpenInvoice(
        "E2E-0001", "D-SMITH", "R. Smith", 1_150, None, date(2013, 11, 30), (SMITH,)
    )
    second = OpenInvoice(
        "E2E-0002", "D-SMITH", "R. Smith", 1_250, None, date(2013, 11, 30), (SMITH,)
    )
    found = match_line(0, named, InvoiceIndex([first, second]), MatchSettings(),
                       _with_interest({"E2E-0001": 8, "E2E-0002": 8}))  # fmt: skip
    assert not found.booked
    assert "amount equals the open principal" not in found.reasons
