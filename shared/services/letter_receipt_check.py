"""What "the debtor received the 14-day letter after all" cannot be (attack6 finding 4),
checked before :func:`shared.services.letter_undelivered.confirm_for_invoice` restores the
costs term:

- a letter whose sending FAILED was never posted or sent (the provider refused it): there is
  no letter to have received; the answer is to send it again, not to assert its receipt
  (costs of 6:96 lid 6 BW need a letter the consumer received);
- a posted letter cannot reach him before the first postal delivery day after it was handed
  to the post (PostNL delivers Tuesday to Saturday, not on holidays; the presumption is the
  second such day): an earlier ``received_on`` would shorten his fourteen days. An e-mailed
  letter can arrive the day it was sent.

The letter looked at is the one ``confirm_for_invoice`` takes: the first of the invoice's
dunning messages, in key order, that is a 14-day letter reported failed, bounced or
undeliverable."""

from __future__ import annotations

from datetime import date

from shared.adapters.tables.messaging_repo import OutboxRepository
from shared.domain.law.fourteen_day_letter import LetterChannel, assumed_receipt
from shared.domain.messaging import OutboxStatus
from shared.services.errors import Invalid
from shared.services.letter_undelivered import as_fourteen_day_letter
from shared.services.repositories import Repositories

_REPORTED = (OutboxStatus.BOUNCED, OutboxStatus.UNDELIVERABLE, OutboxStatus.FAILED)
_POSTED = (LetterChannel.LETTER, LetterChannel.REGISTERED_LETTER)


def check_receipt_claim(
    repos: Repositories, client_id: str, number: str, received_on: date | None
) -> None:
    """Raise ``Invalid`` when the receipt of invoice ``number``'s 14-day letter cannot be
    true; nothing when it can (or there is no such letter: the confirmation says so)."""
    stored = repos.invoices.get(client_id, number)
    if stored is None:
        return
    outbox = OutboxRepository(repos.store)
    for message, _ in outbox.with_prefix(client_id, f"dun|{stored.invoice.debtor_number}|"):
        if number not in message.invoice_numbers or message.status not in _REPORTED:
            continue
        letter = as_fourteen_day_letter(repos, message)
        if letter is None:
            continue
        if message.status is OutboxStatus.FAILED:
            raise Invalid(
                "the 14-day letter was never sent (its sending failed), so it cannot have been "
                "received: send it again / de veertiendagenbrief is nooit verstuurd (verzenden "
                "mislukt) en kan dus niet zijn ontvangen: verstuur hem opnieuw",
                code="letter_never_sent",
            )
        if received_on is not None and letter.channel in _POSTED:
            earliest = assumed_receipt(letter.sent_on, letter.channel, {letter.channel: 1})
            if received_on < earliest:
                raise Invalid(
                    f"received_on lies before the first day the post can deliver a letter "
                    f"posted on {letter.sent_on:%d-%m-%Y} ({earliest:%d-%m-%Y}) / "
                    f"ontvangen vóór de eerste bezorgdag ({earliest:%d-%m-%Y})",
                    field="received_on",
                    code="received_before_delivery",
                    params={"posted": letter.sent_on, "day": earliest},
                )
        return
