"""failure9 #2: Meta delivers a webhook again (a POST answered 500 is retried for days) and
documents duplicates. A START delivered again after a later STOP gave consent back, and a STOP
delivered again after a later START took it away: the debtor's last word, by the moment he sent
it, counts; a word sent before it changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.unit.api.conftest import world  # noqa: F401
from tests.unit.messaging.test_delivery import env  # noqa: F401
from tests.unit.messaging.test_whatsapp_start_per_client import NUMBER, ROW, _consent

T1 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 3, 3, 9, 5, tzinfo=UTC)
T3 = datetime(2026, 3, 3, 9, 10, tzinfo=UTC)


def _with_consent(env):  # noqa: F811
    there, client, _, _, service = env
    a = there.agency_a
    a.call("POST", "/v1/clients/C1/debtors", {"items": [{**ROW, "whatsapp_consent": True}]})
    service.whatsapp_contacts.remember(NUMBER, client.client_id, "D1")
    return a, service


def test_start_delivered_again_after_a_later_stop_changes_nothing(env) -> None:  # noqa: F811
    a, service = _with_consent(env)
    service.whatsapp_inbound(NUMBER, "STOP", at=T1, message_id="wamid.1")
    service.whatsapp_inbound(NUMBER, "START", at=T2, message_id="wamid.2")
    service.whatsapp_inbound(NUMBER, "STOP", at=T3, message_id="wamid.3")
    assert not _consent(a, "C1")
    service.whatsapp_inbound(NUMBER, "START", at=T2, message_id="wamid.2")  # Meta's duplicate
    assert not _consent(a, "C1")  # his last word was STOP (T3)


def test_stop_delivered_again_after_his_start_changes_nothing(env) -> None:  # noqa: F811
    a, service = _with_consent(env)
    service.whatsapp_inbound(NUMBER, "STOP", at=T1, message_id="wamid.1")
    service.whatsapp_inbound(NUMBER, "START", at=T2, message_id="wamid.2")
    assert service.whatsapp_inbound(NUMBER, "STOP", at=T1, message_id="wamid.1") == 0
    assert _consent(a, "C1")  # his last word was START (T2)


def test_a_stop_delivered_late_after_an_earlier_start_still_counts(env) -> None:  # noqa: F811
    """Order of sending, not of arrival: START (09:05) arrives first, his STOP (09:10) later."""
    a, service = _with_consent(env)
    service.whatsapp_inbound(NUMBER, "STOP", at=T1, message_id="wamid.1")
    service.whatsapp_inbound(NUMBER, "START", at=T2, message_id="wamid.2")
    assert service.whatsapp_inbound(NUMBER, "STOP", at=T3, message_id="wamid.3") == 1
    assert not _consent(a, "C1")
    # his last word delivered again changes nothing either
    assert service.whatsapp_inbound(NUMBER, "STOP", at=T3, message_id="wamid.3") == 0
    assert not _consent(a, "C1")
    assert service.whatsapp_contacts.last_word(NUMBER).message_id == "wamid.3"
