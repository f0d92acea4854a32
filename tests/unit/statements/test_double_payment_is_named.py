"""newcomer27 F10: a credit the same in every field as an earlier line of the day (payer,
amount, text, reference, the bank's own reference) after that one paid the invoice was put on
the list as a plain "check payment"; confirming it booked an overpayment. What a credit manager
asks first of such a line is whether the debtor paid twice or the bank booked one transfer
twice: the item says so, in its title and its reasons, on the console in Dutch too. A line
that only looks alike (another day, another bank reference) is not called a double."""

from __future__ import annotations

import pytest

from shared.api.console.action_text import reason, title
from tests.unit.statements.test_redated_line_keeps_its_identity import FILE, ing  # noqa: F401

LINE = (
    b":61:2701040104C250,00NTRFEREF//00000000002001\r\n/TRCD/00100/\r\n"
    b":86:/EREF/NOTPROVIDED//CNTP/NL32INGB0000012345/INGBNL2A/J. Janssen/\r\n"
    b"//REMI/USTD//Factuur 2026-0042/\r\n"
)


def _file(*lines: bytes) -> bytes:
    head = FILE.read_bytes().split(b":61:")[0]
    closing = 100_000 + 25_000 * len(lines)
    return head + b"".join(lines) + f":62F:C270104EUR{closing // 100},00\r\n-}}\r\n".encode()


def _items(world):
    return world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]


@pytest.mark.usefixtures("ing")
def test_a_line_the_same_in_every_field_is_named_a_possible_double(ing) -> None:  # noqa: F811
    report = ing.services.statements.ingest("agency-a/double.940", _file(LINE, LINE))
    assert (report.booked, report.suggested + report.unmatched) == (1, 1)
    [item] = _items(ing)
    assert item["title"] == "Possible double payment of € 250,00"
    assert item["detail"]["double_of"].endswith("-1")
    assert item["detail"]["line_id"].endswith("-2")
    assert any("the debtor paid twice, or the bank booked" in r for r in item["detail"]["reasons"])


def test_a_line_with_its_own_bank_reference_is_no_double(ing) -> None:  # noqa: F811
    other = LINE.replace(b"00000000002001", b"00000000002009")
    ing.services.statements.ingest("agency-a/two.940", _file(LINE, other))
    [item] = _items(ing)
    assert item["title"] == "Check payment of € 250,00" and "double_of" not in item["detail"]


def test_the_double_reads_dutch_on_the_console() -> None:
    from shared.services.statements import DOUBLE

    assert title("Possible double payment of € 250,00", "nl") == (
        "Mogelijk dubbele betaling van € 250,00"
    )
    assert reason(DOUBLE, "nl").startswith("in alles gelijk aan een eerdere regel")
