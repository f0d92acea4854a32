"""texts26: the dispute-ended notice (e-mail, letter, WhatsApp) named what was open and the day
collection resumes, but no account to pay it to and nothing to quote, and was signed by nobody:
"Open op deze factuur op dit moment: € 1.156,03." and then the portal link. Now it says whom to
pay and what to quote, as the portal does, and is signed by the client; on an invoice the
agency collects it keeps the agency's own words (test_case_dispute_end_notice)."""

from __future__ import annotations

from typing import Any

from tests.unit.dunning.test_dispute_ended_debtor_told import END, _disputed, _notices


def _notice(world: Any, language: str) -> str:
    client = _disputed(world, "b2c", language=language)
    assert world.agency_a.call("POST", END, {"message": "Geleverd op 3-12"}).status == 200
    (notice,) = _notices(world, client)
    stored = world.services.repos.invoices.get(client.client_id, "F1")
    assert stored is not None
    reference = stored.invoice.payment_reference
    text = str(world.services.messaging.content_of(notice).text)
    return text.replace(" ".join(reference[i : i + 4] for i in range(0, 16, 4)), "<kenmerk>")


def test_the_notice_says_whom_to_pay_what_to_quote_and_who_writes(world: Any) -> None:
    text = _notice(world, "nl")
    assert (
        "Open op deze factuur op dit moment: € 1.006,03.\n"  # the costs held (lawyer26 F6)
        "Maak het over naar NL94ABNA0000017201 ten name van Client C1 onder vermelding van "
        "betalingskenmerk <kenmerk>.\nWij hervatten de invordering op 24-01-2027."
    ) in text
    assert text.rstrip().endswith("\nMet vriendelijke groet,\nClient C1")


def test_in_english_too(world: Any) -> None:
    text = _notice(world, "en")
    assert (
        "Transfer it to NL94ABNA0000017201 in the name of Client C1 quoting payment reference "
        "<kenmerk>.\nWe resume collection on 24 January 2027."
    ) in text
    assert text.rstrip().endswith("\nKind regards,\nClient C1")
