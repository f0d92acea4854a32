"""Which of Inning's own messages interrupt prescription (stuiting, art. 3:317 lid 1 BW), and
from which day.

3:317 lid 1 asks for a *written* demand (schriftelijke aanmaning); it works from the day it
reached the debtor (3:37 lid 3, the receipt theory), and the creditor must prove that it did.
Every message of a dunning step asks for payment of the invoices it names, so each counts as
an aanmaning for those invoices when:

- it went by **letter** (an ordinary letter or the 14-day letter by post) and the postal
  provider accepted it (sent or delivered; a letter reported undeliverable or returned does
  not count). Received on the second postal delivery day after it was sent, the rule the
  14-day letter uses (`fourteen_day_letter.assumed_receipt`);
- it went by **e-mail** and was sent without a bounce or failure being reported. Received the
  day it was sent (the same rule).

A **payment plan's messages to the debtor** are written demands too (law16 F3): the agreement
with its schedule (a payment-plan confirmation, ledger_law.md §9), an installment's reminder,
the notice that a collection or a payment came back and what to pay by when, a new or lowered
schedule, the link to the first payment, the lapse notice ("het openstaande bedrag … is weer in
zijn geheel opeisbaar") and the notice that staff ended the plan: each asks payment of the
plan's invoices (3:317 lid 1). The news that a lapsed plan runs on after all asks nothing and
does not count; nor does the client's copy of a lapse. Outbox keys ``plan|<plan id>|<what>``
(:func:`plan_demand`).

**The client's own 14-day letter or sommatie** (``fourteen_day_letter_on``, imported with the
invoice: the day the client sent it) is a written demand of that invoice as well (law17 P2):
Inning holds it in its own record and already takes it as received for the collection costs
(6:96 lid 6 BW), so it counts for prescription too, and from the day it was sent, the
earliest it can have reached the debtor (:func:`client_letter_received_on`: a date that
errs early, never late). Inning has no report that the debtor got it, so it is a *weak*
demand (below): the date it gives is counted, and the warning also comes before the date the
claim has without it, unless the client can prove its letter reached the debtor.

SMS, WhatsApp, robocalls, staff tasks and the hand-over do not count: whether a text message
is "schriftelijk" in the sense of 3:317 is not settled, a call is not written, and the others
are no message to the debtor. Leaving them out can only make a prescription warning come
earlier, never later. Other demands the client sent itself (not imported as its 14-day
letter), and a debtor's acknowledgement outside Inning (3:318: a payment to the client, a
letter), are not in Inning's record: the warning tells a person to check them.

**Proof.** When the debtor denies receipt the creditor must prove it (3:37 lid 3). A send log
of an e-mail or of an ordinary letter proves sending, not receipt: such a demand is *weak*
(`proven_demand` is False) and the prescription warning also comes before the date the claim
has without it (law4 finding 9). Only a report that the debtor got it is proof here: a letter
the postal provider reported delivered, an e-mail or letter reported read. Erring this way
makes a warning come early, never late.
"""

from __future__ import annotations

from datetime import date

from shared.domain.law.fourteen_day_letter import LetterChannel, assumed_receipt
from shared.domain.messaging import Channel, OutboxStatus

# the provider took it and reported no failure (a later bounce moves it out of these)
REACHED = frozenset({OutboxStatus.SENT, OutboxStatus.DELIVERED, OutboxStatus.READ})
WRITTEN = {Channel.LETTER: LetterChannel.LETTER, Channel.EMAIL: LetterChannel.EMAIL}


def demand_received_on(channel: Channel, status: OutboxStatus, sent_on: date) -> date | None:
    """The day a dunning message sent on ``sent_on`` reached the debtor as a written demand,
    or None when it does not count as one (see the module's notes)."""
    how = WRITTEN.get(channel)
    if how is None or status not in REACHED:
        return None
    return assumed_receipt(sent_on, how)


# the provider reported that the debtor got it: more than a send log
PROVEN = {
    Channel.LETTER: frozenset({OutboxStatus.DELIVERED, OutboxStatus.READ}),
    Channel.EMAIL: frozenset({OutboxStatus.READ}),
}


def proven_demand(channel: Channel, status: OutboxStatus) -> bool:
    """Whether a written demand's receipt rests on more than its sending (see the notes)."""
    return status in PROVEN.get(channel, frozenset())


# a plan's messages to the debtor that ask payment of its invoices, by what their outbox key
# ``plan|<plan id>|<what>`` names (``shared/services/plans``): see the module's notes
PLAN_DEMANDS = (
    "remind|", "lapsed-", "debit-failed|", "came-back|", "cancelled|", "schedule|", "lowered|",
    "first-payment|",
)  # fmt: skip


def plan_demand(what: str) -> bool:
    """Whether a plan's message ``what`` (its outbox key after ``plan|<plan id>|``) is a
    written demand of the plan's invoices (the client's copy of a lapse is not: it goes to
    the client)."""
    if what.endswith("-client"):
        return False
    return what == "agreement" or what.startswith(PLAN_DEMANDS)


def client_letter_received_on(letter_on: date) -> date:
    """The day the client's own 14-day letter or sommatie (imported as ``fourteen_day_letter_on``,
    the day it was sent) counts as received for prescription: that day, the earliest it can
    have reached the debtor (a letter, an e-mail: the client does not say), so the date the
    watch counts from it is never later than the true one. Never proven (see the notes)."""
    return letter_on
