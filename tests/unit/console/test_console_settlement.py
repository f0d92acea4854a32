"""The console's settlement page: who may read the API's settlement-repayments route (agency
level, the settlement permission) sees what a client owes back; staff, read-only people and a
client's own people get 403 as from the API, and no menu entry (attack9); the
agency's finance/admin people (MANAGE_SETTLEMENTS at agency level) record its repayment, once
per reference; everyone else gets no form and a 403 on posting (a client's own admin too: it
may not book money it says it sent); another agency's client is out of reach."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.adapters.tables.settlement_repo import SettlementRepository
from shared.api.console.shell import BASE
from shared.domain.people.authorisation import Role
from shared.domain.settlement.records import SettlementBalance
from tests.unit.api.conftest import World
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.people.conftest import Tenants

MAY = {Role.AGENCY_ADMIN}
READS = {Role.AGENCY_ADMIN}  # agency keys only, with MANAGE_SETTLEMENTS (action_for_request)


def _owes(world: World, client_id: str, cents: int) -> None:
    store: SettlementRepository = world.services.settlements.store
    store.save_balance(SettlementBalance("agency-a", client_id, -cents, "2026-11", "S0"), None)


@pytest.mark.parametrize("role", list(Role))
def test_only_the_agencys_finance_people_record_a_repayment(
    world: World, tenants: Tenants, role: Role
) -> None:
    _owes(world, tenants.c1, 8_790)
    # recorded once it arrived: a received_on in the future is refused (attack6 finding 5)
    world.clock.at = max(world.clock.at, datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    agency = role.agency_level
    browser = desk_for(world, role, None if agency else tenants.c1, f"{role.value}@x.example")
    path = f"/settlement?client={tenants.c1}" if agency else "/settlement"
    page = browser.get(path)
    if role not in READS:  # as GET /v1/clients/{c}/settlement-repayments: 403
        assert page.status == 403, (role, page.status)
        assert "87,90" not in page.encoded().decode()
        home = browser.get(f"/today?client={tenants.c1}" if agency else "/today")
        assert home.status == 200 and f'href="{BASE}/settlement' not in home.encoded().decode()
        return
    assert page.status == 200, (role, page.status)
    body = page.encoded().decode()
    assert "87,90" in body and ('value="repayment"' in body) == (role in MAY)
    form = {"csrf": csrf_of(page), "client": tenants.c1, "do": "repayment",
            "reference": "NL-REPAY-9", "amount": "87,90", "received_on": "2026-12-02"}  # fmt: skip
    first = browser.post(path, form)
    if role not in MAY:
        assert first.status == 403, (role, first.status)
        assert world.services.settlement_repayments.repayments.of_client(tenants.c1) == []
        return
    assert first.status == 303 and "done=st_recorded" in first.headers["Location"]
    again = browser.post(path, form)  # a second click: nothing more
    assert again.status == 303 and "done=st_again" in again.headers["Location"]
    refused = browser.post(path, {**form, "amount": "80,00"})
    assert refused.status == 409
    bad = browser.post(path, {**form, "reference": "x", "amount": "veel"})
    assert bad.status == 422
    repayments = world.services.settlement_repayments
    client = world.services.repos.clients.get(tenants.c1)
    assert client is not None
    [held] = repayments.of_client(client[0])
    assert (held.reference, held.amount) == ("NL-REPAY-9", 8_790)
    assert repayments.owed(client[0]) == 0
    after = browser.get(path).encoded().decode()
    assert "NL-REPAY-9" in after and "0,00" in after


def test_another_agencys_client_is_out_of_reach(world: World, tenants: Tenants) -> None:
    browser = desk_for(world, Role.AGENCY_ADMIN, None, "admin@x.example")
    page = browser.get(f"/settlement?client={tenants.b1}")
    assert page.status in (403, 404)


@pytest.mark.parametrize(("role", "admin"), [(Role.CLIENT_STAFF, False), (Role.CLIENT_ADMIN, True)])
def test_the_page_is_read_by_whom_the_api_route_lets_read(
    world: World, tenants: Tenants, role: Role, admin: bool
) -> None:
    """A client's staff and admin, people and keys, are refused alike (the route is for agency
    keys: 404 to a client key, as for any agency route; attack9: the page showed them what
    the API refused)."""
    _owes(world, tenants.c1, 8_790)
    a = world.agency_a
    key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": admin}).body
    api = a.as_key(key["key"]).call("GET", "/v1/clients/C1/settlement-repayments").status
    page = desk_for(world, role, tenants.c1, f"{role.value}@x.example").get("/settlement")
    assert api in (403, 404) and page.status == 403, (api, page.status)
    assert "87,90" not in page.encoded().decode()


def test_the_page_says_who_bears_the_bank_charges_on_the_third_party_account(
    world: World, tenants: Tenants
) -> None:
    """pooled11: the agreement's bank_charges_by, in the page's language."""
    from dataclasses import replace

    from shared.domain.settlement.agreement import Recipient, SettlementAgreement

    store: SettlementRepository = world.services.settlements.store
    browser = desk_for(world, Role.AGENCY_ADMIN, None, "admin@x.example")
    assert (
        'id="st-charges"' not in browser.get(f"/settlement?client={tenants.c1}").encoded().decode()
    )
    agreement = SettlementAgreement(tenants.c1, "agency-a", "NL44RABO0123456789", "C1 BV")
    store.save_agreement(agreement)
    body = browser.get(f"/settlement?client={tenants.c1}").encoded().decode()
    assert "Voor rekening van het incassobureau" in body
    store.save_agreement(replace(agreement, bank_charges_by=Recipient.CLIENT))
    body = browser.get(f"/settlement?client={tenants.c1}").encoded().decode()
    assert "Voor rekening van de opdrachtgever" in body
    # settle28: and whether the commission is charged on the client's own money
    assert "Provisie ook over wat debiteuren aan de opdrachtgever zelf betaalden" in body
    store.save_agreement(replace(agreement, commission_on_direct=False))
    body = browser.get(f"/settlement?client={tenants.c1}&lang=en").encoded().decode()
    assert "No commission on what debtors paid the client itself" in body


def test_the_page_lists_the_money_received_before_the_agreement(
    world: World, tenants: Tenants
) -> None:
    """settle28: the client's own 2014 receipt of 1,405.31, before its agreement of 3-12-2026,
    was named only on the agency's action list; the page lists it (Dutch and English), and not
    a payment received after the start."""
    from dataclasses import replace
    from datetime import date

    from shared.domain.records import Receiver
    from shared.domain.settlement.agreement import SettlementAgreement
    from tests.unit.settlement.conftest import payment

    store: SettlementRepository = world.services.settlements.store
    store.save_agreement(
        SettlementAgreement(
            tenants.c1, "agency-a", "NL44RABO0123456789", "C1 BV", starts_on=date(2026, 12, 3)
        )
    )
    old = payment(tenants.c1, "old-2014", date(2014, 1, 5), principal=120531, costs=0,
                  costs_vat=0, interest=20000)  # fmt: skip
    world.services.repos.payments.add(replace(old, received_by=Receiver.CLIENT))
    world.services.repos.payments.add(payment(tenants.c1, "new-1204", date(2026, 12, 4)))
    browser = desk_for(world, Role.AGENCY_ADMIN, None, "admin@x.example")
    body = browser.get(f"/settlement?client={tenants.c1}").encoded().decode()
    assert 'id="st-before"' in body and "05-01-2014" in body and "1.405,31" in body
    assert "Ontvangen vóór de overeenkomst van 03-12-2026" in body
    assert "opdrachtgever zelf" in body and "new-1204" not in body
    english = browser.get(f"/settlement?client={tenants.c1}&lang=en").encoded().decode()
    assert "Received before the agreement of 2026-12-03" in english
