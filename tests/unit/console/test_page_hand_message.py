"""A message by hand from the dossier and the quick-text page, on the in-memory world: the
channels shown as the product documents them (WhatsApp green inside the 24-hour window,
"approved template only" outside it, the reason when it cannot be used), a double submit
sends once (the Idempotency-Key of the form), a deferred message says when it goes, and the
quick-text checks are shown beside the field they concern."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import unquote

from shared.domain.messaging import Channel, OutboundMessage
from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import debtor_row, invoice_row
from tests.unit.console.conftest import csrf_of, desk_for, forms_of

TUESDAY_10 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam
SUNDAY_10 = datetime(2025, 3, 9, 9, 0, tzinfo=UTC)


def seed(world, consent: bool = True) -> None:  # type: ignore[no-untyped-def]
    world.clock.at = TUESDAY_10
    api = world.agency_a
    assert api.call("POST", "/v1/clients/C1/debtors",
                    {"items": [debtor_row("D1", whatsapp_consent=consent), debtor_row("D2", mobile=None)]}).status == 200  # fmt: skip
    assert api.call("POST", "/v1/clients/C1/invoices",
                    {"items": [invoice_row("F1", "D1"), invoice_row("F2", "D1")]}).status == 200  # fmt: skip
    reply = api.call("POST", "/v1/clients/C1/quick-texts", {
        "quick_text_id": "betaal", "channel": "whatsapp", "name": "Betaallink",
        "text": "Beste {{ debtor.name }}, betaal hier: {{ portal_link }}"})  # fmt: skip
    assert reply.status == 201, reply.body
    reply = api.call("POST", "/v1/clients/C1/quick-texts", {
        "quick_text_id": "sms1", "channel": "sms", "name": "Herinnering sms",
        "text": "Open: {{ total|money }}"})  # fmt: skip
    assert reply.status == 201, reply.body


def hand_form(page) -> str:  # type: ignore[no-untyped-def]
    return next(f for f in forms_of(page) if 'value="hand"' in f)


def idem_of(form: str) -> str:
    found = re.search(r'name="idem" value="([^"]+)"', form)
    assert found
    return found.group(1)


def outbox_by_hand(world, client_id: str) -> list[OutboundMessage]:  # type: ignore[no-untyped-def]
    return [m for m, _ in world.services.messaging.outbox.with_prefix(client_id, "hand|D1|")]


def test_whatsapp_green_inside_the_window_and_a_double_submit_sends_once(world, tenants):
    seed(world)
    world.services.by_hand.conversations.record_inbound(tenants.c1, "D1", TUESDAY_10)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D1?lang=en&hand=whatsapp")
    body = page.encoded().decode()
    assert page.status == 200 and "Message by hand" in body
    assert "<svg" in body and "WhatsApp: free text allowed now" in body  # the green icon + text
    form = hand_form(page)
    assert "Betaallink" in form and "Herinnering sms" not in form  # the channel's quick texts
    assert 'name="invoices" value="F1"' in form and 'name="csrf"' in form
    fields = {"csrf": csrf_of(page), "do": "hand", "channel": "whatsapp", "source": "quick",
              "quick_text": "betaal", "invoices": "F1", "idem": idem_of(form)}  # fmt: skip
    first = staff.post("/dossier/D1", fields)
    assert first.status == 303 and "done=hand_sent" in first.headers["Location"]
    again = staff.post("/dossier/D1", fields)  # the same form submitted twice
    assert again.status == 303 and "done=hand_again" in again.headers["Location"]
    sent = outbox_by_hand(world, tenants.c1)
    assert len(sent) == 1 and sent[0].channel is Channel.WHATSAPP
    assert sent[0].invoice_numbers == ("F1",)
    # a new render is a new key: a second message is a deliberate second message
    assert idem_of(hand_form(staff.get("/dossier/D1?hand=whatsapp"))) != fields["idem"]


def test_outside_the_window_an_approved_template_only(world, tenants):
    seed(world)
    reply = world.agency_a.call("PUT", "/v1/clients/C1/whatsapp-templates/herinnering", {
        "languages": ["nl"], "body_params": ["debtor.name"]})  # fmt: skip
    assert reply.status == 200, reply.body
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D1?lang=en&hand=whatsapp")
    form = hand_form(page)
    assert "approved template only" in form and 'name="body"' not in form
    assert '<option value="herinnering">' in form
    posted = staff.post("/dossier/D1", {"csrf": csrf_of(page), "do": "hand", "channel": "whatsapp",
                                        "source": "wa", "whatsapp_template": "herinnering",
                                        "idem": idem_of(form)})  # fmt: skip
    assert posted.status == 303, posted.encoded()
    assert outbox_by_hand(world, tenants.c1)[0].channel is Channel.WHATSAPP
    # free text outside the window is refused with the reason, nothing sent
    refused = staff.post("/dossier/D1?lang=en", {"csrf": csrf_of(page), "do": "hand", "channel": "whatsapp",
                                                 "source": "text", "body": "Hallo", "idem": "other"})  # fmt: skip
    assert refused.status == 422 and "Not done" in refused.encoded().decode()
    assert len(outbox_by_hand(world, tenants.c1)) == 1


def test_no_consent_says_why_and_offers_no_form(world, tenants):
    seed(world, consent=False)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D1?lang=en&hand=whatsapp")
    body = page.encoded().decode()
    assert "no WhatsApp consent (or STOP received)" in body
    assert not any('value="hand"' in f for f in forms_of(page))
    no_mobile = staff.get("/dossier/D2?lang=en&hand=sms").encoded().decode()
    assert "no mobile number" in no_mobile


def test_outside_the_contact_hours_the_page_says_when_it_goes(world, tenants):
    seed(world)
    world.clock.at = SUNDAY_10
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D1?lang=en&hand=sms")
    form = hand_form(page)
    posted = staff.post("/dossier/D1", {"csrf": csrf_of(page), "do": "hand", "channel": "sms",
                                        "source": "quick", "quick_text": "sms1", "idem": idem_of(form)})  # fmt: skip
    assert posted.status == 303 and "done=hand_deferred" in posted.headers["Location"]
    # the page reads the time from the outbox by the message's key (the test browser does
    # not unquote query values as a host does)
    location = unquote(posted.headers["Location"])
    assert "sent=hand|D1|" in location and "not_before" not in location
    shown = staff.get(location.replace("/api/console", "") + "&lang=en")
    # Amsterdam time, as the console shows every time (06:00 UTC)
    assert "the message goes at 2025-03-10 07:00" in shown.encoded().decode()
    made_up = staff.get("/dossier/D1?lang=en&sent=hand|D2|x&not_before=whenever")
    assert "the message goes at" not in made_up.encoded().decode()


def test_a_read_only_person_sees_no_form_and_cannot_send(world, tenants):
    seed(world)
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = reader.get("/dossier/D1?hand=sms")
    assert page.status == 200 and not any('value="hand"' in f for f in forms_of(page))
    posted = reader.post("/dossier/D1", {"csrf": csrf_of(page), "do": "hand", "channel": "sms",
                                         "source": "quick", "quick_text": "sms1", "idem": "k"})  # fmt: skip
    assert posted.status == 403 and not outbox_by_hand(world, tenants.c1)


def test_quick_texts_listed_created_checked_changed_and_deleted(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    listing = staff.get("/quick-texts?lang=en")
    body = listing.encoded().decode()
    assert listing.status == 200 and "Betaallink" in body and "Herinnering sms" in body
    assert "Betaallink" not in staff.get("/quick-texts?channel=sms").encoded().decode()
    token = csrf_of(listing)
    bad = staff.post("/quick-texts/new?lang=en", {"csrf": token, "do": "save", "quick_text_id": "m1",
                                                  "channel": "email", "name": "Mail", "text": "Hallo {{ debtor.nam }}",
                                                  "subject": "Uw factuur", "language": "nl"})  # fmt: skip
    text = bad.encoded().decode()
    assert bad.status == 422 and 'id="err-text"' in text and "nam" in text  # beside the text
    assert 'aria-describedby="err-text"' in text and "Hallo {{ debtor.nam }}" in text  # kept
    no_subject = staff.post("/quick-texts/new", {"csrf": token, "do": "save", "quick_text_id": "m1",
                                                 "channel": "email", "name": "Mail", "text": "Hallo"})  # fmt: skip
    assert no_subject.status == 422 and 'id="err-subject"' in no_subject.encoded().decode()
    made = staff.post("/quick-texts/new", {"csrf": token, "do": "save", "quick_text_id": "m1",
                                           "channel": "email", "name": "Mail", "text": "Hallo {{ debtor.name }}",
                                           "subject": "Uw factuur", "language": "nl"})  # fmt: skip
    assert made.status == 303
    shown = staff.get("/quick-texts/m1?lang=en").encoded().decode()
    assert "Sample" in shown and "Hallo J. de Vries" in shown
    changed = staff.post("/quick-texts/sms1", {"csrf": token, "do": "save", "channel": "sms",
                                               "name": "Herinnering", "text": "✓ " * 100, "language": "nl"})  # fmt: skip
    assert changed.status == 303
    warned = staff.get("/quick-texts/sms1?lang=en").encoded().decode()
    assert "GSM alphabet" in warned and "part(s)" in warned
    assert staff.post("/quick-texts/m1", {"csrf": token, "do": "delete"}).status == 303
    assert staff.get("/quick-texts/m1").status == 404
    assert [
        q.quick_text_id for q in world.services.by_hand.quick_texts(tenants.c1, Channel.EMAIL)
    ] == []


def test_quick_texts_are_the_clients_own(world, tenants):
    seed(world)
    other = desk_for(world, Role.CLIENT_STAFF, tenants.c2, "s@c2.example")
    assert other.get("/quick-texts/betaal").status == 404
    token = csrf_of(other.get("/quick-texts"))
    assert other.post("/quick-texts/betaal", {"csrf": token, "do": "delete"}).status == 404
    assert world.services.by_hand.quick_texts(tenants.c1, Channel.WHATSAPP)
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = reader.get("/quick-texts/betaal")
    assert page.status == 200 and 'value="save"' not in page.encoded().decode()
    assert reader.post("/quick-texts/betaal", {"csrf": csrf_of(page), "do": "delete"}).status == 403
