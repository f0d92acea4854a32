"""What the client's accounting needs from us: for a period, the payments received for its
invoices as an MT940 file (split per invoice, so each invoice can be written off in the
ledger) and a PDF report of the same items with the total to remit.

A payment that came back later (a bank return, a chargeback, a refund) stays in the period it
was received, as the client may have booked that period's file already, and its reversal is a
debit in the period of the day it came back: every period's file stays what it was, and the
sum over the periods is what stood."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.domain.money import Cents, format_cents
from shared.domain.parties import Client
from shared.domain.records import Payment
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.services.repositories import Repositories

COMPONENT_NL = {
    "principal": "hoofdsom",
    "interest": "rente",
    "costs": "incassokosten",
    "costs_vat": "btw incassokosten",  # the claim ledger's VAT on costs (client cannot deduct)
}


@dataclass(frozen=True)
class ExportItem:
    received_on: date
    payment_id: str
    invoice_number: str
    debtor_number: str | None
    component: str
    amount: Cents  # negative for a reversal
    reversal: bool = False


class ExportService:
    def __init__(self, repos: Repositories) -> None:
        self.repos = repos

    def items(self, client: Client, start: date, end: date) -> list[ExportItem]:
        return [i for i in self._every_item(client) if start <= i.received_on <= end]

    def _every_item(self, client: Client) -> list[ExportItem]:
        """Every payment's components on the day received, and every reversal's on the day
        it came back, in order."""
        payments: list[Payment] = []
        token = None
        while True:
            page, token = self.repos.payments.list(
                client.client_id, page_size=1000, continuation=token
            )
            payments += page
            if not token:
                break
        items = [
            ExportItem(
                p.received_on,
                p.payment_id,
                a.invoice_number,
                p.debtor_number,
                a.component,
                a.amount,
            )
            for p in payments
            for a in p.allocations
        ]
        items += [
            ExportItem(
                p.reversed_on, p.payment_id, a.invoice_number, p.debtor_number, a.component,
                -a.amount, reversal=True,
            )
            for p in payments
            if p.reversed and p.reversed_on is not None
            for a in p.allocations
        ]  # fmt: skip
        return sorted(
            items, key=lambda i: (i.received_on, i.invoice_number, i.reversal, i.component)
        )

    def mt940(self, client: Client, start: date, end: date) -> str:
        """The period as one statement of the client's collection account: it opens with what
        was collected before the period (so one period's closing balance is the next one's
        opening, and accounting software sees the statements chain) and moves by the period's
        payments and reversals."""
        every = self._every_item(client)
        items = [i for i in every if start <= i.received_on <= end]
        opening = sum(i.amount for i in every if i.received_on < start)
        account = client.ibans[0] if client.ibans else "NL00INNING0000000000"
        lines = [
            OutLine(
                booked_on=i.received_on,
                amount=i.amount,
                remittance=f"{i.invoice_number} {_label(i)}",
                end_to_end_id=i.payment_id[-16:],
            )
            for i in items
        ]
        return write_mt940(
            account,
            lines,
            opening=opening,
            opening_date=start,
            statement_id=f"INN{start:%y%m%d}{end:%y%m%d}",
        )

    def report_pdf(self, client: Client, start: date, end: date) -> bytes:
        from fpdf import FPDF

        from shared.adapters.letters.typeface import FAMILY, use_typeface

        items = self.items(client, start, end)
        pdf = FPDF(format="A4")
        use_typeface(pdf)  # names as written, not "?" (ncfix17a)
        pdf.set_compression(False)  # small reports; plain streams are searchable and diffable
        pdf.set_auto_page_break(auto=True, margin=15)
        pdf.add_page()
        pdf.set_font(FAMILY, "B", 14)
        pdf.cell(0, 10, _latin1(f"Afdrachtoverzicht {client.name}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "", 10)
        pdf.cell(
            0, 6, f"Periode {start:%d-%m-%Y} t/m {end:%d-%m-%Y}", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(4)
        widths = (25, 40, 35, 35, 30)
        pdf.set_font(FAMILY, "B", 9)
        for w, title in zip(
            widths, ("Datum", "Factuur", "Debiteur", "Soort", "Bedrag (EUR)"), strict=True
        ):
            pdf.cell(w, 7, title, border="B")
        pdf.ln()
        pdf.set_font(FAMILY, "", 9)
        for i in items:
            row = (
                f"{i.received_on:%d-%m-%Y}",
                i.invoice_number,
                i.debtor_number or "",
                _label(i),
                format_cents(i.amount),
            )
            for w, text in zip(widths, row, strict=True):
                pdf.cell(w, 6, _latin1(text)[:28], align="R" if text == row[-1] else "L")
            pdf.ln()
        total = sum(i.amount for i in items)
        pdf.set_font(FAMILY, "B", 10)
        pdf.cell(sum(widths[:-1]), 8, "Totaal af te dragen", border="T")
        pdf.cell(widths[-1], 8, format_cents(total), border="T", align="R")
        pdf.ln()
        pdf.set_font(FAMILY, "", 8)
        pdf.cell(0, 6, f"{len(items)} posten", new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())


def _label(item: ExportItem) -> str:
    name = COMPONENT_NL.get(item.component, item.component)
    return f"{name} storno" if item.reversal else name


def _latin1(text: str) -> str:
    from shared.adapters.letters.typeface import printable

    return printable(text)
