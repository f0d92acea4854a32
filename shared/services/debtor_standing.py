"""A debtor's standing set, proposed and lifted (the rules: :mod:`shared.domain.standing`).

Set by staff with the day it took effect (the death, the ruling), or proposed by the bank: a
direct debit returned MD07 ("debtor deceased"). Either way, at once:

- the debtor's running payment plans are paused and their collections taken out of the
  direct-debit files (no lapse, no lapse mail);
- the daily dunning run asks him nothing (``workflow.blocked``) and no costs arise from a
  14-day term still running on that day (a costs hold on each open claim);
- after a bankruptcy or WSNP ruling his claims bear no interest from its day (art. 128 Fw):
  an interest stop on each open claim, and the money booked since allocated again;
- an action item tells staff what is theirs to do (file the claims with the curator or the
  WSNP administrator, write to the estate or the heirs; confirm or lift a proposal);
- the debtor's contact log and the audit log say who did it.

Lifted (a mistake, a bankruptcy ended by akkoord), the holds go and the dunning resumes at the
workflow's own pace from that day (``workflow.after_standing``); paused plans stay paused for
staff to resume or postpone (an action item says so).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from shared.clock import Clock, amsterdam_date
from shared.domain.ids import time_ordered_id
from shared.domain.parties import Client, Debtor
from shared.domain.people.audit import Event
from shared.domain.plans.plan import PlanStatus
from shared.domain.records import ActionItem, ActionStatus, ContactEntry, ContactKind
from shared.domain.standing import (
    STANDING_PAUSE,
    STANDING_REF,
    DebtorStanding,
    Standing,
    holds,
)
from shared.ports.tables import Conflict, PreconditionFailed
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.ledger.service import LedgerService
from shared.services.repositories import Repositories
from shared.telemetry.context import log_extra

if TYPE_CHECKING:
    from shared.domain.invoices import Invoice
    from shared.services.plans.service import PlanService

log = logging.getLogger(__name__)

# what staff must do, per standing (the action item's title; action_text translates it)
TODO = {
    Standing.DECEASED: "write to the estate or the heirs (4:182 BW), not to the debtor",
    Standing.BANKRUPT: "file the claims with the curator (art. 26, 110 Fw)",
    Standing.WSNP: "file the claims with the WSNP administrator (art. 299, 358 Fw)",
}


def item_id(number: str, standing: DebtorStanding) -> str:
    """One item per standing set (a retry finds it)."""
    what = "proposed" if not standing.confirmed else standing.standing.value
    return f"standing-{number}-{what}-{standing.since.isoformat()}"


def interest_stop_day(debtor: Debtor, since: date) -> date:
    """The day stored as the start of the interest stop of a ruling on ``since``: the ledger
    reads a pause's day as a settlement's (6:119a counts that day, 6:119 does not), and the
    ruling's day itself bears no interest (it takes effect from 00:00, art. 23 Fw)."""
    return since if debtor.is_consumer else since - timedelta(days=1)


