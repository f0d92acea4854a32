"""attack7 #3: a debtor's WhatsApp STOP outlived nothing: the client's next debtor push (its CRM
still says whatsapp_consent: true) gave consent back and the next WhatsApp went out. Now the
STOP is kept over any push of the same number, the row is answered with a note (not an error),
and only the debtor's own START gives consent back, on the contact log."""

from __future__ import annotations

from shared.domain.messaging import Channel, MessageContent, OutboundMessage
from tests.unit.api.conftest import world  # noqa: F401
from tests.unit.messaging.test_delivery import TUESDAY_10, env, run_jobs  # noqa: F401

ROW = {"number": "D1", "kind": "b2c", "name": "Jan", "mobile": "+31612345678",
       "whatsapp_consent": True}  # fmt: skip
DEBTORS = "/v1/clients/C1/debtors"


def _whatsapp(service, client, key: str) -> None:
    service.enqueue(OutboundMessage(client.client_id, key, Channel.WHATSAPP, "D1",
                                    "+31612345678", TUESDAY_10), MessageContent(template="h"))  # fmt: skip


def _consent(a) -> bool:
    return bool(a.call("GET", f"{DEBTORS}/D1").body["whatsapp_consent"])


def test_a_push_of_the_old_consent_does_not_undo_the_debtors_stop(env) -> None:  # noqa: F811
    there, client, channel, queues, service = env
    service.senders = {Channel.WHATSAPP: channel}  # type: ignore[misc]
    a = there.agency_a
    plain = a.as_key(a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"])
    assert plain.call("POST", DEBTORS, {"items": [ROW]}).status == 200
    _whatsapp(service, client, "w1")
    assert run_jobs(service, queues, "send-whatsapp") == ["sent"]
    assert service.whatsapp_inbound("31612345678", "STOP") == 1
    for key in (plain, a):  # the nightly sync, or the agency's own: the same
        reply = key.call("POST", DEBTORS, {"items": [{**ROW, "name": "Jan Jansen"}]}).body
        assert reply["rejected"] == 0 and reply["errors"] == [], reply
        [note] = reply["notes"]
        assert note["field"] == "whatsapp_consent" and "START" in note["message"]
        assert not _consent(a)
    assert a.call("GET", f"{DEBTORS}/D1").body["name"] == "Jan Jansen"  # the rest is stored
    _whatsapp(service, client, "w2")
    assert run_jobs(service, queues, "send-whatsapp") != ["sent"] and len(channel.sent) == 1
    # his own START gives it back, on the contact log; a push then keeps it as sent
    assert service.whatsapp_inbound("31612345678", "START") == 0
    assert _consent(a)
    entries, _ = there.services.repos.contacts.for_debtor(client.client_id, "D1")
    assert any("opt-in received (START)" in e.summary for e in entries)
    reply = plain.call("POST", DEBTORS, {"items": [ROW]}).body
    assert reply["notes"] == [] and _consent(a)


def test_a_push_without_consent_or_of_another_number_is_taken_as_sent(env) -> None:  # noqa: F811
    there, client, _, _, service = env
    a = there.agency_a
    assert a.call("POST", DEBTORS, {"items": [ROW]}).status == 200
    service.whatsapp_contacts.remember("31612345678", client.client_id, "D1")
    assert service.whatsapp_inbound("31612345678", "STOP") == 1
    assert (
        a.call("POST", DEBTORS, {"items": [{**ROW, "whatsapp_consent": False}]}).body["notes"] == []
    )
    # a new number the debtor gave the client: his STOP was of the old one
    moved = a.call("POST", DEBTORS, {"items": [{**ROW, "mobile": "+31687654321"}]}).body
    assert moved["notes"] == [] and moved["updated"] == 1 and _consent(a)


def _to(service, client, debtor: str, key: str) -> None:
    service.enqueue(OutboundMessage(client.client_id, key, Channel.WHATSAPP, debtor,
                                    "+31612345678", TUESDAY_10), MessageContent(template="h"))  # fmt: skip


def test_a_stop_covers_a_debtor_record_stored_later_on_the_number(env) -> None:  # noqa: F811
    """attack9 F4: the person who sent STOP, stored again under another debtor number (a CRM
    duplicate) with consent, gets the STOP with the push's note and no WhatsApp; his START
    from the number lifts it on both records."""
    there, client, channel, queues, service = env
    service.senders = {Channel.WHATSAPP: channel}  # type: ignore[misc]
    a = there.agency_a
    staff = a.as_key(a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"])
    assert staff.call("POST", DEBTORS, {"items": [ROW]}).status == 200
    _whatsapp(service, client, "w1")
    assert run_jobs(service, queues, "send-whatsapp") == ["sent"]
    assert service.whatsapp_inbound("31612345678", "STOP") == 1
    reply = staff.call("POST", DEBTORS, {"items": [{**ROW, "number": "D1B"}]}).body
    assert reply["created"] == 1 and reply["errors"] == []
    [note] = reply["notes"]
    assert note["field"] == "whatsapp_consent" and "START" in note["message"]
    assert a.call("GET", f"{DEBTORS}/D1B").body["whatsapp_consent"] is False
    _to(service, client, "D1B", "w2")
    assert run_jobs(service, queues, "send-whatsapp") != ["sent"] and len(channel.sent) == 1
    assert service.whatsapp_inbound("31612345678", "START") == 0
    assert _consent(a) and a.call("GET", f"{DEBTORS}/D1B").body["whatsapp_consent"] is True


def test_a_stop_covers_a_record_on_the_number_stored_before_it(env) -> None:  # noqa: F811
    """attack9 F4: a duplicate stored before the STOP, never messaged, is not among the
    number's debtors when STOP comes; its WhatsApp is held back at sending, and the STOP is
    its own from then on (on its contact log)."""
    there, client, channel, queues, service = env
    service.senders = {Channel.WHATSAPP: channel}  # type: ignore[misc]
    a = there.agency_a
    assert a.call("POST", DEBTORS, {"items": [ROW, {**ROW, "number": "D1B"}]}).status == 200
    _whatsapp(service, client, "w1")
    assert run_jobs(service, queues, "send-whatsapp") == ["sent"]
    assert service.whatsapp_inbound("31612345678", "STOP") == 1
    _to(service, client, "D1B", "w2")
    assert run_jobs(service, queues, "send-whatsapp") != ["sent"] and len(channel.sent) == 1
    assert a.call("GET", f"{DEBTORS}/D1B").body["whatsapp_consent"] is False
    entries, _ = there.services.repos.contacts.for_debtor(client.client_id, "D1B")
    assert any("opt-out of this number (STOP" in e.summary for e in entries)
    # a push of the CRM's consent keeps it, as for D1
    assert a.call("POST", DEBTORS, {"items": [{**ROW, "number": "D1B"}]}).body["notes"]
    assert a.call("GET", f"{DEBTORS}/D1B").body["whatsapp_consent"] is False
