"""newcomer17 F7 through the real wiring (the matcher asks the claim ledger, a statement file
goes through its window): D6's 14-day letter over 2026-0061 (300,00) and 2026-0062 (200,00)
asked the principal and the interest to its term's last day; D6 pays exactly that, before the
term ends, from his known account, by the letter's QR code (no text, or the letter's
description). It is booked over both invoices, not left as "amount exceeds the open amount".
With a second debtor on that account (a couple) owing the same amount, it stays a suggestion."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.statements.mt940_writer import OutLine, write_mt940
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans

ACCOUNT = client_iban("C1")
PAYER = "NL44RABO0123456789"
PAID_ON = date(2026, 12, 7)
NUMBERS = ("2026-0061", "2026-0062")


def _cents(text: str) -> int:
    return int(text.replace(".", ""))


def setup(world, *, couple: bool = False):  # type: ignore[no-untyped-def]
    a = world.agency_a
    world.clock.at = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [
        debtor_row("D6", name="K. Bakker", ibans=[PAYER]),
        *([debtor_row("D2", name="M. Bakker", ibans=[PAYER])] if couple else []),
    ]})  # fmt: skip
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row(NUMBERS[0], "D6", amount="300.00", invoice_date="2026-10-01", due_date="2026-10-31",
                    fourteen_day_letter_on="2026-12-02"),
        invoice_row(NUMBERS[1], "D6", amount="200.00", invoice_date="2026-10-01", due_date="2026-10-31",
                    fourteen_day_letter_on="2026-12-02"),
    ]})  # fmt: skip
    claims = [a.call("GET", f"/v1/clients/C1/invoices/{n}/claim", on=PAID_ON.isoformat()).body
              for n in NUMBERS]  # fmt: skip
    owed_from = {c["costs_owed_from"] for c in claims}
    assert len(owed_from) == 1
    owed_from_day = date.fromisoformat(owed_from.pop())
    assert owed_from_day > PAID_ON  # the term still runs
    last_day = (owed_from_day - timedelta(days=1)).isoformat()
    asked = sum(
        _cents(a.call("GET", f"/v1/clients/C1/invoices/{n}/claim", on=last_day).body["open"]["total"])
        for n in NUMBERS
    )  # fmt: skip
    today = sum(_cents(c["open"]["total"]) for c in claims)
    assert asked > today  # the letter's interest runs to its term's last day
    if couple:
        a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
            "2026-0042", "D2", amount=f"{asked / 100:.2f}", invoice_date="2026-12-01",
            due_date="2026-12-31")]})  # fmt: skip
    return a, asked


def ingest(world, cents: int, text: str = ""):  # type: ignore[no-untyped-def]
    lines = [
        OutLine(PAID_ON, cents, text, counterparty_iban=PAYER, counterparty_name="K. Bakker"),
        # a second line makes the file go through the window (one line: the one-line path)
        OutLine(PAID_ON, 1_234, "iets anders", counterparty_iban="NL91ABNA0417164300",
                counterparty_name="Iemand"),
    ]  # fmt: skip
    data = write_mt940(ACCOUNT, lines, opening=0, opening_date=PAID_ON, statement_id="S1")
    return world.services.statements.ingest("agency-a/d6.sta", data.encode())


@pytest.mark.parametrize("text", ["", "D6 2026-0061 2026-0062"])
def test_the_letter_s_total_from_the_known_account_is_booked(world, text: str) -> None:
    a, asked = setup(world)
    report = ingest(world, asked, text)
    assert report.booked == 1, report
    for number in NUMBERS:
        claim = a.call("GET", f"/v1/clients/C1/invoices/{number}/claim", on=PAID_ON.isoformat())
        assert claim.body["open"]["principal"] == "0.00", claim.body
    kinds = [x["kind"] for x in a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert "payment_suggestion" not in kinds


def test_a_file_of_that_one_line_books_it_too(world) -> None:
    _, asked = setup(world)
    line = OutLine(PAID_ON, asked, "", counterparty_iban=PAYER, counterparty_name="K. Bakker")
    data = write_mt940(ACCOUNT, [line], opening=0, opening_date=PAID_ON, statement_id="S1")
    report = world.services.statements.ingest("agency-a/d6.sta", data.encode())
    assert report.booked == 1, report


def test_a_second_debtor_on_the_account_owing_as_much_makes_it_a_suggestion(world) -> None:
    a, asked = setup(world, couple=True)
    report = ingest(world, asked)
    assert report.booked == 0 and report.suggested == 1, report
    [item] = [x for x in a.call("GET", "/v1/clients/C1/actions").body["items"]
              if x["kind"] == "payment_suggestion"]  # fmt: skip
    assert any("too close" in r for r in item["detail"]["reasons"]), item
