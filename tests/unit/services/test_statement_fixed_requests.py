"""A statement file's own requests (perf17, docs/performance.md round 17): a statement's mark
read only when the account's last closing balance could name it, that balance read once a
file, the matching index's build marker once a process, a window's lines claimed with the
bookings decided for them in one transaction, and the prefetch's threads reading a key once.
Each with what it must keep: a statement booked whole is skipped when it comes again, also
when a race kept its mark out of the closing balance, and nothing is booked twice."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from datetime import date, timedelta

from shared.adapters.tables.banking_repo import (
    CLOSING_RK,
    STATEMENT_LINES,
    closing_of,
    statement_rk,
)
from shared.adapters.tables.codec import put_date
from shared.adapters.tables.keys import encode
from shared.adapters.tables.match_index_repo import BUILT, MATCH_INDEX
from shared.domain.statements.parse import parse_statement_file
from shared.ports.tables import Row
from shared.services.statement_lookups import SingleFlight
from tests.unit.services.test_statement_days_and_faults import (
    ACCOUNT,
    _rabo_days,
    _rabo_world,
    invoice,
    mt940,
    paid,
    setup_client,
)

DAY = date(2025, 3, 3)


def _gets(world, monkeypatch) -> list[tuple[str, str]]:
    """Every point read of the store, (table, row key), from now on."""
    store = world.services.repos.store
    seen: list[tuple[str, str]] = []
    real = store.get

    def get(table, pk, rk):
        seen.append((table, rk))
        return real(table, pk, rk)

    monkeypatch.setattr(store, "get", get)
    return seen


def _transactions(world, monkeypatch, table: str) -> list[list[Row]]:
    store = world.services.repos.store
    seen: list[list[Row]] = []
    real = store.transact

    def transact(name, ops):
        if name == table:
            seen.append([op.row for op in ops])
        return real(name, ops)

    monkeypatch.setattr(store, "transact", transact)
    return seen


def _day(n: int, sid: str, amount: int = 5_000) -> bytes:
    on = DAY + timedelta(days=n)
    data: bytes = mt940([replace(paid(amount, "gift"), booked_on=on)], sid=sid, day=on)
    return data


def _mark_reads(gets: list[tuple[str, str]]) -> list[str]:
    return [rk for table, rk in gets if table == STATEMENT_LINES and rk.startswith("stmt-")]


def test_a_statement_after_the_last_closing_balance_has_its_mark_not_read(world, monkeypatch):
    setup_client(world)
    statements = world.services.statements
    assert statements.ingest("agency-a/d0.sta", _day(0, "S0")).booked == 0
    gets = _gets(world, monkeypatch)
    report = statements.ingest("agency-a/d1.sta", _day(1, "S1"))  # the next day
    assert (report.status, report.lines) == ("booked", 1)
    assert _mark_reads(gets) == []
    # the same day once more (another statement of it): its mark not among the day's
    gets.clear()
    assert statements.ingest("agency-a/d1b.sta", _day(1, "S1b", 6_000)).lines == 1
    assert _mark_reads(gets) == []
    # each sent again: read and skipped, nothing booked twice
    for name, data in (("d1-again", _day(1, "S1")), ("d1b-again", _day(1, "S1b", 6_000))):
        gets.clear()
        again = statements.ingest(f"agency-a/{name}.sta", data)
        assert (again.status, again.lines) == ("skipped", 0)
        assert len(_mark_reads(gets)) == 1
    row = world.services.repos.store.get(STATEMENT_LINES, encode(ACCOUNT), CLOSING_RK)
    [one] = parse_statement_file(_day(1, "S1"))
    [two] = parse_statement_file(_day(1, "S1b", 6_000))
    assert closing_of(row).on == DAY + timedelta(days=1)
    assert set(json.loads(row.data["Marks"])) == {
        statement_rk(one.identity()),
        statement_rk(two.identity()),
    }


def test_a_statement_a_race_kept_out_of_the_closing_balance_is_still_skipped(world):
    """Two deliveries of one account at once can each write the closing balance over the
    other's: a statement marked whose mark the balance does not name (here: the balance of
    an earlier day written last). Sent again, its mark is not read first; its lines are
    found claimed, then its mark, and it is skipped with nothing booked twice."""
    setup_client(world)
    ref = invoice(world, "F-0001")["payment_reference"]
    statements = world.services.statements
    on = DAY + timedelta(days=5)
    data = mt940([replace(paid(12_100, "", reference=ref), booked_on=on)], sid="S5", day=on)
    assert statements.ingest("agency-a/d5.sta", data).booked == 1
    store = world.services.repos.store
    store.upsert(  # the other delivery's balance, of an earlier day, written after it
        STATEMENT_LINES,
        Row(encode(ACCOUNT), CLOSING_RK, {"Closing": 0, "On": put_date(DAY + timedelta(days=2))}),
    )
    again = statements.ingest("agency-a/d5-again.sta", data)
    assert (again.status, again.statements_skipped, again.lines, again.booked) == (
        "skipped",
        1,
        0,
        0,
    )
    client_id = world.agency_a.call("GET", "/v1/clients/C1").body["client_id"]
    assert len(world.services.repos.payments.list(client_id)[0]) == 1


def test_the_closing_balance_is_read_once_a_file(world, monkeypatch):
    _rabo_world(world)
    gets = _gets(world, monkeypatch)
    report = world.services.statements.ingest("agency-a/week.swi", _rabo_days(4))
    assert (report.statements, report.statements_skipped) == (4, 0)
    assert [rk for table, rk in gets if rk == CLOSING_RK] == [CLOSING_RK]
    again = world.services.statements.ingest("agency-a/week-again.swi", _rabo_days(4))
    assert again.status == "skipped" and again.statements_skipped == 4


def test_the_index_build_marker_is_read_once_a_process(world, monkeypatch):
    setup_client(world)
    gets = _gets(world, monkeypatch)
    statements = world.services.statements
    for n in range(3):
        statements.ingest(f"agency-a/d{n}.sta", _day(n, f"S{n}"))
    assert [rk for table, rk in gets if table == MATCH_INDEX and rk == BUILT] == [BUILT]


def test_a_window_claims_its_lines_with_the_bookings_written_down_at_once(world, monkeypatch):
    setup_client(world)
    ref = invoice(world, "F-0001")["payment_reference"]
    lines = _transactions(world, monkeypatch, STATEMENT_LINES)
    data = mt940([paid(12_100, "", reference=ref), paid(777, "huur"), paid(-1_500, "kosten")])
    report = world.services.statements.ingest("agency-a/s.sta", data)
    assert (report.booked, report.lines) == (1, 3)
    claimed, settled = lines  # two transactions: the claims with the booking, the settlement
    assert [r.data["Status"] for r in claimed] == ["booking", "pending", "pending"]
    assert claimed[0].data["PaymentId"] and claimed[0].data["Invoices"] == '["F-0001"]'
    statuses = {r.rk: r.data["Status"] for r in settled if not r.rk.startswith(("stmt-", "~"))}
    assert statuses[claimed[0].rk] == "booked" and statuses[claimed[2].rk] == "debit"
    assert statuses[claimed[1].rk] in ("suggested", "unmatched")


def test_a_window_whose_line_was_claimed_before_takes_the_one_line_path(world):
    """A line of the window claimed meanwhile (another delivery): nothing of the window is
    written but through the one-line path, which books every line once."""
    setup_client(world)
    ref = invoice(world, "F-0001")["payment_reference"]
    data = mt940([paid(12_100, "", reference=ref), paid(777, "huur")])
    [statement] = parse_statement_file(data)
    from shared.domain.statements.model import line_identities

    first = line_identities(statement)[0]
    banking = world.services.repos.banking
    assert banking.claim_line(ACCOUNT, first, 12_100, DAY, "act-1") is not None
    report = world.services.statements.ingest("agency-a/s.sta", data)
    assert (report.booked, report.suggested + report.unmatched, report.lines) == (1, 1, 2)
    client_id = world.agency_a.call("GET", "/v1/clients/C1").body["client_id"]
    assert len(world.services.repos.payments.list(client_id)[0]) == 1
    assert invoice(world, "F-0001")["status"] == "paid"


def test_threads_asking_for_one_key_at_once_read_it_once():
    once = SingleFlight()
    cache: dict[str, int] = {}
    reads: list[str] = []
    both = threading.Barrier(2)

    def read() -> int:
        reads.append("t|2025|")
        time.sleep(0.05)  # the other thread asks meanwhile
        return 7

    def ask() -> None:
        both.wait()
        assert once.get(cache, "t|2025|", read) == 7

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert reads == ["t|2025|"] and cache == {"t|2025|": 7}


def test_a_read_that_failed_is_made_again_by_the_next_asker():
    once = SingleFlight()
    cache: dict[str, int] = {}

    def fails() -> int:
        raise ConnectionError("storage away")

    try:
        once.get(cache, "k", fails)
    except ConnectionError:
        pass
    assert once.get(cache, "k", lambda: 3) == 3


def test_a_windows_lines_naming_one_number_read_its_lookup_once(world, monkeypatch):
    """Three lines of a window writing the same year ("2025", a number's tail to the
    matcher): the prefetch's threads asked for it at once and each read it."""
    setup_client(world)
    index = world.services.repos.invoices.match_index
    real = index.by_tail
    tails: list[str] = []

    def slow(client_id, tail):
        tails.append(tail)
        time.sleep(0.05)  # the other threads ask meanwhile
        return real(client_id, tail)

    monkeypatch.setattr(index, "by_tail", slow)
    lines = [paid(1_000 + n, "contributie 2025") for n in range(3)]
    report = world.services.statements.ingest("agency-a/s.sta", mt940(lines))
    assert report.lines == 3
    assert tails.count("2025") == 1, tails


