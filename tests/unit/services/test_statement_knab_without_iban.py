"""misc16 #3: a Knab MT940 without its header (jejik's knab.sta: ``:25:123456789``, no
``{1:F01KNABNL2H...}`` block) names its account by Knab's own number, not an IBAN. Its bank is
not named, so its IBAN cannot be derived (the same number at another bank is another
account), and no client can register a bare number. The file was quarantined as if its
account were nobody's ("account 123456789 belongs to no client of agency agency-a") with the
advice for Wise's export; held back beside a booked statement, its item said to register the
account, which no client can. Now the refusal says what the account is and how to upload the
file instead, in English and on the Dutch console; the file is kept in the quarantine."""

from __future__ import annotations

import json

from shared.api.console.action_text import title
from shared.domain.statements.parse import parse_statement_file
from shared.services.statements import QUARANTINE
from tests.conftest import STATEMENTS
from tests.unit.services.test_statement_ingest import (
    invoice,
    paid_line,
    setup,  # noqa: F401  (the fixture)
    statement,
)

KNAB = STATEMENTS / "mt940" / "jejik" / "knab.sta"
HEADER = b"{1:F01KNABNL2HAXXX0000000000}{2:I940KNABNL2HXXXXN3020}{4:\n"


def _items(world) -> list[str]:
    items, _ = world.services.repos.actions.list("@agency-a")
    return [x.title for x in items if x.kind == "statement_quarantined"]


def test_a_knab_file_without_its_header_is_refused_saying_why_and_kept(setup) -> None:  # noqa: F811
    data = KNAB.read_bytes()
    report = setup.services.statements.ingest("agency-a/knab.sta", data)
    assert report.status == "quarantined" and report.error is not None
    error = report.error["error"]
    assert error.startswith(
        "account 123456789 cannot be booked for any client: the account 123456789 is a bank's "
        "own account number, not an IBAN, and the file does not name the bank"
    ), error
    assert "Upload the file exactly as the bank delivered it (with its header)" in error
    assert "belongs to no client" not in error and "Wise" not in error
    kept = setup.services.files
    assert kept.get(QUARANTINE, "agency-a/knab.sta") == data
    assert json.loads(kept.get(QUARANTINE, "agency-a/knab.sta.error.json"))["error"] == error
    [item] = _items(setup)
    dutch = title(item, "nl")
    assert dutch.startswith(
        "Afschriftbestand agency-a/knab.sta geweigerd: rekening 123456789 kan voor geen enkele "
        "opdrachtgever geboekt worden: de rekening 123456789 is het eigen rekeningnummer van "
        "een bank, geen IBAN"
    ), dutch
    assert "Upload het bestand precies zoals de bank het gaf" in dutch


def test_held_back_beside_a_booked_statement_it_is_not_to_be_registered(setup) -> None:  # noqa: F811
    ref = invoice(setup, "F-0001")["payment_reference"]
    own = statement([paid_line(12_100, "", reference=ref, end_to_end_id="E1")])
    data = bytes(own + b"\n" + KNAB.read_bytes())
    report = setup.services.statements.ingest("agency-a/all.sta", data)
    assert report.status == "booked" and report.booked == 1 and report.held_back == 2, report
    [item] = _items(setup)
    assert item.startswith(
        "2 statement(s) in file agency-a/all.sta not booked: account(s) 123456789 are no IBAN, "
        "so no client can have them registered (the account 123456789 is a bank's own account "
        "number"
    ), item
    assert "Register" not in item
    dutch = title(item, "nl")
    assert dutch.startswith(
        "2 afschrift(en) in bestand agency-a/all.sta niet geboekt: rekening(en) 123456789 zijn "
        "geen IBAN, dus geen opdrachtgever kan ze laten registreren (de rekening 123456789 is "
        "het eigen rekeningnummer van een bank"
    ), dutch
    assert " not " not in dutch


def test_with_knabs_header_the_account_is_read_as_its_iban() -> None:
    """The correct reading where the file says Knab: the IBAN follows from the number."""
    first, _ = parse_statement_file(
        HEADER + KNAB.read_bytes().replace(b"\n-\n:20:", b"\n-}\n" + HEADER + b":20:")
    )
    assert first.account == "NL68KNAB0123456789"
