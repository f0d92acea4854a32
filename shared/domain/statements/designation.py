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
from dataclasses import replace

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
    text = " ".join(x for x in (without_ibans(line.remittance or "", line.counterparty_iban),
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
    text_only = replace(line, counterparty_iban=None, counterparty_name=None)
    found = candidates(text_only, index)
    # a number one character off is read among a payer's own invoices (the matcher's
    # ``_payer_candidates``), here among those the line is booked on
    tokens = _text_tokens(without_ibans(line.remittance or "", line.counterparty_iban))
    typos = {i.number for i in invoices if _typo_in(i, tokens)}
    return frozenset({i.number for c in found.values() for i in c.invoices} | typos | planned)


def line_designation(
    line: StatementLine,
    invoices: Sequence[OpenInvoice],
    open_totals: Mapping[str, Cents],
    through_plans: Collection[str] = (),
) -> tuple[str, ...]:
    """The debtor's designation of a line booked on ``invoices`` (in their order): those its
    text names; else all of them when the amount is their open total to the cent (tacit);
    else none (an undesignated payment, 6:43 lid 2). ``open_totals``: each invoice's whole
    open claim on the day received (costs, interest, principal), as the matcher compared.
    ``through_plans``: see :func:`named_in_line`."""
    numbers = list(dict.fromkeys(i.number for i in invoices))
    named = named_in_line(line, invoices, through_plans)
    if named:
        return tuple(n for n in numbers if n in named)
    exact = all(n in open_totals for n in numbers) and (
        sum(open_totals[n] for n in numbers) == line.amount
    )
    return tuple(numbers) if numbers and exact else ()
