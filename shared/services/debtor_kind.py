"""A debtor's kind (consumer or business) changed by a push of the debtor (attack6 finding 3).

Every consumer protection the platform applies (the WIK staffel and its cap, the 14-day letter
before costs, 6:119 interest, consumers never paying agreed B2B costs) hangs on the kind, and
the ledger reads it live: a change re-prices the debtor's open claims at once. So, on a debtor
with open claims:

- the change is an admin's act (MANAGE_SETTLEMENTS, as letting costs go): a client's plain
  integration key cannot flip it (its sync may map a field wrongly);
- consumer to business is refused while a claim was demanded by a letter on the consumer's
  terms (open or paid, whatever a payment fixed or a plan holds of its costs: law11 #3), or
  a claim he paid in full would open again (law11 #6; codereview10 #3): the claim would ask
  business costs and interest its letter never stated, or what he paid would be redone.
  Business to consumer stays possible: a consumer never owed the business terms, the
  correction only lowers the claim;
- a change that would lift a prescription hold is refused to everyone, as an import's is
  (law11 #7: a consumer sale's 2 years become 5): the prescription route decides;
- a change leaves a contact-log line on the debtor and an audit entry (who, from, to);
- corrected to a consumer, what he paid is restated to the consumer's terms (law10 F2), and a
  costs term resting on a letter sent to him as a business is put before staff, also while a
  plan holds it (law11 #4).

A debtor without open claims or money Inning booked changes kind freely: nothing is re-priced.

The restatement and the record follow the stored change; a request failing in between (a
storage error, a timeout, a crashed worker) would leave the kind stored and its retry would
find nothing changed: the consumer would go on paying the business terms. So each change is
marked first (a row ``k|<debtor>`` beside the client's invoices: :meth:`DebtorKindChanges.
mark`), the debtor stored, then recorded and restated and the mark dropped (:meth:`record`).
A mark left standing is finished by the next push of the client's debtors and by the daily
run, each line, entry and restatement once (all keyed by the mark); a mark whose change was
never stored goes after :data:`~shared.services.due_date_restatement.GRACE`."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from shared.adapters.tables.invoices_repo import (
    KIND_CHANGED_ROW,
    KIND_LETTER_CONFIRMING_ROW,
    UPGRADED_ROW,
)
from shared.adapters.tables.keys import encode
from shared.adapters.tables.messaging_repo import OutboxRepository
from shared.clock import Clock, amsterdam_date
from shared.domain.access import Principal
from shared.domain.ids import time_ordered_id
from shared.domain.invoices import Invoice
from shared.domain.ledger.costs import notice_day
from shared.domain.ledger.kind_letter import LetterAsBusiness
from shared.domain.parties import Client, Debtor, DebtorKind
from shared.domain.people.audit import Event
from shared.domain.people.authorisation import Action, permits
from shared.domain.records import ActionItem, ActionStatus, ContactEntry, ContactKind
from shared.domain.standing import natural_obligation
from shared.ports.tables import Conflict, PreconditionFailed, StorageError
from shared.services.batch import RowError
from shared.services.due_date_restatement import GRACE
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.kind_letter_words import CONFIRMED_WORDS, CONFIRMING_WORDS
from shared.services.ledger.service import DebtorClaims, LedgerService
from shared.services.people.admin import actor_of
from shared.services.prescription_watch import PrescriptionWatch
from shared.services.repositories import Repositories
from shared.services.statements_redo import keyed_id
from shared.telemetry.context import log_extra

log = logging.getLogger(__name__)
BECAUSE = "restated: the debtor was corrected to a consumer"
_WORD = {DebtorKind.B2C: "consumer", DebtorKind.B2B: "business"}


@dataclass(frozen=True)
class Screened:
    rows: list[tuple[int, Debtor]]
    refused: list[RowError]
    changes: list[tuple[Debtor, Debtor]]
    stored: dict[str, tuple[Debtor, str | None]]


class DebtorKindChanges:
    def __init__(
        self,
        repos: Repositories,
        ledger: LedgerService,
        clock: Clock,
        audit: Callable[..., None],
        standing: Callable[[Client, Debtor], None] | None = None,
        schedule: Callable[[str, list[Invoice]], None] | None = None,
        confirmer: Callable[[Client, str], bool] | None = None,
    ) -> None:
        self.repos = repos
        self.ledger = ledger
        self.clock = clock
        self.audit = audit
        # a recorded ruling's interest stop is stored by the kind (debtor_standing.follow_kind)
        self.standing = standing
        # the dunning check of invoices whose letter is held (DunningService.schedule_invoices)
        self.schedule = schedule
        # whether a key id or ``user:<id>`` holds the right to confirm a letter for the client
        # (MANAGE_SETTLEMENTS): an earlier version's confirm was written by one, never a
        # person's free text on the generic resolve (attack14b K1); unknown: none finished
        self.confirmer = confirmer
        self.watch = PrescriptionWatch(repos, OutboxRepository(repos.store), clock)

    def screen(
        self, principal: Principal, client: Client, rows: Sequence[tuple[int, Debtor]]
    ) -> Screened:
        """The rows that may be stored, the rows refused, the kind changes let through (to be
        recorded once stored: :meth:`record`) and the debtors as stored (read once: the import
        takes them). A change an earlier push stored but did not finish is finished first."""
        self.finish_left_over(client)
        stored = self.repos.debtors.get_many(client.client_id, [d.number for _, d in rows])
        kept: list[tuple[int, Debtor]] = []
        refused: list[RowError] = []
        changes: list[tuple[Debtor, Debtor]] = []
        for index, debtor in rows:
            previous = stored.get(debtor.number)
            if previous is None or previous[0].kind is debtor.kind:
                kept.append((index, debtor))
                continue
            open_claims = self.ledger.debtor_open_claims(client, debtor.number)
            paid = self._paid(client.client_id, debtor.number)
            if not open_claims and not paid:
                kept.append((index, debtor))  # nothing to re-price
                continue
            lifted = self._lifted_holds(client, previous[0], debtor)
            if lifted:
                refused.append(RowError(index, "kind",
                    f"debtor {debtor.number}: {', '.join(lifted[:5])} held as past the "
                    "prescription date; this change would lift the hold: release it or record "
                    "the interruption with POST …/prescription and a reason / de vordering is "
                    "aangehouden wegens verjaring: eerst daarover beslissen"))  # fmt: skip
                continue
            if not permits(principal, Action.MANAGE_SETTLEMENTS):
                refused.append(RowError(index, "kind",
                    f"debtor {debtor.number} has open claims: a change from "
                    f"{_WORD[previous[0].kind]} to {_WORD[debtor.kind]} is an administrator's "
                    "act / debiteur heeft openstaande vorderingen: alleen een beheerder wijzigt "
                    "consument of bedrijf"))  # fmt: skip
                continue
            announced = (
                self._consumer_terms_kept(client, previous[0], debtor, paid)
                if debtor.kind is DebtorKind.B2B
                else []
            )
            if announced:
                refused.append(RowError(index, "kind",
                    f"debtor {debtor.number} was sent a 14-day letter or paid as a consumer "
                    f"for {', '.join(announced[:5])}: those claims keep the consumer's terms; "
                    "settle them before the debtor becomes a business / de "
                    "veertiendagenbrief of betaling was als consument: eerst afwikkelen"))  # fmt: skip
                continue
            kept.append((index, debtor))
            changes.append((previous[0], debtor))
        return Screened(kept, refused, changes, stored)

    def _lifted_holds(self, client: Client, old: Debtor, new: Debtor) -> list[str]:
        """The claims the prescription hold keeps as the debtor stands and would not keep
        under the new kind (7:28's 2 years of a consumer sale become 3:307's 5): an import
        may not lift a hold either (attack7 #2, :mod:`shared.services.claim_terms_changes`);
        a person decides that with a reason (law11 #7)."""
        invoices = self.repos.invoices.for_debtor(client.client_id, old.number)
        today = amsterdam_date(self.clock.now())
        held = self.watch.held(client.client_id, old, invoices, today)
        if not held:
            return []
        return sorted(held - self.watch.held(client.client_id, new, invoices, today))

    def _consumer_terms_kept(
        self, client: Client, old: Debtor, new: Debtor, paid: Sequence[str]
    ) -> list[str]:
        """The claims a change to a business would re-price behind what the consumer was told
        or paid: one demanded by a 14-day letter (open or paid; whatever a payment fixed or an
        arrangement holds: the letter stated the consumer's interest and costs, law11 #3, #4)
        and one he paid in full that business terms would open again (law11 #6: 6:119a
        interest on a paid invoice). Nothing he paid is redone."""
        claims = self.ledger.debtor_claims(client, old.number, old)
        numbers = sorted(claims.invoices)
        was = self.ledger.open_claims(client, numbers, debtor=old)
        becomes = self.ledger.open_claims(client, numbers, debtor=new)
        kept = []
        for record in claims.records:
            n = record.number
            if n not in was:
                continue
            lettered = notice_day(record.terms) is not None
            reopened = was[n].open.total <= 0 < becomes[n].open.total
            if (lettered and was[n].open.total > 0) or (n in paid and (lettered or reopened)):
                kept.append(n)
        return sorted(kept)

    def mark(
        self, principal: Principal, client: Client, changes: Sequence[tuple[Debtor, Debtor]]
    ) -> None:
        """Each change to be stored marked first (its record and restatement then outlive a
        failure between the debtor's write and them)."""
        now = self.clock.now()
        actor = actor_of(principal)
        for n, (old, new) in enumerate(changes):
            mark = {"id": f"{time_ordered_id(now)}{n:04x}", "at": now.isoformat(),
                    "debtor": new.number, "from": old.kind.value, "to": new.kind.value,
                    "actor": actor}  # fmt: skip
            self.repos.invoices.put_mark(client.client_id, KIND_CHANGED_ROW, encode(new.number),
                                         mark)  # fmt: skip

    def record(
        self, principal: Principal, client: Client, changes: Sequence[tuple[Debtor, Debtor]]
    ) -> None:
        """A contact-log line, an audit entry and the restatement of what he paid for each
        marked change that was stored; the marks dropped (a row refused: not stored)."""
        if not changes:
            return
        keys = {encode(new.number) for _, new in changes}
        self._finish([m for m in self._marks(client) if m[0] in keys], client, own=True)

    def finish_left_over(self, client: Client) -> None:
        """Changes an earlier push stored but did not record or restate (it failed after the
        debtor's write), finished now; one failing again stays for the next push or run."""
        try:
            self._finish(self._marks(client), client, own=False)
        except (StorageError, ConflictingUpdate) as exc:
            log.warning(
                "a corrected debtor kind left to restate once more",
                extra=log_extra({"client_id": client.client_id,
                                 "error": exc.__class__.__name__}),
            )  # fmt: skip

    def _marks(self, client: Client) -> list[tuple[str, str | None, dict[str, Any]]]:
        return self.repos.invoices.marks(client.client_id, KIND_CHANGED_ROW)

    def _finish(
        self, marks: Sequence[tuple[str, str | None, dict[str, Any]]], client: Client, own: bool
    ) -> None:
        if not marks:
            return
        stored = self.repos.debtors.get_many(client.client_id,
                                             sorted({str(m["debtor"]) for _, _, m in marks}))  # fmt: skip
        now = self.clock.now()
        for key, etag, mark in marks:
            found = stored.get(str(mark["debtor"]))
            if found is not None and found[0].kind.value == mark["to"]:
                self._record_one(client, found[0], mark)
            elif not own and now - datetime.fromisoformat(str(mark["at"])) <= GRACE:
                continue  # its push may still be storing it
            self.repos.invoices.drop_mark(client.client_id, KIND_CHANGED_ROW, key, etag)

    def _record_one(self, client: Client, debtor: Debtor, mark: Mapping[str, Any]) -> None:
        at = datetime.fromisoformat(str(mark["at"]))
        actor, old = str(mark["actor"]), DebtorKind(str(mark["from"]))
        summary = (
            f"Debtor changed from {_WORD[old]} to {_WORD[debtor.kind]} by {actor}; "
            "the open claims follow the new kind"
        )
        with contextlib.suppress(Conflict):  # written by an attempt that failed after it
            self.repos.contacts.add(ContactEntry(client.client_id, debtor.number,
                                                 str(mark["id"]), at, ContactKind.STATUS,
                                                 summary, author=actor))  # fmt: skip
        with contextlib.suppress(Conflict):
            self.audit(
                Event.DEBTOR_KIND_CHANGED,
                agency_id=client.agency_id,
                client_id=client.client_id,
                actor=actor,
                subject=debtor.number,
                event_id=str(mark["id"]),
                before=old.value,
                after=debtor.kind.value,
            )
        self._restate(client, old, debtor, at)
        if self.standing is not None:
            self.standing(client, debtor)

    def _paid(self, client_id: str, debtor_number: str) -> list[str]:
        """The debtor's invoices Inning booked money on (whose allocation the kind fixed)."""
        return [i.number for i in self.repos.invoices.for_debtor(client_id, debtor_number)
                if i.payments]  # fmt: skip

    def _restate(self, client: Client, old: DebtorKind, new: Debtor, now: datetime) -> None:
        """What the debtor paid was allocated under the old kind's terms (costs, 6:119a
        interest): each claim with money on it is restated to what the new kind gives, as
        if he had always been of it, and what he paid that was never owed goes by 6:43 to
        his other claims or to the overpayment list with its item (law10 F2: a consumer who
        paid a business claim in full kept 776.03 paid that he never owed). To a consumer:
        a costs term that rests on a letter sent while he counted as a business is put before
        staff, who confirm it met 6:96 lid 6 or clear it (a business sommatie is no consumer's
        14-day letter)."""
        if new.kind is DebtorKind.B2B and old is DebtorKind.B2C:
            self._close_letter_checks(client, new.number, now)
        if new.kind is not DebtorKind.B2C or old is DebtorKind.B2C:
            return  # to a business: what is open follows the kind live; nothing paid is redone
        paid = self._paid(client.client_id, new.number)
        # the letter's day, not the held figure: a plan or promise holds the costs term, and
        # when it ends the consumer would owe costs resting on a business sommatie (law11 #4)
        claims = self.ledger.debtor_claims(client, new.number, new)
        figures = self.ledger.open_claims(client, sorted(claims.invoices), debtor=new)
        termed = sorted(
            r.number
            for r in claims.records
            if notice_day(r.terms) is not None
            and r.number in figures
            and figures[r.number].open.total > 0
        )
        if termed:
            # once: the same change handled again
            self.repos.actions.add_once(ActionItem(
                client.client_id, keyed_id(now, "kind_letter", new.number),
                "kind_letter_check",
                f"Debtor {new.number} is a consumer now: the costs of "
                f"{', '.join(termed[:20])} rest on a letter sent while he counted as a "
                "business; they are not owed until a person confirms it was a 14-day "
                "letter as 6:96 lid 6 asks (the staffel amount, 14 days from receipt), "
                "or a new 14-day letter's term ends", now, debtor_number=new.number,
                invoice_numbers=tuple(termed),
            ))  # fmt: skip
        # then the letters held off his costs (law11b F5: the staffel 625.00 was charged on a
        # business sommatie until staff cleared the item), before what he paid is restated:
        # a payment allocates no costs the held letter does not make owed
        for number in termed:
            header = claims.stored.get(number)
            self.ledger.ledger.set_as_business(client.client_id, new.number, number,
                LetterAsBusiness(header.header.fourteen_day_letter_on if header else None,
                                 claims.invoices[number].costs_owed_from))  # fmt: skip
        # a held letter is none to the workflow: its 14-day step is due again, so the debtor
        # is looked at in the next run as after an import, not only when another step of his
        # falls due (law12c #2: with the letter as the last step nothing went out in 60 days)
        if termed and self.schedule is not None:
            self.schedule(client.client_id, [claims.invoices[n] for n in termed])
        # the held claims too, money on them or not: a plan that holds one follows what it owes
        # now (the restatement tells the plans of every invoice it looked at)
        restated = sorted({*paid, *termed})
        if restated:
            self.ledger.restate_terms(client.client_id, restated, BECAUSE, changed="kind")

    def _close_letter_checks(self, client: Client, debtor_number: str, now: datetime) -> None:
        """A business again: his letters count as a business's sommatie, so an open item
        asking whether one met 6:96 lid 6 for him as a consumer has nothing left to decide
        (kindletter13 #3: it stayed open and its confirm was refused). Closed with the day;
        corrected to a consumer again, the letter he then has is held with a new item."""
        why = f"{BUSINESS_AGAIN_WORDS}{amsterdam_date(now).isoformat()}"
        for status in (ActionStatus.OPEN, ActionStatus.ASSIGNED):
            continuation: str | None = None
            while True:
                items, continuation = self.repos.actions.list(
                    client.client_id, status=status, kind="kind_letter_check",
                    continuation=continuation)  # fmt: skip
                for item in items:
                    if item.debtor_number == debtor_number:
                        self.repos.actions.resolve_if_open(client.client_id, item.action_id,
                                                           why, now)  # fmt: skip
                if continuation is None:
                    break

    def confirm_letter(
        self, client: Client, action_id: str, principal: Principal
    ) -> tuple[ActionItem, dict[str, date | None]]:
        """A person confirms the letter a ``kind_letter_check`` item names met 6:96 lid 6 for
        the consumer: its costs are owed from its term's end as the ledger gives it (the
        client's letter: 14 days from the day after receipt; Inning's own: the term it set),
        what he paid restated to that, and the item resolved with the day. Resolving the item
        without this (``…/resolve``) keeps the costs off: only a new letter's term makes them
        owed then. Idempotent: confirmed again, nothing changes.

        A claim the consumer paid in full as he was told while the letter was held keeps what
        he paid (law12c #1: confirming it reopened a claim he paid as told at 625.34, 625.00 of
        it principal bearing interest): its share of the letter's costs is not claimed, the
        letter counts for it as a member of the notice (the others owe their share of the one
        amount over all the letter demanded, kindletter13 #3), and the resolution names it.
        So an item over claims all paid as told is decided too, not left open (kindletter13
        #2: refused ``kind_letter_paid`` until someone cleared it), and the claims still open
        of a combined letter are confirmed (law13 F4: F1 owes its 375.00 of 625.00 from 22-1,
        F2 paid as told stays paid).

        The item is decided first, under its ETag (a colleague clearing it meanwhile wins and
        nothing is confirmed: failure12b D), as being confirmed, beside a mark ``q|<item>``;
        the letters, the restatement, the audit and the item's final resolution follow. A
        confirmation cut off in between is finished by its retry or the next daily run
        (:meth:`finish_confirms`), each under the same rule: a claim paid as told meanwhile is
        not opened again, and the item says what was done, not what the first pass foresaw
        (failure13 F2: it said "costs owed from F1 2026-01-22" while the costs stayed held)."""
        found = self.repos.actions.get(client.client_id, action_id)
        if found is None:
            raise NotFound(f"action {action_id} not found")
        item, etag = found
        if item.kind != "kind_letter_check" or not item.debtor_number:
            raise Invalid(f"action {action_id} is a {item.kind}, not a letter to confirm",
                          field="kind", code="action_other_kind",
                          params={"kind": item.kind})  # fmt: skip
        debtor = self.repos.debtors.get(client.client_id, item.debtor_number)
        if debtor is None or debtor[0].kind is not DebtorKind.B2C:
            raise Invalid(f"debtor {item.debtor_number} is no consumer now: nothing to confirm",
                          field="kind", code="kind_letter_not_consumer")  # fmt: skip
        if item.status is ActionStatus.RESOLVED and not _confirmed(item):
            raise Invalid(f"action {action_id} was cleared: its letter stays none; a new "
                          "14-day letter makes the costs owed", field="status",
                          code="kind_letter_cleared")  # fmt: skip
        actor, key = actor_of(principal), principal.key_id
        mark_etag: str | None = None
        if item.status is not ActionStatus.RESOLVED:
            mark = {"action": action_id, "actor": actor, "key": key,
                    "at": self.clock.now().isoformat()}  # fmt: skip
            mine, stood = self._mark_confirming(client, action_id, mark)
            item = replace(item, status=ActionStatus.RESOLVED, resolved_at=self.clock.now(),
                           resolution=f"{CONFIRMING_WORDS} ({key})")  # fmt: skip
            assert etag is not None  # a stored item has one
            try:
                self.repos.actions.save(item, etag)
            except PreconditionFailed as exc:
                self._unmark_confirming(client, action_id, mine, stood)
                raise ConflictingUpdate(f"action {action_id} changed meanwhile; reload it") from exc
            found = self.repos.actions.get(client.client_id, action_id)
            assert found is not None  # saved just now
            item, etag = found
            mark_etag = mine
        else:  # a retry: the mark its decision left is dropped once it is carried out
            stood = self._confirming_mark(client, action_id)
            mark_etag = stood[0] if stood is not None else None
        return self._carry_out(client, item, etag, debtor[0], actor, key, mark_etag=mark_etag)

    def _confirming_mark(
        self, client: Client, action_id: str
    ) -> tuple[str | None, dict[str, Any]] | None:
        """The ``q|`` mark standing for the item: (its etag, the mark)."""
        for found, etag, mark in self.repos.invoices.marks(client.client_id,
                                                           KIND_LETTER_CONFIRMING_ROW):  # fmt: skip
            if found == encode(action_id):
                return etag, mark
        return None

    def _mark_confirming(
        self, client: Client, action_id: str, mark: Mapping[str, Any]
    ) -> tuple[str, tuple[str | None, dict[str, Any]] | None]:
        """This request's ``q|`` mark written over the one it read (one a request cut off
        before deciding the item left, or another deciding it now): its etag and the mark it
        replaced, so a request that loses the item puts that back and takes no other's away
        (failure14 F5: the loser dropped the winner's mark, and the winner's cut-off decision
        was never finished by the daily run)."""
        for _ in range(3):
            stood = self._confirming_mark(client, action_id)
            written = self.repos.invoices.write_mark(
                client.client_id, KIND_LETTER_CONFIRMING_ROW, encode(action_id), mark,
                stood[0] if stood is not None else None,
            )  # fmt: skip
            if written is not None:
                return written, stood
        raise ConflictingUpdate(f"action {action_id} changed meanwhile; reload it")

    def _unmark_confirming(
        self, client: Client, action_id: str, mine: str,
        stood: tuple[str | None, dict[str, Any]] | None,
    ) -> None:  # fmt: skip
        """The item was decided by another: the mark as this request found it (the winner's
        stays), only while this request's own still stands (its etag)."""
        if stood is None:
            self.repos.invoices.drop_mark(client.client_id, KIND_LETTER_CONFIRMING_ROW,
                                          encode(action_id), mine)  # fmt: skip
        else:
            self.repos.invoices.replace_mark(client.client_id, KIND_LETTER_CONFIRMING_ROW,
                                             encode(action_id), stood[1], mine)  # fmt: skip

    def finish_confirms(self, client: Client) -> None:
        """Confirmations a request decided but did not carry out (it failed after the item's
        decision), carried out now under the rule of :meth:`confirm_letter`; a mark whose item
        was never decided goes after :data:`GRACE` (its request may still be deciding it)."""
        for key, etag, mark in self.repos.invoices.marks(client.client_id,
                                                         KIND_LETTER_CONFIRMING_ROW):  # fmt: skip
            try:
                self._finish_confirm(client, key, etag, mark)
            except (StorageError, ConflictingUpdate) as exc:  # the next run tries it again
                log.warning(
                    "a kind letter's confirmation left to finish once more",
                    extra=log_extra({"client_id": client.client_id, "action_id": key,
                                     "error": exc.__class__.__name__}),
                )  # fmt: skip

    def finish_old_confirms(self, client: Client) -> None:
        """Once per client (a row ``u|kind-letter-confirms`` says it was done): the items an
        earlier version decided "confirmed as a 14-day letter …" before it confirmed their
        letters and then was cut off, with no ``q|`` mark to find them by (standing14 #4:
        only a retry of the confirm finished them; the costs stayed held under a "confirmed"
        item). Told apart by the ledger: a claim the item names whose letter is still
        unconfirmed, the debtor a consumer, and no later ``kind_letter_check`` item names the
        claim (corrected to a business and back: the letter held then is that item's, for a
        person to decide). Only an item whose resolution names (at its end, as the confirm route
        wrote it) a key or person holding the right to confirm (MANAGE_SETTLEMENTS, the
        route's since it exists) is one: the generic resolve wrote the same shape, ``<text>
        (<key>)``, for whatever a staff member typed (attack14b K1: "confirmed as a 14-day
        letter …" typed by a client's staff key made the consumer owe 625.00). Those letters are
        confirmed under the confirm's rule (a claim paid as told meanwhile stays paid); the item
        keeps its resolution. One that fails leaves the pass to be made again by the next
        run."""
        if any(k == OLD_CONFIRMS for k, _, _ in self.repos.invoices.marks(client.client_id,
                                                                         UPGRADED_ROW)):  # fmt: skip
            return
        checks: list[ActionItem] = []
        continuation: str | None = None
        while True:
            page, continuation = self.repos.actions.list(
                client.client_id, kind="kind_letter_check", continuation=continuation)  # fmt: skip
            checks += page
            if continuation is None:
                break
        failed = False
        for item in sorted(checks, key=lambda x: x.created_at):
            if not (item.resolution or "").startswith(CONFIRMED_WORDS) or not item.debtor_number:
                continue
            later = {n for x in checks if x.debtor_number == item.debtor_number
                     and x.created_at > item.created_at for n in x.invoice_numbers}  # fmt: skip
            try:
                self._finish_old_confirm(client, item, later)
            except (StorageError, ConflictingUpdate) as exc:
                failed = True
                log.warning(
                    "a kind letter's confirmation left to finish once more",
                    extra=log_extra({"client_id": client.client_id, "action_id": item.action_id,
                                     "error": exc.__class__.__name__}),
                )  # fmt: skip
        if not failed:
            self.repos.invoices.put_mark(client.client_id, UPGRADED_ROW, OLD_CONFIRMS,
                                         {"at": self.clock.now().isoformat()})  # fmt: skip

    def _finish_old_confirm(self, client: Client, item: ActionItem, later: set[str]) -> None:
        assert item.debtor_number is not None
        found = self.repos.debtors.get(client.client_id, item.debtor_number)
        if found is None or found[0].kind is not DebtorKind.B2C:
            return  # a business again: his letter is a sommatie, nothing to confirm
        stored, _ = self.ledger.ledger.read_debtor(client.client_id, item.debtor_number)
        left = tuple(
            n for n in item.invoice_numbers
            if n not in later and n in stored
            and (letter := stored[n].header.as_business) is not None and not letter.confirmed
        )  # fmt: skip
        if not left:
            return  # finished (or none of its letters is held any more)
        said = re.search(r"\(([^()]*)\)$", item.resolution or "")
        key = said[1] if said else "unknown"
        if said is None or self.confirmer is None or not self.confirmer(client, key):
            log.warning("a kind letter check resolved in the words of a confirm by one who may "
                        "not confirm: left as cleared",
                        extra=log_extra({"client_id": client.client_id,
                                         "action_id": item.action_id}))  # fmt: skip
            return
        log.warning("a kind letter confirmed by an earlier version finished by the daily run",
                    extra=log_extra({"client_id": client.client_id,
                                     "action_id": item.action_id}))  # fmt: skip
        self._carry_out(client, replace(item, invoice_numbers=left), None, found[0],
                        f"the daily run (the confirmation of {key} left unfinished)", key)  # fmt: skip

    def _finish_confirm(
        self, client: Client, key: str, etag: str | None, mark: Mapping[str, Any]
    ) -> None:
        """One mark: its pending item carried out (a business again: closed as for one
        open), the mark dropped; an item cleared, gone or carried out already: dropped."""
        now = self.clock.now()
        found = self.repos.actions.get(client.client_id, str(mark.get("action", "")))
        if found is not None and being_confirmed(found[0]) and found[0].debtor_number:
            item, item_etag = found
            debtor = self.repos.debtors.get(client.client_id, found[0].debtor_number)
            if debtor is not None and debtor[0].kind is DebtorKind.B2C:
                self._carry_out(client, item, item_etag, debtor[0], str(mark["actor"]),
                                str(mark["key"]))  # fmt: skip
            else:  # a business again: his letter is a sommatie, nothing left to confirm
                why = f"{BUSINESS_AGAIN_WORDS}{amsterdam_date(now).isoformat()}"
                self._amend(client, item, item_etag, why)
        elif (
            found is not None
            and found[0].status is not ActionStatus.RESOLVED
            and now - datetime.fromisoformat(str(mark["at"])) <= GRACE
        ):
            return  # its request may still be deciding the item
        self.repos.invoices.drop_mark(client.client_id, KIND_LETTER_CONFIRMING_ROW, key,
                                      etag)  # fmt: skip

    def _carry_out(
        self, client: Client, item: ActionItem, etag: str | None, debtor: Debtor, actor: str,
        key: str, *, mark_etag: str | None = None,
    ) -> tuple[ActionItem, dict[str, date | None]]:  # fmt: skip
        """The letters of a decided item confirmed, what he paid restated, the audit written
        and the item told what was done: on every pass from the claims as they stand, so a
        pass finishing a cut-off confirmation applies the first pass's checks again. The
        ``q|`` mark of ``mark_etag`` (the one this pass wrote or finished) dropped after; one
        written since by another is not this pass's to drop."""
        numbers = list(item.invoice_numbers)
        for _ in range(5):
            try:
                owed, forgone, settled = self._confirm_letters(client, debtor, numbers)
                break
            except PreconditionFailed:
                continue  # a claim moved after the read (a payment booked): decided again
        else:
            raise ConflictingUpdate(f"the claims of action {item.action_id} keep changing; "
                                    "retry, or the daily run finishes it",
                                    code="claims_keep_changing",
                                    params={"action": item.action_id})  # fmt: skip
        # what he paid allocated again, and a plan holding one told (raised: an item for staff)
        self.ledger.restate_terms(client.client_id, numbers, CONFIRMED,
                                  changed="kind letter")  # fmt: skip
        days = ", ".join(f"{n} {d.isoformat() if d else '-'}" for n, d in owed.items())
        # who made the consumer owe costs, from which day, and which shares were let go; once
        # (keyed by the item's decision: a retry finishing a cut-off confirm writes none again)
        with contextlib.suppress(Conflict):
            self.audit(
                Event.KIND_LETTER_CONFIRMED,
                agency_id=client.agency_id,
                client_id=client.client_id,
                actor=actor,
                subject=debtor.number,
                event_id=keyed_id(
                    item.resolved_at or self.clock.now(), "kind_letter", item.action_id
                ),
                action=item.action_id,
                owed=days,
                not_claimed=", ".join(sorted(forgone)),
            )
        if being_confirmed(item):
            told = sorted(forgone - settled)
            kept = f"; {PAID_AS_TOLD_WORDS}{', '.join(told)}" if told else ""
            if forgone & settled:
                kept += f"; {NATURAL_OBLIGATION_WORDS}{', '.join(sorted(forgone & settled))}"
            item = self._amend(client, item, etag, f"{CONFIRMED_WORDS}{days}{kept} ({key})")
        if mark_etag is not None:
            self.repos.invoices.drop_mark(client.client_id, KIND_LETTER_CONFIRMING_ROW,
                                          encode(item.action_id), mark_etag)  # fmt: skip
        return item, owed

    def _confirm_letters(
        self, client: Client, debtor: Debtor, numbers: list[str]
    ) -> tuple[dict[str, date | None], set[str], set[str]]:
        """The letters of ``numbers`` confirmed, each written under its claim's ETag as read
        for the decision (a claim paid in full as told between the read and the write would be
        opened again, failure13b G5: the write then fails and the caller decides again): the
        day each owes costs from, the shares forgone, and those of them a clean slate or an
        akkoord left natural obligations (codereview13 #6)."""
        held, confirmed = self._held_and_confirmed(client, debtor, numbers)
        before = self.ledger.figures(held)
        after = self.ledger.figures(confirmed)
        letters = {n: c.header.as_business for n, c in held.stored.items()
                   if n in numbers and c.header.as_business is not None}  # fmt: skip
        # a claim confirmed already (a retry after a cut-off) keeps how it was confirmed
        decided = {n for n, letter in letters.items() if letter.confirmed}
        # paid in full as he was told while the letter was held: confirming its share would
        # open the claim again and reallocate what he paid; nothing paid is redone
        forgone = {n for n in decided if letters[n].forgone} | {
            n for n in numbers
            if n not in decided and n in before and n in after
            and before[n].paid.total > 0 and before[n].open.total <= 0 < after[n].open.total
        }  # fmt: skip
        settled = _natural_obligations(debtor, held, numbers)
        forgone |= {n for n in settled if n not in decided}
        # a credited or withdrawn claim was never owed: it owes no costs from any day
        closed = {r.number for r in confirmed.records if r.terms.closed}
        owed = {n: None if n in forgone or n in closed
                else (after[n].costs_owed_from if n in after else None)
                for n in numbers}  # fmt: skip
        for number, letter in letters.items():
            if number not in decided:
                self.ledger.ledger.set_as_business(client.client_id, debtor.number, number,
                                                   letter.confirm(forgone=number in forgone),
                                                   held.stored[number].header.etag)  # fmt: skip
        return owed, forgone, settled

    def _amend(
        self, client: Client, item: ActionItem, etag: str | None, resolution: str
    ) -> ActionItem:
        """The decided item's resolution made what was done; another pass that wrote it
        meanwhile stands (the item is read again and kept when no longer pending)."""
        for _ in range(3):
            done = replace(item, resolution=resolution)
            try:
                assert etag is not None  # a stored item has one
                self.repos.actions.amend(done, etag)
                return done
            except PreconditionFailed:
                found = self.repos.actions.get(client.client_id, item.action_id)
                if found is None or not being_confirmed(found[0]):
                    return found[0] if found is not None else item
                item, etag = found
        raise ConflictingUpdate(f"action {item.action_id} changed meanwhile; reload it")

    def _held_and_confirmed(
        self, client: Client, debtor: Debtor, numbers: Sequence[str]
    ) -> tuple[DebtorClaims, DebtorClaims]:
        """The debtor's claims as stored (letters held) and as they stand once the letters of
        ``numbers`` are confirmed, from one read: the item's days are known before anything is
        written."""
        stored, marks = self.ledger.ledger.read_debtor(client.client_id, debtor.number)
        every = self.repos.invoices.for_debtor(client.client_id, debtor.number)
        held = self.ledger.debtor_claims(client, debtor.number, debtor, every,
                                         ledger_rows=(stored, marks))  # fmt: skip
        # a letter confirmed already (a retry) stays as it was confirmed, its share forgone or not
        lifted = {
            n: replace(c, header=replace(c.header, as_business=c.header.as_business.confirm()))
            if c.header.as_business is not None and not c.header.as_business.confirmed
            and n in numbers
            else c
            for n, c in stored.items()
        }  # fmt: skip
        confirmed = self.ledger.debtor_claims(client, debtor.number, debtor, every,
                                              ledger_rows=(lifted, marks))  # fmt: skip
        return held, confirmed


CONFIRMED = "restated: the letter sent as a business was confirmed as a 14-day letter"
# the upgrade pass over confirmations an earlier version left unfinished (finish_old_confirms)
OLD_CONFIRMS = "kind-letter-confirms"
BUSINESS_AGAIN_WORDS = "closed: the debtor is a business again, his letter counts as a sommatie: "
PAID_AS_TOLD_WORDS = "costs not claimed, paid in full as told while the letter was held: "

NATURAL_OBLIGATION_WORDS = (
    "costs not claimed, a natural obligation after a clean slate or akkoord (art. 6:3 BW): "
)


def _natural_obligations(debtor: Debtor, held: DebtorClaims, numbers: Sequence[str]) -> set[str]:
    """The item's claims a ruling that ended left a natural obligation (a clean slate, an
    akkoord: art. 6:3 BW, 358 lid 1, 160 Fw): nothing more is made owed on them, so a confirm
    after it gives them no costs (codereview13 #6: F1 5,046.58 became 5,671.58, and a payment
    made anyway paid the 625.00 first). Their share is forgone as for a claim paid as told."""
    return {
        n for n in numbers
        if n in held.invoices and natural_obligation(debtor, held.invoices[n]) is not None
    }  # fmt: skip


def _confirmed(item: ActionItem) -> bool:
    return (item.resolution or "").startswith(CONFIRMED_WORDS) or being_confirmed(item)


def being_confirmed(item: ActionItem) -> bool:
    """Decided as confirmed, the letters not yet (all) confirmed: :meth:`finish_confirms`."""
    return item.status is ActionStatus.RESOLVED and (item.resolution or "").startswith(
        CONFIRMING_WORDS
    )
