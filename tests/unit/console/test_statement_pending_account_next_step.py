"""A bank file of an account the agency registered for a client and nobody proved yet (every
onboarded client's IBAN starts so): the refusal names the client, the code and the two ways to
prove it, in Dutch on the Dutch console. newcomer19 F2: it said the account "belongs to no
client of agency noord: register it as a bank account of its client", sending the credit
manager to register what she had registered."""

from __future__ import annotations

import re

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import client_iban, client_row
from tests.unit.console.conftest import desk_for
from tests.unit.console.test_statement_unknown_account_next_step import _statement


def _text(reply) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", reply.encoded().decode())


def test_a_file_of_a_registered_unproven_account_names_client_code_and_proof(world):  # type: ignore[no-untyped-def]
    a = world.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row("BLOEM")]}).status == 200
    account = client_iban("BLOEM")
    (pending,) = a.call("GET", "/v1/clients/BLOEM/ibans").body["items"]
    assert pending["status"] == "pending" and pending["registered_by"] == "agency"
    report = world.services.statements.ingest("agency-a/dec.swi", _statement(account))
    assert report.status == "quarantined" and report.error is not None
    error = str(report.error["error"])
    assert error.startswith(
        f"account {account} is registered for client BLOEM but not proven yet (pending, code "
        f"{pending['code']}): the client confirms the code"
    ), error
    assert "/v1/clients/BLOEM/ibans/decide" in error and "upload the file again" in error
    assert "belongs to no client" not in error
    items = a.call("GET", "/v1/actions").body["items"]
    [item] = [i for i in items if i["kind"] == "statement_quarantined"]
    staff = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    page = _text(staff.get(f"/agency-actions/{item['action_id']}?lang=nl"))
    assert f"rekening {account} is geregistreerd voor opdrachtgever BLOEM" in page
    assert f"code {pending['code']}" in page and "het incassobureau besluit" in page
    assert "is registered for client" not in page and "hoort bij geen opdrachtgever" not in page
    # proven by the agency's decision, the same bank file again is booked
    decided = a.call("POST", "/v1/clients/BLOEM/ibans/decide", {"iban": account})
    assert decided.status == 200 and decided.body["status"] == "verified", decided.body
    again = world.services.statements.ingest("agency-a/dec2.swi", _statement(account))
    assert again.status != "quarantined", again
