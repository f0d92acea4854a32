"""ack11 #1: the messages staff may mark as the debtor's acknowledgement are those he wrote, as
the receiving services file them: a WhatsApp he sent, an e-mail a person wrote (not an
automatic reply), a portal message; a message Inning sent him is none."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.adapters.tables.inbound_repo import FiledMail
from shared.domain.inbound.mail import MailKind
from shared.domain.law.acknowledgement import from_the_debtor
from tests.unit.api.conftest import world  # noqa: F401
from tests.unit.messaging.test_delivery import env  # noqa: F401
from tests.unit.messaging.test_whatsapp_start_per_client import NUMBER, ROW

AT = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


def _mail(client_id: str, key: str, kind: MailKind) -> FiledMail:
    return FiledMail(client_id, key, "inbox@c1.example", "g-" + key, f"<{key}@x>", AT,
                     "d1@example.com", "", "Re: herinnering", kind,
                     "ik weet het, ik betaal volgende maand", "")  # fmt: skip


def test_his_whatsapp_and_his_own_e_mail_are_markable_an_automatic_reply_is_not(env):  # noqa: F811
    there, client, _, _, service = env
    there.agency_a.call(
        "POST", "/v1/clients/C1/debtors", {"items": [{**ROW, "whatsapp_consent": True}]}
    )
    service.whatsapp_contacts.remember(NUMBER, client.client_id, "D1")
    service.whatsapp_inbound(NUMBER, "ik betaal F1 volgende maand", at=AT, message_id="wamid.9")
    filing = there.services.inbound_filing
    filing.log_on(_mail(client.client_id, "k-person", MailKind.CORRESPONDENCE), "D1", ["F1"])
    filing.log_on(_mail(client.client_id, "k-auto", MailKind.AUTO_REPLY), "D1", [])
    entries, _ = there.services.repos.contacts.for_debtor(client.client_id, "D1")
    markable = {e.channel: e.summary.split(":")[0] for e in entries if from_the_debtor(e)}
    assert markable == {"whatsapp": "WhatsApp received",
                        "email": "E-mail received from d1@example.com"}  # fmt: skip
    auto = [e for e in entries if e.summary.startswith("Automatic reply")]
    assert len(auto) == 1 and not from_the_debtor(auto[0])
