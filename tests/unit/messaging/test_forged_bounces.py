"""attack6 finding 2: a debtor faked the bounce of his own 14-day letter by writing as the
mailer-daemon of a domain of his own (any domain but his mailbox's), or through the inbound
reader with an empty envelope sender; the mailbox scan also marked another client's message.
Now a report is believed only from the mail system that sent the message (a mail-system
address of the sending mailbox's domain) and only about a message of that mailbox's own
clients sent from it; a doubtful one is a ``bounce_unconfirmed`` item for staff and clears
nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from shared.domain.inbound.mail import MailKind, ReceivedMail
from shared.domain.inbound.recognise import from_sending_system, kind_of, reads_as_bounce
from shared.domain.messaging import Channel, MessageContent, SendResult
from shared.services.inbound.filing import MailFiling
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.messaging.test_delivery import env, message, run_jobs  # noqa: F401


def test_only_the_sending_mailboxs_own_mail_system_is_believed() -> None:
    forged = "MAILER-DAEMON@jansen-post.nl"
    assert reads_as_bounce(forged, "Undeliverable: Laatste herinnering")
    assert not from_sending_system(forged, "facturen@c1.example")
    assert from_sending_system("postmaster@c1.example", "facturen@c1.example")
    assert from_sending_system(
        "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@c1.example", "facturen@c1.example"
    )
    assert not from_sending_system("jan@c1.example", "facturen@c1.example")


def test_a_mailer_daemon_of_a_domain_he_owns_only_asks_staff(env) -> None:  # noqa: F811
    world, client, channel, queues, service = env
    world.agency_a.call(
        "POST", "/v1/clients", {"items": [client_row("C1", contact_email="facturen@c1.example")]}
    )
    service.enqueue(message(client), MessageContent(subject="x"))
    run_jobs(service, queues)
    forged = "mailer-daemon@example-mail.example"  # his own 5-euro domain
    channel.bounces = lambda mailbox, since: [("pid-1", "Undeliverable: x", forged)]  # type: ignore[attr-defined]
    assert service.scan_bounces() == 0
    assert service.outbox.get(client.client_id, "k1")[0].status.value != "bounced"
    kinds = [a["kind"] for a in world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert kinds == ["bounce_unconfirmed"]
    [item] = service.repos.actions.list(client.client_id, kind="bounce_unconfirmed")[0]
    assert item.detail["reporter"] == forged
    assert "not the mail system that sent it" in item.title


def test_a_report_in_one_clients_mailbox_never_marks_another_clients_message(env) -> None:  # noqa: F811
    world, _client, channel, queues, service = env
    world.agency_a.call("POST", "/v1/clients", {"items": [
        client_row("C1", contact_email="facturen@c1.example"),
        client_row("C2", contact_email="facturen@c2.example")]})  # fmt: skip
    access = world.services.access
    c2 = access.client_for(access.authenticate(world.agency_a.key), "C2")
    service.enqueue(
        replace(message(c2, key="k2"), sender="facturen@c2.example"), MessageContent(subject="x")
    )
    run_jobs(service, queues)
    pid = service.outbox.get(c2.client_id, "k2")[0].provider_id
    # even from the reached mailbox's own postmaster: C2's message was not sent from it
    channel.bounces = lambda mailbox, since: (  # type: ignore[attr-defined]
        [(pid, "Undeliverable: x", "postmaster@c1.example")]
        if mailbox == "facturen@c1.example"
        else []
    )
    assert service.scan_bounces() == 0
    assert service.outbox.get(c2.client_id, "k2")[0].status.value != "bounced"
    assert service.repos.actions.list(c2.client_id, kind="bounce_unconfirmed")[0] == []


def test_a_null_return_path_report_from_a_person_is_no_bounce(env) -> None:  # noqa: F811
    _world, client, channel, queues, service = env
    channel.send = lambda m, c: SendResult(channel.name, m.reference)  # type: ignore[method-assign]
    service.enqueue(message(client), MessageContent(subject="x"))
    run_jobs(service, queues)
    record, _ = service.outbox.get(client.client_id, "k1")
    headers = {"content-type": 'multipart/report; report-type=delivery-status; boundary="b"',
               "return-path": "<>"}  # fmt: skip
    body = f"Action: failed\nStatus: 5.1.1\nX-Inning-Reference: {record.provider_id}\n"
    mail = ReceivedMail("facturen@c1.example", "g1", "<m1@jan-post.example>",
                        datetime(2025, 3, 4, 9, tzinfo=UTC), "jan@jan-post.example", "Jan",
                        "Re: uw brief", body, None, headers)  # fmt: skip
    assert kind_of(mail.sender, mail.subject, mail.headers, body) is MailKind.CORRESPONDENCE
    filing = MailFiling.__new__(MailFiling)
    filing.messaging = service
    assert filing.pass_bounce(mail, [client]) == 0  # even when handed to the bounce handling
    assert service.outbox.get(client.client_id, "k1")[0].status.value != "bounced"


def test_the_forged_bounce_of_an_emailed_fourteen_day_letter_keeps_its_costs(world) -> None:
    from tests.unit.dunning import test_emailed_fourteen_day_letter_bounce as t
    from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, day

    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    for tid, body in TEMPLATES.items():
        a.call("PUT", f"/v1/clients/C1/templates/{tid}", body)
    a.call("PUT", "/v1/clients/C1/workflows/w", t.WORKFLOW)
    a.call("POST", "/v1/clients/C1/workflows/w/activate")
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-02-01", due_date="2025-02-28")]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    day(world, client)
    [(letter, _)] = world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    assert letter.channel is Channel.EMAIL
    messaging = world.services.messaging

    class Mailbox:  # the provider's mailbox scan (Graph's ``bounces``), as a stand-in
        name = letter.provider

        def bounces(self, mailbox, since):
            return [(letter.provider_id, "Undeliverable: Veertiendagenbrief",
                     "MAILER-DAEMON@jan-post.example")]  # fmt: skip

    messaging.senders = {**messaging.senders, Channel.EMAIL: Mailbox()}  # type: ignore[misc]
    world.clock.at = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    assert messaging.scan_bounces() == 0
    for n in range(5, 32):
        world.clock.at = datetime(2025, 3, n, 6, 0, tzinfo=UTC)
        day(world, client)
    after = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-04-01").body
    assert after["open"]["costs"] == "150.00"


SPOOFED = {
    "content-type": 'multipart/report; report-type=delivery-status; boundary="b"',
    "authentication-results": "spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=c1.example; "
    "dkim=none (message not signed) header.d=none; dmarc=fail action=none "
    "header.from=c1.example; compauth=fail reason=000",
}


def test_a_postmaster_of_the_clients_domain_the_receiving_system_found_forged_only_asks_staff(
    env,  # noqa: F811
) -> None:
    """attack7 finding 9: a report "from" postmaster@ the client's own domain was believed on
    its From alone, though Exchange stamped SPF, DMARC and composite authentication failed."""
    world, client, channel, queues, service = env
    world.agency_a.call(
        "POST", "/v1/clients", {"items": [client_row("C1", contact_email="facturen@c1.example")]}
    )
    channel.send = lambda m, c: SendResult(channel.name, m.reference)  # type: ignore[method-assign]
    service.enqueue(message(client), MessageContent(subject="x"))
    run_jobs(service, queues)
    record, _ = service.outbox.get(client.client_id, "k1")
    assert not from_sending_system("postmaster@c1.example", "facturen@c1.example", SPOOFED)
    genuine = {k: v for k, v in SPOOFED.items() if k != "authentication-results"}
    assert from_sending_system("postmaster@c1.example", "facturen@c1.example", genuine)
    body = f"Action: failed\nStatus: 5.1.1\nX-Inning-Reference: {record.provider_id}\n"
    mail = ReceivedMail("facturen@c1.example", "g2", "<ndr@c1.example>",
                        datetime(2025, 3, 4, 9, tzinfo=UTC), "postmaster@c1.example", "Postmaster",
                        "Undeliverable: x", body, None, SPOOFED)  # fmt: skip
    filing = MailFiling.__new__(MailFiling)
    filing.messaging = service
    assert filing.pass_bounce(mail, [client]) == 0
    assert service.outbox.get(client.client_id, "k1")[0].status.value != "bounced"
    [item] = service.repos.actions.list(client.client_id, kind="bounce_unconfirmed")[0]
    assert "found forged" in item.title
    # the same report without a failed verdict (a tenant's own NDR carries none) is believed
    trusted = replace(mail, graph_id="g3", headers=genuine)
    assert filing.pass_bounce(trusted, [client]) == 1
    assert service.outbox.get(client.client_id, "k1")[0].status.value == "bounced"
