"""Demo conversations for the console on `make run`: quick texts of the demo client BAKKERIJ
(an SMS and an e-mail) and one debtor's e-mail in its inbound mail that matches nobody (to
link by hand on the mail page). Fixed ids and a fixed message id: seeding twice adds nothing."""

from __future__ import annotations

from datetime import timedelta

from shared.domain.conversations.quick_texts import QuickText
from shared.domain.inbound.mail import MailKind, ReceivedMail
from shared.domain.messaging import Channel
from shared.services.container import Services
from shared.services.errors import Invalid
from tools.demo import AGENCY_ID

CLIENT = "BAKKERIJ"
QUICK_TEXTS = (
    QuickText("herinnering-sms", Channel.SMS, "Vriendelijke herinnering",
              "Beste {{ debtor.name }}, er staat nog {{ total|money }} open. Betalen kan via {{ payment_link }}"),
    QuickText("bevestiging-afspraak", Channel.EMAIL, "Bevestiging betaalafspraak",
              "Beste {{ debtor.name }},\n\nZoals afgesproken betaalt u {{ total|money }}. Dank u wel.",
              subject="Uw betaalafspraak"),
)  # fmt: skip


def seed_talk(services: Services) -> None:
    client_id = services.repos.clients.id_for_number(AGENCY_ID, CLIENT)
    found = services.repos.clients.get(client_id) if client_id else None
    if client_id is None or found is None:
        return
    for qt in QUICK_TEXTS:
        try:
            services.by_hand.create_quick_text(client_id, qt)
        except Invalid:
            pass  # seeded before (the id is taken)
    client = found[0]
    mail = ReceivedMail(
        mailbox=client.contact_email or "facturen@bakkerij.example", graph_id="AAMk-demo-1",
        internet_message_id="<demo-1@klant.example>",
        received_at=services.clock.now() - timedelta(hours=2), sender="p.bakker@klant.example",
        sender_name="P. Bakker", subject="Vraag over mijn rekening",
        body_text="Goedemiddag, ik heb vorige week betaald maar kreeg toch een herinnering. Klopt dat?",
        unique_text=None, headers={"message-id": "<demo-1@klant.example>"},
    )  # fmt: skip
    services.inbound_filing.file(mail, MailKind.CORRESPONDENCE, [client], [])
