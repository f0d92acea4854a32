"""A provider's report reaches the one client whose message it is (attack20 F1).

The outbox key names no client: the starter workflow ("standaard", the same step ids) at
agency A's client and agency B's client, each with debtor D-1001 and invoice 2026-0001, made
the same key and so the same reference, which Graph and CM report under. OutboxRefs keeps one
row per provider id: the second send overwrote the first's, and a bounce of B's reminder was
booked on A's record (its detail, B's debtor's address, on A's record, log and action list)
while B's record stayed "sent". A new record's reference names its client now; a record
written before keeps the reference its provider holds."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from shared.domain.messaging import Channel, OutboundMessage, OutboxStatus
from shared.services.dunning_starter import save_starter
from tests.unit.api.conftest import client_row, debtor_row, invoice_row


def _client(world, api, domain):  # type: ignore[no-untyped-def]
    api.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email=f"f@{domain}")]})
    debtor = debtor_row("D-1001", name="Jansen, P.", emails=[f"p.jansen@{domain}"])
    assert api.call("POST", "/v1/clients/C1/debtors", {"items": [debtor]}).body["created"] == 1
    client = world.services.access.client_for(world.services.access.authenticate(api.key), "C1")
    save_starter(world.services.repos, client.client_id)
    invoice = invoice_row("2026-0001", "D-1001", amount="121.00", invoice_date="2026-10-01",
                          due_date="2026-10-15")  # fmt: skip
    assert api.call("POST", "/v1/clients/C1/invoices", {"items": [invoice]}).status == 200
    return client


def _reminders(world):  # type: ignore[no-untyped-def]
    services = world.services
    services.dunning.fan_out()
    for job in [json.loads(j.body) for j in services.messaging.queues.take("dunning-run")]:
        services.dunning.run_client(job["client_id"], date.fromisoformat(job["date"]))
    for job in services.messaging.queues.take("send-email"):
        body = json.loads(job.body)
        services.messaging.deliver(body["client_id"], body["key"])


def test_a_bounce_of_one_agencys_reminder_stays_off_the_other_agencys_record(world):  # type: ignore[no-untyped-def]
    world.clock.at = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
    a = _client(world, world.agency_a, "a-client.example")
    b = _client(world, world.agency_b, "b-client.example")
    _reminders(world)
    outbox = world.services.messaging.outbox
    [(mine, _)] = outbox.with_prefix(a.client_id, "dun|")
    [(theirs, _)] = outbox.with_prefix(b.client_id, "dun|")
    assert mine.key == theirs.key  # the keys still name no client
    assert mine.reference != theirs.reference
    assert outbox.by_provider_id(theirs.provider or "", theirs.provider_id or "") == (
        b.client_id, theirs.key,
    )  # fmt: skip
    # the provider reports B's reminder bounced: B's record, and only B's, hears it
    world.services.messaging.record_status(
        theirs.provider or "", theirs.provider_id or "", OutboxStatus.BOUNCED,
        "550 5.1.1 <p.jansen@b-client.example>: user unknown",
    )  # fmt: skip
    assert outbox.get(b.client_id, theirs.key)[0].status is OutboxStatus.BOUNCED
    kept = outbox.get(a.client_id, mine.key)[0]
    assert kept.status is OutboxStatus.SENT and kept.error is None
    items, _ = world.services.repos.actions.list(a.client_id)
    assert not [i for i in items if "b-client" in i.title]


def test_a_record_written_before_keeps_the_reference_its_provider_holds():
    old = OutboundMessage("cl1", "dun|D-1001|standaard|0|52fe", Channel.SMS, "D-1001", "+316",
                          datetime(2026, 11, 1, tzinfo=UTC))  # fmt: skip
    assert old.reference == "inn-dun|D-1001|standaard|0|52fe"
