"""notice21 left: the dispute-ended notice by SMS was the e-mail's text, 4 parts without a
reason and 38 with a reason of 1,000 emoji (no cap; the warning never reached the caller), and
it carried the e-mail's subject, which an SMS refuses: resolve-dispute answered 422.
Now an SMS notice has its own short words and is at most 3 parts (SMS_PARTS_WARNING) as the
SMS client counts them (GSM-7 153 a part, UCS-2 67): the facts whole, the client's reason as
far as it fits, cut at a word and marked "(ingekort)"; quotes, dashes and accents GSM-7 lacks
are written in their GSM-7 look-alike so a Dutch reason is not billed as UCS-2."""

from __future__ import annotations

from typing import Any

from shared.domain.sms import is_gsm7, sms_parts
from tests.unit.dunning.test_dispute_ended_debtor_told import END, _disputed, _notices

SMS_ONLY: dict[str, Any] = {"emails": [], "address": None}


def whatsapp_window_open(world: Any, monkeypatch: Any) -> None:
    """Only WhatsApp reaches the debtor, inside its window (he wrote on WhatsApp)."""
    from dataclasses import replace

    from shared.domain.messaging import Channel

    by_hand = world.services.by_hand
    real = by_hand.channels_for

    def window_open(client_id: str, debtor: str) -> list[Any]:
        return [replace(a, available=a.channel is Channel.WHATSAPP, free_text=True)
                for a in real(client_id, debtor)]  # fmt: skip

    monkeypatch.setattr(by_hand, "channels_for", window_open)


def _sms(world: Any, message: str | None) -> str:
    client = _disputed(world, "b2c", **SMS_ONLY)
    body = {} if message is None else {"message": message}
    reply = world.agency_a.call("POST", END, body)
    assert reply.status == 200, reply.body
    assert reply.body["collection_resumes_on"] == "2027-01-24"
    (notice,) = _notices(world, client)
    assert notice.channel.value == "sms" and notice.to.startswith("+31")
    return str(world.services.messaging.content_of(notice).text)


def test_without_a_reason_the_facts_go_in_few_parts(world: Any) -> None:
    text = _sms(world, None)
    assert text.startswith("Uw bezwaar tegen factuur F1 is behandeld: wij houden de factuur")
    assert "Open: € 1.006,03." in text
    assert "Wij hervatten de invordering op 24-01-2027; betaal of reageer voor die dag." in text
    assert "Meer op http://localhost:7071/api/p/" in text
    assert "Toelichting" not in text
    assert sms_parts(text) == 2  # was 4


def test_a_reason_of_a_thousand_emoji_does_not_make_38_parts(world: Any) -> None:
    text = _sms(world, "😀" * 1000)
    assert sms_parts(text) <= 3  # was 38
    assert "Wij hervatten de invordering op 24-01-2027" in text and "/api/p/" in text


def test_a_long_dutch_reason_is_cut_at_a_word_and_marked(world: Any) -> None:
    reason = ("Volgens onze administratie is de bestelling op 3 december geleverd en “in goede "
              "orde” ontvangen; de financiële afdeling heeft de pakbon gecontroleerd – zie de "
              "handtekening. ") * 4  # fmt: skip
    text = _sms(world, reason)
    assert sms_parts(text) == 3 and is_gsm7(text.replace("€", ""))
    said = text.split("Toelichting: ")[1].split(" Meer op ")[0]
    assert said.endswith("... (ingekort)")
    kept = said.removesuffix("... (ingekort)")
    assert kept.startswith('Volgens onze administratie is de bestelling op 3 december geleverd '
                           'en "in goede orde" ontvangen; de financiele afdeling')  # fmt: skip
    assert (
        " ".join(reason.split())
        .replace("“", '"')
        .replace("”", '"')
        .replace("–", "-")
        .replace("ë", "e")
        .startswith(kept)
    )
    assert not kept.endswith(" ")


def test_a_short_reason_goes_whole(world: Any) -> None:
    text = _sms(world, "Geleverd op 3-12, getekend door {{ debtor.name }}")
    assert "Toelichting: Geleverd op 3-12, getekend door {{ debtor.name }} Meer op " in text
    assert sms_parts(text) <= 3


def test_a_consumer_reached_only_on_whatsapp_is_told_there_without_a_subject(
    world: Any, monkeypatch: Any
) -> None:
    """The notice carried the e-mail's subject on every channel: by SMS and by WhatsApp the
    message by hand refused it (422 no_subject_on_channel) and the dispute did not end."""
    from shared.domain.messaging import Channel

    client = _disputed(world, "b2c", **SMS_ONLY, whatsapp_consent=True)
    whatsapp_window_open(world, monkeypatch)
    reply = world.agency_a.call("POST", END, {"message": "Geleverd op 3-12"})
    assert reply.status == 200, reply.body
    (notice,) = _notices(world, client)
    assert notice.channel is Channel.WHATSAPP
    content = world.services.messaging.content_of(notice)
    assert content.subject == "" and "Onze toelichting: Geleverd op 3-12" in content.text
