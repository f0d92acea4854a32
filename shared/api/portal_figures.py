"""What the portal's overview shows per invoice, as label and amount rows a phone can read.

From the ledger's claim figures (the same :class:`ClaimFigures` the API's claim and the console
dossier show), with no computation of its own: the invoice amount, minus what was credited,
plus the costs (the VAT on them on a line of its own, as the 14-day letter states it), plus the
interest, minus what was waived and paid, is the open amount to the cent, for every invoice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shared.domain.interest_words import interest_key
from shared.domain.invoices import Invoice
from shared.domain.ledger.model import Amounts, ClaimFigures, Component, InterestRule


@dataclass(frozen=True)
class Row:
    key: str  # the text's key in portal_text.TEXT
    cents: int  # signed: what takes away from the claim is negative
    note: str = ""  # a credit note's reference


@dataclass(frozen=True)
class InvoiceFigures:
    number: str
    rows: tuple[Row, ...]
    open: int

    @property
    def adds_up(self) -> bool:
        return sum(r.cents for r in self.rows) == self.open


def _kept(charged: int, *gone: int) -> int:
    return charged - sum(gone)


def invoice_figures(
    invoice: Invoice, claim: ClaimFigures | None, kinds: tuple[InterestRule, ...] | None = None
) -> InvoiceFigures:
    """The rows of one invoice, top to bottom, each shown only when it is not zero (the
    invoice amount always); ``kinds``: the kinds of interest the claim was really charged
    (:mod:`shared.services.interest_kinds`; None: its rule's)."""
    if claim is None:  # no claim in the ledger (yet): the invoice's own figures
        credited = sum(c for _, c in invoice.credit_notes)
        rows = [Row("inv_amount", invoice.amount + credited)]
        rows += [Row("inv_credited", -c, ref) for ref, c in invoice.credit_notes]
        if invoice.paid:
            rows.append(Row("inv_paid", -invoice.paid))
        return InvoiceFigures(invoice.number, tuple(rows), invoice.open_amount)
    c, gone = claim.charged, (claim.credited, claim.waived, claim.written_off)
    rows = [Row("inv_amount", c.principal)]
    # the credit notes by their own reference; what the ledger credited of the principal
    # beyond them (a credit note booked before references were kept) as one line
    # beyond them (a credit note booked before references were kept) as one line; what the
    # debtor paid the client before the hand-over is a payment, never a credit
    credited = claim.credited.principal - claim.paid_before_handover
    notes = [*invoice.credit_notes, *([invoice.credited_by] if invoice.credited_by else [])]
    noted = 0
    for ref, cents in notes:
        if noted + cents <= credited:
            rows.append(Row("inv_credited", -cents, ref))
            noted += cents
    if credited > noted:
        rows.append(Row("inv_credited", -(credited - noted)))
    if claim.paid_before_handover:
        rows.append(Row("inv_paid_before", -claim.paid_before_handover))
    # costs, their VAT and interest as they stand (a correction or waiver already taken off:
    # what the debtor owes for them, not a history of how they were computed)
    for component in (Component.COSTS, Component.COSTS_VAT, Component.INTEREST):
        kept = _kept(c.of(component), *(g.of(component) for g in gone))
        if kept:
            # the interest by the kinds charged: an agreed rate is no "wettelijke rente" (law15
            # F2), nor a statutory rate charged where it was the higher (misc16 #1)
            named = kinds or (claim.interest_rule,)
            key = interest_key(named) if component is Component.INTEREST else None
            rows.append(Row(key or component.value, kept))
    waived = claim.waived.principal + claim.written_off.principal
    if waived:
        rows.append(Row("inv_waived", -waived))
    if claim.paid.total:
        rows.append(Row("inv_paid", -claim.paid.total))
    return InvoiceFigures(invoice.number, tuple(rows), claim.open.total)


def components(claims: dict[str, ClaimFigures], numbers: set[str]) -> Amounts:
    """What is open of each component over these invoices (which words the pay note needs)."""
    total = Amounts()
    for n, f in claims.items():
        if n in numbers:
            total = total.plus(f.open)
    return total


def shown(
    figures: InvoiceFigures, text: dict[str, str], money: Callable[[int], str]
) -> list[dict[str, str]]:
    """The rows as the template prints them: label, amount, and a class for the sign."""
    out = []
    for row in figures.rows:
        label = text[row.key] + (f" {row.note}" if row.note else "")
        amount = money(abs(row.cents))
        out.append({"label": label, "amount": f"− {amount}" if row.cents < 0 else amount})
    return out
