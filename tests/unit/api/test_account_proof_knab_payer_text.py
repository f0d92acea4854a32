"""attack14 A1 through the account proof: at the agency's Knab account a payer's description
"/CNTP/<X>/ABNANL2A/CLIENT C2 B.V.//REMI/<code>" proved a stranger's account X as client C2's
(the parser took the payer's text for the bank's counterparty). The bank's REK: line names
the payer: the cent came from somebody else, and X stays pending."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.parties import Agency
from shared.domain.references import iban
from shared.services.onboarding import register_agency
from tests.unit.api.conftest import client_iban, client_row

POOL = iban.build("NL", "KNAB0255525598")  # the agency's third-party account, at Knab
X = client_iban("STRANGER")  # somebody else's account
REAL_PAYER = iban.build("NL", "INGB0001234567")  # where the cent really came from


def _knab(day: date, text86: str) -> bytes:
    d = day.strftime("%y%m%d")
    return (
        f":20:B4E08MS9D00A0009\r\n:25:{POOL}\r\n:28C:1/1\r\n:60F:C{d}EUR0,00\r\n"
        f":61:{d}{d[2:]}C0,01NTRFNONREF//B4E07XM00J000023\r\n:86:{text86}\r\n"
        f":62F:C{d}EUR0,01\r\n-\r\n"
    ).encode()


@pytest.mark.parametrize(
    "description",
    ["/CNTP/{x}/ABNANL2A/CLIENT C2 B.V.//REMI/{code}",
     " /CNTP/{x}/ABNANL2A/CLIENT C2 BV/REMI/{code}/",
     "verificatie {code}"],
    ids=["slash-text", "leading-space", "plain-text"],
)  # fmt: skip
def test_a_payers_description_at_knab_proves_no_account(world, description: str) -> None:
    register_agency(world.services.repos, Agency("agency-a", "A", POOL))
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C2", ibans=[])]})
    c2_id = world.services.repos.clients.id_for_number("agency-a", "C2")
    c2 = world.services.repos.clients.get(c2_id)[0]
    world.services.client_settings.add_iban(c2, X, by_agency=False)
    [item] = a.call("GET", "/v1/clients/C2/ibans").body["items"]
    assert item["status"] == "pending"
    text = description.format(x=X, code=item["code"])
    text += f"\r\nREK: {REAL_PAYER}/NAAM: SOMEBODY ELSE"
    report = world.services.statements.ingest("agency-a/knab.sta", _knab(date(2025, 3, 3), text))
    assert report.status == "booked", report
    assert world.services.repos.banking.owner(X) is None
    [after] = a.call("GET", "/v1/clients/C2/ibans").body["items"]
    assert after["status"] == "pending"
