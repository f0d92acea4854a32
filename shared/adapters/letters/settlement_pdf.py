"""The settlement statement (afdrachtspecificatie) as PDF, in pure Python (fpdf2, as the
letters are): every amount received per invoice and component, who received it, the agency's
fee with VAT, what was taken back, and the payout. Dutch, as agencies send it.

Money on the agency's third-party account and money the client received itself (its own
account, its own Mollie, a plan's direct debit) are listed in two tables, and the figures show
both and take the second off what is paid out, so the client can check each (Wki). Payments
received before the settlement agreement started are not settled but listed in a third table
(settle28), and the figures begin with all that came in, less those, so every euro that came
in is on the statement and the rest runs down to the payout."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fpdf import FPDF

from shared.adapters.letters.typeface import FAMILY, printable, use_typeface
from shared.domain.money import format_eur_nl
from shared.domain.records import Payment, Receiver
from shared.domain.settlement.before_agreement import BeforeAgreement
from shared.domain.settlement.line_parties import NOBODY, LineParty
from shared.domain.settlement.statement import SettlementLine, StatementTotals, came_back

COMPONENT_NL = {
    "principal": "hoofdsom",
    "costs": "incassokosten",
    "costs_vat": "btw incassokosten",
    "interest": "rente",
}
RECIPIENT_NL = {"client": "opdrachtgever", "agency": "incassobureau"}
# the line tables' columns (the page's 190 mm), the figures align with them; a text wider
# than its column ends in an ellipsis (a debtor's name, a long reference)
WIDTHS = (18, 21, 32, 45, 22, 29, 23)
TABLE_PT = 7.5  # the longest kind ("btw incassokosten (verschoven)") fits its column uncut
TITLES = ("Ontvangen", "Factuur", "Debiteur", "Soort", "Voor", "Betaling", "Bedrag")
# the payments before the agreement: where the money arrived in place of whom it is for
EARLY_TITLES = ("Ontvangen", "Factuur", "Debiteur", "Soort", "Via", "Betaling", "Bedrag")
ELLIPSIS = "\u2026"
DIRECT_HEADING = "Door de opdrachtgever zelf ontvangen (eigen rekening, eigen Mollie, incasso)"
KEPT_LABEL = "Al in bezit van opdrachtgever (zelf ontvangen)"
# money received before the agreement started: listed, not settled (settle28)
ALL_LABEL = "Alle ontvangen betalingen"
BEFORE_LABEL = "  waarvan vóór de overeenkomst, niet afgerekend"
# where it arrived, in the "Via" column (22 mm: longer words are cut)
RECEIVED_BY_NL = {Receiver.THIRD_PARTY: "derdengeld", Receiver.CLIENT: "opdrachtgever"}
# the bank's charges on the third-party account: shown, not added (what the debtors paid is
# "Ontvangen"); the client's part is taken off the net as a line of its own
CHARGES_LABEL = "  waarvan ingehouden bankkosten (niet ontvangen)"
CHARGES_CLIENT_LABEL = "Bankkosten voor rekening opdrachtgever"
# the commission is rounded over all the client's statements (lawyer20 L6): one that took in
# an earlier statement's fraction of a cent says why it is a cent off its rate (its VAT is not:
# the rate on this statement's fee, as on any invoice)
ROUNDING_NOTE = (
    " De provisie wordt afgerond over alle afdrachten samen: het deel van een cent dat een "
    "vorige afdracht naar boven of beneden afrondde, is hier verrekend, zodat het totaal "
    "steeds het afgesproken percentage is."
)


@dataclass(frozen=True)
class StatementHeading:
    settlement_id: str
    agency_name: str
    client_name: str
    client_number: str
    period: str
    run_on: str  # dd-mm-yyyy
    payout_iban: str
    commission_percent: str  # "12.50"
    fee_vat_percent: str
    vat_on_costs_kept: bool = False  # the fee VAT is on commission and costs kept
    vat_on_bank_charges: bool = False  # and on the bank charges passed on
    vat_on_interest_kept: bool = False  # and on the interest kept
    # the statement is the agency's invoice for its fee: the parties' addresses and the
    # agency's VAT number, as art. 35a Wet OB 1968 asks (empty: not on record, not printed)
    agency_address: str = ""
    agency_vat_number: str = ""
    client_address: str = ""
    # the agreement's commission_on_direct the statement was made with (settle28): said where
    # the statement holds money the client received itself
    commission_on_direct: bool = True


def _parties(heading: StatementHeading) -> tuple[str, ...]:
    """The lines that make the statement an invoice the client can deduct the fee's VAT on:
    who charges it (address, VAT number) and to whom (address), those on record."""
    agency = ", ".join(
        part
        for part in (
            heading.agency_address,
            f"btw-nummer {heading.agency_vat_number}" if heading.agency_vat_number else "",
        )
        if part
    )
    lines = (
        f"Incassobureau: {heading.agency_name}, {agency}" if agency else "",
        f"Opdrachtgever: {heading.client_name}, {heading.client_address}"
        if heading.client_address
        else "",
    )
    return tuple(line for line in lines if line)


def _received_days(lines: Sequence[SettlementLine]) -> tuple[str, ...]:
    """The days the statement's payments were received. The period is the one the run falls
    in (a client is settled once per period), so a monthly client's statement of 1 March reads
    "periode 2027-03" for February's money (newcomer24 F3): the days tell the bookkeeper which
    month it is."""
    days = sorted({x.received_on for x in lines if not x.reversal})
    if not days:
        return ()
    first, last = f"{days[0]:%d-%m-%Y}", f"{days[-1]:%d-%m-%Y}"
    if first == last:
        return (f"Betalingen ontvangen op {first}",)
    return (f"Betalingen ontvangen van {first} tot en met {last}",)


def _nl(decimal_text: str) -> str:
    return decimal_text.replace(".", ",")


def _money(cents: int) -> str:
    return printable(format_eur_nl(cents))


def statement_pdf(
    heading: StatementHeading,
    lines: Sequence[SettlementLine],
    t: StatementTotals,
    parties: Mapping[str, LineParty] | None = None,
    before: BeforeAgreement | None = None,
) -> bytes:
    """``parties``: each line's payment's debtor and reference by payment id (agency21 N1:
    the client ties each line to its debtor and finds the payment on its bank statement or in
    Mollie); a payment missing from it shows empty cells. ``before``: the payments received
    before the agreement this statement lists (not settled)."""
    found = parties or {}
    pdf = FPDF(format="A4")
    use_typeface(pdf)  # client and payee names as written ("Łódź Bakery", not "?ód? Bakery")
    pdf.set_compression(False)  # plain streams: searchable, and tests read the text back
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(printable(f"Afdrachtspecificatie {heading.settlement_id}"))
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 14)
    pdf.cell(0, 9, "Afdrachtspecificatie", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    for text in (
        f"{heading.agency_name} aan {heading.client_name} ({heading.client_number})",
        *_parties(heading),
        f"Afdracht {heading.settlement_id}, periode {heading.period}, opgemaakt {heading.run_on}",
        *_received_days(lines),
        f"Uit te betalen op rekening {heading.payout_iban}",
    ):
        pdf.cell(0, 6, printable(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    direct = [x for x in lines if x.direct]
    own = bool(direct) or bool(t.received_direct) or bool(t.kept_by_client)  # both kinds shown
    if own:
        pdf.set_font(FAMILY, "B", 10)
        pdf.cell(0, 7, "Ontvangen op de derdengeldenrekening", new_x="LMARGIN", new_y="NEXT")
    _table(pdf, [x for x in lines if not x.direct], found)
    if direct:
        pdf.ln(3)
        pdf.set_font(FAMILY, "B", 10)
        pdf.cell(0, 7, printable(DIRECT_HEADING), new_x="LMARGIN", new_y="NEXT")
        _table(pdf, direct, found)
    early = before.payments if before is not None else ()
    if before is not None and early:
        pdf.ln(3)
        pdf.set_font(FAMILY, "B", 10)
        pdf.cell(0, 7, printable(_before_heading(before)), new_x="LMARGIN", new_y="NEXT")
        _early_table(pdf, early, found)
    pdf.ln(3)
    figures: tuple[tuple[str, int], ...] = (
        ("Ontvangen op derdengeldenrekening" if own else "Ontvangen", t.received),
        ("Teruggeboekt na eerdere afdracht", t.reversed),
        ("Verschoven na eerdere afdracht (creditnota, correctie)", t.corrected),
        ("Voor het incassobureau (kosten volgens overeenkomst)", -t.to_agency),
        (f"Provisie {_nl(heading.commission_percent)}%", -t.commission),
        (
            f"Btw {_nl(heading.fee_vat_percent)}% over provisie"
            + (" en ingehouden incassokosten" if heading.vat_on_costs_kept else "")
            + (" en ingehouden rente" if heading.vat_on_interest_kept else "")
            + (" en doorberekende bankkosten" if heading.vat_on_bank_charges else ""),
            -t.fee_vat,
        ),
        ("Saldo vorige afdracht", t.carried_in),
        ("Netto", t.net),
        ("Over te maken", t.payout),
        ("Naar volgende afdracht", t.carried_out),
    )
    if own:
        # the client's own money: settled for the agency's share, then taken off the payout
        at = next(i for i, f in enumerate(figures) if f[0].startswith("Ontvangen")) + 1
        figures = (*figures[:at], ("Door opdrachtgever zelf ontvangen", t.received_direct),
                   *figures[at:])  # fmt: skip
        at = next(i for i, f in enumerate(figures) if f[0] == "Saldo vorige afdracht")
        figures = (*figures[:at], (KEPT_LABEL, -t.kept_by_client), *figures[at:])
    if t.repaid:  # the client's repayment of a negative balance: it meets what came in
        at = next(i for i, f in enumerate(figures) if f[0] == "Saldo vorige afdracht") + 1
        figures = (*figures[:at], ("Terugbetaald door opdrachtgever", t.repaid), *figures[at:])
    if t.bank_charges:  # what the bank kept of what the debtors paid: who bears it, apart
        at = next(i for i, f in enumerate(figures) if f[0] == "Saldo vorige afdracht")
        figures = (
            *figures[:at],
            (CHARGES_CLIENT_LABEL, -t.bank_charges_to_client),
            *figures[at:],
        )
        at = next(i for i, f in enumerate(figures) if f[0].startswith("Ontvangen")) + 1
        figures = (*figures[:at], (CHARGES_LABEL, t.bank_charges),
                   ("  waarvan voor rekening incassobureau", t.bank_charges_by_agency),
                   *figures[at:])  # fmt: skip
    if t.fee_vat_from_debtor:  # shown, not added: the debtor paid it, not the client
        at = next(i for i, f in enumerate(figures) if f[0].startswith("Btw ")) + 1
        figures = (
            *figures[:at],
            ("  waarvan door debiteur betaald als btw over incassokosten", t.fee_vat_from_debtor),
            *figures[at:],
        )
    if early:  # all that came in first, less what is not settled: the rest is settled below
        early_total = t.before_agreement + t.before_agreement_direct
        figures = (
            (ALL_LABEL, t.received + t.received_direct + early_total),
            (BEFORE_LABEL, -early_total),
            *figures,
        )
    for label, cents in figures:
        bold = label in ("Netto", "Over te maken")
        pdf.set_font(FAMILY, "B" if bold else "", 10)
        pdf.cell(sum(WIDTHS[:-1]), 7, printable(label), border="T" if bold else 0)
        pdf.cell(WIDTHS[-1], 7, _money(cents), border="T" if bold else 0, align="R")
        pdf.ln()
    pdf.set_font(FAMILY, "", 8)
    pdf.ln(2)
    pdf.multi_cell(
        0,
        4,
        printable(
            "Betalingen zijn volgens art. 6:44 BW eerst op kosten, dan op rente en dan op de "
            "hoofdsom geboekt; de verdeling tussen opdrachtgever en incassobureau volgt de "
            "overeenkomst. Een negatief saldo wordt niet overgemaakt maar verrekend met de "
            "volgende afdracht."
            + (
                " Wat debiteuren aan de opdrachtgever zelf betaalden, is al in het bezit van "
                "de opdrachtgever: het telt mee voor de verdeling, maar wordt niet "
                "uit de derdengeldenrekening overgemaakt. " + _direct_commission(heading)
                if own
                else ""
            )
            + (
                " De bank van de derdengeldenrekening hield kosten in op betalingen van "
                "debiteuren: de debiteur is gecrediteerd voor wat hij betaalde, er kwam minder "
                "binnen. Wie die kosten draagt, volgt de overeenkomst."
                if t.bank_charges
                else ""
            )
            + (ROUNDING_NOTE if t.commission_rest_in_e4 else "")
            + (_before_note(before, t) if before is not None and early else "")
        ),
    )
    return bytes(pdf.output())


def _direct_commission(heading: StatementHeading) -> str:
    """What the agreement says of the commission on the client's own money (settle28)."""
    if heading.commission_on_direct:
        return (
            "Provisie ook over wat debiteuren aan de opdrachtgever zelf betaalden "
            "(afdrachtovereenkomst)."
        )
    return (
        "Geen provisie over wat debiteuren aan de opdrachtgever zelf betaalden "
        "(afdrachtovereenkomst)."
    )


