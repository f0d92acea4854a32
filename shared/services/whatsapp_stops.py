"""A WhatsApp STOP is the number holder's, for this client: it covers every debtor record of the
client on that number, also one stored after the STOP (attack9 F4: the same person stored again
under another debtor number, a CRM duplicate, with ``whatsapp_consent: true``, got the next
WhatsApp). Only the person's own START from the number lifts it (messaging.whatsapp_inbound).

The number's debtors are those the client messaged on it (``WhatsappContacts``, one small
partition read); a debtor record that takes the STOP over is added there, so that the START
from the number lifts it as well. Another client's STOP is not this client's: consent is given
to each client apart (AVG art. 4(11) and 7)."""

from __future__ import annotations

from dataclasses import replace

from shared.adapters.tables.messaging_repo import WhatsappContactRepository
from shared.domain.parties import Debtor
from shared.services.repositories import Repositories


def standing_stop(repos: Repositories, client_id: str, debtor: Debtor) -> Debtor | None:
    """Another debtor record of the client on ``debtor``'s mobile whose STOP stands (the
    number said STOP to this client and no START since); None when there is none."""
    if not debtor.mobile:
        return None
    for cid, number in WhatsappContactRepository(repos.store).debtors(_wa_id(debtor.mobile)):
        if cid != client_id or number == debtor.number:
            continue
        found = repos.debtors.get(cid, number)
        if found is None:
            continue
        other = found[0]
        if other.whatsapp_stopped_on is not None and other.mobile == debtor.mobile:
            return other
    return None


def stopped_like(debtor: Debtor, stopped: Debtor) -> Debtor:
    """``debtor`` under the STOP ``stopped`` has: no consent, the STOP's day, and the consent
    it took away (what the person's START gives back)."""
    return replace(
        debtor,
        whatsapp_consent=False,
        whatsapp_stopped_on=stopped.whatsapp_stopped_on,
        whatsapp_word_at=stopped.whatsapp_word_at,
        whatsapp_stop_withdrew=debtor.whatsapp_consent,
    )


def on_the_number(repos: Repositories, client_id: str, debtor: Debtor) -> None:
    """``debtor`` is one of the number's debtors from now on: its holder's START lifts its
    STOP, a STOP covers it."""
    if debtor.mobile:
        WhatsappContactRepository(repos.store).remember(
            _wa_id(debtor.mobile), client_id, debtor.number
        )


def _wa_id(mobile: str) -> str:
    return mobile.lstrip("+")  # as the sender remembers a number it messaged
