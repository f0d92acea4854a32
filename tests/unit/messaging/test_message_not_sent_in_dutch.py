"""The outbox sweep's ``message_not_sent`` item is on the client's action list, which a Dutch
credit manager reads in Dutch: its title stood there in English ("A reminder by sms to debtor
D1 has not gone out: its job was queued 3 times ...", codereview20 F2), as the other items'
did before words9b and cm18 F10."""

from __future__ import annotations

from typing import Any

import pytest

from shared.api.console.action_text import title
from shared.services.outbox_sweep import _WHAT, GIVE_UP_KIND
from tests.unit.dunning.test_robocall_not_reached_fallback import _items, calling  # noqa: F401
from tests.unit.messaging.test_outbox_sweep import _busy_call_whose_sms_job_is_lost


def test_the_swept_message_left_to_staff_reads_in_dutch(calling, monkeypatch):  # noqa: F811
    world, _ = _busy_call_whose_sms_job_is_lost(calling, monkeypatch)
    sweep = world.services.outbox_sweep
    for _ in range(sweep.rules.give_up_after + 1):
        world.clock.advance(minutes=31)
        sweep.run()
        world.services.messaging.queues.take("send-sms")  # the jobs are lost again
    (item,) = [i for i in _items(world) if i["kind"] == GIVE_UP_KIND]
    assert title(item["title"], "nl") == (
        "Een herinnering per sms aan debiteur D1 is niet uitgegaan: de taak is 3 keer opnieuw "
        "in de wachtrij gezet en het bericht wacht nog; kijk in de wachtrij send-sms en haar "
        "poison-wachtrij, verstuur het dan opnieuw of handel dit punt af"
    )
    assert title(item["title"], "en") == item["title"]


@pytest.mark.parametrize(
    ("what", "said"),
    [("payment-plan message", "Een bericht over de regeling"), ("letter", "Een brief"),
     ("message", "Een bericht")],
)  # fmt: skip
def test_every_kind_of_message_reads_in_dutch(what: str, said: Any) -> None:
    english = (
        f"A {what} by email to debtor D-7 has not gone out: its job was queued 4 times and the "
        "message is still waiting; check the send-email queue and its poison queue, then send "
        "it again or resolve this item"
    )
    assert title(english, "nl").startswith(f"{said} per e-mail aan debiteur D-7 is niet uitgegaan")


def test_each_word_the_sweep_writes_has_its_dutch() -> None:
    for what in set(_WHAT.values()):
        english = (
            f"A {what} by letter to debtor D-7 has not gone out: its job was queued 3 times and "
            "the message is still waiting; check the send-letter queue and its poison queue, "
            "then send it again or resolve this item"
        )
        assert title(english, "nl").endswith("verstuur het dan opnieuw of handel dit punt af")
