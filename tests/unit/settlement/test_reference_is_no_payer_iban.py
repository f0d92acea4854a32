"""The settlement statement's ``payment_reference`` is what the bank shows as the payment's
reference (README "Who paid each line"): never the payer's account. ASN's MT940 writes the
payer's IBAN in :61:'s reference subfield, so an ASN line's reference was his IBAN
("NL47INGB9999999999"; newcomer26 F8 saw NL56INGB0001234501 in the CSV); now his
description, as for any bank line without a reference of its own."""

from __future__ import annotations

from pathlib import Path

from shared.domain.statements.model import findable_reference, line_reference
from shared.domain.statements.mt940_format import parse_mt940

ASN = (
    Path(__file__).parents[2] / "fixtures/statements/mt940/ASNB/0708271685_09022020_164516.940.txt"
)


def test_an_asn_line_s_reference_is_not_the_payer_s_iban() -> None:
    lines = [line for s in parse_mt940(ASN.read_bytes()) for line in s.lines]
    first = lines[0]
    assert first.counterparty_iban == "NL47INGB9999999999"
    assert first.bank_reference == "NL47INGB9999999999"  # as ASN writes it: the line's identity
    assert line_reference(first) == "Betaling sieraden", line_reference(first)
    for line in lines:
        reference = line_reference(line)
        assert reference is None or reference.replace(" ", "") != line.counterparty_iban


def test_the_payer_s_iban_is_skipped_written_any_way() -> None:
    assert findable_reference(None, "nl47 ingb 9999 9999 99", None, "factuur F1",
                              payer_iban="NL47INGB9999999999") == "factuur F1"  # fmt: skip
    # another bank's reference stays what it was
    assert findable_reference(None, "2026120300042", None, "x",
                              payer_iban="NL47INGB9999999999") == "2026120300042"  # fmt: skip
