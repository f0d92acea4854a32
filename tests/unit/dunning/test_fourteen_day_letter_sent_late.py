"""A 14-day letter's costs term follows the letter that actually went out (law7 F6,
failure7 #1 and #2; art. 6:96 lid 6 BW, HR 25-11-2016 ECLI:NL:HR:2016:2704: fourteen days
from the day after receipt).

- An e-mailed letter the contact window holds back (Christmas, King's Day) counts from the
  day it is sent, and its text states that day's date and costs date.
- A letter whose sending failed (the provider refused until the outbox gave up) starts no
  term at all."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from shared.domain.messaging import Channel, OutboxStatus, SendResult, TransientSendError
from shared.services.messaging import MailboxLimits
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import FOURTEEN, SEEN, TEMPLATES, day
from tests.unit.messaging.provider_away import retried_until_given_up

BASE = "/v1/clients/C1/invoices"
# the letter's own date and the day from which costs are owed, as the debtor reads them
DATED = FOURTEEN + " Datum: {{ letter_date|date }}. Kosten vanaf {{ costs_owed_from|date }}."


def _world(world, start: datetime, due: str, letter_by: str = "email"):
    SEEN.clear()
    a = world.agency_a
    world.clock.at = start
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    dated = {"language": "nl", "subject": "Veertiendagenbrief", "text": DATED,
             "fourteen_day_letter": True}  # fmt: skip
    for tid, body in {**TEMPLATES, "t-14": dated}.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{tid}", body).status == 200
    workflow = {"name": "W", "steps": [
        {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 3,
         "letter_by": letter_by, "templates": {"nl": "t-14"}},
        {"name": "Bellen", "channel": "staff_task", "offset_days": 40,
         "offset_from": "previous_step"}]}  # fmt: skip
    assert a.call("PUT", "/v1/clients/C1/workflows/w", workflow).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    a.call("POST", BASE, {"items": [invoice_row("F1", "D1", amount="1000.00",
                                                invoice_date="2025-11-01", due_date=due)]})  # fmt: skip
    return a, world.services.access.client_for(world.services.access.authenticate(a.key), "C1")


def _mornings(world, client, first: date, last: date) -> None:
    for n in range((last - first).days + 1):
        world.clock.at = datetime(first.year, first.month, first.day, 6, 0, tzinfo=UTC)
        world.clock.advance(days=n)
        day(world, client)


def test_an_emailed_letter_held_over_christmas_counts_from_the_day_it_went_out(world):
    a, client = _world(world, datetime(2025, 12, 15, 6, 0, tzinfo=UTC), "2025-12-22")
    # planned Thu 25-12 (Christmas: no contact), held to Sat 27-12 07:00
    _mornings(world, client, date(2025, 12, 22), date(2025, 12, 29))
    [(message, _)] = world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    assert message.status is OutboxStatus.SENT and message.extra["planned_on"] == "2025-12-25"
    assert message.sent_at == datetime(2025, 12, 27, 6, 0, tzinfo=UTC)
    # by hand: received Sat 27-12, day 14 Sat 10-1-2026 -> Atw: Mon 12-1; costs from Tue 13-1
    claim = a.call("GET", f"{BASE}/F1/claim", on="2026-01-12").body
    assert claim["costs_owed_from"] == "2026-01-13" and claim["open"]["costs"] == "0.00"
    assert a.call("GET", f"{BASE}/F1/claim", on="2026-01-13").body["open"]["costs"] == "150.00"
    # the e-mail as sent states the day it went out and the right costs date
    text = world.services.messaging.content(client.client_id, message.key).text
    assert "Datum: 27-12-2025" in text and "Kosten vanaf 13-01-2026" in text


def test_an_emailed_letter_held_over_kings_day_counts_from_the_next_day(world):
    a, client = _world(world, datetime(2026, 4, 15, 6, 0, tzinfo=UTC), "2026-04-24")
    # planned Mon 27-4 (King's Day), sent Tue 28-4: day 14 Tue 12-5, costs from Wed 13-5
    _mornings(world, client, date(2026, 4, 24), date(2026, 4, 29))
    claim = a.call("GET", f"{BASE}/F1/claim", on="2026-05-12").body
    assert claim["costs_owed_from"] == "2026-05-13" and claim["open"]["costs"] == "0.00"


class _Refusing:
    """A print provider that answers every attempt with a 503."""

    name = "pingen"
    can_look_up = False

    def send(self, message, content):
        raise TransientSendError("Pingen answered 503: Service Unavailable")

    def look_up(self, message):
        return None


def test_a_letter_whose_sending_failed_starts_no_costs_term(world):
    a, client = _world(
        world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01", letter_by="letter"
    )
    messaging = world.services.messaging
    messaging.senders = {**messaging.senders, Channel.LETTER: _Refusing()}
    _mornings(world, client, date(2025, 12, 4), date(2025, 12, 4))  # planned Thu 4-12
    [(message, _)] = messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    assert a.call("GET", f"{BASE}/F1/claim").body["costs_owed_from"] is not None
    retried_until_given_up(world, lambda: messaging.deliver(client.client_id, message.key))
    failed, _ = messaging.outbox.get(client.client_id, message.key)
    assert failed.status is OutboxStatus.FAILED
    claim = a.call("GET", f"{BASE}/F1/claim", on="2026-02-01").body
    assert claim.get("costs_owed_from") is None and claim["open"]["costs"] == "0.00"
    items = [i["title"] for i in a.call("GET", "/v1/clients/C1/actions").body["items"]
             if i["kind"] == "delivery_failure"]  # fmt: skip
    assert len(items) == 1 and "was never sent" in items[0] and "costs term is cleared" in items[0]


def test_a_poisoned_letter_has_no_term_until_replayed_and_then_that_days(world):
    a, client = _world(
        world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01", letter_by="letter"
    )
    services = world.services
    world.clock.at = datetime(2025, 12, 4, 6, 0, tzinfo=UTC)  # Thu 4-12: the letter is planned
    services.dunning.fan_out()
    for job in services.messaging.queues.take("dunning-run"):
        body = json.loads(job.body)
        services.dunning.run_client(body["client_id"], date.fromisoformat(body["date"]))
    [job] = services.messaging.queues.take("send-letter")  # the worker never gets it done
    services.messaging.drain_poison(Channel.LETTER, job.body.encode())
    [(message, _)] = services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    assert message.status is OutboxStatus.FAILED
    claim = a.call("GET", f"{BASE}/F1/claim", on="2026-02-01").body
    assert claim.get("costs_owed_from") is None and claim["open"]["costs"] == "0.00"
    [item], _ = services.repos.actions.list(client.client_id, kind="poison")
    assert "costs term is cleared" in item.detail["note"]
    # the operator replays it a week later (Thu 11-12); posted then, two delivery days to
    # Sat 13-12, day 14 Sat 27-12 -> Atw: Mon 29-12, costs from 30-12
    world.clock.at = datetime(2025, 12, 11, 9, 0, tzinfo=UTC)
    services.poison.replay(client.client_id, item.action_id, "operator")
    for job in services.messaging.queues.take("send-letter"):
        body = json.loads(job.body)
        services.messaging.deliver(body["client_id"], body["key"])
    sent, _ = services.messaging.outbox.get(client.client_id, message.key)
    assert sent.status is OutboxStatus.SENT and sent.extra["dated_on"] == "2025-12-11"
    claim = a.call("GET", f"{BASE}/F1/claim", on="2025-12-29").body
    assert claim["costs_owed_from"] == "2025-12-30" and claim["open"]["costs"] == "0.00"


def test_a_bounce_of_a_letter_sent_late_clears_the_term_it_was_sent_with(world):
    a, client = _world(world, datetime(2025, 12, 15, 6, 0, tzinfo=UTC), "2025-12-22")
    _mornings(world, client, date(2025, 12, 22), date(2025, 12, 27))
    [(message, _)] = world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    assert a.call("GET", f"{BASE}/F1/claim").body["costs_owed_from"] == "2026-01-13"
    world.clock.at = datetime(2025, 12, 28, 9, 0, tzinfo=UTC)
    assert world.services.messaging.record_status(
        message.provider, message.provider_id, OutboxStatus.BOUNCED, "550 5.1.1 unknown"
    )
    claim = a.call("GET", f"{BASE}/F1/claim", on="2026-02-01").body
    assert claim.get("costs_owed_from") is None and claim["open"]["costs"] == "0.00"


class _Mailbox:
    """The client's own mailbox (bound by its day limit, unlike the outbox fallback)."""

    name = "graph"
    can_look_up = False

    def send(self, message, content):
        return SendResult(self.name, f"mail-{message.key}")

    def look_up(self, message):
        return None


