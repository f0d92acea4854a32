"""What an invoice import may change of an existing claim's legal terms (attack7 #2, #4, #5).

The import (``POST …/invoices``, the console's CSV upload) is the client's sync: it may send
every invoice again each night, and a value sent again changes nothing. But some values are
the facts the law's milestones were measured on, and the dedicated routes for the decisions
they stand for are an administrator's acts (``POST …/prescription``, ``…/fourteen-day-letter-
received``, a debtor's kind: :mod:`shared.services.debtor_kind`). So, on an existing invoice:

- a claim kind (2 or 5 years, art. 7:28 / 3:307 BW) or due date that would lift the
  prescription hold dunning keeps on the claim is refused to everyone: releasing a held claim
  is a person's decision with a reason (``POST …/prescription``), not a side effect of a sync;
- a claim kind whose term differs, or a new due date, after the claim's 14-day letter (or
  sommatie) or while it is held, is an administrator's act (MANAGE_SETTLEMENTS); what an
  administrator changes is kept on the debtor's contact log and in the audit log;
- a higher amount after the letter announced the costs is refused to everyone: the notice
  never carries more than its letter announced (6:96 lid 6 BW); the difference is a new
  invoice (with its own letter), a lower amount a credit note or a lower amount here;
- a 14-day letter date on or before the day of Inning's own 14-day letter for the invoice is
  refused to everyone: that letter's record decides (sent: its own term; failed: send it
  again; returned: ``POST …/fourteen-day-letter-received``, an administrator's, with checks);
  a later date is a new letter the client sent itself, taken as before;
- after Inning's own 14-day letter failed or was reported undelivered, a letter date before
  that report, or before the import's own day, is an administrator's act (attack8 #4): a new
  letter of the client's is sent after the return was known, and one dated back weeks would
  give back at once the costs the return took away (no letter received, art. 3:37 lid 3 BW);
  so a staff key's row is refused, an administrator's kept on the contact log and audited;
- on an invoice in collection (:meth:`ClaimTermChanges.in_collection`) the amount, invoice
  date and due date are an administrator's to change (on the record), and on one an agency's
  case or a payment plan follows (:meth:`ClaimTermChanges.followed`) no import's at all: only
  a credit note tells the agency and lowers the plan (attack15c).

Before those milestones every value changes as before. Each check reads only for a row that
changes one of these values (a re-send of the same data reads nothing more)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from shared.adapters.tables.invoices_repo import (
    LEGACY_TERMS_PENDING_ROW,
    TERMS_PENDING_ROW,
    PendingTermsRow,
)
from shared.adapters.tables.ledger_repo import ClaimHeader, LedgerRepository
from shared.adapters.tables.messaging_repo import OutboxRepository
from shared.adapters.tables.plans_repo import held_by_plan
from shared.clock import Clock, amsterdam_date
from shared.domain.access import Principal
from shared.domain.ids import time_ordered_id
from shared.domain.invoices import Invoice, InvoiceRuleError
from shared.domain.law.prescription import term_years
from shared.domain.ledger.terms import costs_owed_from
from shared.domain.messaging import OutboxStatus
from shared.domain.parties import Client, Debtor
from shared.domain.people.audit import Event
from shared.domain.people.authorisation import Action, permits
from shared.domain.records import ContactEntry, ContactKind
from shared.ports.tables import Conflict, StorageError
from shared.services.letter_undelivered import as_fourteen_day_letter
from shared.services.people.admin import actor_of
from shared.services.prescription_watch import PrescriptionWatch
from shared.services.repositories import Repositories
from shared.telemetry.context import log_extra

log = logging.getLogger(__name__)
_REPORTED = (OutboxStatus.BOUNCED, OutboxStatus.UNDELIVERABLE)


@dataclass(frozen=True)
class Importer:
    """Who sends the rows: for the record, and whether they may decide a claim's terms."""

    actor: str  # a user id or "key:<id>"
    may_decide: bool  # MANAGE_SETTLEMENTS, as the dedicated routes

    @classmethod
    def of(cls, principal: Principal) -> Importer:
        return cls(actor_of(principal), permits(principal, Action.MANAGE_SETTLEMENTS))


PLAIN = Importer("import", False)  # a caller that names nobody decides nothing


class TermsRefused(InvoiceRuleError):
    """A row that would change a claim's legal terms behind the law's back."""

    def __init__(
        self,
        field: str,
        message: str,
        *,
        code: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message, code=code, params=params)
        self.field = field


