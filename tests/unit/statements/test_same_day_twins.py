"""A second identical transfer (same payer, amount and text, no bank reference) in the day's
next statement, or on the next page of a statement, is a transfer of its own: booked, not
taken for the first one seen again (review newcomer8 #2). A statement sent again still books
nothing twice, and a line that cannot be told apart from one read before goes to a person."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from shared.adapters.tables.banking_repo import STATEMENT_LINES
from shared.adapters.tables.keys import encode
from shared.domain.statements.model import (
    Twin,
    Where,
    balances_before,
    line_identities,
    statement_number,
    twin_of,
)
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
    opening balance, both lines): neither is booked again. The second is B's by the balance
    before it; the first, under another number from A's opening, could as well be a transfer
    after the balance came back there (failure10 #3): a person's, never booked twice."""
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
    assert (report.booked, report.suggested, report.unmatched) == (0, 0, 1)
    (item,) = unmatched(bunq)
    assert "looks the same as a line read before" in item["detail"]["reasons"][0]
    payments = bunq.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert len(payments) == 2


TRIODOS = "NL12TRIO0198765432"


@pytest.fixture
def triodos(world):
    a = world.agency_a
    a.call(
        "POST", "/v1/clients", {"items": [{"number": "C1", "name": "Bakker", "ibans": [TRIODOS]}]}
    )
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("NL2", name="K Bakker")]})
    a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {"items": [invoice_row("2026-0106", "NL2", amount="45.00", due_date="2026-12-30")]},
    )
    return world


def test_the_final_statement_after_an_interim_one_books_nothing_again_by_the_banks_reference(
    triodos,
):
    """An intraday MT942 has no opening balance, so the balance before its line is unknown; the
    day's MT940 carries the same booking under the same bank reference (TX12345): the same
    transaction, no second booking and no item asking a person to book it (review newcomer9 C)."""
    interim = ingest(triodos, "trio_interim_942.sta")
    final = ingest(triodos, "trio_final_940.sta")
    assert (interim.booked, final.booked, final.unmatched, final.suggested) == (1, 0, 0, 0)
    assert [i for i in items(triodos) if i["kind"] == "unmatched_credit"] == []
    payments = triodos.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert [p["amount"] for p in payments] == [4_500]


# -- statements that overlap: the same transaction once, whatever the order (review failure9
# #1, #6, #7); an identical transfer nothing tells apart goes to a person


HEAD = b"BUNQNL2A\n940\nBUNQNL2A\n:20:BUNQ BV\n:25:NL10BUNQ2290325473 EUR\n"
WILLEMS = (
    b":61:2611301130C50,NTRFNONREF\n"
    b":86:/IBAN/NL97ABNA0479445079/NAME/SRMF WILLEMS/REMI/Factuur 2026-020 deel\n"
)
JANSEN = b":61:2611301130C20,NTRFNONREF\n:86:/IBAN/NL91ABNA0417164300/NAME/J JANSEN/REMI/gift\n"
PAYOUT = (
    b":61:2611301130D50,NTRFNONREF\n"
    b":86:/IBAN/NL44RABO0123456789/NAME/PAYOUT CLIENT/REMI/uitbetaling\n"
)


def statement(number: str, opening: str, closing: str, *lines: bytes) -> bytes:
    return (
        HEAD
        + f":28:{number}\n:60F:C261130EUR{opening}\n".encode()
        + b"".join(lines)
        + f":62F:C261130EUR{closing}\n-\n".encode()
    )


def paid(world) -> list[int]:
    return [
        p["amount"] for p in world.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    ]


def unmatched(world) -> list[Any]:
    return [i for i in items(world) if i["kind"] == "unmatched_credit"]


def test_the_final_statement_listing_the_days_lines_in_another_order_books_nothing_again(bunq):
    interim = statement("00002", "5,66", "75,66", WILLEMS, JANSEN)
    final = statement("00002", "5,66", "75,66", JANSEN, WILLEMS)
    bunq.services.statements.ingest("agency-a/interim.sta", interim)
    again = bunq.services.statements.ingest("agency-a/final.sta", final)
    assert again.booked == 0 and paid(bunq) == [5_000]  # was 5,000 twice
    assert len(unmatched(bunq)) == 1  # Jansen's gift once, was twice


def test_the_final_statement_with_a_line_before_it_the_interim_lacked_books_only_that(bunq):
    interim = statement("00002", "5,66", "55,66", WILLEMS)
    final = statement("00002", "5,66", "75,66", JANSEN, WILLEMS)
    bunq.services.statements.ingest("agency-a/interim.sta", interim)
    bunq.services.statements.ingest("agency-a/final.sta", final)
    assert paid(bunq) == [5_000]
    assert len(unmatched(bunq)) == 1  # the 20.00 the interim lacked, for a person


def test_a_statement_of_another_number_from_the_same_opening_goes_to_a_person(bunq):
    """The day's lines again under another number from the same opening: a re-export numbered
    anew, or the stretch after the balance came back there (failure10 #3); nothing booked
    twice and nothing dropped: each line a person's."""
    interim = statement("00002", "5,66", "75,66", WILLEMS, JANSEN)
    other = statement("00003", "5,66", "75,66", JANSEN, WILLEMS)
    bunq.services.statements.ingest("agency-a/interim.sta", interim)
    again = bunq.services.statements.ingest("agency-a/other.sta", other)
    assert (again.booked, again.unmatched) == (0, 2) and paid(bunq) == [5_000]


