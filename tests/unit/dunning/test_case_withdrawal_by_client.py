"""A client pulls its own case back from the agency: the case is withdrawn, its invoices come
back to the client's dunning, and both sides get a confirmation e-mail through the outbox."""

from __future__ import annotations

from shared.domain.parties import Agency
from tests.unit.api.conftest import client_row
from tests.unit.dunning.test_daily_run import WORKFLOW, engine, simulate  # noqa: F401

HANDOVER = {"name": "Overdracht", "channel": "handover", "offset_days": 5,
            "offset_from": "previous_step"}  # fmt: skip


def handed_over(world, client):
    a = world.agency_a
    world.services.repos.agencies.save(
        Agency("agency-a", "AGENCY-A", None, "zaken@agency-a.example")
    )
    workflow = {"name": "Particulier", "steps": [*WORKFLOW["steps"], HANDOVER]}
    a.call("PUT", "/v1/clients/C1/workflows/particulier", workflow)
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    simulate(world, client, 55)
    [case] = [c for c in a.call("GET", "/v1/cases").body["items"] if c["debtor_number"] == "D1"]
    return case["case_id"]


def test_the_client_withdraws_its_case_and_both_sides_are_told(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    c1 = a.as_key(a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"])

    assert case_id in [c["case_id"] for c in c1.call("GET", "/v1/cases").body["items"]]
    assert c1.call("GET", f"/v1/cases/{case_id}").body["dossier"]["invoices"]
    r = c1.call("POST", f"/v1/cases/{case_id}/withdraw", {"reason": "Debiteur heeft betaald"})
    assert r.status == 200 and r.body["status"] == "withdrawn"
    assert r.body["withdrawn_reason"] == "Debiteur heeft betaald"
    assert a.call("GET", f"/v1/cases/{case_id}").body["status"] == "withdrawn"
    repos = world.services.repos
    assert repos.invoices.get(client.client_id, "F1").invoice.handed_over_to is None

    outbox = world.services.messaging.outbox.list(client.client_id)[0]
    told = {m.to: m for m in outbox if m.key.startswith(f"case-{case_id}-withdrawn")}
    assert set(told) == {"facturen@c1.example", "zaken@agency-a.example"}
    for message in told.values():
        content = world.services.messaging.content(client.client_id, message.key)
        assert "teruggetrokken" in content.text and "Debiteur heeft betaald" in content.text
    agency_items = a.call("GET", "/v1/actions").body["items"]
    assert any(i["kind"] == "case_withdrawn" and case_id in i["title"] for i in agency_items)
    log = a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert any("withdrawn by the client" in e["summary"] for e in log)

    again = c1.call("POST", f"/v1/cases/{case_id}/withdraw", {"reason": "nog eens"})
    assert again.status == 422 and again.body["error"]["field"] == "status"


def test_another_client_cannot_see_or_withdraw_the_case(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    a.call("POST", "/v1/clients", {"items": [client_row("C2")]})
    c2 = a.as_key(a.call("POST", "/v1/keys", {"scope": "client", "client": "C2"}).body["key"])
    assert c2.call("GET", "/v1/cases").body["items"] == []
    assert c2.call("GET", f"/v1/cases/{case_id}").status == 404
    r = c2.call("POST", f"/v1/cases/{case_id}/withdraw", {"reason": "niet van mij"})
    assert r.status == 404
    assert world.agency_b.call("POST", f"/v1/cases/{case_id}/withdraw", {"reason": "x y z"}).status == 404  # fmt: skip
    assert a.call("GET", f"/v1/cases/{case_id}").body["status"] == "open"


def test_the_agency_withdrawing_tells_both_sides_by_e_mail_too(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    assert a.call("POST", f"/v1/cases/{case_id}/withdraw", {"reason": "onvindbaar"}).status == 200
    outbox = world.services.messaging.outbox.list(client.client_id)[0]
    told = {m.to for m in outbox if m.key.startswith(f"case-{case_id}-withdrawn")}
    assert told == {"facturen@c1.example", "zaken@agency-a.example"}
