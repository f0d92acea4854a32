"""codereview15 F4: a WhatsApp START wrote its "opt-in received" line before the debtor's save.
When the save lost to a concurrent writer and the START then no longer applied (his STOP of
9:06 came meanwhile), the contact log, the record of consent given and withdrawn (AVG art. 7),
said consent came back for a debtor who stays stopped. The line follows the winning save; a
delivery cut off between the save and the line leaves it to the redelivery, which writes it
once (keyed by Meta's message id)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shared.ports.tables import PreconditionFailed
from tests.unit.api.conftest import world  # noqa: F401
from tests.unit.messaging.test_delivery import env  # noqa: F401
from tests.unit.messaging.test_whatsapp_last_word import _with_consent
from tests.unit.messaging.test_whatsapp_start_per_client import NUMBER, _consent

T1 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 3, 3, 9, 5, tzinfo=UTC)
T3 = datetime(2026, 3, 3, 9, 6, tzinfo=UTC)


def _opt_ins(service: Any, client_id: str) -> list[str]:
    log, _ = service.repos.contacts.for_debtor(client_id, "D1")
    return [e.summary for e in log if "opt-in" in e.summary]


def test_a_start_that_lost_to_a_later_stop_leaves_no_opt_in_line(
    env: Any,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, service = _with_consent(env)
    service.whatsapp_inbound(NUMBER, "STOP", at=T1, message_id="wamid.1")
    real = service.repos.debtors.save
    left = {"n": 1}

    def save(debtor: Any, etag: Any = None, *args: Any, **kw: Any) -> Any:
        if left["n"] and debtor.whatsapp_stopped_on is None and debtor.whatsapp_word_at == T2:
            left["n"] -= 1
            # meanwhile his STOP of 9:06 arrives (another worker), and the row moved
            service.whatsapp_inbound(NUMBER, "STOP", at=T3, message_id="wamid.3")
            raise PreconditionFailed("the row changed meanwhile")
        return real(debtor, etag, *args, **kw)

    monkeypatch.setattr(service.repos.debtors, "save", save)
    service.whatsapp_inbound(NUMBER, "START", at=T2, message_id="wamid.2")
    assert not _consent(a, "C1")  # his last word is STOP
    assert _opt_ins(service, env[1].client_id) == []  # and his log says no consent came back


def test_a_start_cut_off_after_its_save_gets_its_line_from_the_redelivery_once(
    env: Any,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, service = _with_consent(env)
    service.whatsapp_inbound(NUMBER, "STOP", at=T1, message_id="wamid.1")
    real = service.repos.contacts.add
    cut = {"n": 1}

    def add(entry: Any, *args: Any, **kw: Any) -> Any:
        if cut["n"] and "opt-in" in entry.summary:
            cut["n"] -= 1
            raise RuntimeError("the worker died after the save")
        return real(entry, *args, **kw)

    monkeypatch.setattr(service.repos.contacts, "add", add)
    with pytest.raises(RuntimeError):
        service.whatsapp_inbound(NUMBER, "START", at=T2, message_id="wamid.2")
    assert _consent(a, "C1")  # the save was made
    client_id = env[1].client_id
    assert _opt_ins(service, client_id) == []
    for _ in range(2):  # Meta delivers again, twice
        service.whatsapp_inbound(NUMBER, "START", at=T2, message_id="wamid.2")
    assert _opt_ins(service, client_id) == [
        "WhatsApp opt-in received (START): WhatsApp messages again"
    ]


def test_a_start_with_nothing_to_lift_writes_no_line_on_redelivery(env: Any) -> None:  # noqa: F811
    a, service = _with_consent(env)
    service.whatsapp_inbound(NUMBER, "STOP", at=T1, message_id="wamid.1")
    service.whatsapp_inbound(NUMBER, "START", at=T2, message_id="wamid.2")
    later = datetime(2026, 3, 3, 9, 10, tzinfo=UTC)
    service.whatsapp_inbound(NUMBER, "START", at=later, message_id="wamid.4")  # nothing to lift
    service.whatsapp_inbound(NUMBER, "START", at=later, message_id="wamid.4")
    assert _consent(a, "C1")
    assert len(_opt_ins(service, env[1].client_id)) == 1
