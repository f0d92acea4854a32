"""A bank line quoting a written-off invoice through the statement service (womatch31): its
own betalingskenmerk books the money as a recovery of the claim (ledger31), from the matching
index in Table Storage, whether the index was built before the write-off (the write-off keeps
the invoice's exact-reference rows) or after it (the build reads written-off invoices too).
Its amount alone, or its number with a typo, is no key: a person decides."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from shared.adapters.tables.keys import encode
from shared.adapters.tables.match_index_repo import ADOPTED, BUILT, MATCH_INDEX, VERSION
from shared.domain.invoices import InvoiceStatus
from shared.domain.statements.mt940_writer import OutLine
from shared.ports.tables import Row
from shared.services.operations.match_copy_backfill import copy_match_marker
from shared.services.operations.written_off_backfill import mark_written_off
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.services.test_statement_ingest import statement

PAYER = "NL66RABO0160878799"
DAY = date(2025, 4, 1)


def _setup(world: Any, *, index_first: bool) -> tuple[Any, str]:
    """C1's consumer D1 (known account) owes F-0001 400.00 and F-0002 250.00; F-0001 is
    written off on 20-3-2025. ``index_first``: a statement met C1 before (index built)."""
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors",
           {"items": [debtor_row("D1", name="Jan de Vries", ibans=[PAYER])]})  # fmt: skip
    rows = [
        invoice_row("F-0001", "D1", amount="400.00", invoice_date="2025-02-01",
                    due_date="2025-02-28"),
        invoice_row("F-0002", "D1", amount="250.00", invoice_date="2025-03-01",
                    due_date="2025-03-31"),
    ]  # fmt: skip
    assert not a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body.get("errors")
    if index_first:
        unrelated = OutLine(date(2025, 3, 20), 1_00, "gift", counterparty_name="X")
        world.services.statements.ingest("agency-a/s0.sta", statement([unrelated], sid="S0"))
    off = a.call("POST", "/v1/clients/C1/invoices/F-0001/write-off", {"reason": "vanished"})
    assert off.status == 200, off.body
    world.clock.at = datetime(2025, 4, 1, 10, 0, tzinfo=UTC)
    ref = a.call("GET", "/v1/clients/C1/invoices/F-0001").body["payment_reference"]
    return a, ref


def _payments(world: Any) -> list[Any]:
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    found, _ = world.services.repos.payments.list(client_id)
    return [p for p in found if not p.reversed]


def _ingest(world: Any, line: OutLine) -> None:
    world.services.statements.ingest("agency-a/s1.sta", statement([line], day=DAY))


def _kenmerk_recovers(world: Any, *, index_first: bool) -> None:
    a, ref = _setup(world, index_first=index_first)
    _ingest(world, OutLine(DAY, 150_00, "", reference=ref, counterparty_iban=PAYER,
                           counterparty_name="J de Vries", end_to_end_id="E1"))  # fmt: skip
    (p,) = _payments(world)
    assert {x.invoice_number for x in p.allocations} == {"F-0001"}
    assert sum(x.amount for x in p.allocations) == 150_00 and p.unallocated == 0
    claim = a.call("GET", "/v1/clients/C1/invoices/F-0001/claim").body
    assert claim["written_off_claim"] is True
    recovered = sum(int(v.replace(".", "")) for v in claim["recovered"].values())
    assert recovered == 150_00
    stored = world.services.repos.invoices.get(p.client_id, "F-0001")
    assert stored is not None and stored.invoice.status is InvoiceStatus.WITHDRAWN
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert not [x for x in items if "150,00" in x["title"]]  # booked, nothing for staff


def test_its_kenmerk_books_a_recovery_with_the_index_built_before_the_write_off(world):
    _kenmerk_recovers(world, index_first=True)


def test_its_kenmerk_books_a_recovery_with_the_index_built_after_the_write_off(world):
    _kenmerk_recovers(world, index_first=False)


def test_a_file_of_two_lines_books_the_recovery_and_the_open_claim(world):
    """The statement window: the recovery beside a line paying F-0002 by its kenmerk."""
    a, ref = _setup(world, index_first=False)
    ref2 = a.call("GET", "/v1/clients/C1/invoices/F-0002").body["payment_reference"]
    lines = [
        OutLine(DAY, 100_00, "", reference=ref, counterparty_iban=PAYER, end_to_end_id="E4"),
        OutLine(DAY, 250_00, "", reference=ref2, counterparty_iban=PAYER, end_to_end_id="E5"),
    ]
    world.services.statements.ingest("agency-a/s2.sta", statement(lines, day=DAY))
    paid = {(x.invoice_number, p.amount) for p in _payments(world) for x in p.allocations}
    assert {n for n, _ in paid} == {"F-0001", "F-0002"}
    assert ("F-0001", 100_00) in paid and ("F-0002", 250_00) in paid


def test_the_written_off_amount_alone_is_not_booked(world):
    a, _ = _setup(world, index_first=True)
    owed = a.call("GET", "/v1/clients/C1/invoices/F-0001/claim").body["written_off"]
    cents = sum(int(v.replace(".", "")) for v in owed.values())
    _ingest(world, OutLine(DAY, cents, "betaling", counterparty_iban=PAYER,
                           counterparty_name="J de Vries", end_to_end_id="E2"))  # fmt: skip
    assert not any(x.invoice_number == "F-0001" for p in _payments(world) for x in p.allocations)


def test_its_number_with_a_typo_is_not_booked(world):
    _setup(world, index_first=True)
    _ingest(world, OutLine(DAY, 400_00, "factuur F-0011", counterparty_iban=PAYER,
                           counterparty_name="J de Vries", end_to_end_id="E3"))  # fmt: skip
    assert not any(x.invoice_number == "F-0001" for p in _payments(world) for x in p.allocations)


def test_the_index_keeps_exact_keys_only_and_the_backfill_adds_them(world):
    """The write-off keeps F-0001's reference and number rows (marked, its principal not
    recovered as open) and drops its amount's; an index row-set of a write-off made before
    (no mark, no rows) gets them from ``inning backfill written-off``, and the rows are what
    a build writes (``inning backfill match-copies`` finds nothing to differ): no new
    index version."""

    _, ref = _setup(world, index_first=True)
    repos = world.services.repos
    cid = repos.clients.id_for_number("agency-a", "C1")
    index = repos.invoices.match_index
    (row,) = index.by_reference(cid, ref)
    assert row.number == "F-0001" and row.written_off and row.open_amount == 400_00
    assert [i.number for i in index.by_tail(cid, "1")] == ["F-0001"]
    assert index.by_amount(cid, 400_00, 10) == []
    # as a write-off before the mark left it: withdrawn, unmarked, no rows
    stored = repos.invoices.get(cid, "F-0001")
    repos.invoices.save(replace(stored.invoice, written_off_on=None), stored)
    assert index.by_reference(cid, ref) == []
    assert mark_written_off(repos, cid).marked == ["F-0001"]
    (row,) = index.by_reference(cid, ref)
    assert row.written_off

    # checked row by row as for an index of version 5: the written-off rows are a build's
    repos.store.upsert(MATCH_INDEX, Row(encode(cid), BUILT, {"Rows": 0, "Version": 5}))
    assert copy_match_marker(repos, cid).outcome == ADOPTED and VERSION == 6