def _before_heading(before: BeforeAgreement) -> str:
    return f"Ontvangen vóór de overeenkomst van {before.starts_on:%d-%m-%Y} (niet afgerekend)"


def _before_note(before: BeforeAgreement, t: StatementTotals) -> str:
    """Why the money before the agreement is listed and not settled, and where it is."""
    note = (
        f" Betalingen ontvangen vóór de afdrachtovereenkomst van {before.starts_on:%d-%m-%Y} "
        "zijn niet afgerekend: er is geen provisie over berekend en ze zitten niet in het "
        "over te maken bedrag. Ze staan hier zodat elke ontvangen euro op de specificatie staat."
    )
    if t.before_agreement:
        note += (
            f" Wat daarvan op de derdengeldenrekening kwam ({format_eur_nl(t.before_agreement)}), "
            "handelt het incassobureau apart met u af."
        )
    return note


def _early_table(pdf: FPDF, payments: Sequence[Payment], parties: Mapping[str, LineParty]) -> None:
    """The payments received before the agreement: one row each, the whole amount paid."""
    rows = []
    for p in payments:
        party = parties.get(p.payment_id, NOBODY)
        cells = (
            f"{p.received_on:%d-%m-%Y}",
            " ".join(sorted({a.invoice_number for a in p.allocations})),
            f"{party.debtor_number} {party.debtor_name}".strip(),
            "betaling",
            RECEIVED_BY_NL[p.received_by],
            party.reference,
        )
        rows.append((cells, p.amount))
    _rows(pdf, EARLY_TITLES, rows)


