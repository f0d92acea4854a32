"""A client's repayment of a negative settlement: the agency paid the client more than the
ledger now says was collected for it (a payment came back after it was paid out, a credit
note moved its money), the settlement carried the negative net forward and staff were asked
to claim it back; the client transfers it back to the third-party account.

The repayment is money the client brings into its settlement: the next settlement takes it
(``repaid`` in :class:`~shared.domain.settlement.statement.StatementTotals`), so what was
carried in against the client is met by what it repaid and is no longer set off against its
payout. The statement never forgets a negative balance by itself: the balance only moves
through settlements, which keeps every euro on a statement the client receives.

It is recorded once per bank reference (the transfer's end-to-end id or the statement's
reference): the same reference again is the same repayment (recorded once), and the same
reference with another amount is a mistake that must not pass silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from shared.domain.money import Cents

# SEPA's basic Latin character set (EPC217-08), at most 35 characters as an EndToEndId: the
# bank statement quotes the reference in these, so staff type what the statement shows
_REFERENCE = re.compile(r"[A-Za-z0-9/\-?:().,'+ ]{1,35}")


class RepaymentError(ValueError):
    """A repayment refused as typed; ``code`` and ``params`` let a page say it in its
    reader's language (shared/api/console/refusal_words_claims.py)."""

    def __init__(
        self,
        message: str,
        field: str,
        *,
        code: str | None = None,
        params: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.params = dict(params or {})


@dataclass(frozen=True)
class Repayment:
    agency_id: str
    client_id: str
    reference: str  # the bank's reference of the transfer: one repayment per reference
    amount: Cents  # > 0
    received_on: date  # the day it reached the third-party account (Amsterdam)
    recorded_at: datetime
    recorded_by: str  # the key or person that recorded it (audit)
    # the settlement whose negative net it repays (the claim-back item's), as staff saw it
    settlement_id: str | None = None
    # the settlement that took it into its figures (None: the next one will)
    settled_in: str | None = None
    note: str = ""


def reference_of(text: str) -> str:
    """The reference as the bank statement shows it, spaces at the ends dropped; refused
    when empty, longer than 35 or outside SEPA's character set."""
    ref = (text or "").strip()
    if not _REFERENCE.fullmatch(ref):
        raise RepaymentError(
            "the reference must be 1 to 35 characters of SEPA's set (letters, digits, "
            "space and / - ? : ( ) . , ' +), as the bank statement shows it",
            field="reference",
            code="repayment_reference",
        )
    return ref


def check_amount(amount: Cents) -> Cents:
    if amount <= 0:
        raise RepaymentError(
            "a repayment is a positive amount", field="amount", code="repayment_positive"
        )
    return amount


# a transfer recorded more than a year after it arrived names the settlement it repays (then
# that settlement's day is the bound): without one, older is a typing error (attack6 #5)
OLDEST_UNNAMED_DAYS = 366


def check_received_on(received_on: date, today: date, settled_on: date | None) -> date:
    """The day a repayment reached the third-party account: not after today, not before the
    settlement it repays (``settled_on``), and without a settlement not over a year ago."""
    if received_on > today:
        raise RepaymentError(
            "received_on lies in the future / de ontvangstdatum ligt in de toekomst",
            field="received_on",
            code="received_in_future",
        )
    if settled_on is not None and received_on < settled_on:
        raise RepaymentError(
            f"received_on lies before the settlement it repays ({settled_on:%d-%m-%Y}) / "
            "de ontvangstdatum ligt vóór de afrekening die terugbetaald wordt",
            field="received_on",
            code="repayment_before_settlement",
            params={"day": settled_on},
        )
    if settled_on is None and (today - received_on).days > OLDEST_UNNAMED_DAYS:
        raise RepaymentError(
            "received_on lies more than a year ago: name the settlement it repays / de "
            "ontvangstdatum ligt meer dan een jaar terug: noem de afrekening",
            field="received_on",
            code="repayment_too_old",
        )
    return received_on


def check_within_owed(amount: Cents, owed_now: Cents) -> Cents:
    """A new repayment is at most what the client owes back: more would be paid out of the
    third-party account (other clients' money) by its next settlement, on a typed line."""
    if amount > max(owed_now, 0):
        shown = f"{max(owed_now, 0) // 100}.{max(owed_now, 0) % 100:02d}"
        raise RepaymentError(
            f"the amount is more than the client owes back ({shown}) / het bedrag is hoger dan "
            f"wat de opdrachtgever terug moet betalen ({shown.replace('.', ',')})",
            field="amount",
            code="repayment_above_owed",
            params={"amount": max(owed_now, 0)},
        )
    return amount


def same(a: Repayment, b: Repayment) -> bool:
    """Whether ``b`` (asked again under ``a``'s reference) is the repayment ``a`` recorded:
    the amount decides (the day or the note typed again may differ)."""
    return a.reference == b.reference and a.amount == b.amount


def owed(carried: Cents, repayments: Iterable[Repayment]) -> Cents:
    """What the client still owes back: the negative net its balance carries, less what it
    repaid that no settlement has taken yet (negative: it repaid more than it owed, which its
    next settlement pays out)."""
    waiting = sum(r.amount for r in repayments if r.settled_in is None)
    return -min(carried, 0) - waiting
