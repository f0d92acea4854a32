"""Prescription (verjaring) of a claim for payment.

Art. 3:307 BW: five years, starting the day after the claim became due (opeisbaar).
Art. 7:28 BW: two years for a consumer sale (the seller's claim for the price); a consumer's
service, subscription or rent claim is not a sale and keeps the five years of 3:307/3:308.
Art. 3:317 BW: a written demand (aanmaning) interrupts. Art. 3:319 lid 2 BW: the new period,
starting the day after the interruption, equals the original one but is at most five years
(so two years again for a 7:28 claim), and the claim never prescribes earlier than the original
period would have ended without the interruption. Clients may configure other terms.
A demand on or after the day the claim prescribed interrupts nothing: there is no period left
running to interrupt, so it cannot revive the claim (it is reported, not applied).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from shared.domain.law.calendar_math import add_years

CONSUMER_PURCHASE_YEARS = 2
DEFAULT_YEARS = 5
MAX_NEW_PERIOD_YEARS = 5  # 3:319 lid 2: "doch niet langer dan vijf jaren"


class ClaimKind(StrEnum):
    """What the claim is for, as far as prescription cares."""

    CONSUMER_SALE = "consumer_sale"  # the price of goods sold to a consumer (7:28 BW)
    OTHER = "other"  # services, subscriptions, anything between businesses (3:307 BW)


def term_years(kind: ClaimKind | None, *, consumer: bool) -> int:
    """The prescription term of a claim. 7:28 applies to a consumer sale only, so a business
    debtor's claim always has five years. A consumer's claim whose kind nobody told us gets
    the two years of a sale: the shorter term makes a warning early rather than late, and a
    claim that turns out to be a service has only gained time."""
    if not consumer or kind is ClaimKind.OTHER:
        return DEFAULT_YEARS
    return CONSUMER_PURCHASE_YEARS


@dataclass(frozen=True)
class Prescription:
    period_starts: date
    last_day: date  # the last day on which the claim is still enforceable
    prescribed_on: date
    # demands given that came on or after the claim had prescribed: they interrupted nothing
    too_late: tuple[date, ...] = field(default=())
    # demands that did interrupt, in date order
    interrupted_by: tuple[date, ...] = field(default=())


def prescription(
    due_date: date,
    *,
    consumer_purchase: bool,
    interruptions: list[date] | None = None,
    years: int | None = None,
) -> Prescription:
    """``interruptions``: the days written demands reached the debtor (3:317 lid 1 and the
    receipt theory of 3:37 lid 3: a demand works from its receipt)."""
    term = years or (CONSUMER_PURCHASE_YEARS if consumer_purchase else DEFAULT_YEARS)
    if term <= 0:
        raise ValueError("prescription term must be positive")
    start = due_date + timedelta(days=1)
    original = prescribed_on = _years_after(start, term)
    too_late: list[date] = []
    applied: list[date] = []
    for demand in sorted(set(interruptions or [])):
        if demand <= due_date:
            continue  # before the period ran: nothing to interrupt yet
        if demand >= prescribed_on:
            too_late.append(demand)
            continue
        start = demand + timedelta(days=1)
        # 3:319 lid 2: never earlier than the original period without interruption
        prescribed_on = max(_years_after(start, min(term, MAX_NEW_PERIOD_YEARS)), original)
        applied.append(demand)
    return Prescription(
        start, prescribed_on - timedelta(days=1), prescribed_on, tuple(too_late), tuple(applied)
    )


def _years_after(start: date, years: int) -> date:
    """The first day after a period of ``years`` that starts on ``start``: the same date that
    many years on. A period from 29 February runs to the end of 28 February in a year without
    one (it has no 29th to end the day before), so it is over on 1 March, not on 28 February
    (law7 minor: five years from 29-2-2024 end with 28-2-2029; the claim prescribes on
    1-3-2029). The interest anniversary keeps 28 February (calendar_math.add_years)."""
    later = add_years(start, years)
    if (start.month, start.day) == (2, 29) and later.day == 28:
        return later + timedelta(days=1)
    return later


WARNING_DAYS = 60  # the action list's warning comes this many days before the date


def next_prescription_check(
    dates: list[date], today: date, warn_days: int = WARNING_DAYS
) -> date | None:
    """The next day after ``today`` on which a claim's prescription needs a look: a warning
    ``warn_days`` before each of its possible dates, and the date itself (dunning then holds
    the claim). None when every one has passed: the claim is held or warned about, and only
    a person's decision moves it on. A schedule row on that day keeps the warning coming
    for a claim whose workflow has ended (law4 finding 3)."""
    ahead = [d for day in dates for d in (day - timedelta(days=warn_days), day) if d > today]
    return min(ahead, default=None)


def prescription_warning(
    number: str,
    kind: ClaimKind | None,
    prescribes_on: date,
    years: int,
    *,
    consumer: bool,
    interrupted_by: tuple[date, ...],
    today: date | None = None,
    acknowledged: frozenset[date] = frozenset(),
    held_by: str | None = None,
) -> str:
    """The action list's sentence for a claim about to prescribe: the date, what it was
    counted from, and what a person must check before relying on it. On or after the date
    (``today``) it says the claim may have prescribed: a demand then revives nothing, and
    dunning holds the claim until a person decides (art. 3:322 BW: prescription is not
    applied by itself, so a hold and a decision, never a write-off). ``held_by``: the agency
    a handed-over claim is at (the client's sentence): it alone demands or sues now, and
    was warned, so the client is not told to (told24, cm24 F4's left)."""
    counted = _counted(
        kind, years, consumer=consumer, interrupted_by=interrupted_by, acknowledged=acknowledged
    )
    if today is not None and today >= prescribes_on:
        gone = (
            f"Invoice {number} may have prescribed on {prescribes_on:%d-%m-%Y}: {counted}; a "
            "demand now cannot revive it (art. 3:317 BW)."
        )
        if held_by is not None:
            # recording an interruption or a release is the agency's now, as demanding is
            # (stuiting25: told24 left the hold telling the client to record or release)
            return (
                f"{gone} The collection agency {held_by} holds the claim and was warned: it "
                "decides, not the client, whether a demand or an acknowledgement by the debtor "
                "(a payment plan he agreed to, a part payment, art. 3:318 BW) interrupted it or "
                "the claim is released (art. 3:322 BW: the debtor must invoke prescription himself)"
            )
        return (
            f"{gone} Dunning holds it (no 14-day letter, no costs, no hand-over): if a demand "
            "the client sent itself or an acknowledgement by the debtor (a payment plan he agreed "
            "to, a part payment, art. 3:318 BW) interrupted it, record that with its date; otherwise a person decides whether to release it (art. 3:322 BW: "
            "the debtor must invoke prescription himself)"
        )
    checks = (
        f"Invoice {number} may prescribe on {prescribes_on:%d-%m-%Y}: {counted}. Check demands "
        "the client sent itself and any acknowledgement by the debtor (a payment plan, a part "
        "payment)"
    )
    if held_by is not None:
        return (
            f"{checks}; the collection agency {held_by} holds the claim and was warned: it "
            "sends the written demand or goes to court, not the client"
        )
    return f"{checks}; if none interrupted it, send a written demand or go to court"


def filed_warning(
    number: str,
    kind: ClaimKind | None,
    prescribes_on: date,
    years: int,
    *,
    consumer: bool,
    interrupted_by: tuple[date, ...],
    today: date,
    acknowledged: frozenset[date] = frozenset(),
    wsnp: bool,
    since: date,
) -> str:
    """The sentence for a claim about to prescribe while a bankruptcy or WSNP that covers it
    holds (law14b F): the claim is pursued only by filing it with the curator or the
    administrator (art. 26, 110 Fw; art. 299, 328 Fw), never by a demand to the debtor or a
    suit, and the filing interrupts prescription (art. 3:316 BW), the new term running from
    the ruling's end (art. 3:319 BW). So staff check it was filed and record its day."""
    counted = _counted(
        kind, years, consumer=consumer, interrupted_by=interrupted_by, acknowledged=acknowledged
    )
    ruling, who, articles = (
        ("in the WSNP", "administrator (bewindvoerder)", "art. 299, 328 Fw")
        if wsnp
        else ("bankrupt", "curator", "art. 26, 110 Fw")
    )
    verb = "may have prescribed on" if today >= prescribes_on else "may prescribe on"
    return (
        f"Invoice {number} {verb} {prescribes_on:%d-%m-%Y}: {counted}. Debtor {ruling} since "
        f"{since:%d-%m-%Y}: pursued only by filing it with the {who} ({articles}), no demand "
        "or suit; filing interrupts prescription (art. 3:316 BW): record its day"
        + ("; otherwise a person decides (art. 3:322 BW)" if today >= prescribes_on else "")
    )


# how the client's own imported 14-day letter or sommatie is named among a claim's demands
# (``shared.domain.law.demands``, :func:`unproven_warning`)
CLIENT_LETTER = "client's letter"


def unproven_warning(
    number: str,
    prescribes_on: date,
    unproven: tuple[tuple[date, str], ...],
    years: int,
    *,
    today: date,
    held_by: str | None = None,
) -> str:
    """The warning before the date a claim has when Inning's demands that rest on weak proof
    (an e-mail merely sent, an ordinary letter) do not count: the debtor who denies receipt
    makes the creditor prove it (art. 3:37 lid 3 BW), and a send log proves sending, not
    receipt. ``unproven``: (the day each reached the debtor, "e-mail"/"letter" of Inning's,
    or "client's letter": the client's own 14-day letter or sommatie, imported with the
    invoice, of which Inning has no proof at all; law17 P2). ``held_by``: the agency a
    handed-over claim is at (the client's sentence): it sends the stuitingsbrief now and was
    warned, so the client is not told to (stuiting25, as told24's :func:`prescription_warning`)."""
    inning = ", ".join(f"{how} of {day:%d-%m-%Y}" for day, how in unproven
                       if how != CLIENT_LETTER)  # fmt: skip
    client = ", ".join(f"{day:%d-%m-%Y}" for day, how in unproven if how == CLIENT_LETTER)
    what = ", ".join(
        ([f"Inning's {inning}"] if inning else [])
        + ([f"the client's letter of {client}"] if client else [])
    )
    verb = "may have prescribed on" if today >= prescribes_on else "prescribes on"
    unless = (
        f"Invoice {number} {verb} {prescribes_on:%d-%m-%Y} ({years} years) unless {what} "
        "can be proven to have reached the debtor (art. 3:317 and 3:37 lid 3 BW)"
    )
    if held_by is not None:
        return (
            f"{unless}: the collection agency {held_by} holds the claim and was warned: it sends "
            "a registered stuitingsbrief (aangetekend and by ordinary post) before that date, not "
            "the client; check demands the client sent itself and any acknowledgement by the debtor"
        )
    return (
        f"{unless}: send a registered stuitingsbrief (aangetekend and by ordinary post) before "
        "that date, or check demands the client sent itself and any acknowledgement by the debtor"
    )


def _counted(
    kind: ClaimKind | None,
    years: int,
    *,
    consumer: bool,
    interrupted_by: tuple[date, ...],
    acknowledged: frozenset[date] = frozenset(),
) -> str:
    if years == CONSUMER_PURCHASE_YEARS and consumer:
        term = (
            "2 years as a consumer sale (art. 7:28 BW"
            + ("; the claim's kind was not given" if kind is None else "")
            + ")"
        )
    else:
        term = f"{years} years (art. 3:307 BW)"
    if interrupted_by and (last := max(interrupted_by)) in acknowledged:
        return (
            f"counted {term} from the day after the debtor acknowledged the claim by his "
            "own act Inning holds (a payment he made on it, a payment plan he agreed to, his "
            "written proposal or request in the portal, a message of his marked as one; "
            f"{last:%d-%m-%Y}, art. 3:318 and "
            "3:319 BW)"
        )
    if interrupted_by:
        last = max(interrupted_by)
        return (
            f"counted {term} from the day after the last written demand reached the "
            f"debtor ({last:%d-%m-%Y}, art. 3:317 and 3:319 BW)"
        )
    return f"counted {term} from its due date; no written demand of Inning reached the debtor"
