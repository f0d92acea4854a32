"""Staff mark a message the debtor wrote as his acknowledgement of named invoices (art. 3:318
BW; ack11 #1), or take the mark back when it was a mistake.

The mark counts on the day the message was received and for the invoices named only; the
prescription watch reads it with the claim's decisions (``PrescriptionDecisions``, one row per
claim, the message's id with its day), so marking again counts once and unmarking takes away
that message's day and no other act's. Each change goes on the debtor's contact log and the
audit log, and the claims are looked at again in the next run (a hold may end, or return)."""

from __future__ import annotations

import contextlib
import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date

from shared.adapters.tables.prescription_repo import PrescriptionDecisions
from shared.clock import Clock, amsterdam_date
from shared.domain.law.acknowledgement import MessageMark, mark_refusal
from shared.domain.parties import Client
from shared.domain.people.audit import Event
from shared.domain.records import ContactEntry, ContactKind
from shared.ports.tables import Conflict
from shared.services.errors import Invalid, NotFound
from shared.services.repositories import Repositories
from shared.services.statements_redo import keyed_id


class MessageAcknowledgements:
    def __init__(
        self,
        repos: Repositories,
        clock: Clock,
        audit: Callable[..., None] | None = None,
    ) -> None:
        self.repos = repos
        self.clock = clock
        self.decisions = PrescriptionDecisions(repos.store)
        self.audit = audit  # the people's audit log

    def marks(self, client_id: str, debtor_number: str) -> dict[str, MessageMark]:
        """The debtor's marked messages by id (one range read)."""
        days: dict[str, date] = {}
        numbers: dict[str, list[str]] = defaultdict(list)
        for number, decided in sorted(self.decisions.for_debtor(client_id, debtor_number).items()):
            for message, day in decided.messages:
                days[message] = day
                numbers[message].append(number)
        return {m: MessageMark(m, day, tuple(numbers[m])) for m, day in days.items()}

    def mark(
        self,
        client: Client,
        debtor_number: str,
        message: str,
        invoices: Sequence[str],
        author: str,
    ) -> MessageMark:
        """``message`` acknowledges ``invoices`` (and no others: a mark given again with other
        invoices replaces the earlier one). The same again changes nothing."""
        entry = self._message(client, debtor_number, message)
        wanted = tuple(sorted(set(invoices)))
        owners: dict[str, str] = {}
        for number in wanted:
            stored = self.repos.invoices.get(client.client_id, number)
            if stored is not None:
                owners[number] = stored.invoice.debtor_number
        refusal = mark_refusal(entry, wanted, owners)
        if refusal is not None:
            raise Invalid(refusal, field="invoices")
        day = amsterdam_date(entry.at)
        mark = MessageMark(message, day, wanted)
        before = self.marks(client.client_id, debtor_number).get(message)
        if before == mark:
            return mark  # marked so already: counts once, said once
        dropped = tuple(n for n in (before.invoices if before else ()) if n not in wanted)
        # said before it is written: a request cut off in between is finished by its retry,
        # which finds the mark not yet whole and says it again rather than never
        self._tell(
            client, entry, author, Event.ACKNOWLEDGEMENT_MARKED,
            f"Message of {day:%d-%m-%Y} marked as the debtor's acknowledgement of "
            f"{', '.join(wanted)} (prescription)",
            named=",".join(wanted), received_on=day.isoformat(),
        )  # fmt: skip
        for number in wanted:
            self.decisions.mark_message(client.client_id, debtor_number, number, message, day)
        for number in dropped:
            self.decisions.mark_message(client.client_id, debtor_number, number, message, None)
        self._look_again(client, debtor_number, wanted + dropped)
        return mark

    def unmark(self, client: Client, debtor_number: str, message: str, author: str) -> MessageMark:
        """Take back the mark of ``message`` (a mistake): its day no longer counts for the
        invoices it named. NotFound when it carries none."""
        entry = self._message(client, debtor_number, message)
        mark = self.marks(client.client_id, debtor_number).get(message)
        if mark is None:
            raise NotFound(f"message {message} is not marked as an acknowledgement")
        self._tell(
            client, entry, author, Event.ACKNOWLEDGEMENT_UNMARKED,
            f"Message of {mark.received_on:%d-%m-%Y} no longer marked as the debtor's "
            f"acknowledgement of {', '.join(mark.invoices)} (prescription)",
            named=",".join(mark.invoices), received_on=mark.received_on.isoformat(),
        )  # fmt: skip
        for number in mark.invoices:
            self.decisions.mark_message(client.client_id, debtor_number, number, message, None)
        self._look_again(client, debtor_number, mark.invoices)
        return mark

    def _message(self, client: Client, debtor_number: str, message: str) -> ContactEntry:
        if self.repos.debtors.get(client.client_id, debtor_number) is None:
            raise NotFound(f"debtor {debtor_number} not found")
        entry = self.repos.contacts.entry(client.client_id, debtor_number, message)
        if entry is None:
            raise NotFound(f"message {message} not found on debtor {debtor_number}'s log")
        return entry

    def _tell(
        self,
        client: Client,
        entry: ContactEntry,
        author: str,
        event: Event,
        summary: str,
        *,
        named: str,
        received_on: str,
    ) -> None:
        """The contact log and the audit log say who did it, each once for the act: the
        note's id is the message's with the number of changes of its mark said before and
        what this one does (``<message>.<n>.<what>``), so a retry of a request cut off after
        saying it finds its own note as the last and says nothing again (failure11b B3: a
        retried mark was noted and audited twice); a change that differs from the last is
        said anew (marked, taken back, marked again: three notes)."""
        what = hashlib.sha256(f"{event.value}|{named}".encode()).hexdigest()[:8]
        said = self._said(client.client_id, entry)
        last = said[-1] if said else None
        if last is not None and last.entry_id.endswith(f".{what}"):
            proposed = (last.entry_id, last.at)  # said by an attempt cut off after it
        else:
            proposed = (f"{entry.entry_id}.{len(said)}.{what}", self.clock.now())
        # two requests giving the same change at once (two tabs) both found it unsaid: the
        # one that claims it first chooses the note, the other writes that same note, which
        # is there already or lands once (misc13: two notes and two audit entries before)
        note_id, at = self.decisions.change_of_mark(
            client.client_id, entry.debtor_number, entry.entry_id, what, proposed
        )
        note = ContactEntry(
            client.client_id, entry.debtor_number, note_id, at, ContactKind.NOTE, summary,
            invoice_numbers=tuple(named.split(",")), system=True, author=author,
        )  # fmt: skip
        if not any(e.entry_id == note_id for e in said):
            with contextlib.suppress(Conflict):  # written by the request that claimed it
                self.repos.contacts.add(note)
        if self.audit is not None:
            with contextlib.suppress(Conflict):  # written by the attempt cut off after it
                self.audit(
                    event, agency_id=client.agency_id, client_id=client.client_id,
                    actor=author, subject=entry.entry_id, debtor=entry.debtor_number,
                    named=named, received_on=received_on,
                    event_id=keyed_id(note.at, note.entry_id),
                )  # fmt: skip

    def _said(self, client_id: str, entry: ContactEntry) -> list[ContactEntry]:
        """The notes of the changes of ``message``'s mark, in the order they were said (the
        debtor's log read whole: a person's act, rare)."""
        prefix = f"{entry.entry_id}."
        found: list[ContactEntry] = []
        token: str | None = None
        while True:
            page, token = self.repos.contacts.for_debtor(
                client_id, entry.debtor_number, continuation=token
            )
            found.extend(e for e in page if e.entry_id.startswith(prefix))
            if token is None:
                break
        return sorted(found, key=lambda e: int(e.entry_id[len(prefix) :].split(".")[0]))

    def _look_again(self, client: Client, debtor_number: str, invoices: tuple[str, ...]) -> None:
        """The claims are looked at in the next run: a hold may end, or come back."""
        today = amsterdam_date(self.clock.now())
        keys = [
            (None, self.repos.dunning.schedule_key(today, debtor_number, number))
            for number in invoices
        ]
        self.repos.dunning.reschedule(client.client_id, keys)
