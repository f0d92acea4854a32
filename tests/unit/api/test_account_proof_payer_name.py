"""attack12b F2 end to end: client C2 adds a stranger's account X itself and pays 0.01 from its
OWN Rabobank account, writing as its name (SEPA Dbtr/Nm, its own text)
'C2//CNTP/<X>/ABNANL2A/CLIENT C2 B.V./' and X's code as the remittance. Rabobank's :61: names
the account the money came from: X is not proven C2's."""

from __future__ import annotations

from shared.domain.parties import Agency
from shared.domain.references import iban
from shared.services.onboarding import register_agency
from tests.unit.api.conftest import client_iban, client_row

X = client_iban("STRANGER")
POOL = iban.build("NL", "RABO" + "0123456789")
OWN = "NL77RABO0987654321"


def _rabo(details: str) -> bytes:
    return (
        ":940:\n:20:940S250303\n"
        f":25:{POOL} EUR\n:28C:0\n"
        ":60F:C250303EUR000000001000,00\n"
        ":61:2503030303C000000000000,01N541NONREF\n"
        f"{OWN}\n"
        f":86:{details}\n"
        ":62F:C250303EUR000000001000,01\n-\n"
    ).encode()


def test_a_cntp_in_the_payers_name_proves_no_strangers_account(world) -> None:
    register_agency(world.services.repos, Agency("agency-a", "A", POOL))
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C2", ibans=[])]})
    cid = world.services.repos.clients.id_for_number("agency-a", "C2")
    c2 = world.services.repos.clients.get(cid)[0]
    world.services.client_settings.add_iban(c2, X, by_agency=False)
    [item] = a.call("GET", "/v1/clients/C2/ibans").body["items"]
    code = item["code"].replace("-", "")
    name = f"C2//CNTP/{X}/ABNANL2A/CLIENT C2 B.V./"
    t = f"/EREF/NOTPROVIDED/ORDP//NAME/{name}/ADDR/UTRECHT/REMI/USTD//{code}/"
    report = world.services.statements.ingest("agency-a/p3.sta", _rabo(t))
    assert world.services.repos.banking.owner(X) is None
    [after] = a.call("GET", "/v1/clients/C2/ibans").body["items"]
    assert after["status"] == item["status"]
    assert any("/CNTP/" in w for w in report.warnings)
