"""lawyer26 F5: the notice that a client rejected a consumer's dispute said collection resumes
and "let us know before that day", and nothing of what he can do if he still disagrees. Now the
e-mail, the letter and the WhatsApp notice say, in his language: he may go on disputing, where
to complain (the client, with its contact), a geschillencommissie where the client is
affiliated, the court (the kantonrechter for a claim up to 25,000, no lawyer needed), and that
a disputed claim is enforced only through the court. The SMS keeps its 3 parts (its pointer is
the portal link)."""

from __future__ import annotations

from typing import Any

from shared.domain.sms import sms_parts
from tests.unit.dunning.test_dispute_ended_debtor_told import END, _disputed, _notices
from tests.unit.dunning.test_dispute_ended_sms_capped import SMS_ONLY, whatsapp_window_open

NL = (
    "Bent u het niet met ons eens? U mag de factuur blijven betwisten; laat ons weten waarom. "
    "Een klacht kunt u indienen bij Client C1 (f@c1.example). Is Client C1 aangesloten bij een "
    "geschillencommissie, dan kunt u het geschil daar voorleggen. U kunt het ook aan de rechter "
    "voorleggen: bij een vordering tot € 25.000 is dat de kantonrechter, waar u geen advocaat "
    "nodig hebt. Zolang u de factuur betwist, kan Client C1 betaling alleen via de rechter "
    "afdwingen."
)
EN = (
    "Do you disagree? You may go on disputing the invoice; tell us why. You can file a complaint "
    "with Client C1 (f@c1.example). If Client C1 is affiliated with a disputes committee "
    "(geschillencommissie), you can put the dispute to it. You can also take it to court: for a "
    "claim up to € 25,000 that is the subdistrict court (kantonrechter), where you need no "
    "lawyer. As long as you dispute the invoice, Client C1 can only enforce payment through the "
    "court."
)


def _end(world: Any, **debtor: Any) -> tuple[dict[str, Any], str]:
    client = _disputed(world, "b2c", **debtor)
    reply = world.agency_a.call("POST", END, {"message": "Geleverd op 3-12"})
    assert reply.status == 200, reply.body
    (notice,) = _notices(world, client)
    return reply.body, str(world.services.messaging.content_of(notice).text)


def test_the_email_names_the_route_in_dutch(world: Any) -> None:
    body, text = _end(world)
    assert body["notice_channel"] == "email"
    assert NL in text
    # after the day collection resumes, before the portal line
    assert text.index("Wij hervatten") < text.index(NL) < text.index("Uw factuur en wat u betaalde")


def test_and_in_english(world: Any) -> None:
    _, text = _end(world, language="en")
    assert EN in text


def test_the_letter_names_it(world: Any) -> None:
    body, text = _end(world, emails=[], mobile=None)
    assert body["notice_channel"] == "letter"
    assert NL in text


def test_whatsapp_names_it(world: Any, monkeypatch: Any) -> None:
    whatsapp_window_open(world, monkeypatch)
    body, text = _end(world, **SMS_ONLY, whatsapp_consent=True)
    assert body["notice_channel"] == "whatsapp"
    assert NL in text


def test_the_sms_stays_three_parts_without_it(world: Any) -> None:
    body, text = _end(world, **SMS_ONLY)
    assert body["notice_channel"] == "sms"
    assert "kantonrechter" not in text and sms_parts(text) <= 3
