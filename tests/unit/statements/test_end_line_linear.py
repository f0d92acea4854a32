"""A statement line "-{}{}...{}x" is read in linear time (attack19 F4): the end-of-message
pattern tried every split of the pairs among its repeated "{...}" groups, 2**(n-1) ways, so a
client's 215-byte upload held the statement trigger past its 10-minute timeout. The end lines
banks write are still ends."""

from __future__ import annotations

import re
import time

from shared.domain.statements import mt940_format
from shared.domain.statements.mt940_format import parse_mt940


def _statement(last_line: str) -> bytes:
    lines = [":20:STMT", ":25:NL91ABNA0417164300", ":28C:1/1", ":60F:C260301EUR0,00",
             ":61:2603020302C10,00NTRFNONREF", ":86:betaling F-0001", last_line,
             ":62F:C260302EUR10,00", "-"]  # fmt: skip
    return ("\r\n".join(lines) + "\r\n").encode()


def test_a_line_of_brace_pairs_costs_no_seconds() -> None:
    started = time.process_time()
    statements = parse_mt940(_statement("-" + "{}" * 28 + "x"))  # 8 s of CPU before
    assert time.process_time() - started < 1.0
    assert [len(s.lines) for s in statements] == [1]
    assert "{}{}" in (statements[0].lines[0].remittance or "")  # the payment's own text


def test_the_end_lines_banks_write_are_still_ends() -> None:
    before = re.compile(r"^-(\}|XXX)?(\{.*\})*$")  # the pattern as it was, on short lines
    lines = ["-", "-}", "-XXX", "-}{5:}", "-{5:{CHK:ABC}}", "-XXX{5:{MAC:1}{CHK:2}}",
             "-{}{}{}", "-{5:}x", "-x", "--", "-}}", "-{", "-XXX}", "-{}}{", "- {5:}"]  # fmt: skip
    for line in lines:
        assert (mt940_format._END.match(line) is None) == (before.match(line) is None), line
