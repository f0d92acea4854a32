"""A payment the client received itself on an invoice of an open case, corrected: the bank's
line of the client's own account takes the place of the receipt its sync reported, or a person
books that receipt again on the day the client's books give. The money never went back, so the
agency hears one correction (the same payment, its new day and source, nothing to collect
again), not "taken back: collect it again" followed by "received" (money26: for the agency
that read as if the debtor's money bounced).

The correction is told under the key the booking that takes the payment's place would be told
"received" under (:meth:`CaseService.money_told`): that booking, which follows the reversal,
then finds it told and tells nothing more; a retry of either tells nothing twice.
"""

from __future__ import annotations

from dataclasses import replace

from shared.domain.money import Cents, format_cents, format_eur_nl
from shared.domain.parties import Client
from shared.domain.records import Payment
from shared.services.case_names import case_name
from shared.services.cases import CaseService, _key, _parts
from shared.services.payments import Replacement


def receipt_corrected_told(
    cases: CaseService, client: Client, payment: Payment, replacement: Replacement
) -> None:
    """``payment`` (the client's own money) was reversed only to be booked again as
    ``replacement``: on each invoice of an open case it paid, the agency is told the
    correction once (the telling of the booking in its place)."""
    in_its_place = replace(payment, payment_id=replacement.payment_id)
    if replacement.amount is not None and replacement.amount < payment.amount:
        _part_taken_back_told(cases, client, payment, in_its_place, replacement.amount)
        return
    old, new = payment.received_on, replacement.received_on
    for case, invoice in cases.cases_of_receipt(client, payment):
        number = invoice.number
        cents = sum(_parts(payment, number).values())
        if replacement.by_bank:
            how = (f"the bank's statement of {client.name}'s own account books it on "
                   f"{new.isoformat()}")  # fmt: skip
            how_nl = f"het bankafschrift van de eigen rekening van {client.name} boekt haar op {new:%d-%m-%Y}"
        else:
            how = f"it is booked again on {new.isoformat()}, the day {client.name}'s books give"
            how_nl = f"zij is opnieuw geboekt op {new:%d-%m-%Y}, de dag uit de boekhouding van {client.name}"
        cases._tell_case_news(
            client, case, invoice, "case_invoice_lowered",
            f"received-{_key(number, in_its_place)}",
            f"Corrected: the payment of EUR {format_cents(cents)} that {client.name} received "
            f"itself on invoice {number} of case {case.case_id} (debtor {case.debtor_number}), "
            f"told as received on {old.isoformat()}: {how}. The same payment: nothing was "
            "taken back, do not collect it again.",
            f"Betaling op factuur {number} in zaak {case_name(case.client_id, case.debtor_number)} gecorrigeerd",
            f"De betaling van {format_eur_nl(cents)} die {client.name} rechtstreeks ontving op "
            f"factuur {number} van debiteur {case.debtor_number} (gemeld als ontvangen op "
            f"{old:%d-%m-%Y}) is gecorrigeerd: {how_nl}. Het is dezelfde betaling: er is niets "
            "teruggedraaid, vorder dit bedrag niet opnieuw.",
            f"Invoice {number} of case {case.case_id}: EUR {format_cents(cents)} received by "
            "the client corrected (the same payment); the agency was told",
        )  # fmt: skip


def _part_taken_back_told(
    cases: CaseService, client: Client, payment: Payment, in_its_place: Payment, rest: Cents
) -> None:
    """The client's books took a part of ``payment`` back and ``rest`` of it is booked again
    on its day (``in_its_place``): one telling of the part taken back, under the key its rest
    would be told "received" under (the rest's booking then tells nothing more), not the
    whole taken back and the rest received (money26's left item: "collect EUR 100.00 again"
    and "received EUR 60.00" for 40.00 taken back). A case it had paid in full is opened
    again as on any take-back."""
    cases._paid_case_reopened(client, payment)
    old, back = payment.received_on, payment.amount - rest
    for case, invoice in cases.cases_of_receipt(client, payment):
        number = invoice.number
        name = case_name(case.client_id, case.debtor_number)
        cases._tell_case_news(
            client, case, invoice, "case_invoice_lowered",
            f"received-{_key(number, in_its_place)}",
            f"Partly taken back: of the payment of EUR {format_cents(payment.amount)} that "
            f"{client.name} received itself on invoice {number} of case {case.case_id} (debtor "
            f"{case.debtor_number}) on {old.isoformat()}, EUR {format_cents(back)} was taken back "
            f"and EUR {format_cents(rest)} stands: collect EUR {format_cents(back)} again, not more.",
            f"Betaling op factuur {number} in zaak {name} deels teruggedraaid",
            f"Van de betaling van {format_eur_nl(payment.amount)} die {client.name} rechtstreeks "
            f"ontving op factuur {number} van debiteur {case.debtor_number} (op {old:%d-%m-%Y}) "
            f"is {format_eur_nl(back)} teruggedraaid en blijft {format_eur_nl(rest)} staan: "
            f"vorder {format_eur_nl(back)} weer, niet meer.",
            f"Invoice {number} of case {case.case_id}: EUR {format_cents(back)} of EUR "
            f"{format_cents(payment.amount)} received by the client taken back; the agency was told",
        )  # fmt: skip
