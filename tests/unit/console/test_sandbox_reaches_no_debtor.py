"""attack8 #2: a business that signed itself up (sandbox mode, approved by nobody) reaches no
debtor: no portal link from the API or the console, no portal page for a link a message of
its carried, no online payment on the agency's Mollie account, no direct-debit plan; each
refusal says the agency must approve the client first. Once approved, all of it works.
(Was: a real portal link, the portal and a checkout whose 503.78 was booked as the agency's
third-party money for the unapproved client.)"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from shared.api.portal_app import PortalApp
from shared.domain.parties import Client
from shared.domain.people.authorisation import Role, Target
from shared.services.sandbox_gate import NotApproved
from tests.unit.api.conftest import World
from tests.unit.payments.test_portal import Browser
from tests.unit.people.conftest import link_token, make_person, session_call
from tests.unit.people.test_accounts import _defaults, _link_in


def _signed_up(world: World) -> tuple[Client, object]:
    people = world.services.people
    people._signup_agency = "agency-a"
    _defaults(world)
    people.onboarding.sign_up("Nep Incasso B.V.", "87654321", "boef@nep.example", "0612345678",
                              "nl", "10.0.0.9")  # fmt: skip
    link = _link_in(world, "@signup.agency-a", people.kit.sent[-1])
    made = people.onboarding.verify(link_token(link))
    assert made is not None  # (an address with an account gets no client)
    client = made[0]
    assert client.sandbox
    boss = make_person(world, Role.CLIENT_ADMIN, Target("agency-a", client.client_id),
                       "boef2@nep.example")  # fmt: skip
    base = f"/v1/clients/{client.number}"
    debtor = {"number": "V1", "kind": "b2c", "name": "Slachtoffer", "emails": ["v1@example.nl"],
              "address": {"street": "Dorpsstraat 1", "postal_code": "1234ab", "city": "Utrecht"}}  # fmt: skip
    invoice = {"number": "X1", "debtor": "V1", "invoice_date": "2025-01-01",
               "due_date": "2025-01-15", "amount": "500.00"}  # fmt: skip
    assert session_call(world, boss.signed, "POST", f"{base}/debtors",
                        json.dumps({"items": [debtor]}).encode()).status == 200  # fmt: skip
    assert session_call(world, boss.signed, "POST", f"{base}/invoices",
                        json.dumps({"items": [invoice]}).encode()).status == 200  # fmt: skip
    return client, boss


def _body(reply):  # type: ignore[no-untyped-def]
    return json.loads(reply.encoded()) if reply.body is None else reply.body


def test_a_sandbox_client_reaches_no_debtor_until_approved(world: World) -> None:
    client, boss = _signed_up(world)
    path = f"/v1/clients/{client.number}/debtors/V1/portal-link"
    refused = session_call(world, boss.signed, "POST", path)  # type: ignore[attr-defined]
    assert refused.status == 422
    assert "the agency approves the client" in _body(refused)["error"]["message"]
    # the link a sandboxed message carried (to the sign-up's own mailbox) opens no portal
    portal, _ = world.services.portal.links.links(client.client_id, "V1")
    token = portal.split("/api/p/", 1)[1]
    browser = Browser(PortalApp(world.services))
    for path in (f"/p/{token}", f"/p/{token}/pay"):
        assert browser.go("GET", path).status == 403
    online = world.services.online_payments
    with pytest.raises(NotApproved):
        online.start(client, "V1", ["X1"], "https://example.test/back")
    with pytest.raises(NotApproved):
        online.choose(client)
    with pytest.raises(NotApproved):
        world.services.dossier.open_portal(client, "V1", "someone")
    # the agency approves: the same link works, and the debtor can pay
    admin = world.agency_a
    world.services.client_settings.add_iban(client, "NL91ABNA0417164300", by_agency=False)
    assert admin.call("POST", f"/v1/clients/{client.number}/approve").status == 200
    approved = world.services.repos.clients.get(client.client_id)[0]  # type: ignore[index]
    assert not approved.sandbox
    assert session_call(world, boss.signed, "POST", f"/v1/clients/{client.number}/debtors/V1/portal-link").status == 200  # type: ignore[attr-defined]  # fmt: skip
    assert browser.go("GET", f"/p/{token}").status == 303
    assert browser.post("/portal/pay", invoice=["X1"]).status == 303


def test_a_sandbox_clients_direct_debit_plan_is_not_started(world: World) -> None:
    client, boss = _signed_up(world)
    base = f"/v1/clients/{client.number}"

    def call(method: str, path: str, body: object) -> object:
        return session_call(world, boss.signed, method, base + path, json.dumps(body).encode())  # type: ignore[attr-defined]

    today = world.clock.now().date()
    start = (today + timedelta(days=40)).isoformat()
    assert call("PUT", "/plan-rules", {"creditor_id": "NL69ZZZ123456780000"}).status == 200  # type: ignore[attr-defined]
    made = call("POST", "/plans", {"debtor": "V1", "invoices": ["X1"], "start": start,
                                   "installments": 2, "method": "direct_debit"})  # fmt: skip
    plan_id = _body(made)["plan_id"]
    mandate = {"mandate_id": "MND-V1-1", "signed_on": today.isoformat(),
               "iban": "NL91 ABNA 0417 1643 00", "name": "Slachtoffer"}  # fmt: skip
    assert call("PUT", f"/plans/{plan_id}/mandate", mandate).status == 200  # type: ignore[attr-defined]
    refused = call("POST", f"/plans/{plan_id}/activate", None)
    assert refused.status == 422, _body(refused)  # type: ignore[attr-defined]
    assert "the agency approves the client" in _body(refused)["error"]["message"]
    assert _body(call("GET", f"/plans/{plan_id}", None))["status"] == "draft"
