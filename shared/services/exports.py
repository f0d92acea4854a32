"""What the client's accounting needs from us: for a period, the payments received for its
invoices, split per invoice (so each invoice can be written off in the ledger).

- ``mt940``: a statement of the money collected for the client on the agency's third-party
  account (derdengeldenrekening): ``:25:`` is that account (MT940 field 25 names the account
  the statement is of; bookkeeping packages pick the bank journal by it), and it holds only
  payments that arrived there (``received_by: third_party``: the agency's bank account and
  Mollie). What the client received itself is on its own bank's statement already; written
  here too under its own IBAN it was booked twice and money that account never had was booked
  on it (newcomer17 F5). The client imports it into a journal of its own (README, the API
  table's export row).
- ``report_pdf``: every payment received, by whom (the third-party account or the client
  itself): what was received, not what is paid out (that is the settlement's specification).

A payment that came back later (a bank return, a chargeback, a refund) stays in the period it
was received, as the client may have booked that period's file already, and its reversal is a
debit in the period of the day it came back: every period's file stays what it was, and the
sum over the periods is what stood. A payment is always written whole: what of it no claim
takes now (an overpayment, or money a later credit note freed) is a line "niet toegewezen", as
it is still on the account until a refund or re-booking (newcomer17b F4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.domain.money import Cents, format_eur_nl
from shared.domain.parties import Client
from shared.domain.records import Payment, Receiver
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.services.errors import Invalid
from shared.services.repositories import Repositories

COMPONENT_NL = {
    "principal": "hoofdsom",
    "interest": "rente",
    "costs": "incassokosten",
    "costs_vat": "btw incassokosten",  # the claim ledger's VAT on costs (client cannot deduct)
    "unallocated": "niet toegewezen",  # on the account, on no claim (to refund or re-book)
}
UNALLOCATED = "unallocated"


@dataclass(frozen=True)
class ExportItem:
    received_on: date
    payment_id: str
    invoice_number: str
    debtor_number: str | None
    component: str
    amount: Cents  # negative for a reversal
    reversal: bool = False
    received_by: Receiver = Receiver.THIRD_PARTY


def _parts(payment: Payment) -> list[tuple[str, str, Cents]]:
    """What the payment's money is now, each part once: the claims' components it pays and what
    no claim takes (``unallocated``: an overpayment, or money a credit note freed later), which
    is still on the account until it is refunded or re-booked. Together always the whole
    payment, so a later credit note or restatement moves money between a period's lines but
    never out of the period it arrived in (newcomer17b F4: a credit note of 100,00 took its
    receipt out of the December file already fetched: 221,00 closed, fetched again 121,00, and
    January opened at 121,00). A refund is money that leaves: a reversal, on its own day."""
    parts = [(a.invoice_number, a.component, a.amount) for a in payment.allocations]
    if payment.unallocated > 0:
        named = payment.booked_to or payment.designated or ()
        parts.append((named[0] if len(named) == 1 else "", UNALLOCATED, payment.unallocated))
    return parts


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
                p.received_on, p.payment_id, number, p.debtor_number, component, amount,
                received_by=p.received_by,
            )
            for p in payments
            for number, component, amount in _parts(p)
        ]  # fmt: skip
        items += [
            ExportItem(
                p.reversed_on, p.payment_id, number, p.debtor_number, component, -amount,
                reversal=True, received_by=p.received_by,
            )
            for p in payments
            if p.reversed and p.reversed_on is not None
            for number, component, amount in _parts(p)
        ]  # fmt: skip
        return sorted(
            items, key=lambda i: (i.received_on, i.invoice_number, i.reversal, i.component)
        )

    def mt940(self, client: Client, start: date, end: date) -> str:
        """The period as one statement of the client's money on the agency's third-party
        account: it opens with what was collected there before the period (so one period's
        closing balance is the next one's opening, and accounting software sees the statements
        chain) and moves by the period's payments and reversals there. The client's own
        receipts are left out: its own bank's statements hold them."""
        agency = self.repos.agencies.get(client.agency_id)
        account = agency.third_party_iban if agency is not None else None
        if not account:
            raise Invalid(
                f"agency {client.agency_id} has no third-party account (third_party_iban) on "
                "record: the MT940 export is a statement of that account; what the client "
                "received itself is on its own bank's statements. The agency's operator "
                f"records the account with `inning agency update {client.agency_id} --iban "
                "<account>` (docs/operations.md section 3)",
                code="export_no_third_party_account",
            )
        every = [i for i in self._every_item(client) if i.received_by is Receiver.THIRD_PARTY]
        items = [i for i in every if start <= i.received_on <= end]
        opening = sum(i.amount for i in every if i.received_on < start)
        lines = [
            OutLine(
                booked_on=i.received_on,
                amount=i.amount,
                remittance=f"{i.invoice_number} {_label(i)}".strip(),
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
        """The period's payments received, per invoice, and by whom: on the agency's
        third-party account or by the client itself. What the client is paid out of them is
        the settlement's (its specification): this report totals what was received, and
        never calls it "to remit" (newcomer17 F3: "Totaal af te dragen 100.00" for money the
        client had received itself, while its settlement paid 0,00)."""
        from fpdf import FPDF

        from shared.adapters.letters.typeface import FAMILY, printable, use_typeface

        items = self.items(client, start, end)
        pdf = FPDF(format="A4")
        use_typeface(pdf)  # names as written, not "?" (ncfix17a)
        pdf.set_compression(False)  # small reports; plain streams are searchable and diffable
        pdf.set_auto_page_break(auto=True, margin=15)
        pdf.add_page()
        pdf.set_font(FAMILY, "B", 14)
        title = f"Ontvangen betalingen {client.name}"
        pdf.cell(0, 10, printable(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "", 10)
        pdf.cell(
            0, 6, f"Periode {start:%d-%m-%Y} t/m {end:%d-%m-%Y}", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.multi_cell(0, 5, INTRO, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        widths = (22, 32, 28, 33, 45, 30)
        titles = ("Datum", "Factuur", "Debiteur", "Soort", "Ontvangen op", "Bedrag (EUR)")
        pdf.set_font(FAMILY, "B", 9)
        for w, title in zip(widths, titles, strict=True):
            pdf.cell(w, 7, title, border="B", align="R" if title == titles[-1] else "L")
        pdf.ln()
        pdf.set_font(FAMILY, "", 9)
        for i in items:
            row = (
                f"{i.received_on:%d-%m-%Y}",
                i.invoice_number,
                i.debtor_number or "",
                _label(i),
                RECEIVED_ON[i.received_by],
                _amount(i.amount),
            )
            for w, text in zip(widths, row, strict=True):
                pdf.cell(w, 6, printable(text)[:28], align="R" if text == row[-1] else "L")
            pdf.ln()
        by = {r: sum(i.amount for i in items if i.received_by is r) for r in Receiver}
        pdf.set_font(FAMILY, "B", 10)
        pdf.cell(sum(widths[:-1]), 8, "Totaal ontvangen", border="T")
        pdf.cell(widths[-1], 8, _amount(sum(by.values())), border="T", align="R")
        pdf.ln()
        pdf.set_font(FAMILY, "", 9)
        for receiver in Receiver:
            pdf.cell(sum(widths[:-1]), 6, PART_OF_TOTAL[receiver])
            pdf.cell(widths[-1], 6, _amount(by[receiver]), align="R")
            pdf.ln()
        pdf.set_font(FAMILY, "", 8)
        pdf.cell(0, 6, f"{len(items)} posten", new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())


# where the money arrived, in the report's words
RECEIVED_ON = {
    Receiver.THIRD_PARTY: "derdengeldenrekening",
    Receiver.CLIENT: "uw eigen rekening",
}
PART_OF_TOTAL = {
    Receiver.THIRD_PARTY: "waarvan ontvangen op de derdengeldenrekening",
    Receiver.CLIENT: "waarvan door u zelf ontvangen",
}
INTRO = (
    "Betalingen die voor uw facturen zijn ontvangen, per factuur, en waar het geld binnenkwam: "
    "op de derdengeldenrekening van het incassobureau of op uw eigen rekening. Wat u wordt "
    "overgemaakt (na de kosten en de vergoeding van het incassobureau) staat op de "
    "afdrachtspecificatie."
)


def _amount(cents: Cents) -> str:
    """``-123456`` -> ``"-1.234,56"``: the Dutch amount, its column saying EUR."""
    return format_eur_nl(cents).replace("€ ", "")


def _label(item: ExportItem) -> str:
    name = COMPONENT_NL.get(item.component, item.component)
    return f"{name} storno" if item.reversal else name
