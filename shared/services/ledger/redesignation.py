"""A person corrects the designation of a booked payment (art. 6:43 lid 1 BW: the payer's
designation holds; 6:30: a third party's payment may not be made to serve another debt than
the one it paid; law13 F5).

A bank line confirmed on the wrong invoice, a portal or sync payment booked on a claim its
payer did not name: staff say which invoices of the same debtor it paid. The row keeps the new
designation and the ledger books the payment again as if it had been designated so from the
day it was received (:func:`~shared.domain.ledger.designation.rebook_designated`): it is taken
off every claim it holds money on, those claims are restated without it (interest runs on,
costs as their term says), and it goes on the named claims first (earliest due first), the
rest by 6:43 lid 2, each claim by 6:44. Costs a claim paid inside its 14-day term never owed
disappear; interest is computed again. The invoices and the payment row follow the ledger,
and the settlement follows the row: money a payout already paid out on the wrong invoice is a
``reallocated`` correction of the next settlement, never a rewrite of the one made.

The claims it leaves are restated as a lowering restatement (:data:`DESIGNATION_RESTATED`):
their accrual counts the money as never having been there, so a later storno of the payment
changes nothing more (codereview13 #1). A kind letter's share let go because the payment paid
a claim as told follows it (:mod:`~shared.domain.ledger.kind_letter`): owed again on a claim it
leaves, let go on a claim of the letter it pays as told (codereview13 #2).

Idempotent: the designation is written on the row first, and the ledger's change is keyed on
it, so the same request again (or a retry after a crash between) finds the money where the
designation puts it and moves nothing. The version (:func:`version_of`) guards two people
correcting the same payment from stale pages: a stale ``If-Match`` is refused.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from shared.clock import amsterdam_date
from shared.domain.invoices import InvoiceStatus
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.designation import rebook_designated
from shared.domain.ledger.model import DESIGNATION_RESTATED, ClaimFigures, EventKind, LedgerEvent
from shared.domain.ledger.replay import open_claims
from shared.domain.parties import Client
from shared.domain.people.audit import Event
from shared.domain.records import Payment
from shared.ports.tables import Conflict, PreconditionFailed, TransactionFailed
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.ledger.designation import settle_item
from shared.services.ledger.service import RETRIES, DebtorClaims, LedgerService
from shared.services.statements_redo import day_keyed_id
from shared.telemetry.context import log_extra

log = logging.getLogger(__name__)

REDESIGNATED = "designation corrected by hand"  # the ledger's and the overpayment item's word
# a payment takes no new designation once these: its money is gone or the claim takes none
NOT_PAYABLE = (InvoiceStatus.CREDITED, InvoiceStatus.WITHDRAWN)


class StaleVersion(Exception):
    """The payment changed since the caller read it (its ``If-Match`` is stale)."""


def version_of(payment: Payment) -> str:
    """The payment's version as the designation form and the API see it: its designation and
    where its money is (a move by anyone changes it)."""
    key = "|".join(
        [
            ",".join(payment.designated),
            ";".join(f"{a.invoice_number}:{a.component}:{a.amount}" for a in payment.allocations),
            str(payment.unallocated),
            str(payment.reversed),
        ]
    )
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:20] + '"'


def _held(records: Sequence[ClaimRecord], payment_id: str) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for r in records:
        for e in r.events:
            if e.payment_id != payment_id:
                continue
            sign = {EventKind.ALLOCATED: 1, EventKind.REVERSAL: -1}.get(e.kind, 0)
            key = (r.number, e.component.value)
            out[key] = out.get(key, 0) + sign * e.amount
    return {k: v for k, v in out.items() if v}


class Redesignation:
    def __init__(
        self,
        ledger: Callable[[], LedgerService],
        audit: Callable[..., None] | None = None,
    ) -> None:
        self._ledger = ledger  # late: the container's, with its listeners
        self.audit = audit

    @property
    def ledger(self) -> LedgerService:
        return self._ledger()

    def redesignate(
        self,
        client: Client,
        payment_id: str,
        invoices: Sequence[str],
        actor: str,
        reason: str,
        *,
        version: str | None = None,
    ) -> Payment:
        """Payment ``payment_id`` of ``client`` paid ``invoices`` (of its own debtor): booked
        again so from its received day (see the module's text). ``version``: the
        :func:`version_of` the caller read (None: whatever is stored); ``actor``: who, on the
        audit log, with ``reason``. The payment as it stands after."""
        ledger = self.ledger
        repos = ledger.repos
        named = tuple(dict.fromkeys(n.strip() for n in invoices if n.strip()))
        found = repos.payments.get(client.client_id, payment_id)
        if found is None:
            raise NotFound(f"payment {payment_id} not found")
        if version is not None and version != version_of(found):
            raise StaleVersion(f"payment {payment_id} was changed since it was read")
        self._check(client, found, named)
        debtor = str(found.debtor_number)
        was = found.designated
        before = found.allocations
        if found.designated != named:
            found = replace(found, designated=named)
            repos.payments.save(found)  # first: a retry after a crash finds it and finishes
        moved = self._rebook(client, found, debtor)
        after = repos.payments.get(client.client_id, payment_id) or found
        if moved:
            booked_to = tuple(sorted({a.invoice_number for a in after.allocations}))
            if after.booked_to != booked_to:
                after = replace(after, booked_to=booked_to)
                repos.payments.save(after)
        settle_item(ledger, client, payment_id, REDESIGNATED)
        if moved or was != named:
            self._audited(client, after, was, before, actor, reason)
        log.info(
            "payment designation corrected",
            extra=log_extra({"client_id": client.client_id, "payment_id": payment_id,
                             "invoices": len(named), "moved": bool(moved)}),
        )  # fmt: skip
        return after

    def _check(self, client: Client, payment: Payment, named: tuple[str, ...]) -> None:
        """Refused: a payment that came back, one on no debtor, and invoices that are not
        its debtor's claims of this client or take no payment."""
        if not named:
            raise Invalid("choose at least one invoice", field="invoices", code="no_invoices")
        if payment.reversed:
            raise Invalid(
                f"payment {payment.payment_id} came back (reversed): it pays no invoice to "
                "designate", field="payment", code="designation_payment_reversed",
            )  # fmt: skip
        if payment.debtor_number is None:
            raise Invalid(
                f"payment {payment.payment_id} is not booked on a debtor: confirm it on the "
                "action list", field="payment", code="designation_payment_no_debtor",
            )  # fmt: skip
        stored = self.ledger.repos.invoices.get_many(client.client_id, list(named))
        missing = [n for n in named if n not in stored]
        if missing:  # another client's invoice is not this client's: unknown here
            raise Invalid(
                f"not invoices of this client: {', '.join(missing)}", field="invoices",
                code="designation_unknown_invoices", params={"invoices": ", ".join(missing)},
            )  # fmt: skip
        other = [n for n in named if stored[n].invoice.debtor_number != payment.debtor_number]
        if other:
            raise Invalid(
                f"invoices {', '.join(other)} are another debtor's: a payment is designated "
                "only to its own debtor's claims", field="invoices",
                code="designation_other_debtor", params={"invoices": ", ".join(other)},
            )  # fmt: skip
        closed = [n for n in named if stored[n].invoice.status in NOT_PAYABLE]
        if closed:
            raise Invalid(
                f"invoice {', '.join(closed)} takes no payment any more (credited or "
                "withdrawn)", field="invoices", code="invoice_not_payable",
                params={"invoices": ", ".join(closed)},
            )  # fmt: skip

    def _rebook(self, client: Client, payment: Payment, debtor: str) -> bool:
        """The ledger as if ``payment`` had named its designation from its day; whether it
        moved anything (a repeat finds the money where the designation puts it)."""
        from shared.services.ledger.credit import follow_ledger

        ledger = self.ledger
        key = f"redesignate {payment.payment_id} {','.join(payment.designated)}"
        today = amsterdam_date(ledger.clock.now())
        for _ in range(RETRIES):
            try:  # a correction a crash left half written is finished first
                [claims], finished = ledger.read_finished(client, [debtor])
            except (TransactionFailed, Conflict, PreconditionFailed):
                continue
            if key in finished:
                follow_ledger(ledger, client, claims, {payment.payment_id, *finished[key].moved},
                              payment.payment_id, REDESIGNATED, "restated")  # fmt: skip
            if ledger.share_owed_again(client, [claims], payment.payment_id, payment.designated):
                continue  # read again: a claim it leaves owes its kind letter's share now
            if self._paid_as_told(client, payment, debtor, claims, today):
                continue  # read again: a claim it goes to was paid as told
            result = rebook_designated(
                claims.records, payment.payment_id, payment.amount, payment.designated,
                payment.received_on, today, ledger.rates(), ledger.named(client),
                DESIGNATION_RESTATED,
            )  # fmt: skip
            if result is None or not result.events or not _moves(claims.records, result.events,
                                                                 payment.payment_id):  # fmt: skip
                follow_ledger(ledger, client, claims, {payment.payment_id},
                              payment.payment_id, REDESIGNATED, "restated")  # fmt: skip
                return key in finished
            day = max(e.on for new in result.events.values() for e in new)
            try:
                ledger.write_change(
                    client, [claims], key, result.events, on=day,
                    payments_added=(payment.payment_id, *result.moved),
                    moved=tuple(result.moved),
                )  # fmt: skip
            except (TransactionFailed, Conflict, PreconditionFailed):
                continue  # another change on these claims won: read again
            claims = ledger.debtor_claims(client, debtor)
            follow_ledger(ledger, client, claims, {payment.payment_id, *result.moved},
                          payment.payment_id, REDESIGNATED, "restated")  # fmt: skip
            return True
        raise ConflictingUpdate(f"the claims of payment {payment.payment_id} keep changing")

    def _paid_as_told(
        self, client: Client, payment: Payment, debtor: str, claims: DebtorClaims, today: date
    ) -> bool:
        """The claims the payment is designated to whose kind letter was confirmed with its
        share claimed, but which the payment, booked there from its day, pays in full as the
        consumer was told while the letter was held: their share is not claimed, as the
        confirm decides for a claim so paid (:mod:`kind_letter`; codereview13 #2: corrected
        to F2, the 2,524.66 F2 was told paid its 312.50 costs first and left 312.50 open).
        Written before the ledger's change, so it books the payment on the claim without
        them. Whether any letter changed."""
        ledger = self.ledger
        letters = {
            n: c.header.as_business for n, c in claims.stored.items()
            if n in payment.designated and c.header.as_business is not None
            and c.header.as_business.confirmed and not c.header.as_business.forgone
        }  # fmt: skip
        if not letters:
            return False
        held_rows = {
            n: replace(c, header=replace(c.header, as_business=replace(letters[n],
                                                                       confirmed=False)))
            if n in letters else c
            for n, c in claims.stored.items()
        }  # fmt: skip
        held = ledger.debtor_claims(client, debtor, every_invoice=list(claims.invoices.values()),
                                    ledger_rows=(held_rows, []))  # fmt: skip
        before, after = (self._booked(ledger, client, payment, c.records, today)
                         for c in (held, claims))  # fmt: skip
        changed = False
        for number, letter in sorted(letters.items()):
            if before[number].paid.total > 0 and before[number].open.total <= 0 < (
                after[number].open.total
            ):
                changed |= ledger.ledger.set_as_business(client.client_id, debtor, number,
                                                         letter.confirm(forgone=True))  # fmt: skip
        return changed

    @staticmethod
    def _booked(
        ledger: LedgerService, client: Client, payment: Payment,
        records: Sequence[ClaimRecord], today: date,
    ) -> dict[str, ClaimFigures]:  # fmt: skip
        """The claims with the payment booked again as designated, on the change's day."""
        result = rebook_designated(
            records, payment.payment_id, payment.amount, payment.designated,
            payment.received_on, today, ledger.rates(), ledger.named(client),
            DESIGNATION_RESTATED,
        )  # fmt: skip
        events = result.events if result is not None else {}
        after = [ClaimRecord(r.terms, (*r.events, *events.get(r.number, ()))) for r in records]
        day = max((e.on for r in after for e in r.events), default=today)
        return open_claims(after, max(day, today), ledger.rates())

    def _audited(
        self, client: Client, after: Payment, was: tuple[str, ...], before: Sequence[object],
        actor: str, reason: str,
    ) -> None:  # fmt: skip
        """Who corrected it, when, from what to what: once per designation (a retry's insert
        of the same id is refused by the log)."""
        if self.audit is None:
            return
        key = f"{after.payment_id}|{','.join(after.designated)}"
        day = amsterdam_date(self.ledger.clock.now())
        event_id = day_keyed_id(day, Event.PAYMENT_REDESIGNATED.value, key)
        from_invoices = sorted({getattr(a, "invoice_number", "") for a in before}) or list(was)
        try:
            self.audit(
                Event.PAYMENT_REDESIGNATED, agency_id=client.agency_id,
                client_id=client.client_id, actor=actor, subject=after.payment_id,
                event_id=event_id, amount=str(after.amount),
                received_on=after.received_on.isoformat(),
                designated_before=",".join(was), booked_on_before=",".join(from_invoices),
                designated=",".join(after.designated),
                booked_on=",".join(sorted({a.invoice_number for a in after.allocations})),
                reason=reason,
            )  # fmt: skip
        except Conflict:
            pass  # audited by the attempt before (the same day)


def _moves(
    records: Sequence[ClaimRecord],
    events: Mapping[str, tuple[LedgerEvent, ...]],
    payment_id: str,
) -> bool:
    """Whether the change puts the payment's money anywhere else than it is now."""
    now = _held(records, payment_id)
    after = [ClaimRecord(r.terms, (*r.events, *events.get(r.number, ()))) for r in records]
    return now != _held(after, payment_id)
