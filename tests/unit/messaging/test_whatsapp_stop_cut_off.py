"""failure15b Q7: a debtor's WhatsApp STOP (or START) whose webhook is cut off at its
contact-log line (the worker dies there); Meta delivers the webhook again (a 500 is retried).
The redelivery applies the last word again ("finishes what a crash cut off"), and so must
write the line the cut lost, once. Before the fix the STOP's redelivery found the debtor
stopped and broke off before the log (no opt-out line); START had the same shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import world  # noqa: F401
from tests.unit.messaging.test_delivery import env  # noqa: F401
from tests.unit.messaging.test_whatsapp_last_word import _with_consent
from tests.unit.messaging.test_whatsapp_start_per_client import NUMBER, _consent

T1 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 3, 3, 9, 5, tzinfo=UTC)
STOP_LINE = "WhatsApp opt-out received (STOP): no more WhatsApp messages"
START_LINE = "WhatsApp opt-in received (START): WhatsApp messages again"


def _notes(service, client_id):
    return [e.summary for e in service.repos.contacts.for_debtor(client_id, "D1")[0]
            if "opt-" in e.summary]  # fmt: skip


def _dies_once_at(service, monkeypatch, marker: str, cut: bool) -> None:
    real = service.repos.contacts.add
    left = {"n": 1 if cut else 0}

    def dies_at_the_log(entry):
        if left["n"] and marker in entry.summary:
            left["n"] -= 1
            raise SimulatedCrash("worker died at the contact-log write")
        return real(entry)

    monkeypatch.setattr(service.repos.contacts, "add", dies_at_the_log)


def _delivered_twice(service, word: str, at: datetime, message_id: str) -> None:
    try:
        service.whatsapp_inbound(NUMBER, word, at=at, message_id=message_id)
    except SimulatedCrash:
        pass
    service.whatsapp_inbound(NUMBER, word, at=at, message_id=message_id)  # Meta again


@pytest.mark.parametrize("cut", [False, True])
def test_a_stop_cut_at_its_log_line_is_logged_on_redelivery(env, monkeypatch, cut):  # noqa: F811
    a, service = _with_consent(env)
    client_id = env[1].client_id
    _dies_once_at(service, monkeypatch, "opt-out", cut)
    _delivered_twice(service, "STOP", T1, "wamid.1")
    assert not _consent(a, "C1")
    assert _notes(service, client_id) == [STOP_LINE]  # once: the delivery again adds none


@pytest.mark.parametrize("cut", [False, True])
def test_a_start_cut_at_its_log_line_is_logged_on_redelivery(env, monkeypatch, cut):  # noqa: F811
    a, service = _with_consent(env)
    client_id = env[1].client_id
    service.whatsapp_inbound(NUMBER, "STOP", at=T1, message_id="wamid.1")
    _dies_once_at(service, monkeypatch, "opt-in", cut)
    _delivered_twice(service, "START", T2, "wamid.2")
    assert _consent(a, "C1")
    assert sorted(_notes(service, client_id)) == [START_LINE, STOP_LINE]  # each once


def test_a_stop_delivered_again_later_after_its_line_logs_it_once(env, monkeypatch):  # noqa: F811
    """failure18 F4: the STOP's line written, then the webhook failed (a later write, another
    debtor on the number) and Meta delivered it again a minute on: the line, keyed by the word
    but dated by the delivery's clock, met no Conflict and was written twice."""
    a, service = _with_consent(env)
    client_id = env[1].client_id
    real = service.repos.contacts.add
    left = {"n": 1}

    def written_then_cut(entry):
        real(entry)
        if left["n"] and "opt-out" in entry.summary:
            left["n"] -= 1
            raise SimulatedCrash("the invocation failed after the line")

    monkeypatch.setattr(service.repos.contacts, "add", written_then_cut)
    with pytest.raises(SimulatedCrash):
        service.whatsapp_inbound(NUMBER, "STOP", at=T1, message_id="wamid.1")
    env[0].clock.at += timedelta(minutes=1)
    service.whatsapp_inbound(NUMBER, "STOP", at=T1, message_id="wamid.1")  # Meta again
    assert not _consent(a, "C1")
    assert _notes(service, client_id) == [STOP_LINE]
