"""review27 F4: a line's identity holds its booking day, and banks27 moved the year of an MT940
entry back-valued weeks before New Year (a credit of 4 January 2027 valued 10 November 2026 was
read as 4 January 2026 before). A line booked under its former day before that deploy, read
again after it (a later statement carrying it, a window delivered again), must be found under
the identity it was stored with, not booked a second time under the new one."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.statements import mt940_format
from shared.domain.statements.model import former_identities, line_identities
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS
from tests.unit.api.conftest import debtor_row, invoice_row, verify_ibans

FILE = STATEMENTS / "mt940/banks28/ing_year_end_held_credit.940"
ING = "NL69INGB0123456789"


@pytest.fixture
def ing(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [{"number": "C1", "name": "Client", "ibans": [ING]}]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="J. Janssen")]})
    a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {
            "items": [
                invoice_row("2026-0042", "D1", amount="250.00", due_date="2026-12-30"),
                invoice_row("2026-0051", "D1", amount="80.00", due_date="2026-12-30"),
            ]
        },
    )
    return world


def _week_statement() -> bytes:
    """The same two lines in a longer statement of the same number (one more line, another
    closing: another statement), as a bank sends a final statement after an interim one."""
    return (
        FILE.read_bytes()
        .replace(
            b":62F:C270104EUR1330,00",
            b":61:2701050105C5,00NTRFEREF//00000000002003\r\n/TRCD/00100/\r\n"
            b":86:/EREF/NOTPROVIDED//CNTP/NL32INGB0000012345/INGBNL2A/J. Janssen/\r\n"
            b"//REMI/USTD//gift/\r\n:62F:C270105EUR1335,00",
        )
        .replace(b":64:C270104EUR1330,00", b":64:C270105EUR1335,00")
    )


def test_the_former_identity_is_the_one_of_the_day_read_before() -> None:
    [statement] = parse_statement_file(FILE.read_bytes())
    credit, held = statement.lines
    assert held.booking_date == date(2027, 1, 4) and held.dated_before == date(2026, 1, 4)
    assert credit.dated_before is None
    now, before = line_identities(statement), former_identities(statement)
    assert before[0] == () and len(before[1]) == 1 and before[1][0] != now[1]


def test_a_line_booked_under_its_former_day_is_not_booked_again(ing, monkeypatch) -> None:
    # before the deploy: the entry date in the value date's year (banks27's parser, undone)
    with monkeypatch.context() as m:
        m.setattr(mt940_format, "_entry_in", lambda period, entry: entry)
        first = ing.services.statements.ingest("agency-a/day.940", FILE.read_bytes())
    assert first.booked == 2
    # after it: the week's statement carries both lines again, dated inside it
    week = ing.services.statements.ingest("agency-a/week.940", _week_statement())
    payments = ing.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert sorted(p["amount"] for p in payments) == [8_000, 25_000]
    # only the gift is new: the 80.00 was offered again as a payment of its own before (a
    # person confirming it booked it twice)
    assert (week.lines, week.booked, week.suggested, week.unmatched) == (3, 0, 1, 0)
    items = ing.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [x["detail"]["amount"] for x in items] == [500]
