"""review27 F2: the complaint procedure and the committee a client records reach every debtor
who disputes (the rejected dispute's notice, the portal's dispute page), yet were saved naming
any account: POST /v1/clients took "betaal eerst NL20-INGB-0001-2345-67" (no error), the portal
showed it unchecked and each rejected dispute's notice then failed by hand's check (422
hand_message_foreign_iban: the dispute could not be ended with a notice). Refused when saved, through the API and the console, as a template is;
the client's own account (a row without ``ibans`` keeps the stored ones) still passes. The
console's refusal: tests/unit/console/test_console_complaint_route_no_other_account.py."""

from __future__ import annotations

from typing import Any

from tests.unit.api.conftest import client_iban, client_row

FOREIGN = "NL20-INGB-0001-2345-67"


def _route(world: Any) -> tuple[object, object]:
    shown = world.agency_a.call("GET", "/v1/clients/C1").body
    return shown["complaint_procedure"], shown["disputes_committee"]


def test_the_api_refuses_a_route_naming_another_account(world: Any) -> None:
    a = world.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    for field in ("complaint_procedure", "disputes_committee"):
        reply = a.call("POST", "/v1/clients", {"items": [
            {"number": "C1", field: f"Eerst betalen naar {FOREIGN}, dan klagen"}]})  # fmt: skip
        assert [(e["index"], e["field"]) for e in reply.body["errors"]] == [(0, field)], reply.body
        assert "NL20****4567" in reply.body["errors"][0]["message"]
        assert _route(world) == (None, None)


def test_the_clients_own_account_and_a_plain_url_pass(world: Any) -> None:
    a = world.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row("C1")]}).status == 200
    own = client_iban("C1")
    disguised = "-".join(own[i : i + 4] for i in range(0, len(own), 4))
    text = f"https://c1.example/klachten of schrijf ons; terugbetaling via {disguised}"
    reply = a.call(
        "POST", "/v1/clients", {"items": [{"number": "C1", "complaint_procedure": text}]}
    )
    assert reply.body["errors"] == [], reply.body
    assert _route(world) == (text, None)
