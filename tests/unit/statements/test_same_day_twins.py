"""A second identical transfer (same payer, amount and text, no bank reference) in the day's
next statement, or on the next page of a statement, is a transfer of its own: booked, not
taken for the first one seen again (review newcomer8 #2). A statement sent again still books
nothing twice, and a line that cannot be told apart from one read before goes to a person."""

from __future__ import annotations

import pytest

from shared.adapters.tables.banking_repo import STATEMENT_LINES
from shared.adapters.tables.keys import encode
from shared.domain.statements.model import balances_before, line_identities
from shared.domain.statements.parse import parse_statement_file
from shared.ports.tables import Row
from tests.conftest import STATEMENTS
from tests.unit.api.conftest import debtor_row, invoice_row, verify_ibans

FILES = STATEMENTS / "mt940" / "review"
BUNQ = "NL10BUNQ2290325473"
ABN = "NL02ABNA0123456789"


@pytest.fixture
def bunq(world):
    a = world.agency_a
    a.call(
        "POST",
        "/v1/clients",
        {"items": [{"number": "C1", "name": "Client C1", "ibans": [BUNQ]}]},
    )
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("W1", name="SRMF Willems")]})
    a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {"items": [invoice_row("2026-020", "W1", amount="100.00", due_date="2026-12-30")]},
    )
    return world


def ingest(world, name):
    return world.services.statements.ingest(f"agency-a/{name}", (FILES / name).read_bytes())


def invoice(world, number):
    return world.agency_a.call("GET", f"/v1/clients/C1/invoices/{number}").body


def items(world):
    return world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]


def test_the_days_second_statement_books_its_identical_transfer(bunq):
    first = ingest(bunq, "bunq_same_day_A.sta")
    second = ingest(bunq, "bunq_same_day_B.sta")
    assert (first.booked, second.booked) == (1, 1)
    assert invoice(bunq, "2026-020")["status"] == "paid"
    payments = bunq.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert sorted(p["amount"] for p in payments) == [5_000, 5_000]


def test_both_statements_sent_again_book_nothing_more(bunq):
    ingest(bunq, "bunq_same_day_A.sta")
    ingest(bunq, "bunq_same_day_B.sta")
    # the day's two statements again in one file (a re-export of the day)
    both = (FILES / "bunq_same_day_A.sta").read_bytes() + (
        FILES / "bunq_same_day_B.sta"
    ).read_bytes()
    again = bunq.services.statements.ingest("agency-a/day-again.sta", both)
    assert again.booked == 0 and again.status == "skipped"
    # and B with one more line (the day's final statement after an interim one): only that
    more = (
        (FILES / "bunq_same_day_B.sta")
        .read_bytes()
        .replace(
            b":62F:C261130EUR105,66",
            b":61:2611301130C50,NTRFNONREF\n"
            b":86:/IBAN/NL97ABNA0479445079/NAME/SRMF WILLEMS/REMI/Factuur 2026-020 deel\n"
            b":62F:C261130EUR155,66",
        )
    )
    final = bunq.services.statements.ingest("agency-a/day-final.sta", more)
    assert final.booked + final.suggested + final.unmatched == 1
    payments = bunq.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert sum(p["amount"] for p in payments) == 10_000 + 5_000 * (final.booked == 1)


def test_a_statement_split_into_pages_books_the_line_of_each_page(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [{"number": "C1", "name": "Bakkerij", "ibans": [ABN]}]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="A. Jansen")]})
    a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {"items": [invoice_row("F8", "D1", amount="100.00", due_date="2026-12-30")]},
    )
    report = ingest(world, "abn_paged_same_day.sta")
    assert (report.statements, report.lines, report.booked) == (2, 2, 2)
    assert invoice(world, "F8")["status"] == "paid"
    assert ingest(world, "abn_paged_same_day.sta").booked == 0


def test_a_line_booked_before_its_place_was_kept_goes_to_a_person(bunq):
    """A's line booked under the identity of old (no place stored), then B arrives: B's line
    may be A's sent again or a second transfer, nothing tells: listed, not dropped."""
    (a_statement,) = parse_statement_file((FILES / "bunq_same_day_A.sta").read_bytes())
    (line_id,) = line_identities(a_statement)
    bunq.services.repos.store.upsert(
        STATEMENT_LINES,
        Row(encode(BUNQ), line_id, {"Status": "booked", "Amount": 5_000, "ActionId": "x"}),
    )
    report = ingest(bunq, "bunq_same_day_B.sta")
    assert report.booked == 0 and report.unmatched == 1
    (item,) = [i for i in items(bunq) if i["kind"] == "unmatched_credit"]
    assert "looks the same as a line read before" in item["detail"]["reasons"][0]
    assert item["detail"]["amount"] == 5_000
    again = ingest(bunq, "bunq_same_day_B.sta")  # and only once
    assert again.unmatched == 0
    assert len([i for i in items(bunq) if i["kind"] == "unmatched_credit"]) == 1


def test_balances_before_each_line_from_the_opening_or_else_the_closing():
    (page1, page2) = parse_statement_file((FILES / "abn_paged_same_day.sta").read_bytes())
    assert balances_before(page1) == [100_000]
    assert balances_before(page2) == [105_000]  # its :60M: is not an opening: from the closing


def test_one_statement_of_the_whole_day_after_its_two_books_nothing_again(bunq):
    """The day's two transfers again in one statement of its own (another number, the day's
    opening balance, both lines): each is one of those booked, by the balance before it."""
    ingest(bunq, "bunq_same_day_A.sta")
    ingest(bunq, "bunq_same_day_B.sta")
    day = (
        (FILES / "bunq_same_day_A.sta")
        .read_bytes()
        .replace(b":28:00002", b":28:00009")
        .replace(
            b":62F:C261130EUR55,66",
            b":61:2611301130C50,NTRFNONREF\n"
            b":86:/IBAN/NL97ABNA0479445079/NAME/SRMF WILLEMS/REMI/Factuur 2026-020 deel\n"
            b":62F:C261130EUR105,66",
        )
    )
    report = bunq.services.statements.ingest("agency-a/whole-day.sta", day)
    assert (report.statements_skipped, report.lines) == (0, 2)
    assert report.booked + report.suggested + report.unmatched == 0
    payments = bunq.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert len(payments) == 2
