"""failure5 finding 4: the send-time re-check of a waiting reminder compares what the ledger
claim holds, not only the invoice row. A payment that went wholly to interest or costs (art.
6:44 BW: costs, interest, then principal) never reaches the invoice row, and a costs term
taken off after the 14-day letter did not arrive (art. 6:96 lid 6 BW) changes the claim too:
either way the reminder rendered before is closed unsent and rendered again for what is open.
Fixture: ``test_reminder_recheck.py``, with a business debtor (commercial interest) and a
template that states the total."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from shared.domain.messaging import OutboxStatus
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import TEMPLATES, WORKFLOW
from tests.unit.dunning.test_reminder_recheck import RUN_AT, deliver, record

REMINDER: dict[str, object] = {
    "language": "nl",
    "subject": "Herinnering {% for i in invoices %}{{ i.number }} {% endfor %}",
    "text": "Beste {{ debtor.name }}, totaal te betalen: {{ total|money }}.",
}


def _planned(world, costs_owed_from=None):
    """D1 (a business) gets its first reminder for F1 500.00, overdue since 20-01: commercial
    interest (art. 6:119a BW) is owed; planned at 06:00 and waiting for the contact hours."""
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [
        debtor_row("D1", name="De Vries BV", kind="b2b")]})  # fmt: skip
    for template_id, body in {**TEMPLATES, "t-reminder": REMINDER}.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/particulier", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    rules = {"rules": [{"workflow": "particulier"}]}
    assert a.call("PUT", "/v1/clients/C1/segment-rules", rules).status == 200
    r = a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="500.00", invoice_date="2025-01-01", due_date="2025-01-20"),
    ]})  # fmt: skip
    assert r.body["created"] == 1, r.body
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    services = world.services
    if costs_owed_from is not None:
        stored = services.repos.invoices.get(client.client_id, "F1")
        services.repos.invoices.save(
            replace(stored.invoice, costs_owed_from=costs_owed_from), stored
        )
    world.clock.at = RUN_AT
    assert services.dunning.run_client(client.client_id, date(2025, 3, 17)).steps == 1
    [job] = services.messaging.queues.take("send-email")
    body = json.loads(job.body)
    assert services.messaging.deliver(body["client_id"], body["key"]) == "deferred"
    services.messaging.queues.take("send-email")
    assert record(world, client, body["key"]).status is OutboxStatus.PENDING
    return world, client, body["key"]


def _sent_text(world, client, results, key):
    [(other, outcome)] = [(k, v) for k, v in results.items() if k != key]
    assert outcome == "sent"
    return world.services.messaging.content(client.client_id, other).text


@pytest.mark.parametrize("paid", [500, 20_000], ids=["to_interest_only", "reaches_principal"])
def test_a_payment_to_interest_alone_renders_the_reminder_again(world, paid):
    world, client, key = _planned(world)
    before = world.services.messaging.content(client.client_id, key).text
    pay = world.services.payments.book(
        client, payment_id="ideal-1", amount=paid, received_on=date(2025, 3, 17),
        source=PaymentSource.MOLLIE, invoice_numbers=["F1"],
    )  # fmt: skip
    if paid == 500:  # all of it to the commercial interest: the invoice row does not move
        assert not pay.allocations or {x.component for x in pay.allocations} == {"interest"}
    results = deliver(world, client, key)
    # main: 'sent' with the total before the payment
    assert results[key] == "cancelled"
    assert record(world, client, key).status is OutboxStatus.FAILED
    after = _sent_text(world, client, results, key)
    assert after != before and "totaal te betalen" in after


def test_an_unchanged_claim_sends_the_reminder_as_rendered(world):
    world, client, key = _planned(world)
    assert deliver(world, client, key) == {key: "sent"}


def test_a_costs_term_taken_off_renders_the_reminder_again(world):
    world, client, key = _planned(world, costs_owed_from=date(2025, 2, 20))
    stored = world.services.repos.invoices.get(client.client_id, "F1")
    # the 14-day letter did not reach the debtor: its costs term is taken off (what
    # letter_undelivered.undo_costs_term writes)
    world.services.repos.invoices.save(replace(stored.invoice, costs_owed_from=None), stored)
    results = deliver(world, client, key)
    assert results[key] == "cancelled"  # main: 'sent', demanding the costs
    assert _sent_text(world, client, results, key)
