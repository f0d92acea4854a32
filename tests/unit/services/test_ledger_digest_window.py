"""A statement window reads a candidate debtor's ledger only when the client's digest of
ledger debtors may hold it (shared/adapters/tables/ledger_digest.py), and books the same."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from shared.adapters.tables import ledger_digest
from shared.adapters.tables.keys import encode
from shared.adapters.tables.ledger_repo import LEDGER
from shared.domain.parties import DebtorKind
from shared.ports.tables import Op, OpKind
from shared.services import statements_window
from tests.unit.services.test_statement_ingest import invoice, paid_line, statement
from tests.unit.services.test_statement_ingest import setup as setup


def _client(world: Any) -> Any:
    cid = world.agency_a.call("GET", "/v1/clients/C1").body["client_id"]
    return world.services.repos.clients.get(cid)[0]


def _ledger_reads(world: Any, monkeypatch: Any) -> Counter[str]:
    """Range reads of the ledger, by the debtor whose key range they read."""
    reads: Counter[str] = Counter()
    store = world.services.repos.store
    real = store.query

    def query(table: str, **kw: Any) -> Any:
        low = (kw.get("rk_range") or (None, None))[0]
        if table == LEDGER and low:
            reads[low.split("|", 1)[0]] += 1
        return real(table, **kw)

    monkeypatch.setattr(store, "query", query)
    return reads


def test_a_debtor_without_ledger_rows_has_the_claims_the_ledger_service_reads(setup):
    client = _client(setup)
    repos = setup.services.repos
    ledger = setup.services.payments.ledger
    for number in ("D1", "D2"):
        debtor = repos.debtors.get(client.client_id, number)[0]
        invoices = repos.invoices.for_debtor(client.client_id, number)
        for who in (None, *(replace(debtor, kind=kind) for kind in DebtorKind)):
            assert statements_window._without_ledger(client, who, invoices) == (
                ledger.debtor_claims(client, number, who, invoices)
            )


def test_a_window_skips_the_ledger_of_debtors_it_never_saw_and_reads_the_others(setup, monkeypatch):
    reads = _ledger_reads(setup, monkeypatch)
    ref = invoice(setup, "F-0003")["payment_reference"]
    # D2 pays part of F-0003 (77.00): its first ledger rows, and its hash with them
    lines = [paid_line(3_000, "", reference=ref, end_to_end_id="P1", name="Piet Bakker")]
    report = setup.services.statements.ingest("agency-a/s1.sta", statement(lines, sid="S1"))
    assert report.booked == 1 and invoice(setup, "F-0003")["open_amount"] == "47.00"
    assert reads[encode("D2")] == 0  # the digest built (empty ledger): D2 not read
    reads.clear()
    # then the rest, and a line D1 pays whole: D2's ledger is read (its rows decide), D1's not
    more = [
        paid_line(4_700, "", reference=ref, end_to_end_id="P2", name="Piet Bakker"),
        paid_line(12_100, "F-0001", end_to_end_id="P3"),
    ]
    report = setup.services.statements.ingest(
        "agency-a/s2.sta", statement(more, opening=103_000, sid="S2")
    )
    assert report.booked == 2
    assert invoice(setup, "F-0003")["status"] == "paid"
    assert invoice(setup, "F-0001")["status"] == "paid"
    assert reads[encode("D2")] >= 1 and reads[encode("D1")] == 0


def test_ledger_rows_written_before_the_digest_existed_are_read(setup, monkeypatch):
    """The mixed state: D1 has ledger rows of before the digest (and no digest row); the
    window's first reader builds it from the rows and reads D1's ledger."""
    client = _client(setup)
    ledger = setup.services.payments.ledger
    ref = invoice(setup, "F-0001")["payment_reference"]
    lines = [paid_line(2_100, "", reference=ref, end_to_end_id="P1")]
    setup.services.statements.ingest("agency-a/s1.sta", statement(lines, sid="S1"))
    assert invoice(setup, "F-0001")["open_amount"] == "100.00"
    store = setup.services.repos.store
    pk = encode(client.client_id)
    store.transact(LEDGER, [Op(OpKind.DELETE, store.get(LEDGER, pk, ledger_digest.DIGEST_RK))])
    ledger.ledger._seen.clear()  # a process that never saw the digest
    reads = _ledger_reads(setup, monkeypatch)
    rest = [paid_line(10_000, "", reference=ref, end_to_end_id="P2")]
    report = setup.services.statements.ingest(
        "agency-a/s2.sta", statement(rest, opening=102_100, sid="S2")
    )
    assert report.booked == 1 and invoice(setup, "F-0001")["status"] == "paid"
    assert reads[encode("D1")] >= 1
    digest = ledger.ledger.ledger_debtors(client.client_id)
    assert digest.usable and ledger_digest.may_have(digest, "D1")