def _table(pdf: FPDF, lines: Sequence[SettlementLine], parties: Mapping[str, LineParty]) -> None:
    rows = []
    for x in lines:
        party = parties.get(x.payment_id, NOBODY)
        cells = (
            f"{x.received_on:%d-%m-%Y}",
            x.invoice_number,
            f"{party.debtor_number} {party.debtor_name}".strip(),
            COMPONENT_NL.get(x.component, x.component) + _why(x),
            RECIPIENT_NL[x.recipient.value],
            party.reference,
        )
        rows.append((cells, x.amount))
    _rows(pdf, TITLES, rows)


def _rows(pdf: FPDF, titles: Sequence[str], rows: Sequence[tuple[Sequence[str], int]]) -> None:
    """A table of the line tables' columns: its titles, then each row's texts and amount."""
    pdf.set_font(FAMILY, "B", TABLE_PT)
    for w, title in zip(WIDTHS, titles, strict=True):
        pdf.cell(w, 7, title, border="B", align="R" if title == "Bedrag" else "L")
    pdf.ln()
    pdf.set_font(FAMILY, "", TABLE_PT)
    for cells, amount in rows:
        for w, text in zip(WIDTHS, cells, strict=False):
            pdf.cell(w, 6, _fitted(pdf, printable(text), w - 2 * pdf.c_margin))
        pdf.cell(WIDTHS[-1], 6, _money(amount), align="R")
        pdf.ln()


def _fitted(pdf: FPDF, text: str, width: float) -> str:
    """``text`` cut to ``width`` with an ellipsis, so a column never runs into the next."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + ELLIPSIS) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def _why(x: SettlementLine) -> str:
    """A correction of an earlier statement says why: the payment came back (terug), a credit
    note moved the money (creditnota), or the ledger moved it otherwise (verschoven)."""
    if not x.reversal:
        return ""
    if came_back(x):
        return " (terug)"
    return " (creditnota)" if x.reason == "credited" else " (verschoven)"
