"""heldplan31: the daily dunning run holds a client with no bank account of its own, but its
payment plans' letters went on: the agreement (with its schedule PDF), the installment
reminders and a postponement's new schedule told the debtor to pay into another party's
proven account (or none). They now wait, with the hold's one item, and go out once the
client's own account is registered."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from shared.api.console.action_text import title as title_words
from shared.domain.parties import Agency
from shared.domain.records import ActionStatus
from shared.services.dunning_account_hold import KIND, release_hold
from shared.services.onboarding import register_agency
from tests.unit.api.conftest import client_iban
from tests.unit.plans.test_plan_service import BASE, make, run_day, seeded

THIRD_PARTY = "NL91ABNA0417164300"  # agency B's own account, registered for C1 before B's


def _without_own_account(world):
    """C1 of ``seeded`` whose only account is agency B's proven third-party account."""
    world, client = seeded(world)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [{"number": "C1", "ibans": [THIRD_PARTY]}]})
    register_agency(world.services.repos, Agency("agency-b", "B", THIRD_PARTY))
    a.call("PUT", "/v1/clients/C1/plan-rules", {"reminder_offset_days": -3})
    return world, client


def _sent(world) -> list[str]:
    return [json.loads(m.body)["key"] for m in world.services.messaging.queues.take("send-email")]


def _items(world, client, status: ActionStatus) -> list[str]:
    listed, _ = world.services.repos.actions.list(client.client_id, status=status, kind=KIND)
    return [i.title for i in listed]


def _register_own_account(world) -> None:
    update = {"items": [{"number": "C1", "ibans": [client_iban("C1")]}]}
    assert world.agency_a.call("POST", "/v1/clients", update).status in (200, 207)


def test_the_agreement_and_reminder_wait_for_the_clients_own_account(world):
    world, client = _without_own_account(world)
    a = world.agency_a
    plan_id = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    assert _sent(world) == []
    [title] = _items(world, client, ActionStatus.OPEN)
    assert "no bank account of its own" in title
    assert title_words(title, "nl").startswith(
        "Opdrachtgever C1 heeft geen eigen bankrekening: elk IBAN dat voor haar is geregistreerd"
    )
    timeline = json.dumps(world.services.plans.timeline(client, plan_id), default=str)
    assert "agreement: not sent, the client has no bank account of its own" in timeline
    # the reminder three days before the first installment waits too; one item all along
    assert run_day(world, date(2026, 1, 28)) == []
    assert len(_items(world, client, ActionStatus.OPEN)) == 1

    _register_own_account(world)
    sent = run_day(world, date(2026, 1, 29))
    assert sent == [f"plan|{plan_id}|agreement", f"plan|{plan_id}|remind|1@2026-01-31"]
    content = world.services.messaging.content(client.client_id, sent[1]).text
    entries = world.services.plans.timeline(client, plan_id)
    agreed = [e for e in json.loads(json.dumps(entries, default=str)) if "Agreement with" in str(e)]
    assert len(agreed) == 1 and "queued" in str(agreed[0]), agreed
    assert client_iban("C1") in content and THIRD_PARTY not in content
    assert run_day(world, date(2026, 1, 30)) == []  # each once


def test_a_postponements_new_schedule_waits_for_it(world):
    world, _ = seeded(world)
    a = world.agency_a
    plan_id = make(a).body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    assert _sent(world) == [f"plan|{plan_id}|agreement"]
    a.call("POST", "/v1/clients", {"items": [{"number": "C1", "ibans": [THIRD_PARTY]}]})
    register_agency(world.services.repos, Agency("agency-b", "B", THIRD_PARTY))
    world.clock.at = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
    moved = a.call("POST", f"{BASE}/{plan_id}/installments/2/postpone",
                   {"to": "2026-03-15", "shift_later": False})  # fmt: skip
    assert moved.status == 200, moved.body
    assert _sent(world) == []
    assert run_day(world, date(2026, 1, 21)) == []  # kept daily while held

    _register_own_account(world)
    [schedule] = run_day(world, date(2026, 1, 22))
    assert schedule.startswith(f"plan|{plan_id}|schedule|")


def test_a_direct_debit_plan_is_refused_its_activation(world):
    """Its collections would go to no account of the client's: refused (creditor_of, iban28),
    with a code the console words; nothing is sent."""
    world, _ = _without_own_account(world)
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-26", installments=2).body["plan_id"]
    mandate = {"mandate_id": "MND-D1-1", "signed_on": "2026-01-05", "iban": client_iban("D1"),
               "name": "Debtor D1"}  # fmt: skip
    assert a.call("PUT", f"{BASE}/{plan_id}/mandate", mandate).status == 200
    a.call("PUT", "/v1/clients/C1/plan-rules", {"creditor_id": "NL69ZZZ123456780000"})
    refused = a.call("POST", f"{BASE}/{plan_id}/activate")
    assert refused.status == 409, refused.body
    assert refused.body["error"]["details"][0]["code"] == "plan_no_client_iban"
    assert _sent(world) == []


def _held_entries(world, client, plan_id) -> list[str]:
    entries = world.services.plans.timeline(client, plan_id)
    return [str(e["text"]) for e in entries if e["kind"] == "message_held"]


def test_the_not_sent_entry_is_written_once_per_hold(world):
    """leftover32: every look while held added another "not sent" entry (a plan held for
    weeks had one a day); now one per notice and hold, and a later hold writes its own."""
    world, client = _without_own_account(world)
    a = world.agency_a
    plan_id = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    for day in (26, 27, 28, 29, 30):
        assert run_day(world, date(2026, 1, day)) == []
    held = _held_entries(world, client, plan_id)
    assert held.count("agreement: not sent, the client has no bank account of its own") == 1
    assert len(held) == len(set(held)) == 2, held  # the agreement and the first reminder

    _register_own_account(world)
    assert run_day(world, date(2026, 1, 31)) != []
    # the daily dunning run ends the hold: its marks go with it, a later hold logs anew
    repos, mark = world.services.repos, f"held_logged|{plan_id}|agreement"
    assert repos.dunning.marked(client.client_id, mark)
    release_hold(repos, client, world.clock.now())
    assert not repos.dunning.marked(client.client_id, mark)
