"""A 14-day letter that never went out is sent again from the item that reports it
(letters8): a fresh letter, dated the day it goes out, with its own costs term (art. 6:96
lid 6 BW: fourteen days from the day after receipt), once however often asked, and the item
closes. Through the API (``POST …/actions/{id}/send-again``) and the console's decision, with
the rights of the daily work: a reader may not.

The letter by post, planned Thu 4-12-2025, refused by the print provider until the outbox gave
up (its term cleared). Sent again on Thu 11-12: posted then, two postal delivery days to Sat
13-12, day 14 Sat 27-12, extended past the weekend (Atw) to Mon 29-12: costs from Tue 30-12."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from shared.domain.messaging import Channel, OutboxStatus
from shared.domain.people.authorisation import Role
from shared.domain.records import ActionItem, ActionStatus
from tests.unit.console.conftest import csrf_of, desk_for, forms_of
from tests.unit.dunning.test_fourteen_day_letter_sent_late import BASE, _mornings, _Refusing, _world
from tests.unit.messaging.provider_away import retried_until_given_up

THURSDAY_11 = datetime(2025, 12, 11, 9, 0, tzinfo=UTC)


def _failed_letter(world):
    a, client = _world(
        world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01", letter_by="letter"
    )
    messaging = world.services.messaging
    senders = messaging.senders
    messaging.senders = {**senders, Channel.LETTER: _Refusing()}
    _mornings(world, client, date(2025, 12, 4), date(2025, 12, 4))  # planned Thu 4-12
    [(message, _)] = messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    retried_until_given_up(world, lambda: messaging.deliver(client.client_id, message.key))
    assert messaging.outbox.get(client.client_id, message.key)[0].status is OutboxStatus.FAILED
    messaging.senders = senders  # the print provider is back
    [item] = [i for i in a.call("GET", "/v1/clients/C1/actions").body["items"]
              if i["kind"] == "delivery_failure"]  # fmt: skip
    return a, client, message, item["action_id"]


def _letters(world, client):
    return world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")


def _deliver_queued(world):
    for job in world.services.messaging.queues.take("send-letter"):
        body = json.loads(job.body)
        world.services.messaging.deliver(body["client_id"], body["key"])


def test_a_failed_letter_is_sent_again_once_with_its_own_term(world):
    a, client, failed, action_id = _failed_letter(world)
    world.clock.at = THURSDAY_11
    reply = a.call("POST", f"/v1/clients/C1/actions/{action_id}/send-again")
    assert reply.status == 200, reply.body
    assert reply.body["status"] == "resolved"
    assert reply.body["resolution"].startswith("14-day letter sent again for F1")
    _deliver_queued(world)
    letters = {m.key: m for m, _ in _letters(world, client)}
    assert len(letters) == 2
    [again] = [m for k, m in letters.items() if k != failed.key]
    assert again.status is OutboxStatus.SENT and again.extra["planned_on"] == "2025-12-11"
    assert again.sent_at == THURSDAY_11 and again.extra["again_of"] == failed.key
    # its own term, counted by hand from the day it was posted
    claim = a.call("GET", f"{BASE}/F1/claim", on="2025-12-29").body
    assert claim["costs_owed_from"] == "2025-12-30" and claim["open"]["costs"] == "0.00"
    assert a.call("GET", f"{BASE}/F1/claim", on="2025-12-30").body["open"]["costs"] == "150.00"
    # the text as sent names the day it went out and the costs date
    text = world.services.messaging.content(client.client_id, again.key).text
    assert "Datum: 11-12-2025" in text and "Kosten vanaf 30-12-2025" in text
    # the step after it counts from it: F1 took the letter's step on 11-12
    inv = world.services.repos.invoices.get(client.client_id, "F1").invoice
    assert inv.dunning_step == 0 and inv.dunning_step_on == date(2025, 12, 11)
    # asked again (a second click, a retry): nothing more is sent
    assert a.call("POST", f"/v1/clients/C1/actions/{action_id}/send-again").status == 409
    _deliver_queued(world)
    assert len(list(_letters(world, client))) == 2


def test_sending_again_after_a_lost_answer_writes_no_second_letter(world):
    # the letter was written, the answer lost before the item closed: the retry finishes it
    a, client, _, action_id = _failed_letter(world)
    world.clock.at = THURSDAY_11
    decisions = world.services.request_decisions
    original = decisions._resolve
    decisions._resolve = lambda *args: (_ for _ in ()).throw(TimeoutError("lost"))
    try:
        a.call("POST", f"/v1/clients/C1/actions/{action_id}/send-again")
    except TimeoutError:
        pass
    decisions._resolve = original
    assert len(list(_letters(world, client))) == 2
    reply = a.call("POST", f"/v1/clients/C1/actions/{action_id}/send-again")
    assert reply.status == 200 and reply.body["status"] == "resolved"
    _deliver_queued(world)
    assert len(list(_letters(world, client))) == 2


def test_a_letter_that_went_out_is_not_sent_again(world):
    a, client = _world(world, datetime(2025, 12, 15, 6, 0, tzinfo=UTC), "2025-12-22")
    _mornings(world, client, date(2025, 12, 22), date(2025, 12, 27))
    [(message, _)] = _letters(world, client)
    assert message.status is OutboxStatus.SENT
    world.services.repos.actions.add(ActionItem(
        client.client_id, "df-1", "delivery_failure", "email to debtor D1 failed: x",
        world.clock.now(), detail={"key": message.key},
    ))  # fmt: skip
    reply = a.call("POST", "/v1/clients/C1/actions/df-1/send-again")
    assert reply.status == 422 and "the 14-day letter is sent" in str(reply.body), reply.body
    assert len(list(_letters(world, client))) == 1


def test_the_console_offers_it_on_the_item_to_staff_and_not_to_a_reader(world):
    _, client, _, action_id = _failed_letter(world)
    world.clock.at = THURSDAY_11
    reader = desk_for(world, Role.READ_ONLY, client.client_id, "r@c1.example")
    page = reader.get(f"/actions/{action_id}")
    refused = reader.post(f"/actions/{action_id}",
                          {"csrf": csrf_of(page), "do": "send-letter-again"})  # fmt: skip
    assert refused.status == 403
    assert len(list(_letters(world, client))) == 1
    staff = desk_for(world, Role.CLIENT_STAFF, client.client_id, "s@c1.example")
    page = staff.get(f"/actions/{action_id}")
    [form] = [f for f in forms_of(page) if 'value="send-letter-again"' in f]
    assert "Veertiendagenbrief opnieuw versturen" in form
    fields = {"csrf": csrf_of(page), "do": "send-letter-again"}
    done = staff.post(f"/actions/{action_id}", fields)
    assert done.status == 303 and "done=dec_done" in done.headers["Location"]
    item = world.services.repos.actions.get(client.client_id, action_id)[0]
    assert item.status is ActionStatus.RESOLVED
    assert len(list(_letters(world, client))) == 2
    assert staff.post(f"/actions/{action_id}", fields).status == 409  # once
    after = staff.get(f"/actions/{action_id}")
    assert not any('value="send-letter-again"' in f for f in forms_of(after))
    assert len(list(_letters(world, client))) == 2


def test_no_send_again_is_offered_when_the_letters_invoices_are_settled(world):
    """review console8 #7: after every invoice of the letter was credited the button was still
    offered, and ended in a refusal."""
    a, client, message, action_id = _failed_letter(world)
    world.clock.at = THURSDAY_11
    for number in message.invoice_numbers:
        reply = a.call("POST", f"/v1/clients/C1/invoices/{number}/credit")
        assert reply.status in (200, 201), reply.body
    staff = desk_for(world, Role.CLIENT_STAFF, client.client_id, "s@c1.example")
    page = staff.get(f"/actions/{action_id}")
    assert page.status == 200
    assert not any('value="send-letter-again"' in f for f in forms_of(page))
