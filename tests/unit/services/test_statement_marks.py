"""A statement's mark (booked whole) is a row of its lines' partition, written in the
transaction that settles its last lines; one marked where marks were kept before the move
(``StatementFiles``) is still skipped when it comes again."""

from __future__ import annotations

from datetime import date

from shared.adapters.tables.banking_repo import (
    ACCOUNT_BALANCES,
    STATEMENT_FILES,
    STATEMENT_LINES,
    LastClosing,
)
from shared.adapters.tables.codec import put_date
from shared.adapters.tables.keys import encode
from shared.domain.statements.parse import parse_statement_file
from shared.ports.tables import Row, all_rows
from tests.unit.services.test_statement_days_and_faults import (
    ACCOUNT,
    mt940,
    paid,
    setup_client,
)


def _file() -> bytes:
    data: bytes = mt940(
        [paid(12_100, "factuur F-0001"), paid(5_000, "gift"), paid(-1_500, "costs")]
    )
    return data


def _payments(world):
    repos = world.services.repos
    [client] = list(repos.clients.all())
    return repos.payments.list(client.client_id)[0]


def _rows(world, table):
    return {r.rk: r.data for r in all_rows(world.services.repos.store, table)}


def test_the_mark_lands_with_the_last_lines_settled(world, monkeypatch):
    setup_client(world)
    store = world.services.repos.store
    transactions: list[list[str]] = []
    transact = store.transact

    def seen(table, ops):
        if table == STATEMENT_LINES:
            transactions.append([op.row.rk for op in ops])
        return transact(table, ops)

    monkeypatch.setattr(store, "transact", seen)
    report = world.services.statements.ingest("agency-a/s1.sta", _file())
    assert (report.status, report.booked, report.lines) == ("booked", 1, 3)
    [statement] = parse_statement_file(_file())
    mark = f"stmt-{statement.identity()}"
    assert _rows(world, STATEMENT_LINES)[mark]["Status"] == "done"
    # claims, bookings written down, then the lines settled with the mark and the closing
    # balance, in one transaction
    assert transactions[-1][-2:] == [mark, "~closing"] and len(transactions[-1]) == 5
    assert statement.closing is not None
    assert world.services.repos.banking.last_closing(ACCOUNT) == LastClosing(
        statement.closing.amount, statement.closing.on, implied_from=None
    )  # the bank's own closing, none implied
    again = world.services.statements.ingest("agency-a/s1-again.sta", _file())
    assert (again.status, again.statements_skipped, again.lines) == ("skipped", 1, 0)


def test_a_statement_marked_before_the_move_is_still_skipped(world):
    setup_client(world)
    first = world.services.statements.ingest("agency-a/s1.sta", _file())
    assert first.booked == 1
    [statement] = parse_statement_file(_file())
    store = world.services.repos.store
    # as it stood before the mark moved: the mark in StatementFiles, the lines settled
    rk = f"stmt-{statement.identity()}"
    store.delete(STATEMENT_LINES, encode(ACCOUNT), rk)
    store.upsert(STATEMENT_FILES, Row(encode(ACCOUNT), rk, {"Status": "done", "Lines": 3}))
    again = world.services.statements.ingest("agency-a/s1-again.sta", _file())
    assert (again.status, again.statements_skipped, again.lines, again.booked) == (
        "skipped",
        1,
        0,
        0,
    )
    assert len(_payments(world)) == 1  # booked once


def test_a_statement_not_marked_whose_lines_were_settled_books_nothing_twice(world):
    """A crash after the last lines settled and before a mark written on its own (the path
    when a window left lines to the one-line path): the statement comes again, its lines
    are each found settled, and it is marked then."""
    setup_client(world)
    world.services.statements.ingest("agency-a/s1.sta", _file())
    [statement] = parse_statement_file(_file())
    store = world.services.repos.store
    store.delete(STATEMENT_LINES, encode(ACCOUNT), f"stmt-{statement.identity()}")
    again = world.services.statements.ingest("agency-a/s1-again.sta", _file())
    assert (again.status, again.booked, again.suggested, again.unmatched) == ("booked", 0, 0, 0)
    assert len(_payments(world)) == 1
    assert world.services.repos.banking.statement_done(ACCOUNT, statement.identity())


def test_a_closing_balance_kept_before_the_move_is_still_compared(world):
    """An account whose last closing balance is in ``AccountBalances`` (before it moved to
    the lines' partition): the next statement's opening is compared with it, and its own
    closing is then written where it is kept now."""
    setup_client(world)
    store = world.services.repos.store
    store.upsert(
        ACCOUNT_BALANCES,
        Row(encode(ACCOUNT), "last", {"Closing": 99_999, "On": put_date(date(2025, 3, 1))}),
    )
    report = world.services.statements.ingest("agency-a/s1.sta", _file())
    assert any("a statement may be missing" in w for w in report.warnings)
    [statement] = parse_statement_file(_file())
    assert statement.closing is not None
    assert _rows(world, STATEMENT_LINES)["~closing"]["Closing"] == statement.closing.amount
