"""What a statement says a payer sent and the bank kept of it, and whether Inning believes it.

A credit the bank booked less its own charges pays the payer's invoice in full (PSD2 art. 81(2),
7:520 BW: the bank states the full amount and its charges separately), so the charges become
the account holder's cost. That is only safe where the figures are the bank's and plausible:
a charge larger than what arrived, more than a few percent of what was sent, in another
currency than the credit, or figures that do not add up to what arrived are no bank's
deduction Inning books on a debtor's invoice (attack11 A2: a payer who writes them in his
own description gets 1,000.00 booked for 100.00). The same holds for a CAMT file's charges
(a client uploads its own account's file; a bare total names no bank; codereview11 F3). Such a line is booked with what arrived
and the figures go on the statement's warnings, for a person.
"""

from __future__ import annotations

from decimal import Decimal

from shared.domain.money import Cents, cents_from_decimal, format_eur_nl

# the most a bank's charges on one incoming payment plausibly are: a share of what was sent
# and an amount (SWIFT SHA/BEN charges of the banks in between are tens of euros at most)
MAX_CHARGE_PERCENT = 5
MAX_CHARGE_CENTS = 50_00

NOT_THE_CURRENCY = "not in the statement's currency, and no rate is read"
NOT_ADDING_UP = "the one less the other is not what arrived"
IMPLAUSIBLE = (
    f"charges of more than {MAX_CHARGE_PERCENT}% or {format_eur_nl(MAX_CHARGE_CENTS)} "
    "are not read as the bank's"
)
REASONS = (NOT_THE_CURRENCY, NOT_ADDING_UP, IMPLAUSIBLE)


def bank_charges(
    where: str,
    moved: Cents,
    original: tuple[str, Decimal] | None,
    charges: tuple[str, Decimal] | None,
    currency: str,
) -> tuple[Cents, Cents, str | None]:
    """``(paid, charges, doubt)`` of a line that ``moved`` this much: the amount sent and the
    charges kept where the bank's ``original`` and ``charges`` say so and are plausible;
    else ``(moved, 0, doubt)``, ``doubt`` the warning a person reads (None: nothing said,
    or nothing to doubt). ``where``: "line 12", "entry 3"."""
    if moved <= 0 or original is None or charges is None:
        return moved, 0, None
    said = f"{original[0]} {original[1]:.2f}", f"{charges[0]} {charges[1]:.2f}"
    if original[0] != currency or charges[0] != currency:
        return moved, 0, doubt_note(where, *said, moved, NOT_THE_CURRENCY)
    paid, kept = cents_from_decimal(original[1]), cents_from_decimal(charges[1])
    if kept == 0 and paid == moved:
        return moved, 0, None  # no charges: what was sent arrived
    if kept <= 0 or paid - kept != moved:
        return moved, 0, doubt_note(where, *said, moved, NOT_ADDING_UP)
    if not plausible(paid, kept, moved):
        return moved, 0, doubt_note(where, *said, moved, IMPLAUSIBLE)
    return paid, kept, None


def plausible(paid: Cents, kept: Cents, moved: Cents) -> bool:
    """Whether ``kept`` of ``paid`` sent can be the account's bank's charges on a credit that
    ``moved`` this much: less than what arrived, at most a few percent of what was sent and
    at most an amount (MT940's ``/CHGS/`` and a CAMT file's own-bank charges alike)."""
    return kept < moved and kept * 100 <= paid * MAX_CHARGE_PERCENT and kept <= MAX_CHARGE_CENTS


def doubt_note(where: str, original: str, charges: str, moved: Cents, why: str) -> str:
    """The warning of figures not believed (console: action_text translates it)."""
    return (
        f"{where}: the statement names {original} sent and {charges} charges for a credit "
        f"of {format_eur_nl(moved)} ({why}): the payer is credited the {format_eur_nl(moved)} "
        "that arrived; check the credit with the bank and book a difference by hand"
    )
