"""Dunning letters as PDF, in pure Python (fpdf2: the Functions sandbox cannot install system
libraries), in the client's house style, ready for a Dutch window envelope.

The address is placed in the window of a standard envelope with the window on the left
(C5/6 and EA5/6: 20 mm from the left edge, 50 mm from the top, 90 x 40 mm), with the sender's
return line above it. Every page carries its number; the payment block carries the EPC QR code
(banking apps fill in IBAN, amount and reference) and the betalingskenmerk in print, or,
without one, the description to quote (debtor and invoice numbers, as the portal). A payment
plan's letter lists its installments and asks, in its payment block, for one installment.

Every text is set in an embedded Unicode font (``typeface``: names such as "Ş. Yılmaz" print
as written) and every amount the way the letter's language writes it ("EUR 12.345,67" in
Dutch, "EUR 12,345.67" in English), as the templates' body text does.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import segno
from fpdf import FPDF
from fpdf.enums import WrapMode

from shared.adapters.letters.country_lines import HOME, country_line
from shared.adapters.letters.typeface import FAMILY, printable, use_typeface
from shared.domain.day_shown import day_shown
from shared.domain.messaging import PostalAddress
from shared.domain.money import Cents, format_eur_en, format_eur_nl
from shared.domain.parties import Address
from shared.domain.references import betalingskenmerk
from shared.domain.references.epc_qr import CreditTransfer, qr_png
from shared.domain.sentence_end import end_once

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
    # the ISO code of the client's postal address: a client abroad already ends
    # ``address_lines`` with its country (``sender_lines``); at home a letter abroad adds it
    country: str = HOME
    # under the contact at the top right, never in the return line: an agency's entry in the
    # register incassodienstverlening, which its letters must name (art. 13 Wki; wki27)
    registration: str = ""


@dataclass(frozen=True)
class LetterInvoice:
    number: str
    invoice_date: date
    due_date: date
    open_amount: Cents


@dataclass(frozen=True)
class LetterInstallment:
    """One installment of a payment plan, as its letter lists it."""

    number: int | str  # "1 en 2": a payment block asking several at once
    due_date: date
    amount: Cents


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
    # what a letter without a betalingskenmerk asks the debtor to quote (its invoices: the
    # text the portal and the e-mail's QR code carry), printed and in its QR code (newcomer17
    # F7: a letter over several invoices gave nothing to quote)
    description: str | None = None
    language: str = "nl"
    portal_url: str | None = None  # the debtor's portal link, printed as a second QR code
    # a 14-day letter: ``costs`` are owed only from this day (art. 6:96 lid 6 BW), so they are
    # printed below the total as what not paying in time costs, never in the total or QR code
    costs_from: date | None = None
    # the interest's name by the claims' kind ("Overeengekomen rente" for an agreed rate,
    # interest_words.py; law15 F2); none: the plain "Rente" / "Interest"
    interest_label: str | None = None
    # a payment plan's schedule, printed as a table of its own (newcomer17 F2: it was dropped)
    installments: tuple[LetterInstallment, ...] = ()
    # the installment the payment block and its QR code ask for, instead of the total: a plan's
    # letter asks one installment at a time (None: the total, or no payment block at all when
    # there is no total, as for a plan paid by direct debit)
    pay_installment: LetterInstallment | None = None
    # the schedule's table stands before this paragraph, where the text listed it (None:
    # after the text)
    schedule_at: int | None = None

    @property
    def total(self) -> Cents:
        return (
            sum(i.open_amount for i in self.invoices)
            + (0 if self.costs_from else self.costs)
            + self.interest
        )

    @property
    def amount_asked(self) -> Cents:
        """What the payment block and its QR code ask: one installment, or the total."""
        return self.pay_installment.amount if self.pay_installment else self.total


LABELS = {
    "nl": {"invoice": "Factuur", "date": "Datum", "due": "Vervaldatum", "open": "Openstaand", "costs": "Incassokosten",
           "interest": "Rente", "total": "Totaal te betalen", "pay": "Betalen", "ref": "Betalingskenmerk",
           "page": "Pagina", "of": "van", "scan": "Scan met uw bankapp",
           "portal": "Online betalen, uitstel of vragen:",
           "costs_after": "Incassokosten als niet uiterlijk {day} is betaald",
           "payee": "t.n.v.", "installment": "Termijn", "amount": "Bedrag",
           "plan_total": "Totaal van de regeling", "installment_pay": "Termijn {n}, uiterlijk {day}",
           "plan_ref": "Vermeld bij elke termijn betalingskenmerk {ref}",
           "quote": "Vermeld als omschrijving"},
    "en": {"invoice": "Invoice", "date": "Date", "due": "Due date", "open": "Outstanding", "costs": "Collection costs",
           "interest": "Interest", "total": "Total to pay", "pay": "Payment", "ref": "Payment reference",
           "page": "Page", "of": "of", "scan": "Scan with your banking app",
           "portal": "Pay online, postpone or ask:",
           "costs_after": "Collection costs if not paid by {day}",
           "payee": "in the name of", "installment": "Installment", "amount": "Amount",
           "plan_total": "Total of the plan", "installment_pay": "Installment {n}, due {day}",
           "plan_ref": "Quote payment reference {ref} with every installment",
           "quote": "Quote as the description"},
}  # fmt: skip


def sender_lines(address: Address | None) -> tuple[str, ...]:
    """A client's postal address as its letters print it (letterhead and return line): street,
    postcode and town in capitals (PostNL), the country's name when it is not the Netherlands."""
    if address is None:
        return ()
    lines = (
        address.street,
        f"{address.postal_code}  {address.city.upper()}",
        country_line(address.country),
    )
    return tuple(line.strip() for line in lines if line.strip())


