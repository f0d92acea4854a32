"""golive32: a client's readiness before its dunning goes live. Each check answers ok or a
reason code; a go-live day set while a blocking check fails is stored with warnings."""

from __future__ import annotations

from tests.unit.api.conftest import client_row
from tests.unit.dunning.test_daily_run import engine  # noqa: F401


def _checks(body):
    return {c["check"]: (c["ok"], c["reason"]) for c in body["checks"]}


def test_a_new_client_lacks_a_workflow_sender_address_phone_and_day(world):
    api = world.agency_a
    assert api.call("POST", "/v1/clients", {"items": [client_row("N1")]}).status in (200, 207)
    reply = api.call("GET", "/v1/clients/N1/readiness")
    assert reply.status == 200, reply.body
    assert reply.body["ready"] is False
    assert reply.body["dunning_starts_on"] is None
    assert _checks(reply.body) == {
        "debtor_account": (True, None),  # registered, pending: named as the run names it
        "workflow": (False, "no_active_workflow"),
        "sender": (False, "no_sender_address"),
        "house_style": (False, "no_letterhead_address"),
        "debtor_contact": (False, "no_contact_phone"),
        "go_live_day": (False, "go_live_day_not_set"),
        "sender_verified": (True, None),  # no address: nothing to verify (sender33)
    }
    blocking = {c["check"] for c in reply.body["checks"] if c["blocking"]}
    assert blocking == {"debtor_account", "workflow", "sender"}


def test_a_client_without_an_account_is_told_so(world):
    api = world.agency_a
    api.call("POST", "/v1/clients", {"items": [{"number": "N2", "name": "Zonder"}]})
    checks = _checks(api.call("GET", "/v1/clients/N2/readiness").body)
    assert checks["debtor_account"] == (False, "no_bank_account")


def test_a_set_up_client_is_ready(engine):  # noqa: F811
    world, _ = engine
    api = world.agency_a
    contact = {
        "contact_email": "facturen@c1.example",
        "contact_phone": "030 123 45 67",
        "postal_address": {"street": "Lindelaan 12", "postal_code": "3511 AB", "city": "Utrecht",
                           "country": "NL"},
    }  # fmt: skip
    assert api.call("PUT", "/v1/clients/C1/contact", contact).status == 200
    day = {"items": [{"number": "C1", "dunning_starts_on": "2025-04-01"}]}
    answer = api.call("POST", "/v1/clients", day).body
    assert answer["warnings"] == []  # nothing blocking: no warning
    body = api.call("GET", "/v1/clients/C1/readiness").body
    assert body["ready"] is True and body["dunning_starts_on"] == "2025-04-01"
    assert all(ok for ok, _ in _checks(body).values())


def test_a_go_live_day_is_stored_with_warnings_while_blocking_checks_fail(world):
    api = world.agency_a
    api.call("POST", "/v1/clients", {"items": [client_row("N3")]})
    day = {"items": [{"number": "N3", "dunning_starts_on": "2025-04-01"}]}
    reply = api.call("POST", "/v1/clients", day)
    assert reply.status in (200, 207) and reply.body["rejected"] == 0
    [warning] = reply.body["warnings"]
    assert (warning["index"], warning["number"], warning["dunning_starts_on"]) == (
        0, "N3", "2025-04-01",
    )  # fmt: skip
    assert [(c["check"], c["reason"]) for c in warning["checks"]] == [
        ("workflow", "no_active_workflow"),
        ("sender", "no_sender_address"),
    ]
    stored = world.services.repos.clients
    client_id = stored.id_for_number("agency-a", "N3")
    assert str(stored.get(client_id)[0].dunning_starts_on) == "2025-04-01"  # stored all the same
    # a row that does not send the day is not warned about
    again = api.call("POST", "/v1/clients", {"items": [{"number": "N3", "name": "Zelfde"}]})
    assert again.body["warnings"] == []


def test_only_admins_of_the_client_or_its_agency_see_it(world):
    api = world.agency_a
    api.call("POST", "/v1/clients", {"items": [client_row("N4"), client_row("N5")]})
    assert world.agency_b.call("GET", "/v1/clients/N4/readiness").status == 404
    admin = api.call("POST", "/v1/keys", {"scope": "client", "client": "N4", "admin": True})
    plain = api.call("POST", "/v1/keys", {"scope": "client", "client": "N4"})
    as_admin = api.as_key(admin.body["key"])
    assert as_admin.call("GET", "/v1/clients/N4/readiness").status == 200
    assert as_admin.call("GET", "/v1/clients/N5/readiness").status == 404  # another client
    assert api.as_key(plain.body["key"]).call("GET", "/v1/clients/N4/readiness").status == 404


def test_an_active_workflow_no_segment_rule_names_is_not_enough(engine):  # noqa: F811
    world, _ = engine
    api = world.agency_a
    assert api.call("PUT", "/v1/clients/C1/segment-rules", {"rules": []}).status == 200
    checks = _checks(api.call("GET", "/v1/clients/C1/readiness").body)
    assert checks["workflow"] == (False, "no_segment_rule")


def test_a_contact_field_left_out_keeps_its_value(engine):  # noqa: F811
    """walk32 F3: onboarding set the sender address (the first user's e-mail); a PUT of the
    phone and the letterhead address alone, to clear the two advice items, cleared it, and
    the client was no longer ready. A field left out keeps its value; null clears it."""
    world, client = engine
    stored = world.services.repos.clients
    api = world.agency_a
    address = {"street": "Lindelaan 12", "postal_code": "3511 AB", "city": "Utrecht"}
    advice = {"contact_phone": "030 123 45 67", "postal_address": address}
    assert api.call("PUT", "/v1/clients/C1/contact", advice).status == 200
    assert stored.get(client.client_id)[0].contact_email == "facturen@c1.example"
    # and the answer shows them (walk32 F4: readiness checked what nobody could read back)
    shown = api.call("GET", "/v1/clients/C1").body
    assert (shown["contact_email"], shown["contact_phone"]) == (
        "facturen@c1.example",
        "+31301234567",  # as stored: the number in its international form
    )
    assert _checks(api.call("GET", "/v1/clients/C1/readiness").body)["sender"] == (True, None)
    assert api.call("PUT", "/v1/clients/C1/contact", {"contact_phone": None}).status == 200
    after = stored.get(client.client_id)[0]
    assert not after.contact_phone and after.contact_email == "facturen@c1.example"
    assert after.postal_address is not None and after.postal_address.city == "Utrecht"


def test_an_unverified_sender_is_advice(engine):  # noqa: F811
    """sender33: a changed contact e-mail not yet verified is advice, never blocking: its mail
    goes from the agency's mailbox with the address to reply to."""
    world, _ = engine
    api = world.agency_a
    assert (
        api.call("PUT", "/v1/clients/C1/contact", {"contact_email": "nieuw@c1.example"}).status
        == 200
    )
    checks = {c["check"]: c for c in api.call("GET", "/v1/clients/C1/readiness").body["checks"]}
    assert checks["sender_verified"] == {"check": "sender_verified", "ok": False,
                                         "reason": "sender_unverified", "blocking": False}  # fmt: skip
    assert checks["sender"]["ok"] is True
    mark = {"contact_email": "nieuw@c1.example"}
    assert api.call("POST", "/v1/clients/C1/contact/verification/agency", mark).status == 200
    checks = {c["check"]: c for c in api.call("GET", "/v1/clients/C1/readiness").body["checks"]}
    assert checks["sender_verified"]["ok"] is True
