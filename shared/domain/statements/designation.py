"""Whose designation a statement line's invoices are (art. 6:43 lid 1 BW: only the debtor
designates which claim his payment pays).

A line is booked on invoices for two reasons that the law tells apart. The debtor named them:
their payment reference or number is in what he wrote (the matcher's reading of the text, a
typo and a number without its year included): that is his designation, and those claims take
the money first. Or Inning (the matcher, or a person confirming its suggestion) attributed
the money to them by the payer's account, name or amount: that says whose money it is, not
which claim he meant. Such a payment is undesignated and goes over all of that debtor's
claims by 6:43 lid 2 (costs owed and the more burdensome first, equally old pro rata;
:func:`shared.domain.ledger.booking.allocate`), whatever invoices were ticked.

One exception, the tacit designation: an amount equal to the open total of the invoices it is
booked on (one invoice, or the one set of them the matcher found summing to it to the cent)
pays exactly those bills. A debtor who transfers a claim's total to the cent means that claim
as surely as if he had typed its number; reading it otherwise would leave that claim open and
pay others in part, which he evidently did not intend (docs/law.md, "Designation").
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import combinations

from shared.domain.money import Cents
from shared.domain.references.finder import find_references
from shared.domain.references.iban_in_text import without_ibans
from shared.domain.statements.matching import (
    InvoiceIndex,
    OpenInvoice,
    _text_tokens,
    _typo_in,
    candidates,
    normalise_number,
)
from shared.domain.statements.model import StatementLine


def line_references(line: StatementLine) -> list[str]:
    """The payment references (betalingskenmerken, RF, Belgian) the line carries, normalised,
    as the matcher reads them: the bank's structured reference, then those in the text."""
    text = " ".join(x for x in (without_ibans(line.remittance or "", line.counterparty_iban or line.iban_in_text),
                                line.reference) if x)  # fmt: skip
    out = [normalise_number(line.reference)] if line.reference else []
    out += [normalise_number(r.value) for r in find_references(text)]
    return list(dict.fromkeys(out))


def named_in_line(
    line: StatementLine, invoices: Sequence[OpenInvoice], through_plans: Collection[str] = ()
) -> frozenset[str]:
    """The invoices among ``invoices`` that the line's remittance text or structured reference
    names, read as the matcher reads them (a reference, the number with or without prefix or
    year, one character off): the text alone, the payer's account and name left out.
    ``through_plans``: the invoices of the payment plans whose own betalingskenmerk the line
    carries (the caller looks the references up, :func:`line_references`): the plan's notice
    tells the debtor to pay each installment under it, so it names the plan's claims as
    surely as an invoice's reference names that invoice (law14 F0)."""
    if not invoices:
        return frozenset()
    planned = {i.number for i in invoices if i.number in through_plans}
    # every invoice indexed (an invoice paid meanwhile is still named by its number)
    index = InvoiceIndex(replace(i, open_amount=max(i.open_amount, 1)) for i in invoices)
    text_only = replace(line, counterparty_iban=None, counterparty_name=None, iban_in_text=None)
    found = candidates(text_only, index)
    # a number one character off is read among a payer's own invoices (the matcher's
    # ``_payer_candidates``), here among those the line is booked on
    tokens = _text_tokens(
        without_ibans(line.remittance or "", line.counterparty_iban or line.iban_in_text)
    )
    typos = {i.number for i in invoices if _typo_in(i, tokens)}
    return frozenset({i.number for c in found.values() for i in c.invoices} | typos | planned)


@dataclass(frozen=True)
class BillAmounts:
    """The amounts a debtor may pay a bill by to the cent: its whole open claim on the day
    (costs, interest, principal), its open principal, and the amount it was invoiced for (law14
    F3: he pays the bill he received; the day's interest he cannot know to the cent)."""

    total: Cents
    principal: Cents
    face: Cents | None = None  # None: not known to the caller


def set_fits(numbers: Collection[str], amount: Cents, bills: Mapping[str, BillAmounts]) -> bool:
    """Whether ``amount`` is the sum of these bills' open totals, open principals or invoiced
    amounts (one measure over all of them)."""
    if not numbers or any(n not in bills for n in numbers):
        return False
    chosen = [bills[n] for n in numbers]
    faces = [b.face for b in chosen]
    return (
        sum(b.total for b in chosen) == amount
        or sum(b.principal for b in chosen) == amount
        or (None not in faces and sum(f for f in faces if f is not None) == amount)
    )


# the sets of a debtor's bills compared with a tacit designation: up to this many bills each,
# over at most this many bills (the matcher's subsets are as small)
OTHER_SET_SIZE, OTHER_SET_BILLS = 3, 24


def another_set_fits(
    amount: Cents, chosen: Collection[str], bills: Mapping[str, BillAmounts]
) -> bool:
    """Whether another set of the debtor's open ``bills`` than ``chosen`` fits ``amount`` too
    (:func:`set_fits`): then the amount says nothing of which he meant, and a person's tick
    between them is no designation of his (codereview13b #2 for single bills; law14 F4 for
    sets: 150.00 with F-0001 50.00, F-0002 50.00, F-0003 100.00). A debtor with more bills
    than :data:`OTHER_SET_BILLS` is taken to have another set that fits."""
    mine = frozenset(chosen)
    numbers = sorted(bills)
    if len(numbers) > OTHER_SET_BILLS:
        return True
    for size in range(1, OTHER_SET_SIZE + 1):
        for subset in combinations(numbers, size):
            if frozenset(subset) != mine and set_fits(subset, amount, bills):
                return True
    return False


def line_designation(
    line: StatementLine,
    invoices: Sequence[OpenInvoice],
    open_totals: Mapping[str, Cents],
    through_plans: Collection[str] = (),
    faces: Mapping[str, Cents] | None = None,
) -> tuple[str, ...]:
    """The debtor's designation of a line booked on ``invoices`` (in their order): those its
    text names; else all of them when the amount is their open total, their open principal or
    their invoiced amount to the cent (tacit, :func:`set_fits`); else none (an undesignated
    payment, 6:43 lid 2). ``open_totals``: each invoice's whole open claim on the day received
    (costs, interest, principal), as the matcher compared; ``faces``: their invoiced amounts
    (when the caller has them). ``through_plans``: see :func:`named_in_line`; the plan's
    reference names every one of them, also those the line is not booked on (after the
    booked ones, in number order): the designation is what he named, whatever the booking
    needs of it (codereview14 F6: a plan over F1 and F2 booked on F1 read as naming F1 only,
    and that narrowed set became his own). The caller passes only the plans of the debtor
    the line is booked on."""
    numbers = list(dict.fromkeys(i.number for i in invoices))
    named = named_in_line(line, invoices, through_plans)
    if named or through_plans:
        beyond = sorted(set(through_plans) - set(numbers))
        return (*(n for n in numbers if n in named), *beyond)
    bills = {
        i.number: BillAmounts(open_totals[i.number], i.open_amount, (faces or {}).get(i.number))
        for i in invoices
        if i.number in open_totals
    }
    return tuple(numbers) if set_fits(numbers, line.amount, bills) else ()
