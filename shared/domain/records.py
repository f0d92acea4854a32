"""What happened and what is waiting: payments, the contact log and the action list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from shared.domain.money import Cents, format_eur_nl


class PaymentSource(StrEnum):
    BANK = "bank"
    MOLLIE = "mollie"
    MANUAL = "manual"
    DIRECT_DEBIT = "direct_debit"


class Receiver(StrEnum):
    """Where a payment's money arrived, which decides what settlement may pay out of it: only
    money on the agency's third-party account (derdengeldenrekening) is the agency's to pass
    on; money the client received itself is the client's already, and settlement only charges
    it what of that money is the agency's (shared/domain/settlement/statement.py)."""

    # the agency's third-party account: a line of its statement, a payment into the agency's
    # Mollie account (MOLLIE_KEY_AGENCY_…)
    THIRD_PARTY = "third_party"
    # the client's own account: a line of a statement of the client's own IBAN, a payment into
    # the client's own Mollie (linked, or MOLLIE_KEY_<CLIENT NUMBER>), a SEPA direct debit of
    # a plan (its creditor account is the client's, plans/direct_debit.creditor_of)
    CLIENT = "client"


@dataclass(frozen=True)
class AllocatedAmount:
    invoice_number: str
    component: str  # principal | costs | costs_vat | interest (the claim ledger's components)
    amount: Cents


@dataclass(frozen=True)
class Payment:
    client_id: str
    payment_id: str
    debtor_number: str | None
    amount: Cents
    received_on: date
    source: PaymentSource
    external_id: str | None = None  # bank line identity, Mollie tr_ id
    allocations: tuple[AllocatedAmount, ...] = ()
    unallocated: Cents = 0
    reversed: bool = False
    reversed_on: date | None = None  # the Amsterdam day the money came back
    # the invoices the debtor named (6:43 lid 1 BW: a designated payment goes to the debt
    # named), kept so money allocated again later (a return, a credit, a back-dated payment)
    # can go back to them; () for a payment without one and for rows written before it was kept
    designated: tuple[str, ...] = ()
    # ``designated`` was staff's correction (PUT …/designation without the payer's word), not
    # the payer's own: only a designation of the payer's needs his word to be moved (law14 F5)
    designated_by_staff: bool = False
    # the invoices its money went to when it was booked (6:43 lid 2 for money not designated),
    # before any later move by the creditor (a credit note, a restatement): with
    # ``designated``, the claims the debtor acknowledged by paying (3:318 BW; law10 F1).
    # None on a row written before it was kept
    booked_to: tuple[str, ...] | None = None
    # the claims the debtor's own payment paid as it came: his designation as received, or
    # without one where it was first booked (``booked_to``): what prescription counts as his
    # acknowledgement (3:318 BW). Kept as first stored: a person's later correction of the
    # designation (ledger/redesignation.py) moves the money and ``designated``/``booked_to``,
    # never this (attack14 A3: staff's correction became a backdated acknowledgement of the
    # newly named claim). None: unknown (a row from before ``booked_to`` was kept)
    debtor_paid: tuple[str, ...] | None = None
    # where the money arrived (set by every booking path; a row stored before it was kept
    # reads as records_repo.PaymentRepository.from_row says)
    received_by: Receiver = Receiver.THIRD_PARTY
    # what the bank of the account it arrived on kept of it as its own charges (a credit
    # booked less them: ``amount`` is what the debtor sent and paid, less reached the
    # account); on the agency's third-party account settlement shows it as a line of its
    # own and lets the agreement say who bears it (0: none, or a row stored before it was kept)
    bank_charges: Cents = 0
    # the Amsterdam day Inning booked it (None on a row stored before it was kept): for a
    # receipt a client's sync reported, ``received_on`` is only the earliest day it can have
    # come (6:96 lid 6 for costs); this is the latest, the day prescription counts it on
    # (attack11b B1)
    booked_on: date | None = None
    # what a person finds a bank credit by (statements.model.findable_reference): its
    # end-to-end id, the bank's reference or the payer's text; ``external_id`` is the line's
    # identity hash there. None on other sources (their ``external_id`` is their own: a Mollie
    # id) and on a row stored before it was kept
    reference: str | None = None
    # the id of its contact-log line ("Payment of … received"), chosen with the row, so a
    # booking delivered again after a cut writes that line once (failure31 F2). None: a
    # window's booking (its lines are keyed by the window) or a row stored before it was kept
    told_as: str | None = None


class ContactKind(StrEnum):
    MESSAGE = "message"
    PAUSE = "pause"
    RESUME = "resume"
    PAYMENT = "payment"
    NOTE = "note"
    STATUS = "status"
    DISPUTE = "dispute"


@dataclass(frozen=True)
class ContactEntry:
    client_id: str
    debtor_number: str
    entry_id: str
    at: datetime
    kind: ContactKind
    summary: str
    channel: str | None = None
    invoice_numbers: tuple[str, ...] = ()
    system: bool = False  # generated by Inning, hideable in the contact log view
    author: str | None = None


class ActionStatus(StrEnum):
    OPEN = "open"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class ActionItem:
    client_id: str
    action_id: str
    kind: str  # staff_task, delivery_failure, dispute, poison_message, balance_mismatch, ...
    title: str
    created_at: datetime
    status: ActionStatus = ActionStatus.OPEN
    debtor_number: str | None = None
    invoice_numbers: tuple[str, ...] = ()
    detail: dict[str, object] = field(default_factory=dict)
    assigned_to: str | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None


def payment_received(payment: Payment, entry_id: str, at: datetime) -> ContactEntry | None:
    """The debtor's contact-log entry for a payment received (None without a debtor)."""
    if not payment.debtor_number:
        return None
    numbers = tuple(sorted({a.invoice_number for a in payment.allocations}))
    return ContactEntry(
        payment.client_id,
        payment.debtor_number,
        entry_id,
        at,
        ContactKind.PAYMENT,
        f"Payment of {format_eur_nl(payment.amount)} received ({payment.source.value}) "
        f"for {', '.join(numbers) or 'no invoice'}",
        channel=payment.source.value,
        invoice_numbers=numbers,
        system=True,
    )
