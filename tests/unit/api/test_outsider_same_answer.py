"""An outsider's request on another client's records is answered before its body or query is
read: the same 404 for a record that exists and one that does not, whatever is sent (attack26
L4: a body was validated before the route's tenant check, 422 against 404)."""

import pytest

from tests.unit.api.test_tenant_isolation import build, client_routes, fill

# what an outsider may send: nothing, an empty object, text that is no JSON, a bad page size
SENT: list[tuple[bytes, dict[str, str]]] = [
    (b"", {}),
    (b"{}", {}),
    (b"not json", {}),
    (b"{}", {"page_size": "0", "status": "nonsense"}),
]


def missing(path: str) -> str:
    """The same path naming records the victim does not have."""
    for real, fake in (("/D1", "/D9"), ("/F1", "/F9"), ("/actions/", "/actions/x")):
        path = path.replace(real, fake)
    return path.replace("/plans/", "/plans/9")


@pytest.mark.parametrize("victim", ["C1", "B1"])
def test_an_outsider_gets_404_for_existing_and_missing_records_alike(world, victim):
    c1 = build(world)
    intruders = {"C1": [world.agency_b], "B1": [world.agency_a, c1]}[victim]
    answers = set()
    for route in client_routes(world):
        for intruder in intruders:
            for path in (fill(route.template, victim), missing(fill(route.template, victim))):
                for raw, query in SENT:
                    r = intruder.call(route.method, path, raw=raw, **query)
                    answers.add((r.status, r.body["error"]["code"]))
                    assert r.status == 404, (route.method, path, raw, query, r.status, r.body)
    assert answers == {(404, "not_found")}


def test_a_sibling_clients_key_gets_404_before_its_body_is_read(world):
    c1 = build(world)
    for route in client_routes(world):
        for path in (fill(route.template, "C2"), missing(fill(route.template, "C2"))):
            for raw, query in SENT:
                r = c1.call(route.method, path, raw=raw, **query)
                assert r.status == 404, (route.method, path, raw, query, r.status, r.body)


def test_the_clients_own_key_still_gets_its_422(world):
    c1 = build(world)
    r = c1.call("POST", "/v1/clients/C1/actions/x/resolve", raw=b"{}")
    assert r.status == 422 and r.body["error"]["field"] == "resolution"
    assert c1.call("GET", "/v1/clients/C1/invoices", page_size="0").status == 400
