"""A hostile CAMT.053 file costs no more memory than its entries (attack2 finding 3): the
nesting guard works on the parse's own start/end events, so ``</`` in a comment cannot pay for
depth; stray elements are dropped as they end; an entry or a statement header larger than any
bank writes is refused. And a real statement still reads the same around all that."""

from __future__ import annotations

import tracemalloc

import pytest

from shared.domain.statements import camt053
from shared.domain.statements.camt053 import MAX_DEPTH, parse_camt053
from shared.domain.statements.model import StatementError

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
)
ENTRY = (
    b'<Ntry><Amt Ccy="EUR">12.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
    b"<BookgDt><Dt>2025-06-02</Dt></BookgDt><NtryDtls><TxDtls><Refs><EndToEndId>E%d</EndToEndId>"
    b"</Refs><RmtInf><Ustrd>factuur %d</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
)


def statement(entries: int, *, stray: bytes = b"", header_stray: bytes = b"") -> bytes:
    """One statement; ``header_stray`` goes between the header parts it reads, ``stray``
    between the entries and outside the statement."""
    body = b"".join(ENTRY % (n, n) + stray for n in range(entries))
    return (
        HEAD + stray + b"<Stmt><Id>S1</Id>" + header_stray + b"<ElctrncSeqNb>7</ElctrncSeqNb>"
        + header_stray + b"<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>" + header_stray
        + b'<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1.00</Amt>'
        b"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-06-01</Dt></Dt></Bal>" + header_stray
        + body + b"</Stmt>" + stray + b"</BkToCstmrStmt></Document>"
    )  # fmt: skip


def test_a_comment_full_of_closing_marks_does_not_buy_depth() -> None:
    n = 100_000
    deep = HEAD + b"<!--" + b"</" * n + b"-->" + b"<a>" * n + b"</BkToCstmrStmt></Document>"
    with pytest.raises(StatementError, match=f"nested deeper than {MAX_DEPTH} levels"):
        parse_camt053(deep)
    cdata = HEAD + b"<x><![CDATA[" + b"</" * n + b"]]></x>" + b"<a>" * n
    with pytest.raises(StatementError, match="nested deeper"):
        parse_camt053(cdata)


def test_nesting_just_within_the_limit_is_read() -> None:
    inner = MAX_DEPTH - 4  # Document, BkToCstmrStmt, Stmt, and the stray element's own level
    ok = statement(1, stray=b"<a>" * inner + b"</a>" * inner)
    assert len(parse_camt053(ok)[0].lines) == 1
    with pytest.raises(StatementError, match="nested deeper"):
        parse_camt053(statement(1, stray=b"<a>" * (inner + 2) + b"</a>" * (inner + 2)))


def test_stray_elements_change_nothing_and_are_not_kept() -> None:
    plain = parse_camt053(statement(300))[0]
    # stray siblings everywhere, also between the header parts (the tree is built a chunk
    # ahead of the events, so dropping one must not drop a later part already parsed)
    noisy_file = statement(
        300, stray=b"<a/>" * 40, header_stray=b"<TxsSummry><b/></TxsSummry>" * 50
    )
    noisy = parse_camt053(noisy_file)[0]
    assert noisy.lines == plain.lines and len(noisy.lines) == 300
    assert (noisy.account, noisy.sequence, noisy.opening) == (
        plain.account,
        plain.sequence,
        plain.opening,
    )
    # 400 KB of empty stray elements: what stays in memory is the entries' lines, not the
    # tree (each kept element costs ~25x its bytes, so a tree kept whole would be ~10 MB)
    flat = HEAD + b"<Stmt><Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>" + ENTRY % (1, 1)
    flat += b"<a/>" * 100_000 + b"</Stmt></BkToCstmrStmt></Document>"
    tracemalloc.start()
    try:
        assert len(parse_camt053(flat)[0].lines) == 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * 1024 * 1024, peak


def test_an_entry_or_header_larger_than_any_bank_writes_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(camt053, "MAX_ENTRY_ELEMENTS", 1_000)
    monkeypatch.setattr(camt053, "MAX_HEADER_ELEMENTS", 100)
    batch = ENTRY.replace(b"</NtryDtls>", b"<TxDtls/>" * 990 + b"</NtryDtls>")
    with pytest.raises(StatementError, match="entry 1: more than 1000 elements"):
        parse_camt053(HEAD + b"<Stmt>" + batch % (1, 1) + b"</Stmt></BkToCstmrStmt></Document>")
    with pytest.raises(StatementError, match="statement header of more than 100 elements"):
        parse_camt053(statement(1, header_stray=b"<LglSeqNb/>" * 30))
    assert len(parse_camt053(statement(2, header_stray=b"<LglSeqNb/>" * 10))[0].lines) == 2
