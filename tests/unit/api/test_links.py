"""/v1/clients/{client}/links: a client's own mailbox and Mollie account, reachable only with
a key that reaches the client."""

from __future__ import annotations

from tests.unit.api.conftest import client_row


def test_links_are_shown_started_and_isolated(world) -> None:
    a, b = world.agency_a, world.agency_b
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    assert a.call("GET", "/v1/clients/C1/links").body == {"office365": None, "mollie": None}
    # no app registration configured here: a clear 422, not a crash
    reply = a.call("POST", "/v1/clients/C1/links/office365")
    assert reply.status == 422 and "GRAPH_CLIENT_ID" in reply.body["error"]["message"]
    reply = a.call("POST", "/v1/clients/C1/links/mollie", {"testmode": True})
    assert (
        reply.status == 422 and "Mollie Connect is not configured" in reply.body["error"]["message"]
    )
    reply = a.call("PUT", "/v1/clients/C1/links/mollie/api-key", {"api_key": "nonsense"})
    assert reply.status == 422 and reply.body["error"]["details"][0]["field"] == "api_key"
    # another agency does not even learn the client exists
    for method, path, body in (
        ("GET", "/v1/clients/C1/links", None),
        ("POST", "/v1/clients/C1/links/office365", None),
        ("PUT", "/v1/clients/C1/links/mollie/api-key", {"api_key": "live_" + "k" * 30}),
        ("DELETE", "/v1/clients/C1/links/mollie", None),
    ):
        assert b.call(method, path, body).status == 404, (method, path)
    assert a.call("DELETE", "/v1/clients/C1/links/mollie").status == 204
