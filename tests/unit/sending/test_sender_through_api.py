"""A client's admin sets its contact e-mail to another address (attack32b): its mail goes
from the agency's mailbox with that address to reply to, until the code mailed there comes
back; then from the address (sender33)."""

from __future__ import annotations

import re

from shared.domain.parties import Agency
from shared.domain.scopes import agency_outbox
from tests.unit.conversations.test_by_hand import BASE, env  # noqa: F401 - the fixture

AGENCY_BOX = "incasso@agency-a.example"
VERIFICATION = f"{BASE}/contact/verification"


def admin_of(world, api, number="C1"):
    key = api.call("POST", "/v1/keys", {"scope": "client", "client": number, "admin": True})
    return api.as_key(key.body["key"])


def with_agency_mailbox(world) -> None:
    world.services.repos.agencies.save(Agency("agency-a", "AGENCY-A", contact_email=AGENCY_BOX))


def codes_mailed(world, address, number=None):
    """(record, code) of each code mail to ``address`` (for client ``number``), from the
    agency's outbox."""
    messaging = world.services.messaging
    wanted = world.services.repos.clients.id_for_number("agency-a", number) if number else None
    found = []
    for record, _ in messaging.outbox.with_prefix(agency_outbox("agency-a"), "sender-code|"):
        if record.to == address and wanted in (None, record.key.split("|")[1]):
            found.append((record, code_in(messaging.content_of(record).text)))
    return found


def code_in(text: str) -> str:
    """The 6-digit code a code mail carries on a line of its own."""
    found = re.search(r"\n(\d{6})\n", text)
    assert found is not None, text
    return found.group(1)


def mail_by_hand(world, api, client_id, n):
    sent = api.call("POST", f"{BASE}/debtors/D1/messages",
                    {"channel": "email", "subject": f"Vraag {n}", "body": f"Vraag {n}"})  # fmt: skip
    assert sent.status == 202, sent.body
    records, _ = world.services.messaging.outbox.list(client_id)
    return [r for r in records if r.channel.value == "email" and r.debtor_number == "D1"]


def test_a_changed_address_sends_as_the_agency_until_its_code_comes_back(env):  # noqa: F811
    world, api, client_id = env
    with_agency_mailbox(world)
    own = admin_of(world, api)
    new = "debiteuren@c1-nieuw.example"
    assert own.call("PUT", f"{BASE}/contact", {"contact_email": new}).status == 200
    state = own.call("GET", VERIFICATION).body
    assert state["verified"] is False and state["sends_from"] == AGENCY_BOX
    assert state["code_sent"] is True and state["attempts_left"] == 5
    [(code_mail, code)] = codes_mailed(world, new)
    assert code_mail.sender == AGENCY_BOX  # the code goes from the agency's own mailbox
    [first] = mail_by_hand(world, api, client_id, 1)
    assert (first.sender, first.reply_to) == (AGENCY_BOX, new)
    assert first.extra["sent_as"] == "agency"
    done = own.call("POST", VERIFICATION, {"code": code})
    assert done.status == 200 and done.body["verified"] is True, done.body
    assert done.body["sends_from"] == new
    later = [m for m in mail_by_hand(world, api, client_id, 2) if m.key != first.key]
    assert [(m.sender, m.reply_to) for m in later] == [(new, new)]
    # used once: the same code again finds nothing waiting
    again = own.call("POST", VERIFICATION, {"code": code})
    assert again.status == 422
    assert again.body["error"]["details"][0]["code"] == "sender_already_verified"


def test_the_address_the_agency_set_sends_and_a_change_needs_a_new_code(env):  # noqa: F811
    world, api, client_id = env
    with_agency_mailbox(world)
    assert api.call("GET", VERIFICATION).body["verified"] is True  # set by the agency
    [first] = mail_by_hand(world, api, client_id, 1)
    assert first.sender == "info@c1.example"
    own = admin_of(world, api)
    own.call("PUT", f"{BASE}/contact", {"contact_email": "info@c1.example".upper()})
    assert api.call("GET", VERIFICATION).body["verified"] is True  # the same address
    own.call("PUT", f"{BASE}/contact", {"contact_email": "ar@c1.example"})
    assert api.call("GET", VERIFICATION).body["verified"] is False  # a change drops it


