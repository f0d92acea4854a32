"""Dunning letters as PDF, in pure Python (fpdf2: the Functions sandbox cannot install system
libraries), in the client's house style, ready for a Dutch window envelope.

The address is placed in the window of a standard envelope with the window on the left
(C5/6 and EA5/6: 20 mm from the left edge, 50 mm from the top, 90 x 40 mm), with the sender's
return line above it. Every page carries its number; the payment block carries the EPC QR code
(banking apps fill in IBAN, amount and reference) and the betalingskenmerk in print.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

import segno
from fpdf import FPDF

from shared.domain.messaging import PostalAddress
from shared.domain.money import Cents, format_cents
from shared.domain.references import betalingskenmerk
from shared.domain.references.epc_qr import CreditTransfer, qr_png

WINDOW_X, WINDOW_Y, WINDOW_W, WINDOW_H = 20.0, 50.0, 90.0, 40.0  # mm


@dataclass(frozen=True)
class Letterhead:
    name: str
    address_lines: tuple[str, ...] = ()
    contact: str = ""
    iban: str = ""
    primary_color: str = "#1f4e79"
    logo_png: bytes | None = None
    footer_text: str = ""


@dataclass(frozen=True)
class LetterInvoice:
    number: str
    invoice_date: date
    due_date: date
    open_amount: Cents


@dataclass(frozen=True)
class LetterSpec:
    letterhead: Letterhead
    recipient: PostalAddress
    letter_date: date
    subject: str
    paragraphs: tuple[str, ...]
    invoices: tuple[LetterInvoice, ...] = ()
    costs: Cents = 0
    interest: Cents = 0
    payment_reference: str | None = None
    language: str = "nl"
    extra_lines: tuple[tuple[str, Cents], ...] = field(default=())
    portal_url: str | None = None  # the debtor's portal link, printed as a second QR code
    # a 14-day letter: ``costs`` are owed only from this day (art. 6:96 lid 6 BW), so they are
    # printed below the total as what not paying in time costs, never in the total or QR code
    costs_from: date | None = None
    # the interest's name by the claims' kind ("Overeengekomen rente" for an agreed rate,
    # interest_words.py; law15 F2); none: the plain "Rente" / "Interest"
    interest_label: str | None = None

    @property
    def total(self) -> Cents:
        return (
            sum(i.open_amount for i in self.invoices)
            + (0 if self.costs_from else self.costs)
            + self.interest
            + sum(a for _, a in self.extra_lines)
        )


LABELS = {
    "nl": {"invoice": "Factuur", "date": "Datum", "due": "Vervaldatum", "open": "Openstaand", "costs": "Incassokosten",
           "interest": "Rente", "total": "Totaal te betalen", "pay": "Betalen", "ref": "Betalingskenmerk",
           "page": "Pagina", "of": "van", "scan": "Scan met uw bankapp",
           "portal": "Online betalen, uitstel of vragen:",
           "costs_after": "Incassokosten als niet uiterlijk {day} is betaald"},
    "en": {"invoice": "Invoice", "date": "Date", "due": "Due date", "open": "Outstanding", "costs": "Collection costs",
           "interest": "Interest", "total": "Total to pay", "pay": "Payment", "ref": "Payment reference",
           "page": "Page", "of": "of", "scan": "Scan with your banking app",
           "portal": "Pay online, postpone or ask:",
           "costs_after": "Collection costs if not paid by {day}"},
}  # fmt: skip


def _latin1(text: str) -> str:
    """Core PDF fonts are Latin-1; the euro sign is written as EUR."""
    return text.replace("€", "EUR").encode("latin-1", "replace").decode("latin-1")


def _rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _money(cents: Cents) -> str:
    return "EUR " + format_cents(cents).replace(".", ",")


class _Pdf(FPDF):
    def __init__(self, spec: LetterSpec) -> None:
        super().__init__(format="A4", unit="mm")
        self.spec = spec
        self.labels = LABELS.get(spec.language, LABELS["nl"])
        self.set_compression(
            False
        )  # small letters; plain streams are searchable in tests and audits
        self.set_auto_page_break(auto=True, margin=25)
        self.alias_nb_pages()

    def header(self) -> None:
        head = self.spec.letterhead
        self.set_fill_color(*_rgb(head.primary_color))
        self.rect(0, 0, 210, 6, style="F")
        if head.logo_png:
            self.image(io.BytesIO(head.logo_png), x=150, y=10, h=18)
        self.set_xy(150, 30)
        self.set_font("Helvetica", "B", 10)
        self.cell(50, 5, _latin1(head.name), new_x="LEFT", new_y="NEXT")
        self.set_font("Helvetica", "", 8)
        for line in (*head.address_lines, head.contact):
            if line:
                self.cell(50, 4, _latin1(line), new_x="LEFT", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(100, 100, 100)
        footer = self.spec.letterhead.footer_text
        if footer:
            self.cell(0, 4, _latin1(footer), align="C", new_x="LMARGIN", new_y="NEXT")
        self.cell(
            0, 4, f"{self.labels['page']} {self.page_no()} {self.labels['of']} {{nb}}", align="C"
        )
        self.set_text_color(0, 0, 0)


def render_letter(spec: LetterSpec) -> bytes:
    pdf = _Pdf(spec)
    labels = pdf.labels
    pdf.add_page()
    head = spec.letterhead
    # return line and address, inside the envelope window
    pdf.set_xy(WINDOW_X + 2, WINDOW_Y + 2)
    pdf.set_font("Helvetica", "", 6)
    pdf.cell(
        WINDOW_W - 4,
        3,
        _latin1(f"{head.name}, {', '.join(head.address_lines)}")[:90],
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 10)
    r = spec.recipient
    for line in (
        r.name,
        r.street,
        f"{r.postal_code}  {r.city.upper()}",
        "" if r.country == "NL" else r.country,
    ):
        if line:
            pdf.cell(WINDOW_W - 4, 5, _latin1(line), new_x="LEFT", new_y="NEXT")
    pdf.set_xy(20, WINDOW_Y + WINDOW_H + 8)
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 5, f"{labels['date']}: {spec.letter_date:%d-%m-%Y}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    pdf.multi_cell(170, 6, _latin1(spec.subject), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 10)
    for paragraph in spec.paragraphs:
        pdf.multi_cell(170, 5, _latin1(paragraph), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    if spec.invoices:
        widths = (45, 35, 35, 40)
        pdf.set_font("Helvetica", "B", 9)
        for w, title in zip(
            widths, (labels["invoice"], labels["date"], labels["due"], labels["open"]), strict=True
        ):
            pdf.cell(w, 6, title, border="B")
        pdf.ln()
        pdf.set_font("Helvetica", "", 9)
        for inv in spec.invoices:
            pdf.cell(widths[0], 5, _latin1(inv.number))
            pdf.cell(widths[1], 5, f"{inv.invoice_date:%d-%m-%Y}")
            pdf.cell(widths[2], 5, f"{inv.due_date:%d-%m-%Y}")
            pdf.cell(
                widths[3], 5, _money(inv.open_amount), align="R", new_x="LMARGIN", new_y="NEXT"
            )
        for label, amount in (
            (labels["costs"], 0 if spec.costs_from else spec.costs),
            (spec.interest_label or labels["interest"], spec.interest),
            *spec.extra_lines,
        ):
            if amount:
                pdf.cell(sum(widths[:3]), 5, _latin1(label))
                pdf.cell(widths[3], 5, _money(amount), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(sum(widths[:3]), 7, labels["total"], border="T")
        pdf.cell(
            widths[3], 7, _money(spec.total), border="T", align="R", new_x="LMARGIN", new_y="NEXT"
        )
        if spec.costs_from and spec.costs:
            last_day = spec.costs_from - timedelta(days=1)
            pdf.set_font("Helvetica", "", 9)
            pdf.cell(
                sum(widths[:3]),
                5,
                _latin1(labels["costs_after"].format(day=f"{last_day:%d-%m-%Y}")),
            )
            pdf.cell(widths[3], 5, _money(spec.costs), align="R", new_x="LMARGIN", new_y="NEXT")
    if head.iban and spec.total > 0:
        _payment_block(pdf, spec)
    return bytes(pdf.output())


def _payment_block(pdf: _Pdf, spec: LetterSpec) -> None:
    labels = pdf.labels
    if pdf.get_y() > 230:
        pdf.add_page()
        pdf.set_y(60)
    pdf.ln(6)
    top = pdf.get_y()
    reference = spec.payment_reference
    text = f"{labels['ref']} {betalingskenmerk.display(reference)}" if reference else None
    png = qr_png(
        CreditTransfer(
            name=spec.letterhead.name[:70], iban=spec.letterhead.iban, amount=spec.total, text=text
        ),
        scale=6,
    )
    pdf.image(io.BytesIO(png), x=20, y=top, w=35, h=35)
    pdf.set_xy(60, top)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 5, labels["pay"], new_x="LEFT", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(
        0,
        5,
        f"IBAN {spec.letterhead.iban}  t.n.v. {_latin1(spec.letterhead.name)}",
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.cell(0, 5, f"{labels['total']}: {_money(spec.total)}", new_x="LEFT", new_y="NEXT")
    if reference:
        pdf.cell(
            0,
            5,
            f"{labels['ref']}: {betalingskenmerk.display(reference)}",
            new_x="LEFT",
            new_y="NEXT",
        )
    pdf.cell(0, 5, labels["scan"], new_x="LEFT", new_y="NEXT")
    if spec.portal_url:
        link = io.BytesIO()
        segno.make(spec.portal_url, error="m").save(link, kind="png", scale=4, border=2)
        pdf.image(io.BytesIO(link.getvalue()), x=160, y=top, w=30, h=30)
        pdf.set_xy(150, top + 31)
        pdf.set_font("Helvetica", "", 7)
        pdf.multi_cell(50, 3.5, labels["portal"], align="C")