class DebtorStandingService:
    def __init__(
        self,
        repos: Repositories,
        ledger: LedgerService,
        clock: Clock,
        audit: Callable[..., None],
        plans: Callable[[], PlanService],
        reschedule: Callable[[str, list[Invoice]], None],
    ) -> None:
        self.repos = repos
        self.ledger = ledger
        self.clock = clock
        self.audit = audit
        self.plans = plans  # late: the plan service tells this one of a bank's MD07
        self.reschedule = reschedule

    # -- staff -------------------------------------------------------------------------------
    def set(
        self, client: Client, number: str, standing: Standing, since: date | None, author: str
    ) -> Debtor:
        """Set (or confirm) the debtor's standing from ``since``; ``normal`` lifts it."""
        today = amsterdam_date(self.clock.now())
        if standing is Standing.NORMAL:
            return self.lift(client, number, author)
        if since is None:
            raise Invalid(
                "say from which day (the death, the ruling)",
                field="since",
                code="standing_no_day",
            )
        if since > today:
            raise Invalid(
                "the standing's day lies in the future",
                field="since",
                code="standing_day_in_future",
                params={"day": since},
            )
        wanted = DebtorStanding(standing, since, today, confirmed=True)
        before, after = self._change(
            client, number, lambda d: self._set_to(d, _keeping_returns(d, wanted)), author,
            f"Standing set: {standing.value} since {since.isoformat()}",
        )  # fmt: skip
        # each step idempotent, and taken also when the debtor was saved already: a retry
        # after a fault between them finishes what the first request began
        self._holds(client, after)
        self.plans().hold_for_standing(client, number)
        self._resolve_proposal(client, before, f"confirmed as {standing.value}")
        self._tell_staff(client, after)
        return after

    def lift(self, client: Client, number: str, author: str) -> Debtor:
        today = amsterdam_date(self.clock.now())

        def lifted(d: Debtor) -> Debtor:
            if not holds(d.standing):
                return d
            assert d.standing is not None
            return replace(d, standing=replace(d.standing, lifted_on=today))

        before, after = self._change(client, number, lifted, author, "Standing lifted: normal")
        if after.standing is None:
            return after  # never had one
        self._holds(client, after)
        self._resolve_proposal(client, before, "lifted: the debtor's standing is normal")
        paused = [
            p.plan_id
            for p in self.plans().plans.of_debtor(client.client_id, number)
            if p.status is PlanStatus.PAUSED and (p.reason or "").startswith(STANDING_PAUSE)
        ]
        if paused:
            self._add(client, ActionItem(
                client_id=client.client_id, action_id=f"standing-{number}-lifted-{today.isoformat()}",
                kind="debtor_standing_lifted",
                title=(f"Debtor {number}'s standing was lifted: resume or postpone the payment "
                       f"plan(s) paused for it ({', '.join(paused)})"),
                created_at=self.clock.now(), debtor_number=number,
                detail={"plans": ", ".join(paused)},
            ))  # fmt: skip
        return after

    # -- the bank ----------------------------------------------------------------------------
    def propose_deceased(
        self, client: Client, number: str, reason: str, source: str | None = None
    ) -> Debtor | None:
        """A direct debit came back MD07 ("debtor deceased"): the standing is proposed (it
        holds at once, for a person to confirm or lift), his plans paused. Idempotent; a
        standing in force already is left as it is. ``source``: the return (its payment or
        end-to-end id): the same return delivered again after a person lifted what it
        proposed proposes nothing (the person decided on it); a new return does. None: no
        such debtor."""
        today = amsterdam_date(self.clock.now())

        def proposing(d: Debtor) -> Debtor:
            seen = d.standing.proposed_by if d.standing is not None else ()
            if holds(d.standing) or (source is not None and source in seen):
                return d  # in force already, or lifted by a person who saw this return
            returns = (*seen, source) if source is not None else seen
            return replace(d, standing=DebtorStanding(Standing.DECEASED, today, today,
                                                      confirmed=False, proposed_by=returns))  # fmt: skip

        try:
            before, after = self._change(
                client, number, proposing,
                "the bank", f"Standing proposed: deceased (the bank returned a direct debit: {reason})",
            )  # fmt: skip
        except NotFound:
            return None
        if after != before:
            log.warning("debtor standing proposed by a bank return", extra=log_extra(
                {"client_id": client.client_id, "reason": reason[:40]}))  # fmt: skip
        if after.standing is not None and not after.standing.confirmed and holds(after.standing):
            self._holds(client, after)  # (idempotent: a redelivered return finishes it)
            self._tell_staff(client, after, reason)
        self.plans().hold_for_standing(client, number)
        return after

    # -- internals ---------------------------------------------------------------------------
    @staticmethod
    def _set_to(debtor: Debtor, wanted: DebtorStanding) -> Debtor:
        now = debtor.standing
        if (
            now is not None
            and holds(now)
            and (now.standing, now.since, now.confirmed) == (wanted.standing, wanted.since, True)
        ):
            return debtor  # a retry: it stands as recorded
        return replace(debtor, standing=wanted)

    def _change(
        self, client: Client, number: str, change: Callable[[Debtor], Debtor], author: str,
        summary: str,
    ) -> tuple[Debtor | None, Debtor]:  # fmt: skip
        for _ in range(5):
            found = self.repos.debtors.get(client.client_id, number)
            if found is None:
                raise NotFound(f"debtor {number} not found")
            debtor, etag = found
            updated = change(debtor)
            if updated == debtor:
                return debtor, debtor
            try:
                self.repos.debtors.save(updated, etag)
            except (PreconditionFailed, Conflict):
                continue
            now = self.clock.now()
            self.repos.contacts.add(ContactEntry(
                client.client_id, number, time_ordered_id(now), now, ContactKind.STATUS,
                summary, system=True, author=author,
            ))  # fmt: skip
            self.audit(
                Event.DEBTOR_STANDING_CHANGED,
                agency_id=client.agency_id,
                client_id=client.client_id,
                actor=author,
                subject=number,
                before=_said(debtor.standing),
                after=_said(updated.standing),
            )
            return debtor, updated
        raise ConflictingUpdate(
            f"debtor {number} keeps changing; retry",
            code="debtor_keeps_changing",
            params={"debtor": number},
        )

    def _holds(self, client: Client, debtor: Debtor) -> None:
        """Each open claim's costs hold and interest stop as the standing now wants them
        (idempotent; lifted or none: gone), and the money booked since allocated again."""
        standing = debtor.standing
        held = holds(standing)
        assert standing is not None
        costs_span = (standing.since, None) if held else None
        stop = (
            (interest_stop_day(debtor, standing.since), None) if standing.stops_interest else None
        )
        numbers = []
        for inv in self.repos.invoices.for_debtor(client.client_id, debtor.number):
            if held and not inv.is_collectable:
                continue  # (lifted: from every claim, also one paid meanwhile)
            numbers.append(inv.number)
            args = (client.client_id, debtor.number, inv.number, STANDING_REF)
            self.ledger.set_costs_hold(*args, costs_span)
            self.ledger.set_interest_pause(*args, stop)
        if numbers:
            said = (
                f"standing {standing.standing.value} since {standing.since.isoformat()}"
                + (f" lifted {standing.lifted_on.isoformat()}" if standing.lifted_on else "")
                + ("" if standing.confirmed else " proposed")
                + f" at {time_ordered_id(self.clock.now())}"  # set, lifted, set again: each
            )
            self.ledger.restate_standing(client.client_id, numbers, said)
            # looked at by the next run: held, or its next step paced from the lift
            stored = self.repos.invoices.get_many(client.client_id, numbers)
            self.reschedule(client.client_id, [s.invoice for s in stored.values()])

    def _tell_staff(self, client: Client, debtor: Debtor, reason: str = "") -> None:
        standing = debtor.standing
        assert standing is not None
        open_numbers = tuple(
            sorted(
                i.number
                for i in self.repos.invoices.for_debtor(client.client_id, debtor.number)
                if i.is_collectable
            )
        )
        if standing.confirmed:
            title = (f"Debtor {debtor.number} is {standing.standing.value} since "
                     f"{standing.since.isoformat()}: {TODO[standing.standing]}")  # fmt: skip
            kind = "debtor_standing"
        else:
            title = (f"The bank says debtor {debtor.number} died ({reason}): confirm the "
                     "standing deceased with its day, or lift it; nothing is sent or collected meanwhile")  # fmt: skip
            kind = "debtor_standing_proposed"
        self._add(client, ActionItem(
            client_id=client.client_id, action_id=item_id(debtor.number, standing), kind=kind,
            title=title, created_at=self.clock.now(), debtor_number=debtor.number,
            invoice_numbers=open_numbers,
            detail={"standing": standing.standing.value, "since": standing.since.isoformat()},
        ))  # fmt: skip

    def _resolve_proposal(self, client: Client, before: Debtor | None, why: str) -> None:
        if before is None or before.standing is None or before.standing.confirmed:
            return
        found = self.repos.actions.get(client.client_id, item_id(before.number, before.standing))
        if found is None or found[1] is None or found[0].status is ActionStatus.RESOLVED:
            return
        item = replace(found[0], status=ActionStatus.RESOLVED, resolved_at=self.clock.now(),
                       resolution=why)  # fmt: skip
        try:
            self.repos.actions.save(item, found[1])
        except (PreconditionFailed, Conflict):
            pass  # resolved by a person meanwhile

    def _add(self, client: Client, item: ActionItem) -> None:
        try:
            self.repos.actions.add(item)
        except Conflict:
            pass  # told before (a retry)


def _said(standing: DebtorStanding | None) -> str:
    if standing is None or not standing.in_force:
        return "normal"
    return f"{standing.standing.value} since {standing.since.isoformat()}" + (
        "" if standing.confirmed else " (proposed)"
    )


def _keeping_returns(debtor: Debtor, wanted: DebtorStanding) -> DebtorStanding:
    """The standing a person sets, with the bank returns that proposed one before: lifted
    later, none of them proposes it again."""
    seen = debtor.standing.proposed_by if debtor.standing is not None else ()
    return replace(wanted, proposed_by=seen) if seen else wanted
