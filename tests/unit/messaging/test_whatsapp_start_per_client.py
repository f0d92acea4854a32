"""attack8 #6: a WhatsApp START sent to hear from one client gave consent back to every client's
debtor on the number, also to one whose consent was withdrawn in its own CRM. Consent is given
to each client apart (AVG art. 4(11) and 7): START lifts the STOP everywhere it was recorded,
and gives back only the consent that STOP took away."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shared.domain.records import ContactEntry, ContactKind
from shared.services.operations.whatsapp_stop_backfill import STOP_NOTE
from tests.unit.api.conftest import client_row, world  # noqa: F401
from tests.unit.messaging.test_delivery import TUESDAY_10, env  # noqa: F401

ROW = {"number": "D1", "kind": "b2c", "name": "Jan", "mobile": "+31612345678"}
NUMBER = "31612345678"


def _consent(a, client: str) -> bool:
    return bool(a.call("GET", f"/v1/clients/{client}/debtors/D1").body["whatsapp_consent"])


def test_start_gives_back_only_what_the_stop_took_away(env) -> None:  # noqa: F811
    there, client, _, _, service = env
    a = there.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row("C2")]}).status == 200
    c2 = there.services.repos.clients.id_for_number("agency-a", "C2")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [{**ROW, "whatsapp_consent": True}]})
    a.call("POST", "/v1/clients/C2/debtors", {"items": [{**ROW, "whatsapp_consent": False}]})
    service.whatsapp_contacts.remember(NUMBER, client.client_id, "D1")
    service.whatsapp_contacts.remember(NUMBER, c2, "D1")
    assert service.whatsapp_inbound(NUMBER, "STOP") == 1  # only C1 had consent to withdraw
    service.whatsapp_inbound(NUMBER, "START")
    assert _consent(a, "C1") and not _consent(a, "C2")
    debtors = there.services.repos.debtors
    for client_id in (client.client_id, c2):
        stored = debtors.get(client_id, "D1")
        assert stored is not None and stored[0].whatsapp_stopped_on is None  # STOP lifted
    c1_log, _ = there.services.repos.contacts.for_debtor(client.client_id, "D1")
    c2_log, _ = there.services.repos.contacts.for_debtor(c2, "D1")
    assert any(e.summary.endswith("WhatsApp messages again") for e in c1_log)
    assert not any(e.summary.endswith("WhatsApp messages again") for e in c2_log)
    assert any("no WhatsApp consent at this client" in e.summary for e in c2_log)
    # the STOP no longer stands between C2 and a consent its CRM records later
    reply = a.call("POST", "/v1/clients/C2/debtors", {"items": [{**ROW, "whatsapp_consent": True}]})
    assert reply.body["notes"] == [] and _consent(a, "C2")


def test_a_push_during_the_stop_keeps_what_it_took_away(env) -> None:  # noqa: F811
    there, client, _, _, service = env
    a = there.agency_a
    a.call("POST", "/v1/clients/C1/debtors", {"items": [{**ROW, "whatsapp_consent": True}]})
    service.whatsapp_contacts.remember(NUMBER, client.client_id, "D1")
    service.whatsapp_inbound(NUMBER, "STOP")
    # the nightly push of the CRM's old consent leaves the STOP, and what it took away, as is
    a.call("POST", "/v1/clients/C1/debtors", {"items": [{**ROW, "whatsapp_consent": True}]})
    stored = there.services.repos.debtors.get(client.client_id, "D1")
    assert stored is not None and stored[0].whatsapp_stop_withdrew is True
    service.whatsapp_inbound(NUMBER, "START")
    assert _consent(a, "C1")


def test_a_stop_kept_before_it_was_recorded_asks_the_contact_log(env) -> None:  # noqa: F811
    there, client, _, _, service = env
    a = there.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row("C2")]}).status == 200
    c2 = there.services.repos.clients.id_for_number("agency-a", "C2")
    debtors, contacts = there.services.repos.debtors, there.services.repos.contacts
    for client_id, number in ((client.client_id, "C1"), (c2, "C2")):
        a.call("POST", f"/v1/clients/{number}/debtors", {"items": [ROW]})
        service.whatsapp_contacts.remember(NUMBER, client_id, "D1")
        found = debtors.get(client_id, "D1")
        assert found is not None
        # as the code before this kept a STOP: a day, nothing said of what it withdrew
        debtors.save(replace(found[0], whatsapp_stopped_on=date(2025, 3, 4)), found[1])
    # at C1 it withdrew consent (that code wrote this line only then); at C2 there was none
    contacts.add(ContactEntry(client.client_id, "D1", "0001", TUESDAY_10,
                              ContactKind.NOTE, f"{STOP_NOTE}: no more WhatsApp messages",
                              channel="whatsapp"))  # fmt: skip
    service.whatsapp_inbound(NUMBER, "START")
    assert _consent(a, "C1") and not _consent(a, "C2")
