"""texts26 (notice24 left): resolve-dispute cut a long reason to keep the SMS notice to 3 parts,
and left out a reason in another script (its first letter needs UCS-2, 67 characters a part,
and the facts alone are then 5 parts), and its answer said neither: the client believed the
debtor had read its explanation. Now the answer says the channel, by SMS the parts and the
encoding, and whether the reason was shortened or left out; e-mail and WhatsApp carry it whole.
"""

from __future__ import annotations

from typing import Any

from shared.domain.sms import sms_parts
from tests.unit.dunning.test_dispute_ended_debtor_told import END, _disputed, _notices
from tests.unit.dunning.test_dispute_ended_sms_capped import SMS_ONLY, whatsapp_window_open

LONG = ("Volgens onze administratie is de bestelling op 3 december geleverd en in goede orde "
        "ontvangen; de financiele afdeling heeft de pakbon gecontroleerd. ") * 4  # fmt: skip
CYRILLIC = "Товар доставлен 3 декабря, получатель расписался в накладной."


def _end(world: Any, message: str | None, **debtor: Any) -> tuple[dict[str, Any], str]:
    client = _disputed(world, "b2c", **debtor)
    reply = world.agency_a.call("POST", END, {} if message is None else {"message": message})
    assert reply.status == 200, reply.body
    (notice,) = _notices(world, client)
    return reply.body, str(world.services.messaging.content_of(notice).text)


def test_a_long_reason_cut_by_sms_is_said_in_the_answer(world: Any) -> None:
    body, text = _end(world, LONG, **SMS_ONLY)
    assert "(ingekort)" in text
    assert body["notice_channel"] == "sms"
    assert body["notice_sms_parts"] == sms_parts(text) == 3
    assert body["notice_sms_encoding"] == "gsm7"
    assert body["reason_shortened"] is True and body["reason_left_out"] is False
    assert body["collection_resumes_on"] == "2027-01-24"  # the existing fields stay


def test_a_reason_in_another_script_left_out_is_said_in_the_answer(world: Any) -> None:
    body, text = _end(world, CYRILLIC, **SMS_ONLY)
    assert "Товар" not in text and "Toelichting" not in text
    assert body["reason_left_out"] is True and body["reason_shortened"] is False
    assert (body["notice_sms_parts"], body["notice_sms_encoding"]) == (2, "gsm7")


def test_an_emoji_after_dutch_words_cuts_the_reason_there(world: Any) -> None:
    body, text = _end(world, "Geleverd op 3-12, getekend 👍 zie de pakbon", **SMS_ONLY)
    assert "Toelichting: Geleverd op 3-12, getekend... (ingekort) Meer op" in text
    assert body["reason_shortened"] is True and body["notice_sms_encoding"] == "gsm7"


def test_a_short_reason_goes_whole(world: Any) -> None:
    body, text = _end(world, "Geleverd op 3-12", **SMS_ONLY)
    assert "Toelichting: Geleverd op 3-12 Meer op" in text
    assert (body["reason_shortened"], body["reason_left_out"]) == (False, False)
    assert body["notice_sms_parts"] == sms_parts(text) == 3  # 278 characters without it


def test_by_email_the_reason_goes_whole_and_no_parts_are_named(world: Any) -> None:
    body, text = _end(world, LONG + CYRILLIC)
    assert "Onze toelichting: " + (LONG + CYRILLIC).strip() in text
    assert body["notice_channel"] == "email"
    assert body["notice_sms_parts"] is None and body["notice_sms_encoding"] is None
    assert (body["reason_shortened"], body["reason_left_out"]) == (False, False)


def test_by_whatsapp_a_thousand_characters_in_another_script_go_whole(
    world: Any, monkeypatch: Any
) -> None:
    whatsapp_window_open(world, monkeypatch)
    reason = (CYRILLIC + " 😀 ") * 15
    reason = reason[:1000].strip()
    body, text = _end(world, reason, **SMS_ONLY, whatsapp_consent=True)
    assert body["notice_channel"] == "whatsapp"
    assert "Onze toelichting: " + reason in text
    assert (body["reason_shortened"], body["reason_left_out"]) == (False, False)


def test_not_told_says_no_channel(world: Any) -> None:
    _disputed(world, "b2c")
    reply = world.agency_a.call("POST", END, {"notify_debtor": False})
    assert reply.status == 200, reply.body
    assert reply.body["notice"] is None and reply.body["notice_channel"] is None
    assert reply.body["reason_left_out"] is False
