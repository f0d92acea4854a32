"""texts26: the starter 14-day letter, sent by e-mail to a consumer without a postal address
(its fallback), asked "Wij verzoeken u € 1.003,84 binnen veertien dagen ... te betalen" and
said neither to which account, nor what to quote, nor where the portal is: by post the PDF's
payment block says it, by e-mail there is no PDF. Now its text says it, in both languages, and
the letter by post prints the portal link once (in its text, not again beside the QR code)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.dunning.test_dispute_ended_debtor_told import collecting


def _fourteen_day_email(world: Any, language: str) -> str:
    client = collecting(world, "b2c", address=None, language=language)
    messaging = world.services.messaging
    (letter,) = [m for m in messaging.outbox.list(client.client_id)[0] if m.key.startswith("dun|D-1|standaard|2|")]  # fmt: skip
    assert letter.channel.value == "email"
    stored = world.services.repos.invoices.get(client.client_id, "F1")
    assert stored is not None
    reference = stored.invoice.payment_reference
    text = str(messaging.content_of(letter).text)
    shown = " ".join(reference[i : i + 4] for i in range(0, 16, 4))
    return text.replace(shown, "<kenmerk>")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("nl", "Wij verzoeken u € 1.003,84 binnen veertien dagen vanaf de dag nadat deze brief bij u "
               "is bezorgd te betalen.\n\nIndien u niet binnen deze termijn betaalt, bent u "
               "incassokosten van € 150,00 verschuldigd, vermeerderd met de wettelijke rente.\n\n"
               "Wilt u € 1.003,84 overmaken naar NL94ABNA0000017201 ten name van Client C1 onder "
               "vermelding van betalingskenmerk <kenmerk>?\n\n"
               "Uw overzicht, betalen met iDEAL, uitstel vragen of bezwaar maken: "
               "http://localhost:7071/api/p/"),
        ("en", "you owe collection costs of EUR 150.00, plus the statutory interest.\n\n"
               "Please transfer EUR 1,003.84 to NL94ABNA0000017201 in the name of Client C1 "
               "quoting payment reference <kenmerk>.\n\n"
               "Your overview, pay with iDEAL, ask for postponement or dispute an invoice: "
               "http://localhost:7071/api/p/"),
    ],
)  # fmt: skip
def test_the_fourteen_day_letter_by_email_says_whom_to_pay_and_what_to_quote(
    world: Any, language: str, said: str
) -> None:
    text = _fourteen_day_email(world, language)
    assert said in text  # was: the costs sentence, then the greeting
