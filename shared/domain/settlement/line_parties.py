"""Who paid each line of a settlement statement and how the client finds the payment: the
debtor (number and name) and the payment's own reference (agency21 N1: the statement named
only the tail of an internal id, and a client reconciles a payout through its debtors, its
invoices and its bank or Mollie references). Read when the statement is made, not kept on
its lines: a statement made again names them as they stand."""

from __future__ import annotations

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
    reference: str = ""  # empty: the payment's record holds none (a row stored before)


NOBODY = LineParty()


def payment_reference(payment: Payment) -> str:
    """The reference a person finds the payment by: what its booking kept (a bank credit's
    end-to-end id, bank reference or text; a collection's end-to-end id), else a Mollie id."""
    if payment.reference:
        return payment.reference
    if payment.source in PROVIDER_IDS and payment.external_id:
        return payment.external_id
    return ""


def line_parties(
    payments: Mapping[str, Payment], debtor_names: Mapping[str, str]
) -> dict[str, LineParty]:
    """Each payment's party by its id, the debtor named as the client's records name it."""
    return {
        pid: LineParty(
            p.debtor_number or "",
            debtor_names.get(p.debtor_number or "", ""),
            payment_reference(p),
        )
        for pid, p in payments.items()
    }
