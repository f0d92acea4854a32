"""A 14-day letter that did not reach the debtor starts no costs term (law4 finding 6).

Art. 6:96 lid 6 BW: the collection costs are owed only once a 14-day letter *reached* the
debtor and its term of fourteen days after receipt ran out (HR 25-11-2016,
ECLI:NL:HR:2016:2704; receipt theory, art. 3:37 lid 3 BW). When the postal provider reports
the letter undeliverable or returned, or an e-mailed one bounces or fails, the run had already
set its invoices' ``costs_owed_from`` (it does so when it queues the letter). Left so, the
ledger would charge the costs and every later reminder and the hand-over would carry them.

So the report takes the term off again: each invoice goes back to the costs date it had
before the letter was planned (the ``before`` the run stored on the message; ``None`` unless a
letter the client sent itself already made costs owed). The step itself stays taken: rewinding
it would make the next run plan the same letter under the same outbox key, which is never sent
twice, and set the term again. A person who knows the debtor did receive the letter (he
reacted to it, a move he did not report) records that with :func:`confirm_receipt`, which puts
the term back; that is a decision for a person, not a default. Costs a payment had fixed
before the report were taken back by it (the claims restated); when the term comes back the
claims are restated under it again (``restate``: ``LedgerService.restate_terms``): the costs
are owed again and the payments made after the term allocated again by 6:44 (law6 finding 2).

Idempotent: a report handled twice finds the term already gone and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from shared.adapters.tables.messaging_repo import OutboxRepository
from shared.domain.dunning.workflow import StepChannel, step_by_id, step_of_key
from shared.domain.law.fourteen_day_letter import (
    LetterChannel,
    fourteen_day_term,
    term_from_receipt,
)
from shared.domain.messaging import Channel, OutboundMessage, OutboxStatus
from shared.ports.tables import TransactionFailed
from shared.services.errors import Invalid, NotFound
from shared.services.repositories import Repositories

BEFORE = "before"  # the run's record of where the invoices stood (dunning.BEFORE)
PLANNED_ON = "planned_on"  # the day the run advanced them (dunning.PLANNED_ON)
# the day the letter is dated and went out, when later than planned (contact hours, a
# mailbox's day limit, a replayed job): its term counts from this day (law7 F6)
DATED_ON = "dated_on"
FOURTEEN_DAY = (
    "fourteen_day_letter"  # "1" on a 14-day letter, "0" on another (dunning.FOURTEEN_DAY)
)
_CARRIERS = {Channel.LETTER: LetterChannel.LETTER, Channel.EMAIL: LetterChannel.EMAIL}


@dataclass(frozen=True)
class FourteenDayLetter:
    """A dunning message that was a 14-day letter: its invoices and when its term began."""

    planned_on: date
    channel: LetterChannel
    before: dict[str, date | None]  # invoice -> costs_owed_from before the letter
    sent_on: date  # the day it is dated and (last) went out: its term counts from it
    country: str | None = None  # of the postal address a letter went to (None: NL)

    @property
    def term(self) -> date:
        """The costs date this letter sets: fourteen days after its receipt, as sent."""
        return fourteen_day_term(self.sent_on, self.channel, country=self.country).costs_owed_from


def as_fourteen_day_letter(
    repos: Repositories, message: OutboundMessage
) -> FourteenDayLetter | None:
    """The 14-day letter a dunning message was, or None for any other message. What it is
    the run wrote on it when it made it (``FOURTEEN_DAY``): a later edit of the workflow
    (a step put in front of it, moved or removed) changes nothing about the letter that was
    made (failure8 #1). A message made before that mark names its step in its key
    (``dun|<debtor>|<workflow>|<step>|<digest>``), looked up by its id in the workflow."""
    head = f"dun|{message.debtor_number or ''}|"
    how = _CARRIERS.get(message.channel)
    planned = message.extra.get(PLANNED_ON)
    if how is None or not planned or not message.key.startswith(head):
        return None
    mark = message.extra.get(FOURTEEN_DAY)
    if mark is not None:
        if mark != "1":
            return None
    else:
        named = step_of_key(message.debtor_number or "", message.key)
        if named is None:
            return None
        workflow = repos.dunning.workflows(message.client_id).get(named[0])
        at = step_by_id(workflow, named[1]) if workflow else None
        if at is None or at[1].channel is not StepChannel.FOURTEEN_DAY_LETTER:
            return None
    raw = json.loads(message.extra.get(BEFORE) or "{}")
    before = {str(n): _day(was[2]) if isinstance(was, list) and len(was) > 2 else None
              for n, was in raw.items()}  # fmt: skip
    planned_on = date.fromisoformat(planned)
    return FourteenDayLetter(
        planned_on, how, before, _day(message.extra.get(DATED_ON)) or planned_on,
        message.address.country if message.address is not None else None,
    )  # fmt: skip


def undo_costs_term(repos: Repositories, message: OutboundMessage) -> list[str] | None:
    """The invoices whose costs term this undelivered 14-day letter had set, back to the
    date they had before it; the numbers changed (none on a second report), or None when the
    message was no 14-day letter."""
    letter = as_fourteen_day_letter(repos, message)
    if letter is None:
        return None
    try:
        term = letter.term
    except OverflowError:
        return []
    cleared: list[str] = []
    for number in message.invoice_numbers:
        was = letter.before.get(number)
        # only the term this letter set: one a person confirmed or a later letter set stays
        if was != term and set_term(repos, message.client_id, number, was,
                                    lambda owed: owed == term):  # fmt: skip
            cleared.append(number)
    return cleared


def restore_costs_term(repos: Repositories, message: OutboundMessage) -> list[str]:
    """A 14-day letter whose failed sending is tried again (a poison item replayed): the
    term its failure took off, back on the invoices that have none, so that it goes out as
    planned (the send then dates it again for the day it actually leaves); the numbers
    changed."""
    letter = as_fourteen_day_letter(repos, message)
    if letter is None:
        return []
    term = letter.term
    return [n for n in message.invoice_numbers
            if set_term(repos, message.client_id, n, term, lambda owed: owed is None)]  # fmt: skip


def confirm_receipt(
    repos: Repositories, message: OutboundMessage, received_on: date | None = None
) -> list[str]:
    """A person confirms the debtor received the letter after all: its costs term again, for
    the invoices that have no (or a later) costs date; the numbers changed. ``received_on``:
    the day it actually reached him (a forwarded or late-collected letter): the fourteen days
    run from the day after it (art. 6:96 lid 6 BW; law5 finding 9), not from the day the
    letter was assumed to arrive; without it the letter's own term (his own doing, 3:37 lid 3).
    """
    letter = as_fourteen_day_letter(repos, message)
    if letter is None:
        return []
    if received_on is None:
        term = letter.term
    else:
        if received_on < letter.sent_on:
            raise Invalid(
                f"received_on lies before the letter was posted ({letter.sent_on:%d-%m-%Y})",
                field="received_on",
                code="received_before_posted",
                params={"day": letter.sent_on},
            )
        term = term_from_receipt(received_on).costs_owed_from
    restored: list[str] = []
    for number in message.invoice_numbers:
        if set_term(repos, message.client_id, number, term,
                     lambda owed: owed is None or owed > term):  # fmt: skip
            restored.append(number)
    return restored


def set_term(
    repos: Repositories, client_id: str, number: str, term: date | None,
    applies: Callable[[date | None], bool],
) -> bool:  # fmt: skip
    """The invoice's costs term set to ``term`` when ``applies`` to the one it has (read again
    after a concurrent write); True when it changed."""
    for _ in range(5):
        stored = repos.invoices.get(client_id, number)
        if stored is None or not applies(stored.invoice.costs_owed_from):
            return False
        try:
            repos.invoices.save(replace(stored.invoice, costs_owed_from=term), stored)
        except TransactionFailed:
            continue
        return True
    return False


def note_own_letter(
    repos: Repositories, client_id: str, number: str, sent_on: date, term: date
) -> None:
    """The invoice whose costs term is ``term`` got it from Inning's 14-day letter that went
    out on ``sent_on``: the day the term is judged by (in default or not, law12c #3)."""
    for _ in range(5):
        stored = repos.invoices.get(client_id, number)
        if (
            stored is None
            or stored.invoice.costs_owed_from != term
            or stored.invoice.own_letter == (sent_on, term)
        ):
            return
        try:
            repos.invoices.save(replace(stored.invoice, own_letter=(sent_on, term)), stored)
        except TransactionFailed:
            continue
        return


def _day(text: object) -> date | None:
    return date.fromisoformat(text) if isinstance(text, str) and text else None


def confirm_for_invoice(
    repos: Repositories,
    client_id: str,
    number: str,
    received_on: date | None = None,
    today: date | None = None,
    restate: Callable[[str, Sequence[str]], list[str]] | None = None,
) -> list[str]:
    """Staff confirm that the debtor received the 14-day letter of invoice ``number`` that was
    reported undeliverable or bounced: its costs term again (one range read of the debtor's
    dunning messages), from ``received_on`` when given (:func:`confirm_receipt`; not after
    ``today``). ``NotFound`` when the invoice has no such letter.

    ``restate(client_id, numbers)``: the letter's claims restated under their terms as they
    are now (every invoice of the letter, not only those changed now: a confirmation repeated
    after a crash between the two finishes the restatement; idempotent)."""
    if received_on is not None and today is not None and received_on > today:
        raise Invalid(
            "received_on lies in the future", field="received_on", code="received_in_future"
        )
    stored = repos.invoices.get(client_id, number)
    if stored is None:
        raise NotFound(f"invoice {number} not found")
    failed = (OutboxStatus.BOUNCED, OutboxStatus.UNDELIVERABLE, OutboxStatus.FAILED)
    outbox = OutboxRepository(repos.store)
    for message, _ in outbox.with_prefix(client_id, f"dun|{stored.invoice.debtor_number}|"):
        if (
            number in message.invoice_numbers
            and message.status in failed
            and as_fourteen_day_letter(repos, message) is not None
        ):
            restored = confirm_receipt(repos, message, received_on)
            if restate is not None:
                restate(client_id, list(message.invoice_numbers))
            return restored
    raise NotFound(f"invoice {number} has no 14-day letter reported undelivered")
