"""An agency changes one setting of a client: the rest of the client stays as it is (final4
review: sending only ``postpone_auto_days`` erased the verified IBAN and the contact e-mail,
and the portal lost its bank details)."""

from __future__ import annotations

from tests.unit.api.conftest import client_row, verify_ibans


def test_an_update_that_sends_one_setting_keeps_the_others(world):
    a = world.agency_a
    row = client_row("C1", contact_email="ar@c1.example", postpone_auto_days=14)
    assert a.call("POST", "/v1/clients", {"items": [row]}).status == 200
    verify_ibans(a, "C1")
    repos = world.services.repos
    client_id = repos.clients.id_for_number("agency-a", "C1")

    def stored():
        found = repos.clients.get(client_id)
        assert found is not None
        return found[0]

    before = stored()
    assert before.ibans and before.contact_email == "ar@c1.example"
    changed = a.call("POST", "/v1/clients", {"items": [
        {"number": "C1", "name": before.name, "postpone_auto_days": 7}]})  # fmt: skip
    assert changed.status == 200 and changed.body["updated"] == 1
    after = stored()
    assert after.postpone_auto_days == 7
    assert after.ibans == before.ibans and after.contact_email == "ar@c1.example"
    assert after.house_style == before.house_style and after.language == before.language
    ibans = a.call("GET", "/v1/clients/C1/ibans").body["items"]
    assert ibans and all(i["status"] == "verified" for i in ibans)
    # a field that is sent is changed, also to empty
    a.call("POST", "/v1/clients", {"items": [
        {"number": "C1", "name": before.name, "contact_email": None}]})  # fmt: skip
    assert stored().contact_email is None
