"""review32 on failure32 #2: the same cut at each write, for a file of two statements. A cut
after the first statement's mark, before the second's, made the redelivery skip the first
(booked: its own mark) and book the second; its report named the second's lines alone."""

from __future__ import annotations

from datetime import date

from shared.domain.statements.mt940_writer import OutLine, write_mt940
from tests.faults import test_statement_report_after_a_cut as one
from tests.faults.figures import FIGURES
from tests.faults.test_booking_under_faults import ACCOUNT, PAYER


def _two_statements(references: list[str]) -> bytes:
    def day(on: date, refs: list[str], first: int, opening: int, sid: str) -> str:
        lines = [OutLine(on, (100 + first + i) * 100, "", counterparty_iban=PAYER,
                         counterparty_name=f"Debtor {first + i}", reference=ref,
                         end_to_end_id=f"E{first + i}")
                 for i, ref in enumerate(refs)]  # fmt: skip
        return write_mt940(ACCOUNT, lines, opening=opening, opening_date=on, statement_id=sid)

    head, tail = references[:2], references[2:]
    closing = sum((100 + i) * 100 for i in range(2))
    return (
        day(date(2025, 3, 3), head, 0, 0, "S1") + day(date(2025, 3, 4), tail, 2, closing, "S2")
    ).encode()


def test_a_two_statement_files_report_after_a_cut_at_any_write_is_a_whole_runs(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(one, "statement", lambda refs: _two_statements(refs))
    whole, writes = one._report(None)
    assert [(r["Status"], r["Lines"], r["Booked"]) for r in whole] == [("booked", 4, 4)]
    for k in range(1, writes + 1):
        got, _ = one._report(k)
        FIGURES["crash points replayed"] += 1
        assert got == whole, (k, got)
