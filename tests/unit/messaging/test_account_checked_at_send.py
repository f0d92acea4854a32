"""outbox31: a reminder or a plan's reminder written while the client's account was its own
waited in the outbox (contact hours); meanwhile another party proved that account (agency B
registered it as its third-party account). It went out all the same, telling the debtor to pay
into B's account. It is checked again when it is handled: closed unsent, the reason on the
debtor's contact log, the hold's one ``no_bank_account`` item; a dunning message's invoices go
back a step, so the (held) run takes it again with the client's own account.

Cost: the record keeps the account it named; the check reads that account's owner row (the
client's proven account: one read), else the client and its ``debtor_account`` (a pending
account: two), and a process trusts "still its own" for half a minute."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from shared.adapters.tables.banking_repo import AccountOwner
from shared.domain.messaging import OutboxStatus
from shared.domain.parties import Agency
from shared.domain.records import ActionStatus
from shared.services.dunning_account_hold import KIND
from shared.services.messaging import CANCELLED, NOT_OWN, NOT_SENT
from shared.services.named_account import NAMED_ACCOUNT, OwnAccounts, not_own
from shared.services.onboarding import register_agency
from tests.unit.api.conftest import client_iban
from tests.unit.conversations.test_by_hand import BASE, env  # noqa: F401
from tests.unit.dunning.test_reminder_recheck import SEND_AT, planned  # noqa: F401
from tests.unit.plans.test_plan_reminder_checked_at_send import KEY, _queued
from tests.unit.plans.test_plan_service import plans  # noqa: F401

GONE = "the client has no bank account of its own"


def _proven_by_agency_b(world) -> None:
    """Agency B registers C1's account as its own third-party account: B's, proven."""
    register_agency(world.services.repos, Agency("agency-b", "B", client_iban("C1")))


def _items(world, client, status: ActionStatus = ActionStatus.OPEN) -> list[str]:
    listed, _ = world.services.repos.actions.list(client.client_id, status=status, kind=KIND)
    return [i.title for i in listed]


def _logged(world, client, words: str) -> list[str]:
    entries = world.services.repos.contacts.between(client.client_id)
    return [c.summary for c in entries if words in c.summary]


def test_a_reminder_whose_account_another_party_proved_is_not_sent(planned):  # noqa: F811
    world, client, key = planned
    messaging = world.services.messaging
    written = messaging.outbox.get(client.client_id, key)[0]
    assert written.extra[NAMED_ACCOUNT] == client_iban("C1")  # kept when it was written
    _proven_by_agency_b(world)
    world.clock.at = SEND_AT
    assert messaging.deliver(client.client_id, key) == "cancelled"
    record = messaging.outbox.get(client.client_id, key)[0]
    assert record.status is OutboxStatus.FAILED and record.extra[NOT_SENT] == NOT_OWN
    assert json.loads(record.extra[CANCELLED]) == []  # none re-planned: the run waits
    assert record.error == (
        "niet verstuurd: de opdrachtgever heeft geen eigen bankrekening; de stap wacht daarop"
    )
    assert messaging.queues.take("send-email") == []
    [title] = _items(world, client)
    assert "has no bank account of its own" in title
    # its invoices back a step: the held run sends nothing, and the item stays one
    stored = world.services.repos.invoices.get(client.client_id, "F1").invoice
    assert stored.dunning_step is None or stored.dunning_step < 0, stored.dunning_step
    world.clock.at = SEND_AT + timedelta(days=1)
    world.services.dunning.run_client(client.client_id, date(2025, 3, 18))
    assert messaging.queues.take("send-email") == []
    # redelivered: nothing sent, logged or raised again
    assert messaging.deliver(client.client_id, key) == "done"
    assert len(_logged(world, client, "geen eigen bankrekening")) == 1
    assert len(_items(world, client)) == 1


def test_the_step_goes_again_with_the_clients_own_account(planned):  # noqa: F811
    world, client, key = planned
    messaging = world.services.messaging
    _proven_by_agency_b(world)
    world.clock.at = SEND_AT
    assert messaging.deliver(client.client_id, key) == "cancelled"
    own = client_iban("C1-own")
    update = {"items": [{"number": "C1", "ibans": [own]}]}
    assert world.agency_a.call("POST", "/v1/clients", update).status in (200, 207)
    world.clock.at = SEND_AT + timedelta(days=1)
    world.services.dunning.run_client(client.client_id, date(2025, 3, 18))
    [job] = messaging.queues.take("send-email")
    again = json.loads(job.body)["key"]
    assert again != key
    assert messaging.outbox.get(client.client_id, again)[0].extra[NAMED_ACCOUNT] == own
    assert messaging.deliver(client.client_id, again) == "sent"
    assert own in messaging.content(client.client_id, again).text
    assert _items(world, client) == []
    assert len(_items(world, client, ActionStatus.RESOLVED)) == 1


def test_a_message_of_a_sandbox_client_is_not_held(planned):  # noqa: F811
    world, client, key = planned
    clients = world.services.repos.clients
    stored, etag = clients.get(client.client_id)
    clients.save(replace(stored, sandbox=True), etag)
    _proven_by_agency_b(world)
    world.clock.at = SEND_AT
    assert world.services.messaging.deliver(client.client_id, key) == "sent"
    assert _items(world, client) == []
    sandboxed = replace(world.services.messaging.outbox.get(client.client_id, key)[0],
                        sandbox_of="d1@example.test")  # fmt: skip
    assert not_own(world.services.repos, sandboxed, dunning=True) is None


def test_an_old_reminder_without_its_account_is_held_when_the_client_has_none(planned):  # noqa: F811
    """Written before the account was kept on the record: what it named is not known, so it
    goes only while the client has an account of its own."""
    world, client, key = planned
    messaging = world.services.messaging
    record, etag = messaging.outbox.get(client.client_id, key)
    extra = {k: v for k, v in record.extra.items() if k != NAMED_ACCOUNT}
    messaging.outbox.save(replace(record, extra=extra), etag)
    old = messaging.outbox.get(client.client_id, key)[0]
    assert not_own(world.services.repos, old, dunning=True) is None  # its account still pending
    assert not_own(world.services.repos, old, dunning=False) is None  # no dunning: not looked at
    _proven_by_agency_b(world)
    world.clock.at = SEND_AT
    assert messaging.deliver(client.client_id, key) == "cancelled"
    assert len(_items(world, client)) == 1


def test_the_normal_path_costs_at_most_two_reads_and_none_when_trusted(planned):  # noqa: F811
    world, client, key = planned
    repos = world.services.repos
    store = repos.store
    record = world.services.messaging.outbox.get(client.client_id, key)[0]

    def reads(check) -> int:
        before = store.requests
        assert check() is None
        return int(store.requests - before)

    # pending (nobody proved it yet): its owner row, then the client (its only account known)
    assert reads(lambda: not_own(repos, record, dunning=True)) == 2
    repos.banking.claim_account(AccountOwner(client_iban("C1"), client.agency_id, client.client_id))
    # proven by the client itself: its owner row only
    assert reads(lambda: not_own(repos, record, dunning=True)) == 1
    trusted = OwnAccounts()
    assert reads(lambda: trusted.not_own(repos, record, SEND_AT, dunning=True)) == 1
    assert reads(lambda: trusted.not_own(repos, record, SEND_AT, dunning=True)) == 0
    later = SEND_AT + timedelta(seconds=31)
    assert reads(lambda: trusted.not_own(repos, record, later, dunning=True)) == 1
    world.clock.at = SEND_AT
    assert world.services.messaging.deliver(client.client_id, key) == "sent"


def test_a_plan_reminder_whose_account_another_party_proved_is_not_sent(plans):  # noqa: F811
    world, client = plans
    plan_id = _queued(world)
    key = KEY.format(plan_id)
    messaging = world.services.messaging
    assert messaging.outbox.get(client.client_id, key)[0].extra[NAMED_ACCOUNT] == client_iban("C1")
    _proven_by_agency_b(world)
    world.clock.at = datetime(2026, 1, 29, 14, 0, tzinfo=UTC)
    assert messaging.deliver(client.client_id, key) == "not sent"
    record = messaging.outbox.get(client.client_id, key)[0]
    assert record.status is OutboxStatus.FAILED and record.error == GONE
    assert messaging.deliver(client.client_id, key) == "done"  # redelivered: nothing again
    assert _logged(world, client, GONE) == [f"email not sent: {GONE}"]
    assert len(_items(world, client)) == 1
    timeline = world.services.plans.plans.timeline(client.client_id, plan_id)
    assert [e["text"] for e in timeline if e["kind"] == "reminder_not_sent"] == [
        f"Reminder for installment 1 not sent: {GONE}"
    ]


def test_the_reasons_read_in_dutch() -> None:
    from shared.api.console.action_text import title
    from shared.api.console.contact_text import summary

    assert summary(f"email not sent: {GONE}", "nl") == (
        "E-mail niet verstuurd: de opdrachtgever heeft geen eigen bankrekening"
    )
    assert summary("letter not sent: the account it names is no longer the client's", "nl") == (
        "Brief niet verstuurd: de rekening erin is niet meer die van de opdrachtgever"
    )
    assert title(
        "sms to debtor D1 not sent: the account it names is no longer the client's; send the "
        "payment-plan message again with the client's own account",
        "nl",
    ) == (
        "sms aan debiteur D1 niet verstuurd: de rekening erin is niet meer die van de "
        "opdrachtgever; verstuur een bericht over de regeling opnieuw met de eigen rekening van "
        "de opdrachtgever"
    )


def test_a_letter_sent_again_keeps_the_account_it_names(world):
    """Every dunning message keeps it (written by ``DunningService._send``): a failed 14-day
    letter sent again by a person, then checked like the run's own when the print batch takes
    it."""
    from shared.services.dunning import AGAIN_OF
    from tests.unit.dunning.test_fourteen_day_letter_sent_again import (
        THURSDAY_11,
        _deliver_queued,
        _failed_letter,
        _letters,
    )

    a, client, _, action_id = _failed_letter(world)
    world.clock.at = THURSDAY_11
    assert a.call("POST", f"/v1/clients/C1/actions/{action_id}/send-again").status == 200
    [again] = [m for m, _ in _letters(world, client) if AGAIN_OF in m.extra]
    assert again.extra[NAMED_ACCOUNT] == client_iban("C1")
    _proven_by_agency_b(world)
    _deliver_queued(world)
    record = world.services.messaging.outbox.get(client.client_id, again.key)[0]
    assert record.status is OutboxStatus.FAILED and record.extra[NOT_SENT] == NOT_OWN
    assert len(_items(world, client)) == 1


def test_a_message_by_hand_naming_the_account_is_checked_too(env):  # noqa: F811
    """Staff's SMS "Maak over naar {{ client.iban }}" keeps the account; one that asks nothing
    keeps none and goes whatever happens to it."""
    world, api, client_id = env
    path = f"{BASE}/debtors/D1/messages"
    for body in ("Maak over naar {{ client.iban }}.", "Wij hebben uw brief ontvangen."):
        assert api.call("POST", path, {"channel": "sms", "body": body}).status == 202
    messaging = world.services.messaging
    jobs = [json.loads(j.body)["key"] for j in messaging.queues.take("send-sms")]
    records = [messaging.outbox.get(client_id, key)[0] for key in jobs]
    assert [r.extra.get(NAMED_ACCOUNT) for r in records] == [client_iban("C1"), None]
    _proven_by_agency_b(world)
    assert [messaging.deliver(client_id, key) for key in jobs] == ["not sent", "sent"]
    client = world.services.repos.clients.get(client_id)[0]
    assert _logged(world, client, GONE) == [f"sms not sent: {GONE}"]
    assert len(_items(world, client)) == 1


def test_a_plan_reminder_of_a_client_with_another_own_account_asks_a_person(plans):  # noqa: F811
    """The client registered an account of its own besides the one B proved: not held, but the
    reminder names B's; not sent, and a person is asked to send it again."""
    world, client = plans
    plan_id = _queued(world)
    key = KEY.format(plan_id)
    own = client_iban("C1-own")
    update = {"items": [{"number": "C1", "ibans": [own]}]}
    assert world.agency_a.call("POST", "/v1/clients", update).status in (200, 207)
    _proven_by_agency_b(world)
    world.clock.at = datetime(2026, 1, 29, 14, 0, tzinfo=UTC)
    messaging = world.services.messaging
    assert messaging.deliver(client.client_id, key) == "not sent"
    assert messaging.outbox.get(client.client_id, key)[0].error == (
        "the account it names is no longer the client's"
    )
    assert _items(world, client) == []
    listed, _ = world.services.repos.actions.list(client.client_id, kind="delivery_failure")
    assert [i.title for i in listed] == [
        "email to debtor D1 not sent: the account it names is no longer the client's; send the "
        "payment-plan message again with the client's own account"
    ]
