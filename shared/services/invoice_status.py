"""Credit, dispute, withdraw or reopen one invoice, with a contact-log entry for each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from shared.clock import Clock, amsterdam_date
from shared.domain.ids import time_ordered_id
from shared.domain.invoices import Invoice, InvoiceRuleError
from shared.domain.law.dispute_costs import (
    after_dispute,
    dispute_hold_ref,
    is_dispute_hold,
    while_disputed,
)
from shared.domain.ledger.booking import (
    CORRECTION_NOTE,
    DISCOUNT_NOTE,
    credit_note_day,
    credit_note_kinds,
    credit_note_moves,
)
from shared.domain.ledger.model import is_discount
from shared.domain.money import Cents, format_eur_en, format_eur_nl
from shared.domain.parties import Client
from shared.domain.records import ActionItem, ActionStatus, ContactEntry, ContactKind
from shared.ports.tables import TransactionFailed
from shared.services.ended_items import close_dispute_items, waiting_items
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.invoice_change_lines import (
    RESOLVED,
    line_owed,
    resolved_line_owed,
)
from shared.services.repositories import Repositories
from shared.services.statements_redo import day_keyed_id, keyed_id

if TYPE_CHECKING:
    from shared.domain.ledger.model import LedgerEvent
    from shared.services.ledger.service import DebtorClaims, LedgerService

RETRIES = 3


@dataclass(frozen=True)
class CreditNote:
    """A credit note for part of an invoice: its principal credited, its number, why, and
    its date (None: today in Amsterdam). ``discount``: a remission from its date (a goodwill
    discount after default, 6:160 BW: the interest and costs owed up to then stay) instead of
    a correction of the invoice (the part never owed: docs/law.md, a partial credit note)."""

    cents: Cents
    reference: str
    reason: str | None = None
    on: date | None = None
    discount: bool = False


def _check_date(invoice: Invoice, on: date, today: date) -> None:
    """A credit note is dated between the invoice's date and today (Europe/Amsterdam): one
    dated later lowered the invoice at once while the ledger took the part off only on that
    day, so the portal and its payment link asked for the full amount (attack5)."""
    if on > today:
        raise Invalid(
            f"the credit note's date {on.isoformat()} is after today ({today.isoformat()})",
            field="date",
            code="credit_after_today",
            params={"day": on, "today": today},
        )
    if on < invoice.invoice_date:
        raise Invalid(
            f"the credit note's date {on.isoformat()} is before the invoice's date "
            f"({invoice.invoice_date.isoformat()})",
            field="date",
            code="credit_before_invoice",
            params={"day": on, "invoice_day": invoice.invoice_date},
        )


class InvoiceStatusService:
    def __init__(
        self, repos: Repositories, clock: Clock, ledger: LedgerService | None = None
    ) -> None:
        self.repos = repos
        self.clock = clock
        # the claim ledger: a credited invoice's payments go to the debtor's other claims
        self.ledger = ledger
        # what holds an invoice follows when it is credited or withdrawn (review console8 #2,
        # #4): the plans over it (lowered or ended), the case at the agency (lowered or
        # withdrawn, the agency told); wired in the container
        self.plan_listener: Callable[[Client, list[str]], object] | None = None
        self.case_listener: Callable[[Client, Invoice, str, str], object] | None = None
        # the daily run drops a disputed invoice from its schedule (it is not collectable), so
        # an ended dispute must put it back or the collection never resumes (lawyer20 L1)
        self.resume_dunning: Callable[[str, list[Invoice]], object] | None = None
        # a dispute raised (its reason) or ended (None) on a handed-over invoice: the agency
        # collecting it outside Inning must stop and may go on after (cm24 F2)
        self.dispute_listener: Callable[[Client, str, str | None, bool], object] | None = None
        # a dispute raised or ended: the plan that holds the invoice pauses while it is
        # disputed and resumes after (review26 F4: it reminded, then lapsed, meanwhile)
        self.plan_dispute_listener: Callable[[Client, list[str]], object] | None = None
        # a dispute revived by a take-back (number, reason, the take-back's day): its agency
        self.revived_listener: Callable[[Client, str, str, date], object] | None = None

    def _followed(self, client: Client, invoice: Invoice, why: str, author: str) -> Invoice:
        """The invoice's plan and case follow the change (each idempotent: a retried credit
        or withdrawal repeats them harmlessly)."""
        if self.plan_listener is not None:
            self.plan_listener(client, [invoice.number])
        if self.case_listener is not None and invoice.handed_over_to is not None:
            self.case_listener(client, invoice, why, author)
        return invoice

    def _change(
        self,
        client: Client,
        number: str,
        change: Callable[[Invoice], Invoice],
        *,
        kind: ContactKind,
        summary: str,
        author: str,
    ) -> Invoice:
        for _ in range(RETRIES):
            stored = self.repos.invoices.get(client.client_id, number)
            if stored is None:
                raise NotFound(f"invoice {number} not found")
            try:
                updated = change(stored.invoice)
            except InvoiceRuleError as exc:
                raise Invalid(str(exc), field="status", code=exc.code, params=exc.params) from exc
            if updated == stored.invoice:
                # done already (a retry): only what follows is repeated, and the line, when
                # the attempt before was cut off between the invoice and it (failure26 F2)
                if line_owed(self.repos, client.client_id, updated.debtor_number, number, summary):
                    self._line(client, updated, kind, summary, author)
                return updated
            try:
                self.repos.invoices.save(updated, stored)
            except TransactionFailed:
                continue  # somebody else wrote it meanwhile: re-read and re-apply
            self._line(client, updated, kind, summary, author)
            return updated
        raise ConflictingUpdate(f"invoice {number} keeps changing; retry")

    def _line(
        self, client: Client, invoice: Invoice, kind: ContactKind, summary: str, author: str
    ) -> None:
        now = self.clock.now()
        self.repos.contacts.add(
            ContactEntry(
                client_id=client.client_id,
                debtor_number=invoice.debtor_number,
                entry_id=time_ordered_id(now),
                at=now,
                kind=kind,
                summary=summary,
                invoice_numbers=(invoice.number,),
                system=kind is ContactKind.STATUS,
                author=author,
            )
        )

    def credit(
        self, client: Client, number: str, author: str, note: CreditNote | None = None
    ) -> Invoice:
        """The invoice was not owed. Money the debtor paid on it is re-allocated by art. 6:43
        to his other claims, the rest an overpayment item (:mod:`shared.services.ledger.credit`);
        crediting again only finishes what a first attempt left undone. ``note``: the credit
        note that credits all of the open principal (its reference kept for its retry)."""
        kept = (note.reference, note.cents) if note else None
        by = f" (credit note {note.reference})" if note else ""
        summary = f"Invoice {number} credited{by}"
        invoice = self._change(
            client, number, lambda i: i.credit(kept),
            kind=ContactKind.STATUS, summary=summary, author=author,
        )  # fmt: skip
        self._ended_by(client, invoice, author)
        return self._followed(
            client, self._settle_credited(client, number, invoice), "credited", author
        )

    def _settle_credited(self, client: Client, number: str, invoice: Invoice) -> Invoice:
        if self.ledger is not None:
            from shared.services.ledger.credit import settle_credited

            settle_credited(self.ledger, client, number)
            found = self.repos.invoices.get(client.client_id, number)
            invoice = found.invoice if found else invoice
        return invoice

    def credit_part(self, client: Client, number: str, note: CreditNote, author: str) -> Invoice:
        """A credit note for part of the principal (docs/law.md, a partial credit note): the
        invoice stays in collection with its lower amount, the ledger takes the part off on
        the note's day with the interest and costs that followed it (a discount: from that
        day, what was owed before it stays), money paid beyond the new total goes to the
        claims its payment named, then to the debtor's claims due when it was received (else
        an overpayment item), and the contact log says so once. All of the invoice's
        principal: the full credit (a discount: refused, it is below the principal). The same
        reference again only finishes what a first attempt left undone; with another amount
        it is a conflict, as another kind (a correction, a discount) it is refused."""
        if self.ledger is None:
            raise Invalid(
                "partial credits need the claim ledger",
                field="amount",
                code="partial_credit_no_ledger",
            )
        on = note.on or self.ledger.today()
        stored = self.repos.invoices.get(client.client_id, number)
        if stored is None:
            raise NotFound(f"invoice {number} not found")
        _check_date(stored.invoice, on, self.ledger.today())
        full = stored.invoice.credited_by
        if full is not None and full[0] == note.reference:  # the full credit's retry
            if full[1] != note.cents:
                raise _other_amount(note.reference, full[1])
            if note.discount:  # the full credit is a correction (a discount is below it)
                raise _other_kind(note.reference, CORRECTION_NOTE)
            settled = self._settle_credited(client, number, stored.invoice)
            return self._followed(client, settled, "credited", author)
        booked = dict(stored.invoice.credit_notes).get(note.reference)
        if booked is None:
            # up to the open principal, or above it but below the invoice's (law5 #5, #6):
            # booked, what the debtor paid beyond the lower claim moved by 6:43 (a note for
            # "the rest" of a partly paid invoice keeps what he paid for what he kept); all of
            # the invoice's principal: the full credit
            principal = stored.invoice.amount  # less the notes booked before
            if note.cents == principal and note.discount:
                # (a remission of all the principal would leave the claim at 0 with its
                # interest and costs: the invoice keeps none; a correction of all of it is the
                # full credit, below)
                raise Invalid(
                    "a discount must be below the invoice's principal",
                    field="amount",
                    code="partial_credit_below_principal",
                )
            if note.cents == principal:
                return self.credit(client, number, author, note)
            if note.cents > principal:
                raise Invalid(
                    f"the invoice's principal is {format_eur_nl(principal)}",
                    field="amount",
                    code="credit_above_principal",
                    params={"amount": principal},
                )
        elif booked != note.cents:
            if self._capped(client, stored.invoice, note):  # the same note again
                return self._followed(client, stored.invoice, f"credit note {note.reference}",
                                      author)  # fmt: skip
            raise _other_amount(note.reference, booked)
        else:
            self._same_kind(client, stored.invoice, note)
        invoice, _ = self._credit_invoice(client, number, note)
        try:
            self.ledger.credit_part(
                client, number, note.cents, on, note.reference, note.reason or "",
                discount=note.discount,
            )  # fmt: skip
        except Invalid:
            # the ledger decides (a payment booked since the check above may have left less
            # open principal, the claim may be closed): a refused note leaves nothing behind,
            # so the invoice and the ledger keep agreeing (failure5 finding 9)
            self._take_back(client, number, note)
            raise
        from shared.services.ledger.credit import follow_ledger

        # what the note moved, read from the ledger rather than from this call's result: a
        # retry after a crash or outage halfway finds the note booked and must still finish
        # the invoices and payment rows (failure5 finding 2)
        claims = self.ledger.debtor_claims(client, invoice.debtor_number)
        events = _events_of(claims, number)
        follow_ledger(
            self.ledger, client, claims, credit_note_moves(events, note.reference), number,
            f"credit note {note.reference} on invoice {number}", "creditnote",
        )  # fmt: skip
        # the kind the ledger booked (whichever attempt reached it first), kept on the invoice:
        # its lists say it without a ledger read per debtor (attack17 F3)
        self.repos.invoices.note_kinds(client.client_id, number, credit_note_kinds(events))
        self._log_credit_note(client, invoice, number, note, on, claims, author)
        found = self.repos.invoices.get(client.client_id, number)
        return self._followed(
            client, found.invoice if found else invoice, f"credit note {note.reference}", author
        )

    def _same_kind(self, client: Client, invoice: Invoice, note: CreditNote) -> None:
        """A note booked already is repeated only as the kind the ledger booked it: another
        kind under its reference is another note, refused (codereview16 F6: a correction
        reposted as a discount answered 200 and kept the correction, 21.22 of interest and
        costs lost). Not in the ledger yet (a first attempt cut off before it): whichever
        attempt reaches the ledger first books its kind."""
        assert self.ledger is not None
        stored, _ = self.ledger.ledger.read_debtor(client.client_id, invoice.debtor_number)
        claim = stored.get(invoice.number)
        kind = credit_note_kinds(claim.events).get(note.reference) if claim else None
        if kind is not None and kind != (DISCOUNT_NOTE if note.discount else CORRECTION_NOTE):
            raise _other_kind(note.reference, kind)

    def _capped(self, client: Client, invoice: Invoice, note: CreditNote) -> bool:
        """Whether ``note`` is a discount the ledger booked for this amount and capped since at
        what was open on its day (law16b F3: the invoice's note states what it lets go): its
        repeat is answered as booked, not refused as another amount."""
        assert self.ledger is not None
        if not note.discount:
            return False
        stored, _ = self.ledger.ledger.read_debtor(client.client_id, invoice.debtor_number)
        claim = stored.get(invoice.number)
        events = claim.events if claim else ()
        booked = [e.amount for e in events if is_discount(e) and e.note == note.reference]
        return bool(booked) and sum(booked) == note.cents

    def _log_credit_note(
        self, client: Client, invoice: Invoice, number: str, note: CreditNote, on: date,
        claims: DebtorClaims, author: str,
    ) -> None:  # fmt: skip
        """The contact log says so once: the entry's id is made from the note (its day in the
        ledger, the invoice, the reference), so whichever attempt gets here writes it and a
        repeat finds it claimed. The entry stands at the time it was written, not at its
        day's midnight UTC (reasons20, newcomer19 F9: a discount given at 04:40 read 01:00 and
        sorted before the dispute of 04:37 it settled)."""
        record = next((r for r in claims.records if r.number == number), None)
        day = credit_note_day(record, note.reference) if record else None
        keyed_at = datetime.combine(day or on, time(), UTC)
        why = f": {note.reason}" if note.reason else ""
        self.repos.contacts.add_once(
            ContactEntry(
                client_id=client.client_id, debtor_number=invoice.debtor_number,
                entry_id=keyed_id(keyed_at, "creditnote", number, note.reference),
                at=self.clock.now(), kind=ContactKind.STATUS,
                summary=(
                    f"Discount {note.reference}: {format_eur_nl(note.cents)} off invoice "
                    f"{number} from {on.isoformat()}{why}"
                    if note.discount
                    else f"Credit note {note.reference}: {format_eur_nl(note.cents)} of "
                    f"invoice {number} credited on {on.isoformat()}{why}"
                ),
                # what happened to the claim, by the client's hand: on the timeline, not
                # behind the system toggle (newcomer5 finding 7)
                invoice_numbers=(number,), system=False, author=author,
            )
        )  # fmt: skip

    def _take_back(self, client: Client, number: str, note: CreditNote) -> None:
        """Take note ``note`` off the invoice again (the ledger refused it)."""
        for _ in range(RETRIES):
            stored = self.repos.invoices.get(client.client_id, number)
            if (
                stored is None
                or dict(stored.invoice.credit_notes).get(note.reference) != note.cents
            ):
                return
            try:
                self.repos.invoices.save(
                    stored.invoice.take_back_credit_note(note.reference), stored
                )
                return
            except TransactionFailed:
                continue
        raise ConflictingUpdate(f"invoice {number} keeps changing; retry")

    def _credit_invoice(
        self, client: Client, number: str, note: CreditNote
    ) -> tuple[Invoice, bool]:
        for _ in range(RETRIES):
            stored = self.repos.invoices.get(client.client_id, number)
            if stored is None:
                raise NotFound(f"invoice {number} not found")
            try:
                updated = stored.invoice.credit_part(note.reference, note.cents)
            except InvoiceRuleError as exc:
                raise Invalid(str(exc), field="amount", code=exc.code, params=exc.params) from exc
            if updated == stored.invoice:
                return updated, False  # booked already (a retry)
            try:
                self.repos.invoices.save(updated, stored)
                return updated, True
            except TransactionFailed:
                continue
        raise ConflictingUpdate(f"invoice {number} keeps changing; retry")

    def withdraw(self, client: Client, number: str, author: str) -> Invoice:
        invoice = self._change(
            client, number, lambda i: i.withdraw(),
            kind=ContactKind.STATUS, summary=f"Invoice {number} withdrawn", author=author,
        )  # fmt: skip
        self._ended_by(client, invoice, author)
        return self._followed(client, invoice, "withdrawn", author)

    def dispute(self, client: Client, number: str, reason: str, author: str) -> Invoice:
        stored = self.repos.invoices.get(client.client_id, number)
        if stored is None:
            raise NotFound(f"invoice {number} not found")
        try:
            stored.invoice.dispute(reason)  # refused before anything is written
        except InvoiceRuleError as exc:
            raise Invalid(str(exc), field="status", code=exc.code, params=exc.params) from exc
        # the item before the invoice: a request cut off after the invoice's write is seldom
        # sent again from the portal, whose page then offers the invoice as disputed only
        # (failure26 F4: the dispute stopped dunning and no person was ever told of it). Cut
        # off before the invoice's write, the item stands for a person to resolve (resolving
        # an invoice found not disputed tells an agency told of the dispute that it ended)
        self._dispute_item(client, stored.invoice, reason)
        if self.dispute_listener is not None and stored.invoice.handed_over_to is not None:
            # so is the agency collecting it, whose case news is keyed by the dispute too
            self.dispute_listener(client, number, reason.strip(), False)
        invoice = self._change(
            client, number, lambda i: i.dispute(reason),
            kind=ContactKind.DISPUTE, summary=f"Invoice {number} disputed: {reason}", author=author,
        )  # fmt: skip
        self._plan_follows(client, number)  # after the write: a retry repeats it
        return invoice

    def _plan_follows(self, client: Client, number: str) -> None:
        if self.plan_dispute_listener is not None:
            self.plan_dispute_listener(client, [number])

    def _dispute_item(self, client: Client, invoice: Invoice, reason: str) -> None:
        now = self.clock.now()
        running = self._waiting_dispute(client, invoice.number, reason.strip())
        if running is not None:
            # the same dispute sent again on a later day (a request cut off before midnight
            # and retried after it, an answer lost): its item stands, and its costs hold is
            # the day it was raised, not a second hold from today (disputes27)
            self._hold_costs(client, invoice, amsterdam_date(running.created_at))
            return
        self._hold_costs(client, invoice, amsterdam_date(now))
        # keyed by the dispute (the invoice, its reason, the Amsterdam day): the same request
        # sent again (an answer lost, a cut-off request retried) finds its item, or writes it
        # when the first attempt was cut off before it; one item per dispute (failure15 F9).
        # An item found resolved is an earlier dispute's, handled (a dispute resolved and
        # raised again the same day with the same words): the next key in line is this one's
        # (codereview15b F2), so the disputed invoice always has an open item
        day, number = amsterdam_date(now), invoice.number
        said = reason.strip()  # as Invoice.dispute keeps it
        again = 0
        while True:  # ends: the resolved items of the day are few, each is passed once
            item = ActionItem(
                client_id=client.client_id,
                action_id=day_keyed_id(day, "dispute", number, said, *_nth(again)),
                kind="dispute",
                title=f"Dispute on invoice {number}",
                created_at=now,
                debtor_number=invoice.debtor_number,
                invoice_numbers=(number,),
                detail={"reason": reason},
            )
            if self.repos.actions.add_once(item):
                return
            found = self.repos.actions.get(client.client_id, item.action_id)
            if found is None or found[0].status is not ActionStatus.RESOLVED:
                return  # told by an earlier attempt, still waiting
            again += 1

    def dispute_revived(self, client: Client, invoice: Invoice, back_on: date) -> bool:
        """``invoice`` disputed again on ``back_on`` by the take-back of the payment that had
        ended its dispute (takeback27): its dispute item waits for a person again, one per
        take-back day (the stored day: a redelivery finds it), unless one still waits, and the
        agency of a case is told it is disputed again. Whether an item was written."""
        reason = (invoice.dispute_reason or "").strip()
        if not reason:
            return False
        item = ActionItem(
            client_id=client.client_id,
            action_id=day_keyed_id(back_on, "dispute", invoice.number, reason, "taken-back"),
            kind="dispute",
            title=f"Dispute on invoice {invoice.number}",
            created_at=self.clock.now(),
            debtor_number=invoice.debtor_number,
            invoice_numbers=(invoice.number,),
            detail={"reason": reason, "taken_back_on": back_on.isoformat()},
        )
        waiting = self._waiting_dispute(client, invoice.number, reason)
        if waiting is not None and waiting.action_id != item.action_id:
            return False  # its dispute ran on (a part of the money taken back): nothing ended
        # a redelivery finds its item and tells the agency again: told once (keyed by the day)
        written = waiting is None and self.repos.actions.add_once(item)
        if self.revived_listener is not None and invoice.handed_over_to is not None:
            self.revived_listener(client, invoice.number, reason, back_on)
        if self.plan_dispute_listener is not None:  # its plan pauses as at any dispute (plans27)
            self.plan_dispute_listener(client, [invoice.number])
        return written

    def _waiting_dispute(self, client: Client, number: str, said: str) -> ActionItem | None:
        """The item of a dispute on invoice ``number`` in these words still waiting for a
        person: the dispute is running (its end, a payment, a credit close its items)."""
        for item in waiting_items(self.repos, client.client_id, "dispute"):
            if (
                number in item.invoice_numbers
                and str(item.detail.get("reason", "")).strip() == said
            ):
                return item
        return None

    def resolve_dispute(self, client: Client, number: str, author: str) -> Invoice:
        """The dispute is over, dunning resumes; the dispute's action item is resolved after
        the invoice (ended_items: the item's own decision is not taken, nobody is told). A
        repeat that finds the invoice open again still closes the item the first attempt left
        before it is refused (newcomer19 F6)."""
        try:
            invoice = self._change(
                client, number, lambda i: i.resolve_dispute(),
                kind=ContactKind.STATUS, summary=RESOLVED.format(number=number),
                author=author,
            )  # fmt: skip
        except Invalid as exc:
            if exc.code == "invoice_not_disputed":
                self._release_costs(client, number)  # a first attempt cut off before it
                stored = self.repos.invoices.get(client.client_id, number)
                if stored is not None and resolved_line_owed(
                    self.repos, client.client_id, stored.invoice.debtor_number, number
                ):  # the first attempt was cut off between the invoice and its line
                    self._line(client, stored.invoice, ContactKind.STATUS,
                               RESOLVED.format(number=number), author)  # fmt: skip
                self._dispute_ended(client, number, author)
                self._resume(client, number)  # a first attempt cut off before it
                self._plan_follows(client, number)
                self._dispute_ended_told(client, number, retry=True)
            raise
        self._release_costs(client, number)
        self._resume(client, number)
        self._plan_follows(client, number)
        self._dispute_ended(client, number, author)
        if invoice.handed_over_to is not None:
            self._dispute_ended_told(client, number)
        return invoice

    def _hold_costs(self, client: Client, invoice: Invoice, raised_on: date) -> None:
        """A consumer's dispute holds the collection costs while it is looked into (the
        portal tells him no payment is asked meanwhile): a hold made before the costs' day
        moves them, one made after it changes nothing (shared/domain/law/dispute_costs.py,
        lawyer26 F6)."""
        if self.ledger is None:
            return
        found = self.repos.debtors.get(client.client_id, invoice.debtor_number)
        if found is None or not found[0].is_consumer:
            return
        self.ledger.set_costs_hold(client.client_id, invoice.debtor_number, invoice.number,
                                   dispute_hold_ref(raised_on), while_disputed(raised_on))  # fmt: skip

    def _release_costs(self, client: Client, number: str) -> None:
        """The dispute ended: its costs hold ends on the day collection resumes, so the costs
        the 14-day letter announced are owed from then if he has not paid. Idempotent: a
        retry finds the hold ended and writes nothing."""
        stored = self.repos.invoices.get(client.client_id, number)
        if self.ledger is None or stored is None:
            return
        debtor = stored.invoice.debtor_number
        header = self.ledger.ledger.header(client.client_id, debtor, number)
        ended_on = amsterdam_date(self.clock.now())
        for ref, raised_on, resumes in header.costs_held if header is not None else ():
            if is_dispute_hold(ref) and resumes is None:
                self.ledger.set_costs_hold(client.client_id, debtor, number, ref,
                                           after_dispute(raised_on, ended_on))  # fmt: skip

    def _resume(self, client: Client, number: str) -> None:
        """The next daily run looks at the invoice again: its workflow goes on from where the
        dispute stopped it (a step whose day passed meanwhile comes first). Looked up again, so
        a retry after a payment in full schedules nothing."""
        stored = self.repos.invoices.get(client.client_id, number)
        if self.resume_dunning is not None and stored is not None:
            self.resume_dunning(client.client_id, [stored.invoice])

    def _dispute_ended(self, client: Client, number: str, author: str) -> None:
        close_dispute_items(self.repos, client.client_id, number, author, self.clock.now())

    def _dispute_ended_told(self, client: Client, number: str, *, retry: bool = False) -> None:
        """The agency of a handed-over invoice may collect it again: only a dispute ended as
        such (a credit or withdrawal takes the invoice out of the case, told as that). A
        ``retry`` (the invoice not disputed) tells only an agency told of its dispute."""
        if self.dispute_listener is not None:
            self.dispute_listener(client, number, None, retry)

    def _ended_by(self, client: Client, invoice: Invoice, author: str) -> None:
        """A credit or withdrawal of a disputed invoice ends its dispute (the reason stays on
        the invoice, also for a retry); one never disputed reads no action items."""
        if invoice.dispute_reason is not None:
            self._release_costs(client, invoice.number)
            self._dispute_ended(client, invoice.number, author)


def _nth(again: int) -> tuple[str, ...]:
    """The key's extra part of the ``again``-th dispute of a day (none for the first: the key
    items were written with before a dispute could come again)."""
    return (f"again-{again}",) if again else ()


def _events_of(claims: DebtorClaims, number: str) -> list[LedgerEvent]:
    return [e for r in claims.records if r.number == number for e in r.events]


def _other_kind(reference: str, kind: str) -> Invalid:
    """A credit note's reference booked already as another kind (a correction, a discount):
    refused like another amount, naming the kind booked (a new note needs its own reference;
    codereview16 F6)."""
    return Invalid(
        f"credit note {reference} was booked as a {kind}: a credit note is booked once per "
        "reference, as one kind", field="kind", code="credit_note_other_kind",
        params={"reference": reference, "note_kind": kind},
    )  # fmt: skip


def _other_amount(reference: str, booked: int) -> ConflictingUpdate:
    """A credit note's reference booked already with another amount: a rule, not a race
    (retrying never helps), so it carries its code (codereview14 F3)."""
    return ConflictingUpdate(
        f"credit note {reference} was booked for {format_eur_en(booked)}: a credit note is "
        "booked once per reference", code="credit_note_other_amount",
        params={"reference": reference, "amount": booked},
    )  # fmt: skip