@dataclass(frozen=True)
class TermsChange:
    """A change an administrator made through the import: recorded once it is stored."""

    invoice: Invoice  # as written
    what: str  # "claim kind other -> consumer_sale, due date 2024-06-01 -> 2024-07-01"
    why: str  # the milestone it came after


@dataclass(frozen=True)
class PendingTerms:
    """Changes stored with their invoices and still to put on the record (the import's row
    ``t|<key>`` in the invoices' partition: ``InvoiceRepository.pending_terms_op``)."""

    key: str
    changes: tuple[Mapping[str, str], ...]  # id, at, debtor, number, what, why, actor


class ClaimTermChanges:
    def __init__(
        self,
        repos: Repositories,
        clock: Clock,
        audit: Callable[..., None] | None = None,
    ) -> None:
        self.repos = repos
        self.clock = clock
        self.audit = audit
        self.ledger = LedgerRepository(repos.store)
        self.outbox = OutboxRepository(repos.store)
        self.watch = PrescriptionWatch(repos, self.outbox, clock)

    def check(
        self,
        importer: Importer,
        client: Client,
        debtor: Debtor | None,
        previous: Invoice,
        new: Invoice,
        letter_on: date | None = None,
    ) -> TermsChange | None:
        """Raise :class:`TermsRefused` when ``new`` may not replace ``previous`` (stored) for
        ``importer``; the change to record when it may and is an administrator's; else None.
        ``letter_on``: the 14-day letter date the row sent (None: not sent)."""
        header: list[ClaimHeader | None] = []

        def stored_header() -> ClaimHeader | None:  # read once, and only when needed
            if not header:
                header.append(
                    self.ledger.header(client.client_id, previous.debtor_number, previous.number)
                )
            return header[0]

        letter: tuple[str, str] | None = None  # (what changed, why an administrator's)
        if letter_on is not None:
            found = stored_header()
            stored_on = found.fourteen_day_letter_on if found else None
            if letter_on != stored_on and (why := self._letter_date(client, previous, letter_on)):
                if not importer.may_decide:
                    raise TermsRefused("fourteen_day_letter_on",
                        f"invoice {previous.number}: a 14-day letter of {letter_on} is asserted "
                        f"after {why}; a letter dated before that, or before today, is an "
                        "administrator's to record (it makes the collection costs owed)")  # fmt: skip
                was = stored_on.isoformat() if stored_on else "none"
                letter = (f"14-day letter date {was} -> {letter_on}", why)
        other = self._other_terms(importer, client, debtor, previous, new, stored_header)
        if letter is None:
            return other
        if other is None:
            return TermsChange(new, letter[0], letter[1])
        return TermsChange(new, f"{other.what}, {letter[0]}", f"{other.why} and {letter[1]}")

    def _other_terms(
        self,
        importer: Importer,
        client: Client,
        debtor: Debtor | None,
        previous: Invoice,
        new: Invoice,
        stored_header: Callable[[], ClaimHeader | None],
    ) -> TermsChange | None:
        """The claim kind, due date and amount rules of :meth:`check`."""
        consumer = debtor is None or debtor.is_consumer
        moved: list[tuple[str, str, str]] = []  # (field, its name, what changed)
        if term_years(previous.claim_kind, consumer=consumer) != term_years(
            new.claim_kind, consumer=consumer
        ):  # a kind that keeps the term (not given -> the default) is no change of terms
            was = previous.claim_kind.value if previous.claim_kind else "not given"
            now = new.claim_kind.value if new.claim_kind else "not given"
            moved.append(("claim_kind", "claim kind", f"claim kind {was} -> {now}"))
        if previous.due_date != new.due_date:
            moved.append(
                ("due_date", "due date", f"due date {previous.due_date} -> {new.due_date}")
            )
        raised = new.invoiced > previous.invoiced
        lowered = new.invoiced < previous.invoiced
        dated = previous.invoice_date != new.invoice_date
        if not moved and not raised and not lowered and not dated:
            return None
        if (raised or lowered or dated or _moves_due(moved)) and (
            followed := self.followed(client, previous)
        ):
            # an agency's case or a running plan collects on the invoice's figures: only a
            # credit note tells them (InvoiceStatusService._followed: the agency's item, the
            # plan lowered), so no import rewrites them, an administrator's neither (attack15c)
            field = "amount" if raised or lowered else "due_date" if _moves_due(moved) else (
                "invoice_date")  # fmt: skip
            raise TermsRefused(field,
                f"invoice {previous.number} is {followed}: an import does not change its "
                "amount, invoice date or due date, whoever sends it (the "
                f"{'agency' if previous.handed_over_to else 'plan'} would go on collecting the "
                f"old figures); lower it by a credit note (POST …/invoices/{previous.number}/"
                "credit), which tells the agency and lowers a plan, or withdraw it")  # fmt: skip
        if not moved and not raised and not lowered:
            # an invoice date alone: no term of the law moves, but in collection it is one of
            # the figures the debtor was sent, so staff may not rewrite it (an administrator's
            # change is on the record)
            busy = self.in_collection(client, previous)
            if busy is None:
                return None
            what = f"invoice date {previous.invoice_date} -> {new.invoice_date}"
            if not importer.may_decide:
                raise in_collection_refusal(previous, busy, "invoice_date")
            return TermsChange(new, what, f"collection started ({busy})")
        announced = previous.costs_owed_from is not None or (
            (found := stored_header()) is not None and found.fourteen_day_letter_on is not None
        )
        if raised and announced:
            # the difference dated as this claim joins its notice: one staffel over the one
            # performance (Besluit BIK art. 2 lid 1, 6:96 lid 7 BW); dated later it would be
            # a claim of its own with a staffel of its own, costing the debtor more (law13b F3)
            raise TermsRefused("amount",
                f"invoice {previous.number}: its 14-day letter announced the costs over the "
                "amount then; a higher amount would charge costs no letter announced: send the "
                "difference as a new invoice with this invoice's invoice date and due date "
                f"({previous.invoice_date.isoformat()}, due {previous.due_date.isoformat()}) "
                "and its own 14-day letter, so that its costs are computed together with this "
                "claim's (one scale over the whole amount; dated later it would carry a scale "
                "of its own), or lower an amount by a credit note")  # fmt: skip
        # an invoice in collection keeps its amount and due date against an import that
        # does not name an administrator (newcomer15b #6: a reused number in an open-items
        # export made F-0001 of 121.00, 45 days overdue, 99.00 not yet due, its interest gone)
        amount_moves = raised or lowered
        busy = self.in_collection(client, previous) if amount_moves or moved or dated else None
        if (
            busy is not None
            and not importer.may_decide
            and (amount_moves or _moves_due(moved) or dated)
        ):
            field = "amount" if amount_moves else "due_date" if _moves_due(moved) else (
                "invoice_date")  # fmt: skip
            raise in_collection_refusal(previous, busy, field)
        if lowered:
            moved.append(("amount", "amount",
                          f"amount {previous.invoiced} -> {new.invoiced} cents"))  # fmt: skip
        if dated and busy is not None:  # on the record with the rest (not a term of the law)
            moved.append(("invoice_date", "invoice date",
                          f"invoice date {previous.invoice_date} -> {new.invoice_date}"))  # fmt: skip
        # a lower amount or another invoice date alone: no term of the law moves
        terms = [m for m in moved if m[0] not in ("amount", "invoice_date")]
        if terms:
            field, name = terms[0][0], terms[0][1]
            held = self._held(client, debtor, previous)
            if held and not self._held(client, debtor, new):
                raise TermsRefused(field,
                    f"invoice {previous.number} is held as past its prescription date; this "
                    "change would lift the hold: release it or record the interruption with "
                    "POST …/prescription and a reason (an administrator)")  # fmt: skip
            if held or announced:
                why = "the 14-day letter" if announced else "the prescription hold"
                if not importer.may_decide:
                    raise TermsRefused(field,
                        f"invoice {previous.number}: its {name} changes after {why} only by an "
                        "administrator (it moves the claim's interest, costs or prescription)")  # fmt: skip
                what = ", ".join(w for _, _, w in moved)
                if announced and _letter_overtaken(client, consumer, previous, new,
                                                   stored_header()):  # fmt: skip
                    what += (" (the 14-day letter now precedes default: no collection costs "
                             "until a new letter, art. 6:96 BW)")  # fmt: skip
                return TermsChange(new, what, why)
        if (
            busy is not None and moved and importer.may_decide
        ):  # an administrator's change in collection: recorded
            return TermsChange(new, ", ".join(w for _, _, w in moved),
                               f"collection started ({busy})")  # fmt: skip
        return None

    def in_collection(self, client: Client, invoice: Invoice) -> str | None:
        """Why ``invoice`` is in collection (dunning started, money booked by Inning, handed
        over as a case, held by a payment plan), None when it is not: the one rule the API's
        import and the console's upload follow for its amount, invoice date and due date."""
        if invoice.handed_over_to is not None:
            return "handed over as a collection case"
        if invoice.payments:
            return "money booked on it"
        if invoice.dunning_step >= 0 or invoice.dunning_trail:
            return "dunning started"
        if held_by_plan(self.repos.store, client.client_id, [invoice.number]):
            return "held by a payment plan"
        return None

    def followed(self, client: Client, invoice: Invoice) -> str | None:
        """What collects on ``invoice``'s figures besides the client (an agency's case, a
        running payment plan), None when nothing does: what a credit note tells and an import
        cannot, so an import never changes its amount, invoice date or due date."""
        if invoice.handed_over_to is not None:
            return "handed over as a collection case"
        if held_by_plan(self.repos.store, client.client_id, [invoice.number]):
            return "held by a payment plan"
        return None

    def _held(self, client: Client, debtor: Debtor | None, invoice: Invoice) -> bool:
        if debtor is None:
            return False
        today = amsterdam_date(self.clock.now())
        return invoice.number in self.watch.held(client.client_id, debtor, [invoice], today)

    def _letter_date(self, client: Client, invoice: Invoice, letter_on: date) -> str | None:
        """Refuse a letter date Inning's own 14-day letter record contradicts: one on or
        before the day of Inning's letter for the invoice (that letter is what the debtor was
        sent then). A later one is a new letter the client sent itself (after a failed or
        returned one: the way to send it again) and counts as any letter of the client's; but
        when it lies before the failure or return was reported, or before the import's own
        day, nothing shows it is new: the returned letter's costs would come back at once. The
        reason an administrator must decide is returned then (else None)."""
        today = amsterdam_date(self.clock.now())
        needs: str | None = None
        prefix = f"dun|{invoice.debtor_number}|"
        for message, _ in self.outbox.with_prefix(client.client_id, prefix):
            if invoice.number not in message.invoice_numbers:
                continue
            letter = as_fourteen_day_letter(self.repos, message)
            if letter is None:
                continue
            if letter_on > letter.planned_on:
                if message.status is OutboxStatus.FAILED or message.status in _REPORTED:
                    reported = amsterdam_date(message.updated_at) if message.updated_at else today
                    if letter_on < max(reported, today):
                        how = "failed" if message.status is OutboxStatus.FAILED else "undelivered"
                        needs = (f"Inning's 14-day letter of {letter.planned_on} was reported "
                                 f"{how} on {reported}")  # fmt: skip
                continue
            if message.status is OutboxStatus.FAILED:
                do = "it was never sent (its sending failed): send it again"
            elif message.status in _REPORTED:
                do = ("it was reported undelivered: an administrator confirms its receipt "
                      "with POST …/fourteen-day-letter-received")  # fmt: skip
            else:
                do = f"its term runs from that letter ({letter.planned_on})"
            raise TermsRefused("fourteen_day_letter_on",
                f"invoice {invoice.number}: Inning sent its own 14-day letter on "
                f"{letter.planned_on}; the import cannot assert a letter of that day or "
                f"before: {do}")  # fmt: skip
        return needs

    def pending(
        self, importer: Importer, client: Client, changes: Sequence[TermsChange]
    ) -> PendingTerms:
        """The changes to record, named once: written with the invoices they change (see
        :meth:`record`), so a failure between the two leaves them to be recorded again."""
        now = self.clock.now()
        key = time_ordered_id(now)  # time-ordered: the audit ids below are too
        return PendingTerms(key, tuple(
            {"id": f"{key}{n:04x}", "at": now.isoformat(), "debtor": change.invoice.debtor_number,
             "number": change.invoice.number, "what": change.what, "why": change.why,
             "actor": importer.actor}
            for n, change in enumerate(changes)
        ))  # fmt: skip

    def record(
        self, client: Client, pending: PendingTerms, etag: str | None, row: str = TERMS_PENDING_ROW
    ) -> None:
        """A contact-log line and an audit entry for each change that was stored, then the
        pending row off (``etag``: as written). Each line and entry is keyed by its change: a
        retry writes what the failed attempt did not and nothing twice."""
        for change in pending.changes:
            self._record_one(client, change)
        self.repos.invoices.drop_pending_terms(client.client_id, pending.key, etag, row)

    def record_left_over(self, client: Client, found: list[PendingTermsRow] | None = None) -> None:
        """What an earlier import stored but did not get on the record (it failed between the
        invoices and the log: failure8 #6), recorded now. One that fails again stays pending
        for the next import; the import itself goes on. ``found``: the rows the import read
        with the other left-overs (``InvoiceRepository.left_over``); without it (the daily
        run) they are read here, with those an older version keyed ``t|``."""
        invoices = self.repos.invoices
        rows = [(TERMS_PENDING_ROW, r) for r in found] if found is not None else [
            *((TERMS_PENDING_ROW, r) for r in invoices.pending_terms(client.client_id)),
            *((LEGACY_TERMS_PENDING_ROW, r)
              for r in invoices.pending_terms(client.client_id, LEGACY_TERMS_PENDING_ROW)),
        ]  # fmt: skip
        for row, (key, etag, changes) in rows:
            try:
                self.record(client, PendingTerms(key, tuple(changes)), etag, row)
            except StorageError as exc:
                log.warning(
                    "changes of claim terms left to record once more",
                    extra=log_extra({"client_id": client.client_id, "pending": key,
                                     "error": exc.__class__.__name__}),
                )  # fmt: skip

    def _record_one(self, client: Client, change: Mapping[str, str]) -> None:
        at = datetime.fromisoformat(change["at"])
        actor, number = change["actor"], change["number"]
        try:
            self.repos.contacts.add(
                ContactEntry(
                    client.client_id,
                    change["debtor"],
                    change["id"],
                    at,
                    ContactKind.STATUS,
                    f"Invoice {number}: {change['what']} by {actor} after {change['why']} (import)",
                    invoice_numbers=(number,),
                    author=actor,
                )
            )
        except Conflict:  # written by an attempt that failed after it
            pass
        if self.audit is None:
            return
        try:
            self.audit(
                Event.CLAIM_TERMS_CHANGED,
                agency_id=client.agency_id,
                client_id=client.client_id,
                actor=actor,
                subject=number,
                event_id=change["id"],
                change=change["what"],
                after=change["why"],
            )
        except Conflict:
            pass


