"""bank32 left: ASN's ICS lines write sixteen zeros in their text, which pass the
betalingskenmerk check (the check digit of fifteen zeros is 0) and were read as the line's
reference. A kenmerk whose number is all zeros names nothing: it is no reference now. A line's
identity holds its reference, so a line booked under the old reading and delivered again (a
later statement carrying it) is found under the identity it was stored with, not booked twice
(as banks27's re-dated lines, review27 F4)."""

from __future__ import annotations

import pytest

from shared.domain.references import betalingskenmerk
from shared.domain.references.finder import find_references
from shared.domain.statements.model import former_identities, line_identities
from shared.domain.statements.parse import parse_statement_file
from tests.conftest import STATEMENTS
from tests.unit.api.conftest import debtor_row, invoice_row, verify_ibans

ASN_FILE = STATEMENTS / "mt940/ASNB/0708271685_09022020_164516.940.txt"
ACCOUNT = "NL08ASNB9999999999"  # the file's anonymised account with valid check digits
PAYER = "NL67INGB0009999999"
BLANK = " " * 65


def test_a_kenmerk_of_zeros_is_no_reference() -> None:
    for zeros in ("0000000000000000", "0000 0000 0000 0000", "0000000", "170000000"):
        assert betalingskenmerk.is_valid(zeros) and betalingskenmerk.is_placeholder(zeros)
        assert find_references(f"Betaling {zeros} ICS") == []
    for real in ("5000056789012345", "0123456789012345", "0000001"):
        assert not betalingskenmerk.is_placeholder(real), real
    # a real kenmerk after the zeros is the line's reference
    [found] = find_references("0000000000000000 5000056789012345")
    assert found.value == "5000056789012345"


def test_the_asn_ics_lines_have_no_reference_and_keep_their_former_identity() -> None:
    statements = parse_statement_file(ASN_FILE.read_bytes())
    ics = [x for s in statements for x in s.lines if "ICS Referentie" in (x.remittance or "")]
    assert len(ics) == 3
    assert all(x.reference is None and x.referenced_before == "0000000000000000" for x in ics)
    for s in statements:
        before = former_identities(s)
        for line, now, olds in zip(s.lines, line_identities(s), before, strict=True):
            assert len(olds) == (1 if line in ics else 0)
            assert now not in olds


def _day(day: str, *lines: tuple[str, str, str]) -> bytes:
    """A statement in ASN's layout: per line (amount, payer name, description)."""
    rows = [
        "{1:F01ASNBNL21XXXX0000000000}{2:O940ASNBNL21XXXXN}{3:}{4:",
        ":20:0000000000",
        f":25:{ACCOUNT}",
        ":28C:2/1",
        f":60F:C{day}EUR0,00",
    ]
    total = 0
    for amount, name, text in lines:
        total += int(amount.replace(",", ""))
        rows += [f":61:{day}{day[2:]}C{amount}NOVB{PAYER}", name, f":86:{PAYER} {name}", BLANK,
                 text.ljust(65), BLANK]  # fmt: skip
    rows += [f":62F:C{day}EUR{total // 100},{total % 100:02d}", "-}{5:}", ""]
    return "\r\n".join(rows).encode()


PAID = ("121,00", "hr j jansen", "0000000000000000 factuur F-1")
GIFT = ("5,00", "hr j jansen", "gift")


@pytest.fixture
def asn(world):
    a = world.agency_a
    a.call(
        "POST", "/v1/clients", {"items": [{"number": "C1", "name": "Client", "ibans": [ACCOUNT]}]}
    )
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="J. Jansen")]})
    a.call("POST", "/v1/clients/C1/invoices",
           {"items": [invoice_row("F-1", "D1", amount="121.00", due_date="2025-02-01")]})  # fmt: skip
    return world


def test_a_line_booked_under_its_zero_kenmerk_is_not_booked_again(asn, monkeypatch) -> None:
    # before the deploy: the zeros were a reference (the old rule, undone)
    with monkeypatch.context() as m:
        m.setattr(betalingskenmerk, "is_placeholder", lambda reference: False)
        [old] = parse_statement_file(_day("250301", PAID))
        assert old.lines[0].reference == "0000000000000000"
        first = asn.services.statements.ingest("agency-a/day.940", _day("250301", PAID))
    assert (first.lines, first.booked) == (1, 1)
    # after it: a later statement of the day carries the line again, and a gift
    again = asn.services.statements.ingest("agency-a/later.940", _day("250301", PAID, GIFT))
    payments = asn.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert [p["amount"] for p in payments] == [12_100]  # F-1 paid once
    # only the gift is new: F-1's line, under a new identity, was listed as money of its own
    assert (again.lines, again.booked, again.unmatched + again.suggested) == (2, 0, 1)
    items = asn.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [x["detail"]["amount"] for x in items] == [500]
