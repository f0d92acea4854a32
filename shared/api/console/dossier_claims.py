"""The dossier's claims table: one row per invoice that adds up on screen, and a totals row.

A row reads principal + costs + VAT on costs + interest - paid - credited - waived - written
off = open, the identity the claim ledger keeps per component (and the API's claim states,
``schemas_ledger.ClaimOut``). The waived and written-off columns are shown only when some
claim of the dossier has one, so an ordinary dossier stays narrow; a column left out is zero
in every row, so the rows still add up. A claim's figures are the ledger's, summed over
components and over invoices, never derived here; only an invoice without claim figures is
read from the invoice itself (:func:`of_invoice`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

from shared.domain.invoices import Invoice
from shared.domain.ledger.model import ClaimFigures
from shared.domain.money import Cents


@dataclass(frozen=True)
class RowFigures:
    """One row's amounts in cents, in the order of the table's columns."""

    principal: Cents = 0
    costs: Cents = 0
    costs_vat: Cents = 0
    interest: Cents = 0
    paid: Cents = 0
    credited: Cents = 0
    waived: Cents = 0
    written_off: Cents = 0
    open: Cents = 0

    def plus(self, other: RowFigures) -> RowFigures:
        return RowFigures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def charged(self) -> Cents:
        return self.principal + self.costs + self.costs_vat + self.interest

    @property
    def settled(self) -> Cents:
        """Everything that took money off the claim, whichever way."""
        return self.paid + self.credited + self.waived + self.written_off


@dataclass(frozen=True)
class ClaimRow:
    invoice: Invoice
    figures: RowFigures
    from_ledger: bool  # False: the invoice alone (no claim figures), principal only


@dataclass(frozen=True)
class ClaimsTable:
    rows: list[ClaimRow]
    total: RowFigures
    show_waived: bool
    show_written_off: bool

    @property
    def columns(self) -> int:
        """How many columns a row has (for a row that spans the table)."""
        return 10 + self.show_waived + self.show_written_off


def of_claim(f: ClaimFigures) -> RowFigures:
    """A claim's row: what was charged per component, then what took it off, as totals."""
    return RowFigures(
        f.charged.principal, f.charged.costs, f.charged.costs_vat, f.charged.interest,
        # paid to the client before the hand-over: a payment, not a credit
        f.paid.total + f.paid_before_handover, f.credited.total - f.paid_before_handover,
        f.waived.total, f.written_off.total, f.open.total,
    )  # fmt: skip


def of_invoice(inv: Invoice) -> RowFigures:
    """An invoice without claim figures: the principal as invoiced, what was paid, and the
    rest credited (partial credit notes, and what a closed invoice left open: the ledger
    counts that as credited too), so the row adds up like a claim's."""
    credited = inv.invoiced - inv.amount + (inv.amount - inv.paid - inv.open_amount)
    return RowFigures(principal=inv.invoiced, paid=inv.paid, credited=credited,
                      open=inv.open_amount)  # fmt: skip


def claims_table(invoices: Sequence[Invoice], claims: Mapping[str, ClaimFigures]) -> ClaimsTable:
    """The rows in the order of ``invoices`` and their sum."""
    rows = [
        ClaimRow(inv, of_claim(claims[inv.number]), True)
        if inv.number in claims
        else ClaimRow(inv, of_invoice(inv), False)
        for inv in invoices
    ]
    total = RowFigures()
    for row in rows:
        total = total.plus(row.figures)
    return ClaimsTable(
        rows,
        total,
        show_waived=any(r.figures.waived for r in rows),
        show_written_off=any(r.figures.written_off for r in rows),
    )