def test_an_emailed_letter_waiting_days_for_the_mailbox_is_dated_once_it_goes(world):
    a, client = _world(world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01")
    messaging = world.services.messaging
    messaging.senders = {**messaging.senders, Channel.EMAIL: _Mailbox()}
    messaging.limits = MailboxLimits(per_day=0)  # the client's mailbox used its days
    # planned Thu 4-12, still waiting on Fri 5-12 (dated again, held again), sent Sat 6-12
    _mornings(world, client, date(2025, 12, 4), date(2025, 12, 5))
    messaging.limits = MailboxLimits()
    _mornings(world, client, date(2025, 12, 6), date(2025, 12, 6))
    [(message, _)] = messaging.outbox.with_prefix(client.client_id, "dun|D1|")  # no re-plan
    assert message.status is OutboxStatus.SENT and message.extra["dated_on"] == "2025-12-06"
    # received Sat 6-12, day 14 Sat 20-12 -> Mon 22-12, costs from Tue 23-12 (from 4-12: 19-12)
    assert a.call("GET", f"{BASE}/F1/claim").body["costs_owed_from"] == "2025-12-23"
    text = messaging.content(client.client_id, message.key).text
    assert "Datum: 06-12-2025" in text and "Kosten vanaf 23-12-2025" in text
