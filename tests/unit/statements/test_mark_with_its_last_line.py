"""A statement's mark and closing balance land in the transaction of its last lines settled,
never apart (failure18 F8): with 99 lines in the last window, the 100-row transactions put the
mark with the 99 lines and the closing balance alone after them. A cut between the two left
the statement marked done without its closing: the redelivery skipped it as booked, and the
account's last closing stayed the day before's (the next day's file told a statement missing)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.adapters.tables.banking_repo import STATEMENT_LINES, BankingRepository
from shared.adapters.tables.memory import InMemoryTableStore
from shared.ports.tables import Op

ACCOUNT = "NL94ABNA0000017201"


@pytest.mark.parametrize("lines", [1, 98, 99, 100, 199])
def test_the_mark_and_the_closing_go_with_a_line(lines: int) -> None:
    store = InMemoryTableStore()
    store.ensure_tables([STATEMENT_LINES])
    banking = BankingRepository(store)
    seen: list[list[str]] = []
    real = store.transact

    def spy(table: str, ops: list[Op]) -> Any:
        seen.append([op.row.rk for op in ops])
        return real(table, ops)

    store.transact = spy  # type: ignore[method-assign,assignment]
    fields: dict[str, object] = {"Amount": 1}
    records = [(BankingRepository.unclaimed(f"{n:064x}", f"a{n}"), "booked", fields)
               for n in range(lines)]  # fmt: skip
    mark = BankingRepository.statement_mark(ACCOUNT, "S1", "f.sta", lines)
    closing = BankingRepository.closing_row(ACCOUNT, 100, date(2025, 3, 3), None)
    assert closing is not None
    assert banking.settle_lines(ACCOUNT, records, [mark, closing]) == []
    assert all(len(t) <= 100 for t in seen)
    last = seen[-1]
    assert last[-2:] == [mark.rk, closing.rk] and len(last) > 2  # with a line of the statement
    assert sum(len(t) for t in seen) == lines + 2
