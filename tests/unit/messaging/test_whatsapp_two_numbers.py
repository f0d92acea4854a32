"""One debtor on two numbers (his mobile changed in the CRM: both are on the WhatsApp
contacts): his last word counts across his numbers, not per number (failure10 F4; AVG art.
7(3): a withdrawal is honoured)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.unit.api.conftest import world  # noqa: F401
from tests.unit.messaging.test_delivery import env  # noqa: F401
from tests.unit.messaging.test_whatsapp_last_word import _with_consent
from tests.unit.messaging.test_whatsapp_start_per_client import NUMBER, _consent

OTHER = "31612340000"  # his other number
T1 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 3, 3, 9, 5, tzinfo=UTC)


def test_a_start_sent_before_his_stop_from_the_other_number_delivered_late(env) -> None:  # noqa: F811
    """09:00 START from the other number (Meta's delivery answered 500, retried), 09:05 STOP
    from his number delivered first: the late START gives no consent back."""
    a, service = _with_consent(env)
    service.whatsapp_contacts.remember(OTHER, env[1].client_id, "D1")
    assert service.whatsapp_inbound(NUMBER, "STOP", at=T2, message_id="wamid.B") == 1
    assert not _consent(a, "C1")
    service.whatsapp_inbound(OTHER, "START", at=T1, message_id="wamid.A")
    assert not _consent(a, "C1")


def test_a_stop_sent_before_his_start_from_the_other_number_delivered_late(env) -> None:  # noqa: F811
    """09:05 START from his number (consent stands, nothing to lift), 09:00 STOP from the
    other number delivered after it: his last word was START, consent stays."""
    a, service = _with_consent(env)
    service.whatsapp_contacts.remember(OTHER, env[1].client_id, "D1")
    service.whatsapp_inbound(NUMBER, "START", at=T2, message_id="wamid.B")
    assert _consent(a, "C1")
    assert service.whatsapp_inbound(OTHER, "STOP", at=T1, message_id="wamid.A") == 0
    assert _consent(a, "C1")


def test_in_order_the_later_word_counts_whichever_number(env) -> None:  # noqa: F811
    """STOP from the other number at 09:00, then START from his number at 09:05: consent
    back; the STOP delivered again changes nothing."""
    a, service = _with_consent(env)
    service.whatsapp_contacts.remember(OTHER, env[1].client_id, "D1")
    assert service.whatsapp_inbound(OTHER, "STOP", at=T1, message_id="wamid.A") == 1
    service.whatsapp_inbound(NUMBER, "START", at=T2, message_id="wamid.B")
    assert _consent(a, "C1")
    assert service.whatsapp_inbound(OTHER, "STOP", at=T1, message_id="wamid.A") == 0
    assert _consent(a, "C1")
