"""Who replays a poison item: the agency's administrators (``manage_clients``). A client key
lists the item on its own client's list, and a replay by it is refused with 403 and the
reason (not a 404 for an item it can see); the agency key replays it."""

from __future__ import annotations

import json

from tests.unit.api.conftest import client_row


def test_a_client_key_sees_the_item_and_is_told_why_it_cannot_replay_it(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    body = json.dumps({"client_id": client.client_id, "date": "2025-03-03"}).encode()
    world.services.poison.drain("dunning-run-poison", body, message_id="d1")
    for admin in (False, True):
        key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": admin})
        staff = a.as_key(key.body["key"])
        listed = staff.call("GET", "/v1/clients/C1/actions")
        [item] = [x for x in listed.body["items"] if x["kind"] == "poison"]
        refused = staff.call("POST", f"/v1/clients/C1/actions/{item['action_id']}/replay")
        assert refused.status == 403, refused.body
        assert "agency" in refused.body["error"]["message"]
    # a sibling client's key, even an admin one, does not learn the item exists
    a.call("POST", "/v1/clients", {"items": [client_row("C2")]})
    sibling = a.call("POST", "/v1/keys", {"scope": "client", "client": "C2", "admin": True})
    foreign = a.as_key(sibling.body["key"])
    assert foreign.call("POST", f"/v1/clients/C1/actions/{item['action_id']}/replay").status == 404
    replayed = a.call("POST", f"/v1/clients/C1/actions/{item['action_id']}/replay")
    assert replayed.status == 200 and replayed.body["status"] == "resolved"
    # another client's item is out of reach either way
    b = world.agency_b.call("POST", f"/v1/clients/C1/actions/{item['action_id']}/replay")
    assert b.status == 404
