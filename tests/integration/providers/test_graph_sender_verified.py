"""sender33 through the local Graph stand-in: a client's admin sets the contact e-mail to
another mailbox of the agency's tenant (the director's); the client's mail goes through
``/users/{agency mailbox}/sendMail`` with that address as Reply-To, the mailbox is not read
for the client, and only after the code does the mail go as the address itself."""

from __future__ import annotations

from shared.domain.messaging import Channel, MessageContent, OutboundMessage
from shared.domain.parties import Agency
from shared.domain.scopes import agency_outbox
from tests.integration.inbound.test_inbound_mail_graph import Setup, setup
from tests.unit.sending.test_sender_through_api import code_in

__all__ = ["setup"]

AGENCY_BOX = "incasso@agency-a.example"
DIRECTOR = "directeur@agency-a.example"


def _remind(s: Setup, key: str) -> None:
    """A reminder as the dunning run makes it: from and to reply to the contact e-mail."""
    client = s.services.repos.clients.get(s.client_id)
    assert client is not None
    contact = client[0].contact_email
    message = OutboundMessage(s.client_id, key, Channel.EMAIL, "D1", "jan@devries.example",
                              s.services.clock.now(), sender=contact, reply_to=contact)  # fmt: skip
    s.services.messaging.enqueue(message, MessageContent(subject="Herinnering", text="Betaal"))
    assert s.services.messaging.deliver(s.client_id, key) == "sent"


def test_an_unverified_address_sends_through_the_agencys_mailbox(setup: Setup) -> None:
    s = setup
    s.services.repos.agencies.save(Agency("agency-a", "AGENCY-A", contact_email=AGENCY_BOX))
    key = s.agency.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True})
    own = s.agency.as_key(key.body["key"])
    assert own.call("PUT", "/v1/clients/C1/contact", {"contact_email": DIRECTOR}).status == 200
    # the code goes out through Graph from the agency's own mailbox, to the address
    scope = agency_outbox("agency-a")
    [(code_mail, _)] = s.services.messaging.outbox.with_prefix(scope, "sender-code|")
    assert s.services.messaging.deliver(scope, code_mail.key) == "sent"
    [told] = s.graph.mailbox(AGENCY_BOX).sent
    assert told["to"] == DIRECTOR
    code = code_in(told["text"])
    _remind(s, "r1")
    assert s.graph.mailbox(DIRECTOR).sent == []  # never as the director's mailbox
    reminder = s.graph.mailbox(AGENCY_BOX).sent[-1]
    assert (reminder["to"], reminder["reply_to"]) == ("jan@devries.example", DIRECTOR)
    assert DIRECTOR not in s.reader().mailboxes()  # nor is the director's inbox read
    assert own.call("POST", "/v1/clients/C1/contact/verification", {"code": code}).status == 200
    _remind(s, "r2")
    [sent] = s.graph.mailbox(DIRECTOR).sent
    assert (sent["to"], sent["reply_to"]) == ("jan@devries.example", DIRECTOR)
    assert DIRECTOR in s.reader().mailboxes()
