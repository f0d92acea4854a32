"""A client's admin who adds its own account is told to prove it "by a transfer from this
account with the code" to "the agency's account", never which one (newcomer20 F3): a signed-up
business has never seen the agency's third-party account, so it could not make the transfer
and its own bank files stayed quarantined. The row now names the account, its holder and the
code to quote."""

from __future__ import annotations

from shared.domain.parties import Agency
from shared.domain.people.authorisation import Role
from shared.services.onboarding import register_agency
from tests.unit.api.conftest import World
from tests.unit.console.conftest import csrf_of
from tests.unit.console.test_console_data_settings import _browser
from tests.unit.people.conftest import Tenants


def test_the_proof_transfer_names_the_agencys_account(world: World, tenants: Tenants) -> None:
    register_agency(world.services.repos, Agency("agency-a", "Noord Incasso", "NL05SNSB0908244436"))
    admin, path = _browser(world, tenants, Role.CLIENT_ADMIN)
    csrf = csrf_of(admin.get(path))
    assert (
        admin.post(path, {"csrf": csrf, "do": "iban_add", "iban": "NL77ABNA0574908765"}).status
        == 303
    )
    client = world.services.repos.clients.get(tenants.c1)[0]  # type: ignore[index]
    (pending,) = [i for i in world.services.client_settings.ibans(client)
                  if i["iban"] == "NL77ABNA0574908765"]  # fmt: skip
    page = admin.get(path).encoded().decode()
    assert (
        f"maak een klein bedrag over vanaf deze rekening naar NL05SNSB0908244436 ten name van "
        f"Noord Incasso met {pending['code']} in de omschrijving"
    ) in page
    # the agency's own people decide; their page needs no transfer hint
    agency, agency_path = _browser(world, tenants, Role.AGENCY_ADMIN)
    assert "NL05SNSB0908244436 ten name van" not in agency.get(agency_path).encoded().decode()
