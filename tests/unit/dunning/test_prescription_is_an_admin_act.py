"""attack6 finding 6: the prescription hold (a consumer claim that may have prescribed, held
for a person's decision) was released, and an interruption recorded, by the client's plain
integration key with no reason. Now ``POST …/prescription`` is MANAGE_SETTLEMENTS (as the
14-day letter's receipt) and says why, kept on the contact log."""

from __future__ import annotations

from datetime import date, timedelta

from shared.domain.people.authorisation import Action, action_for_request
from tests.unit.api.conftest import invoice_row
from tests.unit.dunning.test_prescription_watch import at, engine, warnings  # noqa: F401

URL = "/v1/clients/C1/invoices/F1/prescription"


def test_a_plain_client_key_cannot_release_the_hold(engine) -> None:  # noqa: F811
    assert action_for_request("POST", URL) is Action.MANAGE_SETTLEMENTS
    assert action_for_request("GET", "/v1/clients/C1/invoices/F1") is Action.READ
    world, client = engine
    a = world.agency_a
    rows = [invoice_row("F1", "D1", invoice_date="2025-02-01", due_date="2025-03-10",
                        amount="500.00", claim_kind="consumer_sale")]  # fmt: skip
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["created"] == 1
    for n in range(60):
        at(world, client, date(2025, 3, 3) + timedelta(days=n))
    at(world, client, date(2027, 4, 3))  # may have prescribed: held, a person is asked
    assert any("F1 " in t and "Dunning holds it" in t for _, t in warnings(world))
    plain = a.as_key(a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"])
    reason = "the debtor acknowledged the claim by letter"
    for body in ({"release": True, "reason": reason},
                 {"interrupted_on": "2027-04-01", "reason": reason}):  # fmt: skip
        assert plain.call("POST", URL, body).status == 403, body
    # the client's admin key may, and must say why
    admin = a.as_key(
        a.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True}).body["key"]
    )
    assert admin.call("POST", URL, {"release": True}).status == 422
    assert admin.call("POST", URL, {"release": True, "reason": "   "}).status == 422
    reply = admin.call("POST", URL, {"release": True, "reason": reason})
    assert reply.status == 200 and reply.body["released_on"] == "2027-04-03", reply.body
    entries, _ = world.services.repos.contacts.for_debtor(client.client_id, "D1", page_size=500)
    assert any("released" in e.summary and reason in e.summary for e in entries)
