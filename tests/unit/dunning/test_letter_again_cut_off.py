"""failure15b Q4: a failed 14-day letter sent again (POST .../actions/{id}/send-again), the
request cut off after the new letter was written and queued, before its step was recorded
(the worker dies at the next storage write, `_take_step`'s). The queued letter goes out (the
send-letter queue does not wait for the request); the person's retry then finds it SENT.

The story of tests/unit/dunning/test_fourteen_day_letter_sent_again.py: letter planned Thu
4-12-2025, refused by the print provider until the outbox gave up; sent again on Thu 11-12.
Uncut: F1's 14-day step taken on 11-12 (`dunning_step_on`), so the next step ("Bellen", 40
days after the previous step) counts from the letter that actually went out."""

from __future__ import annotations

from datetime import date

import pytest

import shared.services.letter_again as letter_again
from tests.support.faults import SimulatedCrash
from tests.unit.dunning.test_fourteen_day_letter_sent_again import (
    THURSDAY_11,
    _deliver_queued,
    _failed_letter,
    _letters,
)
from tests.unit.dunning.test_fourteen_day_letter_sent_late import _mornings


def test_a_send_again_cut_before_its_step_is_recorded_records_it_on_the_retry(world, monkeypatch):
    a, client, _, action_id = _failed_letter(world)
    before = world.services.repos.invoices.get(client.client_id, "F1").invoice
    world.clock.at = THURSDAY_11
    real = letter_again._take_step
    cut = {"left": 1}

    def dies_once(*args, **kwargs):
        if cut["left"]:
            cut["left"] -= 1
            raise SimulatedCrash("worker died at _take_step's first write")
        return real(*args, **kwargs)

    monkeypatch.setattr(letter_again, "_take_step", dies_once)
    try:
        a.call("POST", f"/v1/clients/C1/actions/{action_id}/send-again")
    except SimulatedCrash:
        pass
    _deliver_queued(world)  # the queued letter goes out meanwhile
    reply = a.call("POST", f"/v1/clients/C1/actions/{action_id}/send-again")  # the retry
    _deliver_queued(world)
    assert len(list(_letters(world, client))) == 2
    inv = world.services.repos.invoices.get(client.client_id, "F1").invoice
    assert (reply.status, reply.body.get("status"), inv.dunning_step, inv.dunning_step_on) == (
        200,
        "resolved",
        0,
        date(2025, 12, 11),
    ), (before.dunning_step_on, reply.status, reply.body)


def _next_step_day(world, monkeypatch, cut: bool) -> date | None:
    a, client, _, action_id = _failed_letter(world)
    world.clock.at = THURSDAY_11
    real = letter_again._take_step
    left = {"n": 1 if cut else 0}

    def dies_once(*args, **kwargs):
        if left["n"]:
            left["n"] -= 1
            raise SimulatedCrash("worker died at _take_step's first write")
        return real(*args, **kwargs)

    monkeypatch.setattr(letter_again, "_take_step", dies_once)
    try:
        a.call("POST", f"/v1/clients/C1/actions/{action_id}/send-again")
    except SimulatedCrash:
        pass
    _deliver_queued(world)
    a.call("POST", f"/v1/clients/C1/actions/{action_id}/send-again")
    _deliver_queued(world)
    repos = world.services.repos
    for n in range(60):
        day_ = date(2025, 12, 12).toordinal() + n
        d = date.fromordinal(day_)
        _mornings(world, client, d, d)
        if repos.invoices.get(client.client_id, "F1").invoice.dunning_step == 1:
            return d
    return None


@pytest.mark.parametrize("cut", [False, True])
def test_the_step_after_the_letter_sent_again_counts_from_it(world, monkeypatch, cut):
    # uncut: "Bellen" 40 days after the letter of 11-12-2025: 20-1-2026
    assert _next_step_day(world, monkeypatch, cut) == date(2026, 1, 20)
