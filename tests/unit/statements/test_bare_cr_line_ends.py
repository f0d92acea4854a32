"""bankfiles24: an MT940 whose lines end in a bare CR (an old Mac export, a file re-saved so)
was refused as "not a bank statement: neither MT940 nor CAMT.053": its tags were looked for only
after a LF. The parser reads it as the same file with LF or CRLF, also the bank named by its
header (Knab's account number in :25: made an IBAN by the header's KNABNL2H)."""

from __future__ import annotations

import pytest

from shared.domain.statements.model import statements_as_dict
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS

FILES = ["mt940/bankfiles24/knab_php_mt940_sample.sta", "mt940/jejik/ing.sta"]


@pytest.mark.parametrize("path", FILES)
def test_bare_cr_reads_as_lf(path: str) -> None:
    lf = (STATEMENTS / path).read_bytes().replace(b"\r\n", b"\n")
    expected = statements_as_dict(parse_statement_file(lf))
    assert statements_as_dict(parse_statement_file(lf.replace(b"\n", b"\r"))) == expected
    [statement] = parse_statement_file(lf.replace(b"\n", b"\r"))
    assert statement.lines[0].source_line == parse_statement_file(lf)[0].lines[0].source_line
