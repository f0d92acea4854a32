"""Money the client received itself on a disputed invoice of an open case, taken back (a
chargeback, a bank's return, its books no longer counting it).

The agency was told the money was received ("do not collect this money again"). Now it must
know the money is gone, and that it must still not collect, because the invoice is disputed.
It is disputed again when that money had paid it in full (takeback27), or it still is when
the dispute was running. Before, the agency got two items at once that read against each
other (takeback27 F2): "disputed: stop collecting it" and "taken back: collect it again".
Now there is one item that says both things.

A revived dispute is told under the key its revival tells it under
(:meth:`CaseService.dispute_key`, ``again`` of the take-back's day). The payment service tells
the receipt's take-back before the revival, so the revival then finds the item and tells
nothing more, and a redelivery tells nothing twice. A running dispute is told under the
receipt's take-back key, as before.
"""

from __future__ import annotations

from datetime import date

from shared.adapters.tables.cases_repo import Case
from shared.clock import amsterdam_date
from shared.domain.invoices import Invoice
from shared.domain.money import format_cents, format_eur_nl
from shared.domain.parties import Client
from shared.domain.records import Payment
from shared.services.case_names import case_name
from shared.services.cases import CaseService, _key, _parts


def disputed_receipt_taken_back_told(
    cases: CaseService, client: Client, case: Case, invoice: Invoice, payment: Payment
) -> None:
    """``payment`` (the client's own money, taken back) on ``invoice``, disputed as stored
    after the take-back: the agency is told once that the money was taken back and that it
    must not collect the invoice until the client ends the dispute."""
    _told(cases, client, case, invoice, payment, reopened=False)


def paid_case_reopened_disputed_told(
    cases: CaseService, client: Client, case: Case, invoice: Invoice, payment: Payment
) -> None:
    """``payment`` (money Inning or the agency received) paid ``case`` in full and came
    back; its take-back revived the dispute on ``invoice``: the case is open again, and
    the agency is told so once, with the dispute, not "collect it again"."""
    _told(cases, client, case, invoice, payment, reopened=True)


def _told(
    cases: CaseService, client: Client, case: Case, invoice: Invoice, payment: Payment,
    *, reopened: bool,
) -> None:  # fmt: skip
    number, day = invoice.number, payment.received_on
    parts = _parts(payment, number)
    back = sum(parts.values())
    back_on: date = payment.reversed_on or amsterdam_date(cases.clock.now())
    reason = (invoice.dispute_reason or "").strip()
    # the money had paid it in full: the take-back revived the dispute (Invoice.take_back_payment)
    revived = reopened or invoice.paid + parts["principal"] >= invoice.amount
    if revived:
        state, state_nl = (
            f"the invoice is disputed again: {reason}",
            f"wordt weer betwist: {reason}",
        )
        _, ends = cases._dispute_news(case, number)
        kind = "case_invoice_disputed"
        what = f"disputed-{cases.dispute_key(number, reason, ends, f'taken-back-{back_on}')}"
    else:
        state, state_nl = f"the invoice is still disputed: {reason}", f"wordt nog betwist: {reason}"
        kind, what = "case_invoice_lowered", f"taken-back-{_key(number, payment)}"
    name = case_name(case.client_id, case.debtor_number)
    stop = (f"Do not collect it until {client.name} ends the dispute; its principal open is "
            f"now EUR {format_cents(invoice.open_amount)}.")  # fmt: skip
    stop_nl = (f"Int haar niet tot {client.name} de betwisting beëindigt. Open hoofdsom nu "
               f"{format_eur_nl(invoice.open_amount)}.")  # fmt: skip
    if reopened:
        cases._tell_case_news(
            client, case, invoice, kind, what,
            f"Case {case.case_id} (debtor {case.debtor_number}) is open again: the payment of "
            f"EUR {format_cents(back)} on invoice {number} received on {day.isoformat()} came "
            f"back on {back_on.isoformat()}, and {state}. {stop}",
            f"Zaak {name} weer open; factuur {number} betwist",
            f"De betaling van {format_eur_nl(back)} op factuur {number} van debiteur "
            f"{case.debtor_number} (ontvangen op {day:%d-%m-%Y}) is teruggeboekt op "
            f"{back_on:%d-%m-%Y}: de zaak is niet meer betaald, en de factuur {state_nl}. {stop_nl}",
            f"Case {case.case_id} open again: EUR {format_cents(back)} on invoice {number} "
            "came back while disputed; the agency was told",
        )  # fmt: skip
        return
    cases._tell_case_news(
        client, case, invoice, kind, what,
        f"The payment of EUR {format_cents(back)} that {client.name} received itself on "
        f"invoice {number} of case {case.case_id} (debtor {case.debtor_number}) on "
        f"{day.isoformat()} was taken back on {back_on.isoformat()}, and {state}. {stop}",
        f"Betaling op factuur {number} in zaak {name} teruggedraaid; factuur betwist",
        f"De betaling van {format_eur_nl(back)} die {client.name} rechtstreeks ontving op "
        f"factuur {number} van debiteur {case.debtor_number} (op {day:%d-%m-%Y}) is "
        f"teruggedraaid op {back_on:%d-%m-%Y}, en de factuur {state_nl}. {stop_nl}",
        f"Invoice {number} of case {case.case_id}: EUR {format_cents(back)} received by the "
        "client taken back while disputed; the agency was told",
    )  # fmt: skip