def test_a_statement_marked_before_the_move_whose_first_line_is_a_return_is_skipped(world):
    """The window claims its lines after matching them; a first line that takes the one-line
    path (a return) is no claim of the window's: the statement's first claim, which finds
    its lines claimed before, still asks whether it was booked whole (here: marked where
    marks were kept before they moved)."""
    from shared.adapters.tables.banking_repo import STATEMENT_FILES

    setup_client(world)
    ref = invoice(world, "F-0001")["payment_reference"]
    back = replace(paid(-2_000, "retour"), return_reason="MS03", end_to_end_id="X9")
    data = mt940([back, paid(12_100, "", reference=ref), paid(777, "huur")])
    statements = world.services.statements
    assert statements.ingest("agency-a/s.sta", data).booked == 1
    [statement] = parse_statement_file(data)
    store = world.services.repos.store
    rk = statement_rk(statement.identity())
    store.delete(STATEMENT_LINES, encode(ACCOUNT), rk)  # as it stood before the mark moved
    store.upsert(STATEMENT_FILES, Row(encode(ACCOUNT), rk, {"Status": "done", "Lines": 3}))
    again = statements.ingest("agency-a/s-again.sta", data)
    assert (again.status, again.statements_skipped, again.booked) == ("skipped", 1, 0)
    assert store.get(STATEMENT_LINES, encode(ACCOUNT), rk) is not None  # marked where it is now
