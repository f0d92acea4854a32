"""law11 #5: a debtor who died, went bankrupt or entered the WSNP was dunned as any other.
Now his standing, set by staff with its day, holds the daily run (nothing sent, no costs),
tells staff what is theirs to do, stops a ruling's interest (art. 128 Fw), closes the portal,
and, lifted, lets the workflow resume at its own pace from that day."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

from shared.domain.people.audit import Event
from shared.domain.people.authorisation import Action, action_for_request
from tests.unit.dunning.test_daily_run import WORKFLOW, engine, simulate  # noqa: F401

URL = "/v1/clients/C1/debtors/D1/standing"


def _set(world, body, status=200):
    reply = world.agency_a.call("POST", URL, body)
    assert reply.status == status, reply.body
    return reply.body


def test_a_bankrupt_debtor_is_sent_nothing_and_staff_are_told_to_file(engine):  # noqa: F811
    world, client = engine

    def bankrupt(today):
        if today == date(2025, 3, 18):  # the day after the first reminder
            body = _set(world, {"standing": "bankrupt", "since": "2025-03-18"})
            assert (body["standing"], body["since"], body["confirmed"]) == (
                "bankrupt", "2025-03-18", True,
            )  # fmt: skip

    log = simulate(world, client, 40, bankrupt)
    d1 = [(d, ch) for d, ch, debtor, _ in log if debtor == "D1"]
    assert d1 == [(date(2025, 3, 17), "email")]  # no SMS, no 14-day letter after the ruling
    assert [ch for _, ch, debtor, _ in log if debtor == "D2"] == ["email", "sms", "letter"]
    stored = world.services.repos.invoices.get(client.client_id, "F1").invoice
    assert stored.costs_owed_from is None  # no letter, no costs term
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    told = [x for x in items if x["kind"] == "debtor_standing"]
    assert len(told) == 1 and "curator" in told[0]["title"], told
    assert not [x for x in items if x["kind"] == "staff_task" and x.get("debtor") == "D1"]
    assert world.agency_a.call("GET", "/v1/clients/C1/debtors/D1").body["standing"] == "bankrupt"
    entries, _ = world.services.repos.contacts.for_debtor(client.client_id, "D1", page_size=500)
    assert any("Standing set: bankrupt since 2025-03-18" in e.summary for e in entries)
    audit = world.services.people.kit.people.audit
    events = [e for e in audit.between(f"client:{client.client_id}", "0", "z")
              if e.event is Event.DEBTOR_STANDING_CHANGED]  # fmt: skip
    assert [(e.subject, e.detail["before"], e.detail["after"]) for e in events] == [
        ("D1", "normal", "bankrupt since 2025-03-18")
    ]


def test_lifted_the_workflow_resumes_at_its_pace_not_all_at_once(engine):  # noqa: F811
    world, client = engine

    def standing(today):
        if today == date(2025, 3, 18):
            _set(world, {"standing": "deceased", "since": "2025-03-16"})
        if today == date(2025, 4, 20):  # a mistake: another man of that name died
            lifted = _set(world, {"standing": "normal", "reason": "mistake"})
            assert lifted["standing"] == "normal" and lifted["lift_reason"] == "mistake"

    log = simulate(world, client, 60, standing)
    d1 = [(d, ch) for d, ch, debtor, _ in log if debtor == "D1"]
    # the SMS (due 22-3) and the letter (due 29-3) fell in the standing: from the lift the
    # SMS, then the letter the workflow's seven days later, not on consecutive mornings
    assert d1 == [
        (date(2025, 3, 17), "email"),
        (date(2025, 4, 20), "sms"),
        (date(2025, 4, 27), "letter"),
    ], d1


def test_a_ruling_stops_the_interest_from_its_day(engine):  # noqa: F811
    world, _ = engine
    a = world.agency_a
    world.clock.at = world.clock.at.replace(year=2025, month=4, day=2)
    _set(world, {"standing": "wsnp", "since": "2025-04-01"})

    def interest(number, on):
        got = a.call("GET", f"/v1/clients/C1/invoices/{number}/claim", on=on).body
        return got["open"]["interest"]

    # consumer interest (6:119) for the days 11-3 .. 31-3 and not one day after
    assert interest("F1", "2025-09-01") == interest("F1", "2025-04-01") != "0.00"
    assert interest("F3", "2025-09-01") > interest("F3", "2025-04-01")  # D2: runs on
    # a deceased debtor's estate owes the interest: it runs on (a death over a ruling in force
    # is refused, law15b #2: the ruling recorded in error is lifted as a mistake first)
    _set(world, {"standing": "normal", "reason": "mistake"})
    _set(world, {"standing": "deceased", "since": "2025-04-01"})
    assert interest("F1", "2025-09-01") > interest("F1", "2025-04-01")
    _set(world, {"standing": "bankrupt", "since": "2025-04-01"})
    assert interest("F1", "2025-09-01") == interest("F1", "2025-04-01")
    _set(world, {"standing": "normal", "reason": "mistake"})  # never so: it runs as never set
    assert interest("F1", "2025-09-01") > interest("F1", "2025-04-01")


def test_setting_the_standing_is_an_admins_act_and_says_its_day(engine):  # noqa: F811
    assert action_for_request("POST", URL) is Action.MANAGE_SETTLEMENTS
    world, _ = engine
    a = world.agency_a
    plain = a.as_key(a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"])
    assert plain.call("POST", URL, {"standing": "bankrupt", "since": "2025-03-01"}).status == 403
    assert plain.call("GET", URL).status == 200
    refused = _set(world, {"standing": "bankrupt"}, status=422)
    assert refused["error"]["details"][0]["code"] == "standing_no_day", refused
    future = _set(world, {"standing": "bankrupt", "since": "2025-03-04"}, 422)
    assert future["error"]["details"][0]["code"] == "standing_day_in_future", future
    assert (
        world.agency_b.call("POST", URL, {"standing": "wsnp", "since": "2025-03-01"}).status == 404
    )


def test_a_push_of_the_debtor_keeps_his_standing(engine):  # noqa: F811
    world, client = engine
    from tests.unit.api.conftest import debtor_row

    _set(world, {"standing": "deceased", "since": "2025-03-01"})
    pushed = world.agency_a.call(
        "POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan de Vries sr")]}
    )
    assert pushed.status in (200, 207), pushed.body
    debtor = world.services.repos.debtors.get(client.client_id, "D1")[0]
    assert debtor.name == "Jan de Vries sr" and debtor.standing is not None
    assert debtor.standing.in_force


def test_lifted_steps_counted_from_the_due_date_keep_their_gaps(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    fixed: dict[str, Any] = copy.deepcopy(WORKFLOW)
    fixed["steps"] = fixed["steps"][:3]
    fixed["steps"][1].update(offset_days=12, offset_from="due_date")
    fixed["steps"][2].update(offset_days=19, offset_from="due_date")
    assert a.call("PUT", "/v1/clients/C1/workflows/particulier", fixed).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200

    def standing(today):
        if today == date(2025, 3, 18):
            _set(world, {"standing": "bankrupt", "since": "2025-03-18"})
        if today == date(2025, 4, 20):
            _set(world, {"standing": "normal", "reason": "mistake"})

    log = simulate(world, client, 60, standing)
    d1 = [(d, ch) for d, ch, debtor, _ in log if debtor == "D1"]
    # both fell due in the standing; from the lift seven days apart, as 12 and 19 days are
    assert d1 == [
        (date(2025, 3, 17), "email"),
        (date(2025, 4, 20), "sms"),
        (date(2025, 4, 27), "letter"),
    ], d1


def test_a_reminder_waiting_when_the_standing_is_set_is_closed_unsent(engine):  # noqa: F811
    world, client = engine
    services = world.services
    world.clock.at = world.clock.at.replace(month=3, day=17, hour=7)
    services.dunning.run_client(client.client_id, date(2025, 3, 17))
    jobs = [json.loads(j.body) for j in services.messaging.queues.take("send-email")]
    waiting = [j["key"] for j in jobs if j["key"].startswith("dun|D1|")]
    assert waiting, jobs  # planned this morning, not delivered yet (contact hours, a retry)
    _set(world, {"standing": "bankrupt", "since": "2025-03-17"})
    services.messaging.deliver(client.client_id, waiting[0])
    record, _ = services.messaging.outbox.get(client.client_id, waiting[0])
    assert record.status.value == "failed" and "debiteur failliet" in (record.error or ""), record