# why an invoice is in collection (``in_collection``) as a refusal's param: a word a page says
IN_COLLECTION_WHY = {
    "handed over as a collection case": "handed_over",
    "money booked on it": "money_booked",
    "dunning started": "dunning_started",
    "held by a payment plan": "held_by_plan",
}


def in_collection_refusal(previous: Invoice, busy: str, field: str) -> TermsRefused:
    """Staff's row changing an invoice in collection: its amount is lowered by a credit note,
    a date (nothing a credit note lowers) changes only by an administrator's row (newcomer15c
    #3: a date-only change was told to "lower it by a credit note")."""
    number = previous.number
    params = {"invoice": number, "in_collection": IN_COLLECTION_WHY.get(busy, busy)}
    if field == "amount":
        return TermsRefused(field,
            f"invoice {number} is in collection ({busy}): an import by staff or a staff key "
            f"does not change its amount; lower it by a credit note (POST …/invoices/{number}/"
            "credit), withdraw it, or have an administrator send the row (the change is then "
            "on the record)", code="invoice_in_collection_amount", params=params)  # fmt: skip
    return TermsRefused(field,
        f"invoice {number} is in collection ({busy}): an import by staff or a staff key does "
        f"not change its {field.replace('_', ' ')}; have an administrator (yours or the "
        "agency's) send the row (the change is then on the record), or withdraw it",
        code="invoice_in_collection_date", params={**params, "date_field": field})  # fmt: skip


def _moves_due(moved: Sequence[tuple[str, str, str]]) -> bool:
    return any(field == "due_date" for field, _, _ in moved)


def _letter_overtaken(
    client: Client, consumer: bool, previous: Invoice, new: Invoice, header: ClaimHeader | None
) -> bool:
    """The claim owed costs on its letter under the stored due date and owes none under the
    new one: the letter was sent before the default the new date starts (law11b F1)."""
    letter_on = header.fourteen_day_letter_on if header else None
    start = header.interest_from if header else None
    before, after = (
        costs_owed_from(i, consumer=consumer, client=client, letter_on=letter_on,
                        interest_from=start)
        for i in (previous, new)
    )  # fmt: skip
    return before is not None and after is None
