"""Who paid each line of a settlement statement and how the client finds the payment: the
debtor (number and name) and the payment's own reference (agency21 N1: the statement named
only the tail of an internal id, and a client reconciles a payout through its debtors, its
invoices and its bank or Mollie references). Read when the statement is made, not kept on
its lines: a statement made again names them as they stand."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from shared.domain.records import Payment, PaymentSource

# sources whose ``external_id`` is the provider's own id (a Mollie ``tr_`` id), shown as it
# is; a bank line's ``external_id`` is its identity hash, which no bank statement shows
PROVIDER_IDS = frozenset({PaymentSource.MOLLIE, PaymentSource.DIRECT_DEBIT})


@dataclass(frozen=True)
class LineParty:
    debtor_number: str = ""
    debtor_name: str = ""
    reference: str = ""  # :data:`NOT_KEPT` where the payment's record holds none


NOBODY = LineParty()

# what a line shows where the payment's record holds no reference to find it by: a bank
# payment booked before statement22 kept none (its bank line is not read again), a receipt the
# client reported itself has none. A dash says so where an empty cell read as a column that
# failed to fill (booked24); the line's day, invoice, debtor and amount still find it
NOT_KEPT = "\u2014"

# a payer's own words (a bank line's description, his end-to-end id) come from his bank's file
# as he typed them: a control or direction character (U+202E reverses what follows) would make
# the client's spreadsheet or PDF show another reference or number than the bank's
_UNSHOWN = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _shown(text: str) -> str:
    """``text`` as a statement shows it: those characters blanked, blanks folded."""
    return " ".join(_UNSHOWN.sub(" ", text).split())


def payment_reference(payment: Payment) -> str:
    """The reference a person finds the payment by: what its booking kept (a bank credit's
    end-to-end id, bank reference or text; a collection's end-to-end id), else a Mollie id,
    else :data:`NOT_KEPT`."""
    if payment.reference:
        return _shown(payment.reference)
    if payment.source in PROVIDER_IDS and payment.external_id:
        return _shown(payment.external_id)
    return NOT_KEPT


def line_parties(
    payments: Mapping[str, Payment], debtor_names: Mapping[str, str]
) -> dict[str, LineParty]:
    """Each payment's party by its id, the debtor named as the client's records name it."""
    return {
        pid: LineParty(
            p.debtor_number or "",
            _shown(debtor_names.get(p.debtor_number or "", "")),
            payment_reference(p),
        )
        for pid, p in payments.items()
    }
