"""Editing a running workflow keeps every debtor in flight at the step it took (failure8 #5).

The daily-run fixture (Herinnering e-mail, SMS, 14-day letter, Bellen): D1's reminder e-mail
goes out 17-3 (its 14-day letter 29-3). Staff then insert, remove or reorder steps through the
API (PUT without step ids, as a client that predates them would) and activate: each step
reaches each invoice once, and none after the invoice's place is skipped. A step keeps its id
(``Step.step_id``); the invoice remembers the ids it took (``Invoice.dunning_trail``); the
outbox key names the step by id, so a message of a removed step is never mistaken for the
step now at its old place."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date
from typing import Any, cast

from tests.unit.dunning.test_daily_run import WORKFLOW, engine, simulate  # noqa: F401

FRIENDLY = {"name": "Vriendelijk", "channel": "email", "offset_days": 3,
            "templates": {"nl": "t-reminder"}}  # fmt: skip


def _edit(world, steps):
    flow = {**copy.deepcopy(WORKFLOW), "steps": steps}
    a = world.agency_a
    assert a.call("PUT", "/v1/clients/C1/workflows/particulier", flow).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200


def _steps() -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], copy.deepcopy(WORKFLOW["steps"]))


def _d1(log):
    return [(d, ch) for d, ch, debtor, _ in log if debtor == "D1"]


def _one_message_per_step(world, client):
    outbox = world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    per_step = Counter(m.key.rsplit("|", 2)[1] for m, _ in outbox)
    assert per_step and set(per_step.values()) == {1}, per_step


def test_a_step_put_in_front_is_not_sent_to_a_debtor_past_it(engine):  # noqa: F811
    world, client = engine
    assert _d1(simulate(world, client, 16)) == [(date(2025, 3, 17), "email")]
    _edit(world, [FRIENDLY, *copy.deepcopy(WORKFLOW["steps"])])
    # the SMS 5 days after the reminder, the letter 7 after it: as without the edit
    assert _d1(simulate(world, client, 30)) == [(date(2025, 3, 22), "sms"),
                                                 (date(2025, 3, 29), "letter")]  # fmt: skip
    _one_message_per_step(world, client)


def test_a_step_put_in_front_after_the_letter_sends_nothing_again(engine):  # noqa: F811
    world, client = engine
    simulate(world, client, 30)  # reminder 17-3, SMS 22-3, 14-day letter 29-3
    _edit(world, [FRIENDLY, *copy.deepcopy(WORKFLOW["steps"])])
    assert _d1(simulate(world, client, 40)) == []  # Bellen is a task, no message
    _one_message_per_step(world, client)


def test_removing_the_step_a_debtor_took_keeps_the_next_one(engine):  # noqa: F811
    world, client = engine
    simulate(world, client, 16)  # reminder 17-3
    _edit(world, copy.deepcopy(WORKFLOW["steps"][1:]))
    # the SMS now stands first, where the reminder stood: its messages are by step id, so the
    # reminder's message is not taken for it (it went out the next morning: 5 days from the
    # due date have passed)
    assert [ch for _, ch in _d1(simulate(world, client, 30))] == ["sms", "letter"]
    _one_message_per_step(world, client)


def test_reordering_moves_the_debtor_with_the_step_it_took(engine):  # noqa: F811
    world, client = engine
    simulate(world, client, 16)  # reminder 17-3
    herinnering, sms, letter, bellen = _steps()
    _edit(world, [herinnering, letter, sms, bellen])
    # after the reminder now comes the 14-day letter (7 days after it), then the SMS
    assert _d1(simulate(world, client, 30)) == [(date(2025, 3, 24), "letter"),
                                                 (date(2025, 3, 29), "sms")]  # fmt: skip
    _one_message_per_step(world, client)


def test_a_step_the_debtor_took_moved_behind_it_is_not_sent_again(engine):  # noqa: F811
    world, client = engine
    simulate(world, client, 16)  # reminder 17-3 (SMS due 22-3)
    herinnering, sms, letter, bellen = _steps()
    first = {**sms, "offset_from": "due_date", "offset_days": 1}  # due at once, standing first
    _edit(world, [first, letter, herinnering, bellen])
    # the reminder (taken) moved behind: the debtor stands there; the SMS in front of it is
    # past it, nothing is sent twice; but the 14-day letter it never got comes before the
    # steps after it (codereview16b F1: no step after the letter without one), 7 days after
    # the reminder
    assert _d1(simulate(world, client, 30)) == [(date(2025, 3, 24), "letter")]
    _one_message_per_step(world, client)


def test_a_step_moved_in_front_of_where_the_debtor_stands_is_past_it(engine):  # noqa: F811
    world, client = engine
    simulate(world, client, 21)  # reminder 17-3, SMS 22-3
    herinnering, sms, letter, bellen = _steps()
    _edit(world, [herinnering, letter, sms, bellen])
    # D1 stands at the SMS it took (now third): the SMS is not sent again (by its number D1
    # stood at the second step, and got the third, the SMS, once more); the 14-day letter
    # moved in front of it is not skipped as another step there would be (README, Dunning):
    # a debtor without a letter gets it before any step after it (codereview16b F1), once
    assert _d1(simulate(world, client, 30)) == [(date(2025, 3, 29), "letter")]
    _one_message_per_step(world, client)
