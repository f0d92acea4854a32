"""The client's MT940 export: its own texts (invoice numbers, names, payment ids) cannot make
a line that reads as a new field, the end of the message, or a sub-field of ``:86:``
(attack3 finding 5), and the file still reads back as written."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.statements.mt940_format import parse_mt940
from shared.domain.statements.mt940_writer import OutLine, write_mt940

ON = date(2026, 11, 30)
_TAG = re.compile(r"^:\d\d[A-Z]?:")


def _write(*lines: OutLine) -> str:
    return write_mt940(
        "NL91ABNA0417164300", list(lines), opening=0, opening_date=date(2026, 11, 1),
        statement_id="INN261101261130",
    )  # fmt: skip


def _continuations(text: str) -> list[str]:
    """Every line that is not the start of a field (the ones inside a wrapped ``:86:``)."""
    return [x for x in text.split("\r\n")[:-2] if not _TAG.match(x)]


def test_an_invoice_number_at_the_wrap_point_cannot_start_a_closing_balance() -> None:
    number = "F" * 30 + ":62F:C261130EUR999999,99"  # the probe's 54 characters
    text = _write(OutLine(ON, 5000, f"{number} hoofdsom", end_to_end_id="_sim1c20676f9cd2"))
    rows = text.split("\r\n")
    assert [r for r in rows if r.startswith(":62F:")] == [":62F:C261130EUR50,00"]
    assert not any(r.startswith((":", "-")) for r in _continuations(text))
    (statement,) = parse_mt940(text.encode())
    assert statement.closing is not None and statement.closing.amount == 5000
    (line,) = statement.lines
    assert line.amount == 5000 and line.remittance is not None and number in line.remittance


def test_the_reference_has_no_space_and_no_bank_reference_split() -> None:
    text = _write(
        OutLine(ON, 100, "F1", end_to_end_id="tr_sim1c20676f9c"),
        OutLine(ON, 100, "F2", end_to_end_id="a//b"),
        OutLine(ON, 100, "F3"),
    )
    refs = [r.split("NTRF", 1)[1] for r in text.split("\r\n") if r.startswith(":61:")]
    assert refs == ["trsim1c20676f9c", "a/b", "NONREF"]


def test_a_value_cannot_open_a_sub_field_of_its_own() -> None:
    text = _write(
        OutLine(ON, 100, "F-2026/001 /CNTP/NL02ABNA0123456789//EVIL", counterparty_name="A/EREF/B"),
    )
    details = "".join(
        r for r in text.split("\r\n") if not r.startswith((":20:", ":25:", ":28C:", ":6"))
    )
    assert details.count("/CNTP/") == 1 and "/EREF/" not in details
    assert "F-2026/001" in details  # an ordinary slash stays


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=":-/ aF0", min_size=0, max_size=300))
def test_no_continuation_line_starts_a_field_or_ends_the_message(remittance: str) -> None:
    text = _write(OutLine(ON, 100, remittance, counterparty_name=remittance[:70]))
    assert all(len(r) <= 69 for r in text.split("\r\n")[:-1])
    assert not any(r.startswith((":", "-")) for r in _continuations(text))
    assert text.endswith("\r\n-\r\n") and text.count("\r\n-\r\n") == 1
