"""A statement whose lines do not add up to its balances (opening + lines != closing) books
its valid lines and puts one action item per statement on the list, with the figures a person
checks against the bank's statement: opening, the lines' sum, closing and the difference, in
cents (stmt12 #4). The same for MT940 and CAMT.053; a redelivery after a crash before the
statement was marked adds no second item."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import ServiceResponseError

from shared.api.console.action_text import detail_label
from shared.domain.records import ActionItem
from shared.services.statements import StatementService
from tests.unit.services.test_statement_ingest import ACCOUNT, invoice, paid_line, statement
from tests.unit.services.test_statement_ingest import setup as setup

PAYER = "NL02RABO0123456789"


def camt(closing: str) -> bytes:
    """A camt.053.001.02 of 1,000.00 opening and one credit of 121.00 for F-0001."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2025-03-03T20:00:00+01:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><ElctrncSeqNb>1</ElctrncSeqNb><CreDtTm>2025-03-03T20:00:00+01:00</CreDtTm>
<Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-03</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-03</Dt></Dt></Bal>
<Ntry><Amt Ccy="EUR">121.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2025-03-03</Dt></BookgDt><ValDt><Dt>2025-03-03</Dt></ValDt>
<AcctSvcrRef>R1</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>E1</EndToEndId></Refs>
<RltdPties><Dbtr><Nm>Jan de Vries</Nm></Dbtr><DbtrAcct><Id><IBAN>{PAYER}</IBAN></Id>
</DbtrAcct></RltdPties><RmtInf><Ustrd>F-0001</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>""".encode()


def mt940(closing: str) -> bytes:
    data: bytes = statement([paid_line(12_100, "F-0001")])
    assert b":62F:C250303EUR1121,00" in data
    return data.replace(b":62F:C250303EUR1121,00", f":62F:C250303EUR{closing}".encode())


FILES = {
    "camt": (camt, "1121.01", "agency-a/mm.xml"),
    "mt940": (mt940, "1121,01", "agency-a/mm.sta"),
}


def _mismatches(world: Any) -> list[ActionItem]:
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    items, _ = world.services.repos.actions.list(client_id)
    return [x for x in items if x.kind == "balance_mismatch"]


@pytest.mark.parametrize("kind", sorted(FILES))
def test_lines_that_do_not_add_up_book_and_leave_one_item_with_the_figures(
    setup: Any, kind: str
) -> None:
    build, closing, name = FILES[kind]
    report = setup.services.statements.ingest(name, build(closing))
    assert (report.status, report.booked) == ("booked", 1)
    assert invoice(setup, "F-0001")["status"] == "paid"
    (item,) = _mismatches(setup)
    detail = item.detail
    assert (detail["opening"], detail["entries"], detail["closing"], detail["difference"]) == (
        100_000, 12_100, 112_101, 1,
    )  # fmt: skip
    assert (detail["account"], detail["file"], detail["line_count"]) == (ACCOUNT, name, 1)
    assert item.title.endswith("opening + lines differs from closing by € 0,01")
    assert [detail_label(k, "nl") for k in ("opening", "entries", "closing")] == [
        "Beginsaldo (centen)", "Som van de regels (centen)", "Eindsaldo (centen)",
    ]  # fmt: skip


@pytest.mark.parametrize("kind", sorted(FILES))
def test_a_redelivery_after_a_crash_adds_no_second_item(
    setup: Any, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    build, closing, name = FILES[kind]
    # storage times out reading the clients' invoices, after the balances were checked and
    # before any line or the statement's mark was written
    real = StatementService._lookups
    failing = [True]

    def lookups(self: StatementService, *a: Any, **k: Any) -> Any:
        if failing:
            failing.clear()
            raise ServiceResponseError("injected: read timed out")
        return real(self, *a, **k)

    monkeypatch.setattr(StatementService, "_lookups", lookups)
    with pytest.raises(ServiceResponseError):
        setup.services.statements.ingest(name, build(closing))
    assert len(_mismatches(setup)) == 1
    assert setup.services.statements.ingest(name, build(closing)).booked == 1
    assert len(_mismatches(setup)) == 1


@pytest.mark.parametrize("kind", sorted(FILES))
def test_lines_that_add_up_leave_no_item(setup: Any, kind: str) -> None:
    build, _, name = FILES[kind]
    closing = "1121.00" if kind == "camt" else "1121,00"
    assert setup.services.statements.ingest(name, build(closing)).booked == 1
    assert _mismatches(setup) == []