def test_agency_staff_mark_it_verified_audited_a_clients_admin_cannot(env):  # noqa: F811
    world, api, client_id = env
    with_agency_mailbox(world)
    own = admin_of(world, api)
    own.call("PUT", f"{BASE}/contact", {"contact_email": "ar@c1.example"})
    shown = {"contact_email": "ar@c1.example"}
    assert own.call("POST", f"{VERIFICATION}/agency", shown).status == 404  # not the client's
    marked = api.call("POST", f"{VERIFICATION}/agency", shown)
    assert marked.status == 200 and marked.body["verified"] is True
    events = world.services.people.kit.people.audit.between(f"client:{client_id}", "0", "g")
    assert [e.detail.get("how") for e in events if e.event.value == "sender_verified"] == ["agency"]


def test_the_agency_mark_names_the_address_it_checked(env):  # noqa: F811
    """small33: the route took no address, so a client's admin who swapped in another mailbox
    just before the agency's call got that one vouched for. The address is required and must
    be the contact e-mail stored now."""
    world, api, _ = env
    with_agency_mailbox(world)
    own = admin_of(world, api)
    own.call("PUT", f"{BASE}/contact", {"contact_email": "ar@c1.example"})
    # staff checked ar@c1.example; the client's admin swaps in another mailbox meanwhile
    own.call("PUT", f"{BASE}/contact", {"contact_email": "director@agency-a.example"})
    assert api.call("POST", f"{VERIFICATION}/agency").status == 400  # no body: no address
    missing = api.call("POST", f"{VERIFICATION}/agency", {})
    assert missing.status == 422, missing.body
    stale = api.call("POST", f"{VERIFICATION}/agency", {"contact_email": "ar@c1.example"})
    assert stale.status == 422, stale.body
    assert stale.body["error"]["details"][0]["code"] == "sender_code_stale"
    assert api.call("GET", VERIFICATION).body["verified"] is False
    marked = api.call(
        "POST", f"{VERIFICATION}/agency", {"contact_email": "DIRECTOR@agency-a.example"}
    )
    assert marked.status == 200 and marked.body["verified"] is True


def test_the_mailbox_the_client_linked_sends_as_itself(env):  # noqa: F811
    """An address the client linked through Microsoft's admin consent (its user or an Exchange
    administrator signed in for it) is proven: its mail goes from it, no code needed."""
    from shared.adapters.tables.linked_accounts_repo import GraphLink, LinkedAccountRepository

    world, api, client_id = env
    with_agency_mailbox(world)
    own = admin_of(world, api)
    own.call("PUT", f"{BASE}/contact", {"contact_email": "box@c1.example"})
    assert own.call("GET", VERIFICATION).body["verified"] is False
    LinkedAccountRepository(world.services.repos.store).save_graph(
        GraphLink(client_id, "tenant-c1", "box@c1.example", world.clock.now())
    )
    state = own.call("GET", VERIFICATION).body
    assert state["verified"] is True and state["sends_from"] == "box@c1.example"
    [mail] = mail_by_hand(world, api, client_id, 1)
    assert (mail.sender, mail.reply_to) == ("box@c1.example", "box@c1.example")
    checks = api.call("GET", f"{BASE}/readiness").body["checks"]
    assert {c["check"]: c["ok"] for c in checks}["sender_verified"] is True


def test_bounces_are_looked_for_where_the_mail_went_from(env):  # noqa: F811
    """An unverified address's mail goes from the agency's mailbox, so its non-delivery
    reports come back there: that mailbox is scanned for all the agency's clients, and the
    unverified address (perhaps another's mailbox) is not read at all."""
    from shared.services.sending_mailbox import sending_mailboxes

    world, api, client_id = env
    repos = world.services.repos
    assert sending_mailboxes(repos, repos.clients.all()) == {"info@c1.example": {client_id}}
    with_agency_mailbox(world)
    admin_of(world, api).call("PUT", f"{BASE}/contact", {"contact_email": "directeur@x.example"})
    assert sending_mailboxes(repos, repos.clients.all()) == {AGENCY_BOX: {client_id}}


def test_the_client_shows_whether_its_contact_email_is_verified(env):  # noqa: F811
    """small33: ``GET /v1/clients/{c}`` showed the contact e-mail but not whether mail goes
    from it; it shows the state ``…/contact/verification`` computes."""
    world, api, _ = env
    with_agency_mailbox(world)
    shown = api.call("GET", BASE).body
    assert shown["contact_email_verified"] is True  # set by the agency
    assert shown["sends_from"] == shown["contact_email"]
    admin_of(world, api).call("PUT", f"{BASE}/contact", {"contact_email": "ar@c1.example"})
    shown = api.call("GET", BASE).body
    assert (shown["contact_email"], shown["contact_email_verified"], shown["sends_from"]) == (
        "ar@c1.example", False, AGENCY_BOX)  # fmt: skip
    assert "contact_email_verified" not in api.call("GET", "/v1/clients").body["items"][0]
