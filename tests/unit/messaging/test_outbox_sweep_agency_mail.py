"""The outbox sweep looks at an agency's own outbox too: an agency person's invitation or
password reset is written under ``@agency.<id>`` (people.kit.scope_of), not under a client, and
the sweep read only clients' partitions: one whose job's queue send failed (a 503 after its
record) stayed PENDING for ever, the invitee never mailed (codereview20 F6)."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.messaging import OutboxStatus
from shared.domain.scopes import agency_scope
from shared.services.outbox_sweep import GIVE_UP_KIND


def _lost_mail(world: Any, monkeypatch: Any) -> str:
    queues = world.services.messaging.queues
    real = queues.send

    def busy(queue: str, body: str, *a: Any, **kw: Any) -> Any:
        raise RuntimeError("injected: 503 ServerBusy on the queue")

    monkeypatch.setattr(queues, "send", busy)
    with pytest.raises(RuntimeError):
        world.services.people.kit.mail_to(
            "@agency.agency-a", "new@agency.example", "nl", "Uitnodiging", "Welkom", key="inv-1"
        )
    monkeypatch.setattr(queues, "send", real)
    return "inv-1"


def test_an_agency_persons_mail_whose_job_was_lost_is_queued_again(world, monkeypatch):  # type: ignore[no-untyped-def]
    key = _lost_mail(world, monkeypatch)
    messaging, sweep = world.services.messaging, world.services.outbox_sweep
    assert messaging.outbox.get("@agency.agency-a", key)[0].status is OutboxStatus.PENDING
    assert messaging.queues.take("send-email") == []
    world.clock.advance(minutes=31)
    assert sweep.run().queued == 1
    [job] = messaging.queues.take("send-email")
    assert key in job.body


def test_one_that_never_goes_is_on_the_agencys_action_list(world, monkeypatch):  # type: ignore[no-untyped-def]
    _lost_mail(world, monkeypatch)
    sweep = world.services.outbox_sweep
    for _ in range(sweep.rules.give_up_after + 1):
        world.clock.advance(minutes=31)
        sweep.run()
        world.services.messaging.queues.take("send-email")  # lost again
    items, _ = world.services.repos.actions.list(agency_scope("agency-a"))
    assert [i.kind for i in items if i.kind == GIVE_UP_KIND] == [GIVE_UP_KIND]
