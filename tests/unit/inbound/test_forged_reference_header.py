"""A stranger cannot write himself onto a debtor's dossier with our reference header (attack20
F5). ``X-Inning-Reference: inn-<outbox key>`` in a mail's own headers made the mail an answer
to that reminder, a certain match; the key is spelt from the debtor number, the starter
workflow's id and step and the invoice numbers a reminder prints, so stranger@evil.example's
"Ik betwist deze factuur" landed on D-1001's contact log with no person asked. Only a
reference that names its client (a digest since attack20 F1) is believed now."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from shared.domain.inbound.mail import MailKind, ReceivedMail
from shared.domain.messaging import CLIENT_REFERENCE
from shared.services.dunning_starter import save_starter
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

MAILBOX = "facturen@korenbloem.example"
LEGACY = "inn-dun|D-1001|standaard|0|" + hashlib.sha256(b"2026-0001").hexdigest()[:24]


def _reminded(world):  # type: ignore[no-untyped-def]
    world.clock.at = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email=MAILBOX)]})
    debtor = debtor_row("D-1001", name="Jansen, P.", emails=["p.jansen@example.nl"])
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor]})
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    save_starter(world.services.repos, client.client_id)
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "2026-0001", "D-1001", amount="121.00", invoice_date="2026-10-01", due_date="2026-10-15",
    )]})  # fmt: skip
    services = world.services
    services.dunning.fan_out()
    for job in [json.loads(j.body) for j in services.messaging.queues.take("dunning-run")]:
        services.dunning.run_client(job["client_id"], date.fromisoformat(job["date"]))
    for job in services.messaging.queues.take("send-email"):
        body = json.loads(job.body)
        services.messaging.deliver(body["client_id"], body["key"])
    [(sent, etag)] = services.messaging.outbox.with_prefix(client.client_id, "dun|")
    return a, client, sent, etag


def _stranger_writes(world, client, reference):  # type: ignore[no-untyped-def]
    received = ReceivedMail(
        mailbox=MAILBOX, graph_id="AAMk1", internet_message_id="<x1@evil.example>",
        received_at=world.clock.now() + timedelta(minutes=5), sender="stranger@evil.example",
        sender_name="X", subject="Betalingsregeling",
        body_text="Ik betwist deze factuur en betaal niet.", unique_text=None,
        headers={"x-inning-reference": reference},
    )  # fmt: skip
    world.services.inbound_filing.file(received, MailKind.CORRESPONDENCE, [client], [])


def _log(a):  # type: ignore[no-untyped-def]
    items = a.call("GET", "/v1/clients/C1/debtors/D-1001/contacts").body["items"]
    return [str(i["summary"]) for i in items if "stranger@evil.example" in str(i["summary"])]


def test_a_reminder_sent_before_references_named_their_client_is_no_forged_answer(world):  # type: ignore[no-untyped-def]
    a, client, sent, etag = _reminded(world)
    outbox = world.services.messaging.outbox
    # the reminder as a record written before the deploy keeps it: its reference inn-<key>
    legacy = replace(sent, extra={k: v for k, v in sent.extra.items() if k != CLIENT_REFERENCE})
    outbox.save(legacy, etag)
    outbox.remember_provider_id("outbox", legacy.reference, client.client_id, legacy.key)
    assert legacy.reference == LEGACY  # what anyone who read the reminder can spell
    _stranger_writes(world, client, LEGACY)
    assert _log(a) == []
    items, _ = world.services.repos.actions.list(client.client_id)
    assert [i.kind for i in items] == ["inbound_mail"]  # a person decides


def test_our_own_reference_in_a_mail_still_finds_its_reminder(world):  # type: ignore[no-untyped-def]
    a, client, sent, _ = _reminded(world)
    _stranger_writes(world, client, sent.reference)  # the digest: only a reader of the mail
    assert _log(a) == ["E-mail received from stranger@evil.example: Betalingsregeling"]
