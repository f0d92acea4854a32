"""bankfiles24: Knab writes its SEPA layout since 2016 ("/TRTP/../IBAN/<payer>/BIC/../NAME/..
/REMI/<his text>"). A payer whose remittance wraps "REK: <X>/NAAM: <name>" to a line's start
had the line read in Knab's older layout, where that line is the bank's: the account X he typed
was the payer, and his cent with the verification code proved X as client C2's. The bank's
/IBAN/ names the payer; X stays pending."""

from __future__ import annotations

from datetime import date

from shared.domain.parties import Agency
from shared.services.onboarding import register_agency
from tests.unit.api.conftest import client_row
from tests.unit.api.test_account_proof_knab_payer_text import POOL, REAL_PAYER, X, _knab


def test_a_rek_line_in_a_knab_sepa_remittance_proves_no_account(world) -> None:
    register_agency(world.services.repos, Agency("agency-a", "A", POOL))
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C2", ibans=[])]})
    c2_id = world.services.repos.clients.id_for_number("agency-a", "C2")
    c2 = world.services.repos.clients.get(c2_id)[0]
    world.services.client_settings.add_iban(c2, X, by_agency=False)
    [item] = a.call("GET", "/v1/clients/C2/ibans").body["items"]
    text = (
        f"/TRTP/SEPA OVERBOEKING/IBAN/{REAL_PAYER}/BIC/INGBNL2AXXX\r\n"
        f"/NAME/SOMEBODY ELSE/EREF/NOTPROVIDED/REMI/VERIFICATIE {item['code']}\r\n"
        f"REK: {X}/NAAM: CLIENT C2 B.V."
    )
    report = world.services.statements.ingest("agency-a/knab.sta", _knab(date(2025, 3, 3), text))
    assert report.status == "booked", report
    assert world.services.repos.banking.owner(X) is None
    [after] = a.call("GET", "/v1/clients/C2/ibans").body["items"]
    assert after["status"] == "pending"
