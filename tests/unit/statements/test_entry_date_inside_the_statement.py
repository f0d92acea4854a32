"""banks27 F4: an MT940 ``:61:`` gives its entry (booking) date as MMDD only; its year was taken
from the value date, another year only when 330 days or more away. A refund of a direct debit
booked on 4 January 2027 and valued on its collection day, 10 November 2026 (55 days: within the
8 weeks a debtor may ask it back), was booked on 4 January 2026, a year before the statement it
is on (31 December 2026 to 4 January 2027). The entry date now takes the year that puts it inside
the statement's period; where no balance dates say so, the old rule stands."""

from __future__ import annotations

from datetime import date

from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS

FILE = STATEMENTS / "mt940/banks27/ing_year_end_back_valued.940"


def test_a_back_valued_entry_is_booked_inside_its_statement() -> None:
    [statement] = parse_statement_file(FILE.read_bytes())
    credit, refund = statement.lines
    assert (credit.value_date, credit.booking_date) == (date(2026, 12, 31), date(2027, 1, 4))
    assert refund.return_reason == "MD06"
    assert refund.value_date == date(2026, 11, 10)
    assert refund.booking_date == date(2027, 1, 4)  # was 2026-01-04


def test_without_balance_dates_the_value_dates_year_rules() -> None:
    # an intraday MT942 has no balances: nothing tells the period, so nothing is moved
    text = FILE.read_bytes().replace(b":60F:C261231EUR1000,00\r\n", b"")
    text = text.replace(b":62F:C270104EUR1170,00\r\n", b"").replace(
        b":64:C270104EUR1170,00\r\n", b""
    )
    [statement] = parse_statement_file(text)
    assert [x.booking_date for x in statement.lines] == [date(2027, 1, 4), date(2026, 1, 4)]
