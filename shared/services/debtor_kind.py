"""A debtor's kind (consumer or business) changed by a push of the debtor (attack6 finding 3).

Every consumer protection the platform applies (the WIK staffel and its cap, the 14-day letter
before costs, 6:119 interest, consumers never paying agreed B2B costs) hangs on the kind, and
the ledger reads it live: a change re-prices the debtor's open claims at once. So, on a debtor
with open claims:

- the change is an admin's act (MANAGE_SETTLEMENTS, as letting costs go): a client's plain
  integration key cannot flip it (its sync may map a field wrongly);
- consumer to business is refused while a claim's costs were announced (a 14-day letter or
  sommatie on the consumer's terms): the claim would ask business costs and interest its
  letter never stated. Business to consumer stays possible: a consumer never owed the
  business terms, the correction only lowers the claim;
- a change leaves a contact-log line on the debtor and an audit entry (who, from, to);
- corrected to a consumer, what he paid is restated to the consumer's terms (law10 F2), and a
  costs term resting on a letter sent to him as a business is put before staff; a change to
  a business is refused also while a claim he paid was under a consumer's letter
  (codereview10 #3).

A debtor without open claims or money Inning booked changes kind freely: nothing is re-priced."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from shared.clock import Clock
from shared.domain.access import Principal
from shared.domain.ids import time_ordered_id
from shared.domain.parties import Client, Debtor, DebtorKind
from shared.domain.people.audit import Event
from shared.domain.people.authorisation import Action, permits
from shared.domain.records import ActionItem, ContactEntry, ContactKind
from shared.ports.tables import Conflict
from shared.services.batch import RowError
from shared.services.ledger.service import LedgerService
from shared.services.people.admin import actor_of
from shared.services.repositories import Repositories
from shared.services.statements_redo import keyed_id

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
    ) -> None:
        self.repos = repos
        self.ledger = ledger
        self.clock = clock
        self.audit = audit

    def screen(
        self, principal: Principal, client: Client, rows: Sequence[tuple[int, Debtor]]
    ) -> Screened:
        """The rows that may be stored, the rows refused, the kind changes let through (to be
        recorded once stored: :meth:`record`) and the debtors as stored (read once: the import
        takes them)."""
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
            if not permits(principal, Action.MANAGE_SETTLEMENTS):
                refused.append(RowError(index, "kind",
                    f"debtor {debtor.number} has open claims: a change from "
                    f"{_WORD[previous[0].kind]} to {_WORD[debtor.kind]} is an administrator's "
                    "act / debiteur heeft openstaande vorderingen: alleen een beheerder wijzigt "
                    "consument of bedrijf"))  # fmt: skip
                continue
            announced = [
                f.invoice_number
                for f in open_claims
                if f.costs_owed_from is not None and not f.costs_fixed
            ]
            if debtor.kind is DebtorKind.B2B:
                # a claim he paid under a consumer's letter keeps the consumer's terms too: as
                # a business it would open again (costs, 6:119a interest; codereview10 #3)
                settled = self.ledger.open_claims(client, paid) if paid else {}
                announced += [n for n, f in sorted(settled.items())
                              if f.open.total <= 0 and f.costs_owed_from is not None]  # fmt: skip
            if debtor.kind is DebtorKind.B2B and announced:
                refused.append(RowError(index, "kind",
                    f"debtor {debtor.number} was sent a 14-day letter as a consumer for "
                    f"{', '.join(announced[:5])}: those claims keep the consumer's terms; "
                    "settle them before the debtor becomes a business / de "
                    "veertiendagenbrief ging naar een consument: eerst afwikkelen"))  # fmt: skip
                continue
            kept.append((index, debtor))
            changes.append((previous[0], debtor))
        return Screened(kept, refused, changes, stored)

    def record(
        self, principal: Principal, client: Client, changes: Sequence[tuple[Debtor, Debtor]]
    ) -> None:
        """A contact-log line and an audit entry for each change that was stored."""
        if not changes:
            return
        now = self.clock.now()
        actor = actor_of(principal)
        stored = self.repos.debtors.get_many(client.client_id, [new.number for _, new in changes])
        for old, new in changes:
            found = stored.get(new.number)
            if found is None or found[0].kind is not new.kind:
                continue  # the row was not stored after all
            summary = (
                f"Debtor changed from {_WORD[old.kind]} to {_WORD[new.kind]} by {actor}; "
                "the open claims follow the new kind"
            )
            self.repos.contacts.add(
                ContactEntry(
                    client.client_id,
                    new.number,
                    time_ordered_id(now),
                    now,
                    ContactKind.STATUS,
                    summary,
                    author=actor,
                )
            )
            self.audit(
                Event.DEBTOR_KIND_CHANGED,
                agency_id=client.agency_id,
                client_id=client.client_id,
                actor=actor,
                subject=new.number,
                before=old.kind.value,
                after=new.kind.value,
            )
            self._restate(client, old, new, now)

    def _paid(self, client_id: str, debtor_number: str) -> list[str]:
        """The debtor's invoices Inning booked money on (whose allocation the kind fixed)."""
        return [i.number for i in self.repos.invoices.for_debtor(client_id, debtor_number)
                if i.payments]  # fmt: skip

    def _restate(self, client: Client, old: Debtor, new: Debtor, now: datetime) -> None:
        """What the debtor paid was allocated under the old kind's terms (costs, 6:119a
        interest): each claim with money on it is restated to what the new kind gives, as
        if he had always been of it, and what he paid that was never owed goes by 6:43 to
        his other claims or to the overpayment list with its item (law10 F2: a consumer who
        paid a business claim in full kept 776.03 paid that he never owed). To a consumer:
        a costs term that rests on a letter sent while he counted as a business is put before
        staff, who confirm it met 6:96 lid 6 or clear it (a business sommatie is no consumer's
        14-day letter)."""
        if new.kind is not DebtorKind.B2C or old.kind is DebtorKind.B2C:
            return  # to a business: what is open follows the kind live; nothing paid is redone
        paid = self._paid(client.client_id, new.number)
        if paid:
            self.ledger.restate_terms(client.client_id, paid)
        termed = sorted(
            f.invoice_number
            for f in self.ledger.debtor_open_claims(client, new.number)
            if f.costs_owed_from is not None
        )
        if not termed:
            return
        with contextlib.suppress(Conflict):  # the same change handled again
            self.repos.actions.add(ActionItem(
                client.client_id, keyed_id(now, "kind_letter", new.number), "kind_letter_check",
                f"Debtor {new.number} is a consumer now: the costs of {', '.join(termed[:20])} "
                "rest on a letter sent while he counted as a business; confirm it was a 14-day "
                "letter as 6:96 lid 6 asks (the staffel amount, 14 days from receipt) or clear "
                "its costs term", now, debtor_number=new.number, invoice_numbers=tuple(termed),
            ))  # fmt: skip
