"""The demo conversations: the quick texts pass the save-time checks, the e-mail is filed
unlinked, and seeding twice adds nothing."""

from __future__ import annotations

from shared.domain.inbound.mail import mail_key
from tools.demo import AGENCY_ID, seed
from tools.demo_talk import seed_talk


def test_seeded_once_and_shown(world, tmp_path):  # type: ignore[no-untyped-def]
    from shared.clock import amsterdam_today

    seed(world.services, tmp_path, amsterdam_today())
    seed_talk(world.services)
    seed_talk(world.services)
    client_id = world.services.repos.clients.id_for_number(AGENCY_ID, "BAKKERIJ")
    assert client_id
    texts = world.services.by_hand.quick_texts(client_id)
    assert sorted(q.quick_text_id for q in texts) == ["bevestiging-afspraak", "herinnering-sms"]
    client = world.services.repos.clients.get(client_id)[0]
    items, _ = world.services.inbound_mail.listing(
        client, state="unlinked", page_size=10, continuation=None
    )
    mailbox = client.contact_email or "facturen@bakkerij.example"
    assert [m.key for m in items] == [mail_key(mailbox, "<demo-1@klant.example>")]