def test_a_second_transfer_after_the_balance_came_back_is_not_dropped(bunq):
    """The day's next statement pays the 50.00 out, back to the opening; the third has
    Willems paying 50.00 again with the same text, from that opening (failure10 #3): listed
    for a person, with the middle statement read or not (was: dropped, 'seen before')."""
    first = statement("00002", "5,66", "55,66", WILLEMS)
    back = statement("00003", "55,66", "5,66", PAYOUT)
    again = statement("00004", "5,66", "55,66", WILLEMS)
    ingest_ = bunq.services.statements.ingest
    ingest_("agency-a/a.sta", first)
    assert ingest_("agency-a/b.sta", back).booked == 0
    third = ingest_("agency-a/c.sta", again)
    assert (third.booked, third.unmatched) == (0, 1) and paid(bunq) == [5_000]
    (item,) = unmatched(bunq)
    assert item["detail"]["amount"] == 5_000
    assert "looks the same as a line read before" in item["detail"]["reasons"][0]
    assert ingest_("agency-a/c.sta", again).unmatched == 0  # the file again: listed once


def test_a_second_transfer_from_the_same_opening_is_not_dropped_without_the_middle(bunq):
    ingest_ = bunq.services.statements.ingest
    ingest_("agency-a/a.sta", statement("00002", "5,66", "55,66", WILLEMS))
    third = ingest_("agency-a/c.sta", statement("00004", "5,66", "55,66", WILLEMS))
    assert (third.booked, third.unmatched) == (0, 1) and paid(bunq) == [5_000]


def test_a_second_transfer_after_a_debit_of_the_same_sum_is_not_dropped(bunq):
    """The stretch between sums to zero: the next statement starts where the first did and
    where it ended, so nothing tells a second transfer from the first sent again."""
    bunq.services.statements.ingest(
        "agency-a/a.sta", statement("00002", "5,66", "5,66", WILLEMS, PAYOUT)
    )
    second = bunq.services.statements.ingest(
        "agency-a/b.sta", statement("00003", "5,66", "55,66", WILLEMS)
    )
    assert second.unmatched == 1  # was dropped: not booked, not listed
    assert paid(bunq) == [5_000] and len(unmatched(bunq)) == 1


def test_a_doubtful_twin_cut_off_before_it_was_listed_is_listed_on_redelivery(bunq, monkeypatch):
    (a_statement,) = parse_statement_file((FILES / "bunq_same_day_A.sta").read_bytes())
    (line_id,) = line_identities(a_statement)
    bunq.services.repos.store.upsert(  # A's line as lines were kept before places were
        STATEMENT_LINES,
        Row(encode(BUNQ), line_id, {"Status": "booked", "Amount": 5_000, "ActionId": "x"}),
    )
    service = bunq.services.statements

    def host_stops(*args, **kwargs):
        raise TimeoutError("the host stopped before the item was written")

    with monkeypatch.context() as stop:
        stop.setattr(service, "_list", host_stops)
        with pytest.raises(TimeoutError):
            ingest(bunq, "bunq_same_day_B.sta")
    again = ingest(bunq, "bunq_same_day_B.sta")  # the blob event delivered again
    assert (again.booked, again.unmatched) == (0, 1)  # was booked
    assert paid(bunq) == [] and len(unmatched(bunq)) == 1


@pytest.mark.parametrize(
    ("stored", "new", "reference", "twin"),
    [
        (Where("s1:0"), Where("s1:0"), None, Twin.SAME),  # the very line again
        (Where("s1:0", None), Where("s2:0", 100, (100, 150)), "TX12345", Twin.SAME),
        (Where("s1:0", None), Where("s2:0", 100, (100, 150)), "NONREF", Twin.UNKNOWN),
        (Where("s1:0", None), Where("s2:0", 100, (100, 150)), None, Twin.UNKNOWN),
        # the same stretch of the account, lines in another order
        (Where("s1:0", 100, (100, 170)), Where("s2:1", 120, (100, 170)), None, Twin.SAME),
        (Where("s1:0", 100, (100, 170), "2"), Where("s2:1", 120, (100, 170), "2"), None, Twin.SAME),
        # another statement from the same balance: renumbered, or the balance came back
        (
            Where("s1:0", 100, (100, 150), "2"),
            Where("s2:0", 100, (100, 150), "4"),
            None,
            Twin.UNKNOWN,
        ),
        (
            Where("s1:0", 100, (100, 150), "2"),
            Where("s2:0", 100, (100, 200), "4"),
            None,
            Twin.UNKNOWN,
        ),
        # a statement number stored before numbers were kept: the stretch as then
        (Where("s1:0", 100, (100, 150)), Where("s2:0", 100, (100, 150), "4"), None, Twin.SAME),
        # the next stretch: the day's next statement, the next page
        (Where("s1:0", 100, (100, 150)), Where("s2:0", 150, (150, 200)), None, Twin.OTHER),
        # both at once (the stretch sums to zero): nothing tells
        (Where("s1:0", 100, (100, 100)), Where("s2:0", 100, (100, 150)), None, Twin.UNKNOWN),
        # overlapping stretches (a week's statement and the day's)
        (Where("s1:3", 400, (0, 900)), Where("s2:0", 400, (400, 450)), None, Twin.SAME),
        (Where("s1:3", 400, (0, 900)), Where("s2:0", 420, (420, 470)), None, Twin.UNKNOWN),
        # stored before stretches were kept: the balance before, as then
        (Where("s1:0", 100), Where("s2:0", 150, (150, 200)), None, Twin.OTHER),
    ],
)
def test_twin_of(stored, new, reference, twin):
    assert twin_of(stored, new, reference) is twin


@pytest.mark.parametrize(
    ("sequence", "number"),
    [("00012/001", "12"), ("00012", "12"), ("12", "12"), ("0", "0"), ("00000", "0"), (None, None)],
)
def test_the_statement_number_without_its_page(sequence, number):
    (a,) = parse_statement_file((FILES / "bunq_same_day_A.sta").read_bytes())
    assert statement_number(replace(a, sequence=sequence)) == number
