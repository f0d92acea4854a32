"""A 14-day letter waiting in the outbox stays a 14-day letter whatever staff do to the
workflow meanwhile (failure8 #1): the run writes on the message what it is (its mark, step
name and template); its failure takes off the costs term it set, and its late sending re-dates
it, also when a step was put in front of it or its step was replaced."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.messaging import Channel, OutboxStatus
from tests.unit.dunning.test_fourteen_day_letter_sent_late import (
    BASE,
    _mornings,
    _Refusing,
    _world,
)
from tests.unit.messaging.provider_away import retried_until_given_up

FRIENDLY = {"name": "Vriendelijk", "channel": "email", "offset_days": 1,
            "templates": {"nl": "t-reminder"}}  # fmt: skip
BELLEN = {"name": "Bellen", "channel": "staff_task", "offset_days": 40,
          "offset_from": "previous_step"}  # fmt: skip


def _letter(name: str, letter_by: str) -> dict[str, object]:
    return {"name": name, "channel": "fourteen_day_letter", "offset_days": 3,
            "letter_by": letter_by, "templates": {"nl": "t-14"}}  # fmt: skip


def _edit(a, steps) -> None:
    assert a.call("PUT", "/v1/clients/C1/workflows/w", {"name": "W", "steps": steps}).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200


# a reminder put in front of the letter's step; or the letter's step replaced by another
# (another name: a new step, the letter's own is gone from the workflow)
EDITS = {
    "step in front": lambda by: [FRIENDLY, _letter("Veertiendagenbrief", by), BELLEN],
    "step replaced": lambda by: [FRIENDLY, _letter("Laatste brief", by), BELLEN],
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_held_letter_is_dated_for_the_day_it_goes_out_after_an_edit(world, edit):
    a, client = _world(world, datetime(2025, 12, 15, 6, 0, tzinfo=UTC), "2025-12-22")
    _mornings(world, client, date(2025, 12, 22), date(2025, 12, 26))  # planned Thu 25-12, held
    [(message, _)] = world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    _edit(a, EDITS[edit]("email"))
    _mornings(world, client, date(2025, 12, 27), date(2025, 12, 27))
    sent, _ = world.services.messaging.outbox.get(client.client_id, message.key)
    assert sent.status is OutboxStatus.SENT
    # as without the edit: received Sat 27-12, costs from Tue 13-1 (Atw)
    text = world.services.messaging.content(client.client_id, message.key).text
    assert "Datum: 27-12-2025" in text and "Kosten vanaf 13-01-2026" in text
    claim = a.call("GET", f"{BASE}/F1/claim", on="2026-01-12").body
    assert claim["costs_owed_from"] == "2026-01-13" and claim["open"]["costs"] == "0.00"


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_letter_never_sent_after_an_edit_starts_no_costs_term(world, edit):
    a, client = _world(
        world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01", letter_by="letter"
    )
    messaging = world.services.messaging
    messaging.senders = {**messaging.senders, Channel.LETTER: _Refusing()}
    _mornings(world, client, date(2025, 12, 4), date(2025, 12, 4))  # planned Thu 4-12
    [(message, _)] = messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    _edit(a, EDITS[edit]("letter"))
    retried_until_given_up(world, lambda: messaging.deliver(client.client_id, message.key))
    failed, _ = messaging.outbox.get(client.client_id, message.key)
    assert failed.status is OutboxStatus.FAILED
    claim = a.call("GET", f"{BASE}/F1/claim", on="2026-02-01").body
    assert claim.get("costs_owed_from") is None and claim["open"]["costs"] == "0.00"
    items = [i["title"] for i in a.call("GET", "/v1/clients/C1/actions").body["items"]
             if i["kind"] == "delivery_failure"]  # fmt: skip
    assert len(items) == 1 and "costs term is cleared" in items[0]


def test_a_letter_queued_before_the_mark_existed_is_found_by_its_step(world):
    """A letter queued before this release has no mark: its key names its step by the number
    it had, which is the id its step was given; an edit through the editor keeps that id."""
    from dataclasses import replace

    a, client = _world(
        world, datetime(2025, 12, 1, 6, 0, tzinfo=UTC), "2025-12-01", letter_by="letter"
    )
    messaging = world.services.messaging
    messaging.senders = {**messaging.senders, Channel.LETTER: _Refusing()}
    _mornings(world, client, date(2025, 12, 4), date(2025, 12, 4))
    [(message, etag)] = messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    assert message.key.startswith("dun|D1|w|0|")  # the letter is the workflow's first step
    old = {
        k: v
        for k, v in message.extra.items()
        if k not in ("fourteen_day_letter", "step_name", "template")
    }
    messaging.outbox.save(replace(message, extra=old), etag)
    _edit(a, EDITS["step in front"]("letter"))
    retried_until_given_up(world, lambda: messaging.deliver(client.client_id, message.key))
    claim = a.call("GET", f"{BASE}/F1/claim", on="2026-02-01").body
    assert claim.get("costs_owed_from") is None and claim["open"]["costs"] == "0.00"
