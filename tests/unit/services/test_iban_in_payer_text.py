"""iban24: a statement line whose bank gives no counterparty account (a slash :86: without
/CNTP/, free text, ABN AMRO's labelled layout without IBAN:) had the first IBAN found in the
payer's own description taken as the payer's account. An attacker-debtor who writes a
victim's IBAN in his transfer's description made Inning learn it as his (and book the
victim's later transfers on his invoices), remember it as his payment's account, and prove
it as a client's in the cent verification. Only the bank's field is the payer's account; an
IBAN in the text is a hint for matching, never booked on alone."""

from __future__ import annotations

from datetime import date

from shared.domain.parties import Agency
from shared.domain.references import iban
from shared.domain.statements.mt940_writer import OutLine
from shared.services.onboarding import register_agency
from tests.unit.api.conftest import client_row
from tests.unit.services.test_statement_ingest import invoice, statement
from tests.unit.services.test_statement_ingest import setup as setup

VICTIM = iban.build("NL", "RABO0300065264")  # somebody else's account, written by the attacker


def _client_id(world) -> str:
    return str(world.agency_a.call("GET", "/v1/clients/C1").body["client_id"])


def test_an_iban_in_the_payers_text_is_not_learned_as_his(setup) -> None:
    # D2 pays his own invoice by its kenmerk, from an account the bank does not name, and
    # writes the victim's account in his description
    kenmerk = invoice(setup, "F-0003")["payment_reference"]
    line = OutLine(date(2025, 3, 3), 7_700, f"{kenmerk} rek {VICTIM}", end_to_end_id="E-ATT")
    report = setup.services.statements.ingest("agency-a/a.sta", statement([line]))
    assert report.booked == 1
    assert invoice(setup, "F-0003")["status"] == "paid"
    assert setup.services.repos.banking.learned_ibans(_client_id(setup)) == {}
    # the payment's account, which a return without id is told by
    [ref] = setup.services.repos.banking.payments_for(_client_id(setup), "E-ATT")
    assert ref.payer_iban is None


def test_the_victims_own_transfer_is_not_booked_on_the_attackers_invoice(setup) -> None:
    # D1 (the attacker) pays F-0001 by its kenmerk, writing the victim's account in his text
    kenmerk = invoice(setup, "F-0001")["payment_reference"]
    attack = OutLine(date(2025, 3, 3), 12_100, f"{kenmerk} van {VICTIM}")
    assert setup.services.statements.ingest("agency-a/a.sta", statement([attack])).booked == 1
    # the victim's own transfer, the bank naming his account, pays exactly D1's other bill
    real = OutLine(date(2025, 3, 4), 5_000, "overboeking", counterparty_iban=VICTIM,
                   counterparty_name="A VICTIM")  # fmt: skip
    report = setup.services.statements.ingest(
        "agency-a/b.sta", statement([real], opening=112_100, day=date(2025, 3, 4), sid="S2")
    )
    assert report.booked == 0
    assert invoice(setup, "F-0002")["status"] == "open"


def test_an_iban_in_the_text_alone_books_nothing(setup) -> None:
    """D1's account is known (learned from a bank's field); a transfer without the bank's
    account naming it only in its text is a hint: a suggestion, not a booking."""
    setup.services.repos.banking.learn_iban(_client_id(setup), VICTIM, "D1")
    line = OutLine(date(2025, 3, 3), 5_000, f"overboeking {VICTIM}")
    report = setup.services.statements.ingest("agency-a/c.sta", statement([line]))
    assert report.booked == 0 and report.suggested == 1
    assert invoice(setup, "F-0002")["status"] == "open"
    items = setup.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    [item] = [x for x in items if x["kind"] == "payment_suggestion"]
    assert "only named in the description" in str(item)


POOL = iban.build("NL", "ABNA0417164300")  # the agency's third-party account, at ABN AMRO
CLAIMED = iban.build("NL", "INGB0007654321")  # an account client C2 claims, not its own


def _abn(day: date, text86: str) -> bytes:
    d = day.strftime("%y%m%d")
    return (
        f":20:ABN AMRO BANK NV\r\n:25:{POOL[8:]}\r\n:28C:1/1\r\n:60F:C{d}EUR0,00\r\n"
        f":61:{d}{d[2:]}C0,01N654NONREF\r\n:86:{text86}\r\n"
        f":62F:C{d}EUR0,01\r\n-\r\n"
    ).encode()


def test_an_iban_in_the_description_proves_no_account(world) -> None:
    """The client's cent from an account the bank's labelled line does not name (no IBAN:),
    its description carrying the code and the account it claims: the claim stays pending."""
    register_agency(world.services.repos, Agency("agency-a", "A", POOL))
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C2", ibans=[])]})
    c2_id = world.services.repos.clients.id_for_number("agency-a", "C2")
    c2 = world.services.repos.clients.get(c2_id)[0]
    world.services.client_settings.add_iban(c2, CLAIMED, by_agency=False)
    [item] = a.call("GET", "/v1/clients/C2/ibans").body["items"]
    text = (
        "SEPA OVERBOEKING                 BIC: INGBNL2A\r\n"
        "NAAM: CLIENT C2\r\n"
        f"OMSCHRIJVING: {item['code']} {CLAIMED}"
    )
    report = world.services.statements.ingest("agency-a/abn.sta", _abn(date(2025, 3, 3), text))
    assert report.status == "booked", report
    assert world.services.repos.banking.owner(CLAIMED) is None
    [after] = a.call("GET", "/v1/clients/C2/ibans").body["items"]
    assert after["status"] == "pending"


def test_a_persons_booking_of_the_line_learns_no_account_from_its_text(setup) -> None:
    """Staff tie a line the matcher left (its payer named only in his text) to D1's bill:
    the booking teaches nothing of the account he wrote."""
    line = OutLine(date(2025, 3, 3), 12_100, f"betaling {VICTIM}")
    report = setup.services.statements.ingest("agency-a/d.sta", statement([line]))
    assert report.booked == 0
    items = setup.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    [action] = [x for x in items if x["kind"] in ("payment_suggestion", "unmatched_credit")]
    r = setup.agency_a.call(
        "POST", f"/v1/clients/C1/actions/{action['action_id']}/confirm", {"invoices": ["F-0001"]}
    )
    assert r.status == 200, r.body
    assert invoice(setup, "F-0001")["status"] == "paid"
    assert setup.services.repos.banking.learned_ibans(_client_id(setup)) == {}
