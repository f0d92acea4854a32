"""A statement's mark keeps the closing balance it closed at, and ``marked_closing`` finds it
by amount and day, on both table stores (failure18 F2: the gap a differing opening suggests
is looked for among the marks before ``missing_statement``)."""

from __future__ import annotations

from datetime import date

from shared.adapters.tables.banking_repo import BankingRepository
from shared.services.repositories import Repositories

ACCOUNT = "NL94ABNA0000017201"


def test_a_mark_names_the_closing_it_closed_at(repos: Repositories) -> None:
    banking = repos.banking
    marks = [
        BankingRepository.statement_mark(ACCOUNT, "S1", "day1.sta", 1, (112_100, date(2025, 3, 3))),
        BankingRepository.statement_mark(ACCOUNT, "S2", "day2.sta", 1, (117_100, date(2025, 3, 4))),
        BankingRepository.statement_mark(ACCOUNT, "S0", "old.sta", 0),  # kept before closings
    ]
    banking.write_marks(marks)
    assert banking.marked_closing(ACCOUNT, 117_100, date(2025, 3, 3), date(2025, 3, 5))
    assert not banking.marked_closing(ACCOUNT, 117_100, date(2025, 3, 4), date(2025, 3, 5))
    assert not banking.marked_closing(ACCOUNT, 112_100, date(2025, 3, 3), date(2025, 3, 5))
    assert not banking.marked_closing(ACCOUNT, 117_000, date(2025, 3, 1), date(2025, 3, 5))
    assert banking.statement_done(ACCOUNT, "S2")