def sender_country(address: Address | None) -> str:
    """The ISO code a client's :class:`Letterhead` carries (no address: at home, and its
    letters have no return line to end with a country)."""
    return address.country if address else HOME


def _rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _money(cents: Cents, language: str) -> str:
    """``EUR 12.345,67`` in a Dutch letter, ``EUR 12,345.67`` in an English one: the body text
    writes amounts so (newcomer17 F8: the table wrote ``EUR 12345,67`` in both)."""
    if language == "en":
        return format_eur_en(cents)
    return format_eur_nl(cents).replace("€", "EUR")


def _shrunk(pdf: FPDF, text: str, width: float, size: float, smallest: float) -> bool:
    """Set the font's size to the largest from ``size`` down to ``smallest`` (half points) at
    which ``text`` fits ``width``; whether it fits at all (else ``smallest`` is set)."""
    while True:
        pdf.set_font_size(size)
        if pdf.get_string_width(text) <= width:
            return True
        if size - 0.5 < smallest:
            return False
        size -= 0.5


def _wrapped(pdf: FPDF, parts: Sequence[str], width: float, joint: str = ", ") -> list[str]:
    """``parts`` set in lines no wider than ``width`` in the current font: whole parts joined
    by ``joint`` where they fit (a postcode stays with its town), a part too wide alone broken
    between words, a word too wide alone between characters. Nothing is left out."""
    lines: list[str] = []
    for part in parts:
        joined = f"{lines[-1]}{joint}{part}" if lines else part
        if lines and pdf.get_string_width(joined) <= width:
            lines[-1] = joined
            continue
        if lines:
            lines[-1] += joint.rstrip()
        line = ""
        for word in part.split():
            candidate = f"{line} {word}" if line else word
            if pdf.get_string_width(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for char in word:
                if line and pdf.get_string_width(line + char) > width:
                    lines.append(line)
                    line = ""
                line += char
        lines.append(line)
    return [line for line in lines if line]


def _fitted_lines(
    pdf: FPDF, parts: Sequence[str], width: float, size: float, smallest: float
) -> list[str]:
    """``parts`` on one line, the font shrunk to ``width`` down to ``smallest``; when it
    still does not fit, wrapped (:func:`_wrapped`) at ``smallest``: never cut."""
    text = ", ".join(parts)
    if _shrunk(pdf, text, width, size, smallest):
        return [text]
    return _wrapped(pdf, parts, width)


def _at_most(pdf: FPDF, lines: list[str], count: int, width: float) -> list[str]:
    """The first ``count`` lines, the last ending in an ellipsis when some were left out (a
    name of 200 characters would push the letterhead into the letter's text)."""
    if len(lines) <= count:
        return lines
    last = lines[count - 1]
    while last and pdf.get_string_width(last + "\u2026") > width:
        last = last[:-1]
    return [*lines[: count - 1], last.rstrip() + "\u2026"]


# the Netherlands on a return line, in the letter's language: a language of the country the
# letter is posted from, or English (UPU; PostNL, *Addressing international mail items*)
HOME_NAMES = {"nl": "NEDERLAND", "en": "NETHERLANDS"}


def return_country(head: Letterhead, recipient: PostalAddress, language: str) -> str:
    """The country that ends the return line of a letter to ``recipient``: the Netherlands in
    the letter's language on a letter abroad from a client at home (newcomer17b F3: a letter
    that came back from Belgium named no country to return it to); nothing on a letter at home,
    nor when the client's address abroad already ends with its own country."""
    if not country_line(recipient.country) or country_line(head.country):
        return ""
    return HOME_NAMES.get(language, HOME_NAMES["nl"])


def _return_lines(pdf: FPDF, head: Letterhead, country: str, room: int) -> list[str]:
    """The window's return line: the client's name and postal address (and ``country``, when
    given, last) at 6 pt, shrunk to the window's width (86 mm) down to 5 pt; when still too
    wide, the name on a line of its own (shortened with an ellipsis at the end when even that
    is too wide: the carrier returns a letter by the address) and the address below it,
    wrapped, never cut (attack17b F2: cut at 90 characters, the postcode and town lost, and
    98.1 mm wide), unless more than ``room`` lines would push the recipient's address out of
    the window: then the street is shortened, never postcode, town and country."""
    width = WINDOW_W - 4
    name = printable(head.name)
    address = [printable(line) for line in (*head.address_lines, country) if line]
    if _shrunk(pdf, ", ".join([name, *address]), width, 6, 5):
        return [", ".join([name, *address])]
    while len(name) > 1 and pdf.get_string_width(name + ",") > width:
        name = name[:-2].rstrip() + "\u2026"
    lines = [f"{name},", *_wrapped(pdf, address, width)]
    if len(lines) <= room or len(address) < 2:
        return lines
    # the API's longest name, street and town took 10 lines and put the recipient's last line
    # 8 mm below the window (3 mm at home); the carrier returns a letter by postcode and town
    tail = _wrapped(pdf, address[1:], width)
    narrower = width - pdf.get_string_width(",")
    street = _at_most(
        pdf, _wrapped(pdf, address[:1], narrower), max(room - 1 - len(tail), 1), narrower
    )
    return [f"{name},", *street[:-1], f"{street[-1]},", *tail]


class _Pdf(FPDF):
    def __init__(self, spec: LetterSpec) -> None:
        super().__init__(format="A4", unit="mm")
        self.spec = spec
        self.labels = LABELS.get(spec.language, LABELS["nl"])
        self.language = spec.language if spec.language in LABELS else "nl"
        use_typeface(self)
        # small letters, plain streams (the embedded font writes glyph ids: read a letter's text
        # back with a PDF reader, which the font's ToUnicode map serves)
        self.set_compression(False)
        self.set_auto_page_break(auto=True, margin=25)
        self.alias_nb_pages()

    def header(self) -> None:
        head = self.spec.letterhead
        self.set_fill_color(*_rgb(head.primary_color))
        self.rect(0, 0, 210, 6, style="F")
        if head.logo_png:
            self.image(io.BytesIO(head.logo_png), x=150, y=10, h=18)
        # top right, 150 to 200 mm: each line shrunk to the 50 mm down to a size still
        # legible, else wrapped (attack17b F2: a long street ran to 220.4 mm on the 210 mm page)
        self.set_xy(150, 30)
        self.set_font(FAMILY, "B", 10)
        for line in _at_most(self, _fitted_lines(self, [printable(head.name)], 50, 10, 7), 3, 50):
            self.cell(50, 5, line, new_x="LEFT", new_y="NEXT")
        self.set_font(FAMILY, "", 8)
        for text in (*head.address_lines, head.contact, head.registration):
            if text:
                for line in _fitted_lines(self, [printable(text)], 50, 8, 6.5):
                    self.cell(50, 4, line, new_x="LEFT", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(100, 100, 100)
        footer = self.spec.letterhead.footer_text
        if footer:
            self.cell(0, 4, printable(footer), align="C", new_x="LMARGIN", new_y="NEXT")
        self.cell(
            0, 4, f"{self.labels['page']} {self.page_no()} {self.labels['of']} {{nb}}", align="C"
        )
        self.set_text_color(0, 0, 0)


def render_letter(spec: LetterSpec) -> bytes:
    pdf = _Pdf(spec)
    labels = pdf.labels
    pdf.add_page()
    head = spec.letterhead
    # return line and address, inside the envelope window; the return line only with an
    # address to return to (a name and a comma told the carrier nothing: newcomer17 F4)
    pdf.set_xy(WINDOW_X + 2, WINDOW_Y + 2)
    pdf.set_font(FAMILY, "", 6)
    r = spec.recipient
    lines = (r.name, r.street, f"{r.postal_code}  {r.city.upper()}", country_line(r.country))
    addressed = [line for line in lines if line]
    if head.address_lines:
        # return lines of 2.6 mm from 2 mm below the window's top, the address's lines of 5 mm
        # below them, all inside the window
        room = int((WINDOW_H - 2 - 5 * len(addressed)) / 2.6)
        country = return_country(head, r, pdf.language)
        for line in _return_lines(pdf, head, country, room):
            pdf.cell(WINDOW_W - 4, 2.6, line, new_x="LEFT", new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), WINDOW_Y + 5))
        pdf.set_x(WINDOW_X + 2)
    else:
        pdf.set_y(WINDOW_Y + 5)
        pdf.set_x(WINDOW_X + 2)
    pdf.set_font(FAMILY, "", 10)
    for line in addressed:
        pdf.cell(WINDOW_W - 4, 5, printable(line), new_x="LEFT", new_y="NEXT")
    pdf.set_xy(20, WINDOW_Y + WINDOW_H + 8)
    pdf.set_font(FAMILY, "", 10)
    pdf.cell(
        0,
        5,
        f"{labels['date']}: {day_shown(spec.letter_date, pdf.language)}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    pdf.set_font(FAMILY, "B", 12)
    pdf.multi_cell(170, 6, printable(end_once(spec.subject)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FAMILY, "", 10)
    for n, paragraph in enumerate(spec.paragraphs):
        if spec.installments and n == spec.schedule_at:
            _schedule_table(pdf, spec)
            pdf.ln(2)
        # a plan's or a hand-over's paragraphs name the client too (newcomer20 F6)
        pdf.multi_cell(170, 5, printable(end_once(paragraph)), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    if spec.invoices:
        widths = (45, 35, 35, 40)
        pdf.set_font(FAMILY, "B", 9)
        for w, title in zip(
            widths, (labels["invoice"], labels["date"], labels["due"], labels["open"]), strict=True
        ):
            pdf.cell(w, 6, title, border="B")
        pdf.ln()
        pdf.set_font(FAMILY, "", 9)
        for inv in spec.invoices:
            _invoice_row(pdf, widths, inv)
        for label, amount in (
            (labels["costs"], 0 if spec.costs_from else spec.costs),
            (spec.interest_label or labels["interest"], spec.interest),
        ):
            if amount:
                _amount_row(pdf, sum(widths[:3]), widths[3], label, amount, 5)
        pdf.set_font(FAMILY, "B", 10)
        _amount_row(pdf, sum(widths[:3]), widths[3], labels["total"], spec.total, 7, "T")
        if spec.costs_from and spec.costs:
            last_day = spec.costs_from - timedelta(days=1)
            pdf.set_font(FAMILY, "", 9)
            after = labels["costs_after"].format(day=day_shown(last_day, pdf.language))
            _amount_row(pdf, sum(widths[:3]), widths[3], after, spec.costs, 5)
    if spec.installments and not (
        spec.schedule_at is not None and 0 <= spec.schedule_at < len(spec.paragraphs)
    ):
        _schedule_table(pdf, spec)
    if head.iban and spec.amount_asked > 0:
        _payment_block(pdf, spec)
    return bytes(pdf.output())


def _amount_row(
    pdf: _Pdf,
    label_width: float,
    amount_width: float,
    label: str,
    cents: Cents,
    height: float,
    border: str = "",
) -> None:
    """A table's row of a label and its amount (costs, interest, a total), its line ended."""
    pdf.cell(label_width, height, printable(label), border=border)
    _amount_cell(pdf, amount_width, cents, height, border)


def _invoice_row(pdf: _Pdf, widths: tuple[float, ...], inv: LetterInvoice) -> None:
    """One invoice of the letter's table. The number is the client's and what the debtor
    quotes: shrunk to its column, else wrapped in it, never cut nor printed over the dates
    and the amount (attack23 F3: a 29-character number ran 9.4 mm into the invoice date, one
    of 100 across the whole row)."""
    number = _fitted_lines(pdf, [printable(inv.number)], widths[0] - 2 * pdf.c_margin, 9, 6.5)
    if pdf.will_page_break(5 * len(number)):
        pdf.add_page()  # the row whole on one page: its dates beside its number
    top = pdf.get_y()
    for line in number:
        pdf.cell(widths[0], 5, line, new_x="LEFT", new_y="NEXT")
    bottom = pdf.get_y()
    pdf.set_font_size(9)
    pdf.set_xy(pdf.l_margin + widths[0], top)
    pdf.cell(widths[1], 5, day_shown(inv.invoice_date, pdf.language))
    pdf.cell(widths[2], 5, day_shown(inv.due_date, pdf.language))
    _amount_cell(pdf, widths[3], inv.open_amount, 5)
    pdf.set_y(max(pdf.get_y(), bottom))


def _amount_cell(pdf: _Pdf, width: float, cents: Cents, height: float, border: str = "") -> None:
    """The amount that ends a table's row, right-aligned under the amounts above it."""
    pdf.cell(
        width,
        height,
        _money(cents, pdf.language),
        border=border,
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )


def _schedule_table(pdf: _Pdf, spec: LetterSpec) -> None:
    """A payment plan's installments: number, due date and amount, the plan's total and the
    betalingskenmerk every installment is paid with."""
    labels = pdf.labels
    widths = (45, 35, 40)
    pdf.ln(2)
    pdf.set_font(FAMILY, "B", 9)
    for w, title in zip(
        widths, (labels["installment"], labels["due"], labels["amount"]), strict=True
    ):
        pdf.cell(w, 6, title, border="B", align="R" if w == widths[-1] else "L")
    pdf.ln()
    pdf.set_font(FAMILY, "", 9)
    for inst in spec.installments:
        pdf.cell(widths[0], 5, f"{labels['installment']} {inst.number}")
        pdf.cell(widths[1], 5, day_shown(inst.due_date, pdf.language))
        _amount_cell(pdf, widths[2], inst.amount, 5)
    pdf.set_font(FAMILY, "B", 10)
    total = sum(i.amount for i in spec.installments)
    _amount_row(pdf, sum(widths[:2]), widths[2], labels["plan_total"], total, 7, "T")
    if spec.payment_reference and spec.pay_installment:
        pdf.set_font(FAMILY, "", 9)
        ref = betalingskenmerk.display(spec.payment_reference)
        pdf.cell(0, 5, labels["plan_ref"].format(ref=ref), new_x="LMARGIN", new_y="NEXT")


def _payment_block(pdf: _Pdf, spec: LetterSpec) -> None:
    labels = pdf.labels
    if pdf.get_y() > 230:
        pdf.add_page()
        pdf.set_y(60)
    pdf.ln(6)
    top = pdf.get_y()
    reference = spec.payment_reference
    # no betalingskenmerk: the description the portal gives, so a scanned transfer says what a
    # typed one would and the matcher finds the invoices by their numbers
    description = None if reference else (spec.description or "").strip()[:140] or None
    text = f"{labels['ref']} {betalingskenmerk.display(reference)}" if reference else description
    png = qr_png(
        CreditTransfer(
            name=spec.letterhead.name[:70],
            iban=spec.letterhead.iban,
            amount=spec.amount_asked,
            text=text,
        ),
        scale=6,
    )
    pdf.image(io.BytesIO(png), x=20, y=top, w=35, h=35)
    pdf.set_xy(60, top)
    pdf.set_font(FAMILY, "B", 10)
    pdf.cell(0, 5, labels["pay"], new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9)
    pdf.cell(
        0,
        5,
        f"IBAN {spec.letterhead.iban}  {labels['payee']} {printable(spec.letterhead.name)}",
        new_x="LEFT",
        new_y="NEXT",
    )
    inst = spec.pay_installment
    what = (
        labels["installment_pay"].format(n=inst.number, day=day_shown(inst.due_date, pdf.language))
        if inst
        else labels["total"]
    )
    pdf.cell(0, 5, f"{what}: {_money(spec.amount_asked, pdf.language)}", new_x="LEFT", new_y="NEXT")
    if reference:
        pdf.cell(
            0,
            5,
            f"{labels['ref']}: {betalingskenmerk.display(reference)}",
            new_x="LEFT",
            new_y="NEXT",
        )
    elif description:
        pdf.cell(0, 5, printable(f"{labels['quote']}: {description}"), new_x="LEFT", new_y="NEXT")
    pdf.cell(0, 5, labels["scan"], new_x="LEFT", new_y="NEXT")
    if spec.portal_url and spec.portal_url not in "\n".join(spec.paragraphs):
        # the link in type as well as in its QR code: a debtor without a phone camera types
        # it, a screen reader reads (and a PDF reader follows) it (debtor24 D9); beside the
        # payment QR code, so the block keeps its height and the letter its pages; not twice
        # when the letter's own text gives it (the starter reminder and 14-day letter do)
        pdf.set_font(FAMILY, "", 7)
        pdf.multi_cell(95, 3.5, f"{labels['portal']} {spec.portal_url}", align="L",
                       link=spec.portal_url, wrapmode=WrapMode.CHAR, new_x="LEFT", new_y="NEXT")  # fmt: skip
        link = io.BytesIO()
        segno.make(spec.portal_url, error="m").save(link, kind="png", scale=4, border=2)
        pdf.image(io.BytesIO(link.getvalue()), x=160, y=top, w=30, h=30)
        pdf.set_xy(150, top + 31)
        pdf.set_font(FAMILY, "", 7)
        pdf.multi_cell(50, 3.5, labels["portal"], align="C")
