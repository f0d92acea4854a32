"""A consumer's dispute raised inside a 14-day letter's term holds the collection costs until the
day collection resumes (lawyer26 F6; the question lawyer20 L8 left open).

Art. 6:96 lid 6 BW makes the costs owed once the consumer was reminded "vruchteloos" to pay
within fourteen days. A dispute does not suspend verzuim by itself, but Inning's portal answers
one with "U hoeft nu niets te betalen: ... zolang wij dat bekijken vragen wij daarvoor geen
betaling": the creditor itself asks no payment from that day. A term the creditor suspended is
no term that ran out to no effect, and charging the costs for it would be unreasonable
(6:248 lid 2 BW); a court tests the costs ex officio (HR 25-11-2016, ECLI:NL:HR:2016:2704).
So a dispute raised before the costs became owed holds them while it is looked into, and once
it is rejected they are owed from the day the rejection notice names for resuming (the dispute
ended plus :data:`RESUMES_AFTER` days: a fresh fortnight to pay what the 14-day letter already
announced, which paid by then owes no costs), as a postponement granted inside the term moves
them (costs_holds). A dispute raised after the costs became owed changes nothing: the term had
run out unpaid (the arrangements rule skips a hold made on or after the costs' day).

A consumer the client chose not to tell (or no channel reaches) is not told the dispute ended
until a person resumes the invoice (dispute_ending's untold path): his hold runs on, no end,
until that day, and ends :data:`RESUMES_AFTER` days after it, the fortnight a told consumer
gets from his notice (lawyer26 F6's remainder: it ended 14 days after the dispute ended, so a
resume a month later found the costs owed for a term he had never heard of).

Business debtors are not held: lid 6 protects consumers only, and a business owes the costs
without a reminder (lid 4).
"""

from __future__ import annotations

from datetime import date, timedelta

# the day the rejection notice names for resuming collection (dispute_ending.ANSWER_DAYS): the
# debtor's new term to pay before the announced costs become owed
RESUMES_AFTER = 14
PREFIX = "dispute|"


def dispute_hold_ref(raised_on: date) -> str:
    """The claim's costs hold for a dispute raised on ``raised_on``: one per day raised."""
    return f"{PREFIX}{raised_on.isoformat()}"


def is_dispute_hold(ref: str) -> bool:
    return ref.startswith(PREFIX)


def while_disputed(raised_on: date) -> tuple[date, date | None]:
    """The hold's span while the dispute is looked into: made on the day raised, no end."""
    return (raised_on, None)


def after_dispute(raised_on: date, ended_on: date) -> tuple[date, date | None]:
    """The hold's span once the dispute ended on ``ended_on``: the costs are owed from the day
    collection resumes at the earliest."""
    return (raised_on, ended_on + timedelta(days=RESUMES_AFTER))


def ended_on(raised_on: date, span_end: date | None) -> date | None:
    """The day a dispute hold's dispute ended, from the hold's end (None: not ended)."""
    return None if span_end is None else span_end - timedelta(days=RESUMES_AFTER)
