"""A debtor's written word that staff mark as an acknowledgement of named claims (art. 3:318
BW: an erkenning by the debtor interrupts prescription; the new period runs from the next day,
3:319).

"Ik weet dat ik het moet betalen, volgende maand" acknowledges the debt, but whether a free
text does, and which claims it is about, is a person's reading: software does not guess from
the words. A person marks a message the debtor sent (through the portal, by e-mail, on
WhatsApp) as his acknowledgement of the invoices it names; it counts on the day Inning received
it, for those invoices only. What a message is, is read from the contact-log entry its
receiving service wrote; an automatic reply is no act of the debtor's, and a message Inning or
staff sent is the creditor's word."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from shared.domain.reasons import Reason
from shared.domain.records import ContactEntry, ContactKind

# the summaries the receiving services write (shared/services/portal.py send_message,
# shared/services/inbound/filing.py log_on, shared/services/messaging.py whatsapp_inbound),
# by channel: the debtor's own words, as the contact log keeps them
RECEIVED = {
    "portal": "Message through the portal: ",
    "email": "E-mail received from ",
    "whatsapp": "WhatsApp received: ",
}


def from_the_debtor(entry: ContactEntry) -> bool:
    """A message the debtor wrote and Inning received (not one it sent, not an automatic
    reply)."""
    start = RECEIVED.get(entry.channel or "")
    return (
        entry.kind is ContactKind.MESSAGE and start is not None and entry.summary.startswith(start)
    )


@dataclass(frozen=True)
class MessageMark:
    """A message marked as the debtor's acknowledgement: the day it counts (the day it was
    received, in Amsterdam) and the invoices it acknowledges."""

    message: str  # the contact-log entry's id
    received_on: date
    invoices: tuple[str, ...]


def mark_refusal(
    entry: ContactEntry, invoices: Collection[str], debtors_invoices: Mapping[str, str]
) -> Reason | None:
    """Why ``entry`` cannot be marked as the debtor's acknowledgement of ``invoices``
    (``debtors_invoices``: each invoice asked for, found, with its debtor), or None."""
    if not from_the_debtor(entry):
        return Reason(
            "only a message the debtor sent (portal, e-mail, WhatsApp) can be his "
            "acknowledgement; an automatic reply or a message sent to him cannot",
            code="ack_not_debtors_message",
        )
    if not invoices:
        return Reason("name the invoices the message acknowledges", code="ack_no_invoices")
    for number in sorted(invoices):
        if debtors_invoices.get(number) != entry.debtor_number:
            return Reason(
                f"invoice {number} is not this debtor's",
                code="ack_not_debtors_invoice",
                params={"invoice": number},
            )
    return None
