"""A deactivated client's API keys are refused, as its people's sign-ins are (attack16 F3).

Before: with a key minted before the agency deactivated C1, C1 still read its debtors (200),
added an invoice (200) and mailed debtor D1 (202, delivered). Now every request with the key
answers 403 ``client_inactive``; the agency's own key still reads the client's data (it is
kept), and once the agency activates the client again its keys work again."""

from __future__ import annotations

from shared.domain.access import Scope
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row


def _code(reply) -> str | None:  # type: ignore[no-untyped-def]
    details = (reply.body or {}).get("error", {}).get("details") or [{}]
    code = details[0].get("code")
    return str(code) if code is not None else None


def test_a_deactivated_clients_key_is_refused_until_it_is_active_again(world: World) -> None:
    agency = world.agency_a
    assert (
        agency.call("POST", "/v1/clients", {"items": [client_row("C1"), client_row("C2")]}).status
        == 200
    )
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    assert client_id is not None
    _, text = world.services.access.issue(
        scope=Scope.CLIENT, agency_id="agency-a", client_id=client_id, label="sync", admin=True
    )
    key = agency.as_key(text)
    assert key.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]}).status == 200
    assert agency.call("POST", "/v1/clients/C1/deactivate").body["active"] is False
    mail = {"channel": "email", "subject": "Laatste aanmaning", "body": "Betaal vandaag."}
    refused = {
        "read debtors": key.call("GET", "/v1/clients/C1/debtors"),
        "read debtor": key.call("GET", "/v1/clients/C1/debtors/D1"),
        "new invoice": key.call(
            "POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F9", "D1")]}
        ),
        "mail debtor": key.call("POST", "/v1/clients/C1/debtors/D1/messages", mail),
        "list keys": key.call("GET", "/v1/keys"),
    }
    answers = {what: (r.status, _code(r)) for what, r in refused.items()}
    assert set(answers.values()) == {(403, "client_inactive")}, answers
    assert world.services.repos.invoices.get(client_id, "F9") is None  # nothing was added
    # the client's data is kept: the agency still reads it
    assert agency.call("GET", "/v1/clients/C1/debtors/D1").status == 200
    # another client's key is untouched
    other = world.services.repos.clients.id_for_number("agency-a", "C2")
    assert other is not None
    _, other_text = world.services.access.issue(
        scope=Scope.CLIENT, agency_id="agency-a", client_id=other
    )
    assert agency.as_key(other_text).call("GET", "/v1/clients/C2/debtors").status == 200
    assert agency.call("POST", "/v1/clients/C1/activate").body["active"] is True
    assert key.call("GET", "/v1/clients/C1/debtors").status == 200
