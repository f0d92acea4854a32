"""Two statement files of one account, day 1 and day 2, booked at the same time (two blob
deliveries of a week's files dropped at once): each read the account's last closing balance
before the other wrote it, and each writes its own over what it read. Day 2 finished first and
day 1's closing (1.121,00 on 03-03) landed over day 2's (1.171,00 on 04-03); day 3's file,
opening at 1.171,00, was told 'the last statement closed at 1.121,00: a statement may be
missing' though none is (failure18 F2). The marks keep their statement's closing, and the gap
is looked for among them before it is told."""

from __future__ import annotations

from datetime import date

from shared.adapters.tables.banking_repo import ClosingSeen
from shared.domain.statements.mt940_writer import OutLine
from tests.unit.services.test_statement_ingest import (  # noqa: F401
    ACCOUNT,
    PAYER,
    actions,
    setup,
    statement,
)


def _line(day: date, amount: int, text: str) -> OutLine:
    return OutLine(day, amount, text, counterparty_iban=PAYER, counterparty_name="J de Vries")


def _day(n: int, opening: int, lines: list[OutLine]) -> bytes:
    data: bytes = statement(lines, opening=opening, day=date(2025, 3, 2 + n), sid=f"S{n}")
    return data


def test_a_day_booked_beside_the_day_before_tells_no_statement_missing(setup):  # noqa: F811
    banking = setup.services.repos.banking
    statements = setup.services.statements
    statements.ingest(
        "agency-a/day2.sta", _day(2, 112_100, [_line(date(2025, 3, 4), 5_000, "F-0002")])
    )
    read_by_day_1 = banking.closing_seen  # day 1 read the account before day 2 wrote it
    banking.closing_seen = lambda account: ClosingSeen(None, None)  # type: ignore[method-assign]
    statements.ingest(
        "agency-a/day1.sta", _day(1, 100_000, [_line(date(2025, 3, 3), 12_100, "F-0001")])
    )
    banking.closing_seen = read_by_day_1  # type: ignore[method-assign]
    assert banking.last_closing(ACCOUNT)[:2] == (112_100, date(2025, 3, 3))  # what the race left
    report = statements.ingest("agency-a/day3.sta", _day(3, 117_100, []))
    assert report.warnings == []
    assert "missing_statement" not in actions(setup) + actions(setup, "@agency-a")
    assert banking.last_closing(ACCOUNT)[:2] == (117_100, date(2025, 3, 5))


def test_a_statement_really_missing_is_still_told(setup):  # noqa: F811
    statements = setup.services.statements
    statements.ingest(
        "agency-a/day1.sta", _day(1, 100_000, [_line(date(2025, 3, 3), 12_100, "F-0001")])
    )
    # day 2 (5_000 in) never came
    report = statements.ingest("agency-a/day3.sta", _day(3, 117_100, []))
    assert any("a statement may be missing" in w for w in report.warnings)
    assert "missing_statement" in actions(setup)
