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

Only the claims that existed on a ruling's day are in it (art. 24, 299 lid 1 Fw): a claim that
arose later keeps its interest and is not listed for filing (its dunning is held all the same).
The item of a ruling names what to file, each claim as it stood on the ruling's day as the
ledger knows it now (a payment of before it that came back never paid; one booked late paid on
its day), and the payments received from that day on: the debtor no longer disposed of his
estate (art. 23 Fw, 296 Fw), so the curator or administrator may claim them back; staff
decide. A changed figure opens an item staff resolved again, with the difference. The day
received decides, not the day booked: money received while a ruling held and booked after it
ended (a late statement, a back-dated payment) opens its item again as well (its booking marks
the debtor for the daily run, :meth:`DebtorStandingService.money_booked`).

A lift says why (:class:`~shared.domain.standing.LiftReason`). A mistake: the holds go and the
dunning resumes at the workflow's own pace from that day (``workflow.after_standing``). A
ruling that ended (an akkoord, a clean slate, ended otherwise) leaves the claims of the ruling
as it made them: their interest stays stopped for the ruling's period (for good after an
akkoord or a clean slate), no costs arise from a term that ran into it, they are not dunned
(after an akkoord or a clean slate never: a natural obligation, art. 160, 358 Fw; ended
otherwise: paused until staff booked what the distribution paid and resume them), and an item
asks staff to book and write off what the ruling left; the filing item is resolved, unless
money was received under the ruling: its end decides nothing about that money (art. 23, 194
Fw), so the item stays open for who may decide it and the settlement run holds the money
(law15b #4). A death is never set over a ruling in force; a ruling of the other kind from a
later day succeeds it, which is kept as ended on that day (law15b #2, #3). Either
way paused plans stay paused for staff to resume or postpone (an action item says so; one
over a claim left a natural obligation is for staff to cancel: it cannot be resumed).

After a clean slate or an akkoord the claims of the ruling are natural obligations (art. 6:3
BW): :meth:`DebtorStandingService.not_claimable` names them for the API and the dossier; the
portal asks nothing for them and no plan is agreed over them, while a payment made anyway is
booked as any. A claim of a ruling that reaches us late (an old invoice imported or pushed
later) joins the ruling's item: the filing item while it holds, the ended item after.
Every lift is kept on the standing (who, when, why), carried to every standing set after.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from shared.adapters.tables.invoices_repo import (
    ENDED_RULING_CLAIM_ROW,
    STANDING_ROW,
    UPGRADED_ROW,
)
from shared.adapters.tables.keys import encode
from shared.clock import Clock, amsterdam_date
from shared.domain.ids import time_ordered_id
from shared.domain.invoices import CLOSED, Invoice, InvoiceStatus
from shared.domain.parties import Client, Debtor
from shared.domain.people.audit import Event
from shared.domain.plans.plan import PlanStatus
from shared.domain.records import ActionItem, ActionStatus, ContactEntry, ContactKind
from shared.domain.ruling_filing import filing, money_on_claims
from shared.domain.standing import (
    ENDED_RULING_REF,
    INSOLVENT,
    RULINGS_KEPT,
    STANDING_PAUSE,
    STANDING_REF,
    DebtorStanding,
    Lift,
    LiftReason,
    Standing,
    arose_on,
    carried_ruling,
    carried_rulings,
    earlier_rulings,
    ended_rulings,
    holds,
    lift_of,
    natural_obligation,
    succeeds,
    with_lift,
)
from shared.ports.tables import Conflict, PreconditionFailed, StorageError
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.ledger.service import LedgerService
from shared.services.repositories import Repositories
from shared.services.statements_redo import day_keyed_id
from shared.telemetry.context import log_extra

if TYPE_CHECKING:
    from shared.services.plans.service import PlanService

log = logging.getLogger(__name__)

# the upgrade pass over standings stored before the agency's flag and the marks were kept
OLD_STANDINGS = "standings"
# the upgrade pass over rulings that ended before their claims' h| rows were written (again,
# rulingfix15: the claims paid under the ruling noted too, and the client's ``rulings_ended``)
ENDED_CLAIMS = "ended-ruling-claims-2"

# a request sets or lifts a standing within seconds of its pending mark: one younger than this
# may still be at work, and the daily run leaves it to its request (failure13b G3, G6)
GRACE = timedelta(minutes=15)

# what staff must do, per standing (the action item's title; action_text translates it)
TODO = {
    Standing.DECEASED: "write to the estate or the heirs (4:182 BW), not to the debtor",
    Standing.BANKRUPT: "file the claims with the curator (art. 26, 110 Fw)",
    Standing.WSNP: "file the claims with the WSNP administrator (art. 299, 358 Fw)",
}

# what staff must do once a ruling ended (the lift's item; action_text translates it)
AFTER_RULING = {
    LiftReason.AKKOORD: "book what the akkoord pays on the claims of the ruling and write off "
    "the rest (art. 160 Fw); they are not dunned",
    LiftReason.CLEAN_SLATE: "the claims of the ruling are natural obligations (art. 358 Fw): "
    "write them off; nothing is collected",
    LiftReason.ENDED: "book what the distribution paid on the claims of the ruling, then "
    "resume their dunning (art. 195 Fw); they are paused until then",
}

# the lifts each standing allows: a death is never undone but as a mistake, a clean slate is
# the WSNP's (art. 354 Fw; a bankrupt person gets one only through the WSNP)
LIFTS = {
    Standing.DECEASED: frozenset({LiftReason.MISTAKE}),
    Standing.BANKRUPT: frozenset({LiftReason.MISTAKE, LiftReason.AKKOORD, LiftReason.ENDED}),
    Standing.WSNP: frozenset(LiftReason),
}


def item_id(number: str, standing: DebtorStanding) -> str:
    """One item per standing set (a retry finds it)."""
    what = "proposed" if not standing.confirmed else standing.standing.value
    return f"standing-{number}-{what}-{standing.since.isoformat()}"


def ended_item_id(number: str, ruling: DebtorStanding) -> str:
    """One item per ruling that ended: its standing, day and lift's day (two rulings a person
    records as ended on one day each get theirs, standing15 #2)."""
    assert ruling.lifted_on is not None
    return (f"standing-{number}-ended-{ruling.standing.value}-{ruling.since.isoformat()}"
            f"-{ruling.lifted_on.isoformat()}")  # fmt: skip


def ended_item_id_before(number: str, ruling: DebtorStanding) -> str:
    """The key an earlier version gave the item of a ruling that ended: the lift's day alone."""
    assert ruling.lifted_on is not None
    return f"standing-{number}-ended-{ruling.lifted_on.isoformat()}"


def follow_money(repos: Repositories, client_id: str, number: str, at: datetime) -> None:
    """The debtor marked (``STANDING_ROW``, not pending) for the daily run to bring the filing
    items of his rulings to the money booked (:meth:`DebtorStandingService._follow_ended`):
    written where none stands. A mark standing, a request's pending one too, is followed by
    the run as it is, but written again (the money's time added, its ETag moved): a request
    settles its mark under the ETag it wrote, so a lift at work, whose ruling keeps no mark,
    no longer drops it and the run finishes the lift with this money (failure15c #3: the
    mark of a booking landing during a lift was dropped, and its item waited for the next
    settlement run)."""
    key = encode(number)
    for _ in range(5):
        found = repos.invoices.mark(client_id, STANDING_ROW, key)
        if found is None:
            if repos.invoices.write_mark(client_id, STANDING_ROW, key,
                                         _mark(number, False, at), None) is not None:  # fmt: skip
                return
            continue
        etag, mark = found
        again = {**mark, "money": at.isoformat()}
        if etag is None or repos.invoices.write_mark(client_id, STANDING_ROW, key, again,
                                                     etag) is not None:  # fmt: skip
            return
    # rewritten by others all along: a mark stands; the settlement run holds the money and
    # marks the debtor again should it go
    log.warning("a debtor's mark for money booked kept changing",
                extra=log_extra({"client_id": client_id}))  # fmt: skip


def _mark(number: str, pending: bool, at: datetime) -> dict[str, object]:
    return {"debtor": number, "pending": pending, "at": at.isoformat()}


def interest_stop_day(debtor: Debtor, since: date) -> date:
    """The day stored as the start of the interest stop of a ruling on ``since``: the ledger
    reads a pause's day as a settlement's (6:119a counts that day, 6:119 does not), and the
    ruling's day itself bears no interest (it takes effect from 00:00, art. 23 Fw)."""
    return since if debtor.is_consumer else since - timedelta(days=1)


def in_ruling(standing: DebtorStanding, invoice: Invoice) -> bool:
    """Whether the claim is one of the ruling's (it existed on the ruling's day)."""
    return standing.covers(arose_on(invoice.contract_date, invoice.invoice_date))


def owed_in_ruling(standing: DebtorStanding, invoice: Invoice) -> bool:
    """Whether the claim is one of the ruling's still owed: open, partly paid or disputed. A
    disputed claim is still the debtor's debt, filed for verification (art. 110-119 Fw), and
    money received on it in the ruling the estate's (art. 23 Fw): it is listed, noted and
    followed with the others (failure15c #4: only collectable ones were, and 300.00 received
    on a disputed claim in the ruling was paid out to the client)."""
    return in_ruling(standing, invoice) and invoice.status not in CLOSED


class DebtorStandingService:
    def __init__(
        self,
        repos: Repositories,
        ledger: LedgerService,
        clock: Clock,
        audit: Callable[..., None],
        plans: Callable[[], PlanService],
        reschedule: Callable[[str, list[Invoice]], None],
        pause: Callable[[Client, str, str], object],
        agency_author: Callable[[str, str], bool] | None = None,
    ) -> None:
        self.repos = repos
        # whether an author (a key id, ``user:<id>``) is the agency's (its key or one of its
        # own people), given the agency: how a standing stored before ``by_agency`` was kept is
        # read (standing14 #2)
        self.agency_author = agency_author or (lambda agency_id, author: False)
        self.ledger = ledger
        self.clock = clock
        self.audit = audit
        self.plans = plans  # late: the plan service tells this one of a bank's MD07
        self.reschedule = reschedule
        self.pause = pause  # an invoice's dunning paused until staff resume it

    # -- staff -------------------------------------------------------------------------------
    def set(
        self, client: Client, number: str, standing: Standing, since: date | None, author: str,
        reason: LiftReason | None = None, *, by_agency: bool = False,
    ) -> Debtor:  # fmt: skip
        """Set (or confirm) the debtor's standing from ``since``; ``normal`` lifts it for
        ``reason``. ``by_agency``: the agency's key or staff asks (a standing it recorded is
        changed or lifted by it alone while it holds)."""
        today = amsterdam_date(self.clock.now())
        if standing is Standing.NORMAL:
            return self.lift(client, number, author, reason, by_agency=by_agency)
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
        found = self.repos.debtors.get(client.client_id, number)
        now = found[0].standing if found is not None else None
        same = now is not None and (now.standing, now.since) == (standing, since)
        if holds(now) and not same:
            self._agency_decides(client, number, now, by_agency)
            _ruling_stays(now, standing, since)
        for ended in ended_rulings(now):
            if (ended.standing, ended.since) == (standing, since):
                # setting the agency's ended ruling again undoes how it ended (a clean slate's
                # natural obligations claimable after a lift as a mistake): the agency's too,
                # however many standings were set since (newcomer13b #1, attack14 A2), and
                # one the agency ended (its lift), whoever set it (attack14b S1)
                self._agency_decides(client, number, ended, by_agency, now.lifts if now else ())
        if len(carried_rulings(now, (standing, since))) >= RULINGS_KEPT:
            raise Invalid(
                f"the debtor has {RULINGS_KEPT} insolvency rulings that ended on record: "
                "correct one of them (set it again) instead of adding another",
                field="standing",
                code="standing_too_many_rulings",
                params={"count": RULINGS_KEPT},
            )
        agency = by_agency or (same and holds(now) and now is not None and now.recorded_by_agency)
        wanted = DebtorStanding(standing, since, today, confirmed=True, recorded_by_agency=agency)
        mark = self._mark(client, number)

        def setting(d: Debtor) -> Debtor:
            return self._set_to(_succeeded(d, wanted, author, by_agency),
                                _keeping_returns(d, wanted))  # fmt: skip

        before, after = self._change(
            client, number, setting, author,
            f"Standing set: {standing.value} since {since.isoformat()}",
        )  # fmt: skip
        # each step idempotent, and taken also when the debtor was saved already: a retry
        # after a fault between them finishes what the first request began; the holds as the
        # row stands last (a colleague's set saved meanwhile is not written over, Q3)
        self._holds_as_stored(client, number)
        self.plans().hold_for_standing(client, number)
        self._resolve_proposal(client, before, f"confirmed as {standing.value}")
        self._tell_staff(client, after)
        self._finish_succeeded(client, after, author)
        self._settle_mark(client, after, mark)
        return after

    def _finish_succeeded(self, client: Client, after: Debtor, author: str) -> None:
        """A ruling the new one succeeded (:func:`succeeds`), kept as ended on the new one's
        day: what its lift does (its filing item resolved unless money was received under it,
        its claims noted, the item of what it left), once (idempotent: a retry finds it)."""
        s = after.standing
        if s is None or s.ended is None or not holds(s):
            return
        ended = s.ended
        if not (ended.ruling_ended and ended.lifted_on == s.since and succeeds(ended, s)):
            return
        lifted = replace(after, standing=replace(ended, lifts=s.lifts))
        if not self._ended_told(client, lifted):
            self._after_ruling(client, lifted, author)
        self._follow_ended(client, after)

    def lift(
        self, client: Client, number: str, author: str, reason: LiftReason | None = None,
        *, by_agency: bool = False,
    ) -> Debtor:  # fmt: skip
        """Back to normal for ``reason``. A confirmed bankruptcy or WSNP must say why (only a
        mistake undoes it as if never set); a death or the bank's proposal is lifted only as
        a mistake, the default."""
        today = amsterdam_date(self.clock.now())
        found = self.repos.debtors.get(client.client_id, number)
        if found is None:
            raise NotFound(f"debtor {number} not found")
        now = found[0].standing
        if holds(now):
            assert now is not None
            self._agency_decides(client, number, now, by_agency)
            reason = self._lift_reason(now, reason)
        elif now is not None and now.lifted_on is not None:
            if reason not in (None, now.lift_reason or LiftReason.MISTAKE):
                raise Invalid(
                    "the standing was lifted already for another reason; set it again to "
                    "correct that",
                    field="reason",
                    code="standing_lifted_already",
                    params={"day": now.lifted_on},
                )
            if now.lifted_on != today:
                # lifted before: what a request cut off midway left is finished now (its
                # holds, the ruling's item, the plans' item), on any day
                mark = self._mark(client, number)
                self._holds_as_stored(client, number)
                self._finish_lift(client, found[0], author, holds=False)
                self._settle_mark(client, found[0], mark)
                return found[0]

        def lifted(d: Debtor) -> Debtor:
            if not holds(d.standing):
                return d
            assert d.standing is not None
            why = self._lift_reason(d.standing, reason)
            done = with_lift(d.standing, today, why, author, agency=by_agency)
            return replace(d, standing=done)

        mark = self._mark(client, number) if now is not None else None
        before, after = self._change(
            client, number, lifted, author,
            f"Standing lifted: normal ({(reason or LiftReason.MISTAKE).value})",
        )  # fmt: skip
        if after.standing is None:
            return after  # never had one
        self._resolve_proposal(client, before, "lifted: the debtor's standing is normal")
        self._holds_as_stored(client, number)
        self._finish_lift(client, after, author, holds=False)
        self._settle_mark(client, after, mark)
        return after

    def _finish_lift(self, client: Client, after: Debtor, author: str, holds: bool = True) -> None:
        """What a lift does after the debtor's row was saved, each step idempotent: the
        holds as the lifted standing wants them (``holds``: False when the caller wrote them
        from the row as stored), the ended ruling's item (and, ended otherwise, its claims
        paused: once, while its item is not there yet), the item for the plans paused for the
        standing (one per lift, keyed by its day)."""
        number = after.number
        assert after.standing is not None
        if holds:
            self._holds(client, after)
        lifted_on = after.standing.lifted_on
        if lifted_on is None:
            return  # normal without a lift (never set): its holds were all there was
        if after.standing.ruling_ended and not self._ended_told(client, after):
            self._after_ruling(client, after, author)
        # money received in the ruling booked since the run last brought its item up to date
        self._follow_ended(client, after)
        held = [
            p
            for p in self.plans().plans.of_debtor(client.client_id, number)
            if p.status is PlanStatus.PAUSED and (p.reason or "").startswith(STANDING_PAUSE)
        ]
        # a plan over a claim the ruling left a natural obligation is not resumed (the plan
        # service refuses it, art. 6:3 BW): staff cancel it
        invoices = {i.number: i for i in self.repos.invoices.for_debtor(client.client_id, number)}
        settled = [
            p.plan_id
            for p in held
            if any(
                natural_obligation(after, invoices[n]) is not None
                for n in p.invoice_numbers
                if n in invoices
            )
        ]
        paused = [p.plan_id for p in held if p.plan_id not in settled]
        if paused:
            self._add(client, ActionItem(
                client_id=client.client_id, action_id=f"standing-{number}-lifted-{lifted_on.isoformat()}",
                kind="debtor_standing_lifted",
                title=(f"Debtor {number}'s standing was lifted: resume or postpone the payment "
                       f"plan(s) paused for it ({', '.join(paused)})"),
                created_at=self.clock.now(), debtor_number=number,
                detail={"plans": ", ".join(paused)},
            ))  # fmt: skip
        if settled:
            self._add(client, ActionItem(
                client_id=client.client_id,
                action_id=f"standing-{number}-lifted-cancel-{lifted_on.isoformat()}",
                kind="debtor_standing_lifted",
                title=(f"Debtor {number}'s standing was lifted: cancel the payment plan(s) "
                       f"paused for it over claims it left natural obligations "
                       f"({', '.join(settled)})"),
                created_at=self.clock.now(), debtor_number=number,
                detail={"plans": ", ".join(settled)},
            ))  # fmt: skip

    def _ended_told(self, client: Client, debtor: Debtor) -> bool:
        """Whether the item of the ruling that ended was written (its claims were handled)."""
        assert debtor.standing is not None
        return self._ended_found(client, debtor.number, debtor.standing) is not None

    def _ended_found(
        self, client: Client, number: str, ruling: DebtorStanding
    ) -> tuple[ActionItem, str | None] | None:
        """The item of the ruling that ended, as stored: under its own key, or under the key
        of the lift's day alone an earlier version gave it, when that item names this ruling
        (standing15 #2: the day alone was shared by two rulings that ended on it)."""
        own = self._ended_item(client, number, ruling, ()).action_id
        found = self.repos.actions.get(client.client_id, own)
        if found is not None:
            return found
        assert ruling.lifted_on is not None
        old = self.repos.actions.get(client.client_id, ended_item_id_before(number, ruling))
        if old is None:
            return None
        named = (old[0].detail.get("standing"), old[0].detail.get("since"))
        return old if named == (ruling.standing.value, ruling.since.isoformat()) else None

    @staticmethod
    def _lift_reason(standing: DebtorStanding, reason: LiftReason | None) -> LiftReason:
        if standing.standing in INSOLVENT and standing.confirmed and reason is None:
            raise Invalid(
                "say why the ruling is lifted: mistake (never so), akkoord, clean_slate "
                "or ended; only a mistake undoes it",
                field="reason",
                code="standing_lift_reason",
            )
        reason = reason or LiftReason.MISTAKE
        allowed = LIFTS[standing.standing] if standing.confirmed else {LiftReason.MISTAKE}
        if reason not in allowed:
            raise Invalid(
                f"a {standing.standing.value} standing is not lifted for {reason.value}",
                field="reason",
                code="standing_lift_not_for",
                params={"standing": standing.standing.value, "reason": reason.value},
            )
        return reason

    def _after_ruling(self, client: Client, debtor: Debtor, author: str) -> None:
        """A ruling ended: its filing item resolved, the claims of the ruling paused until
        staff resume them (ended otherwise; an akkoord or a clean slate holds them in the
        workflow for good) and an item saying what to book and write off."""
        standing = debtor.standing
        assert standing is not None and standing.lifted_on is not None
        assert standing.lift_reason is not None
        why = standing.lift_reason
        filed = replace(standing, lifted_on=None, lift_reason=None)
        filing_item = self._filing_of(client, debtor, standing)
        if filing_item is None or not filing_item.detail.get("paid_after_ruling"):
            self._resolve(client, item_id(debtor.number, filed), f"the ruling ended ({why.value})")
        owed = [
            i
            for i in self.repos.invoices.for_debtor(client.client_id, debtor.number)
            if owed_in_ruling(standing, i)
        ]
        claims = sorted(i.number for i in owed)
        if why is LiftReason.ENDED:
            # a disputed claim is not dunned: there is nothing of it to pause
            for n in sorted(i.number for i in owed if i.is_collectable):
                self.pause(client, n, author)
        # the claims paid under the ruling too: a storno of that money is followed (law15b #5)
        noted = sorted({*claims, *(filing_item.invoice_numbers if filing_item else ())})
        if noted:
            self._note_ended_claims(client, debtor, noted)
        if not claims:
            return
        self._add(client, self._ended_item(client, debtor.number, standing, tuple(claims)))

    def _filing_of(
        self, client: Client, debtor: Debtor, ruling: DebtorStanding
    ) -> ActionItem | None:
        """The filing item of a bankruptcy or WSNP that ended, as it reads at its end (None:
        not one). Money received while it held (``paid_after_ruling``, art. 23, 296 Fw): its
        end is no decision that the money is the client's (the curator may claim it back,
        after the final distribution too, art. 194 Fw), so the item stays for who may decide
        it (:mod:`shared.services.ruling_decisions`) and the settlement run holds the money
        until then (law15b #4: the lift resolved the item and the run of 2-3 paid the client
        276.15 of the 500.00 received on 20-2 under the bankruptcy of 10-2)."""
        if ruling.standing not in INSOLVENT or not ruling.confirmed:
            return None
        return self._standing_item(client, debtor, ruling)

    def _ended_item(
        self, client: Client, number: str, ruling: DebtorStanding, claims: tuple[str, ...]
    ) -> ActionItem:
        """The item of a ruling that ended: what to book and write off on its claims."""
        assert ruling.lifted_on is not None and ruling.lift_reason is not None
        why = ruling.lift_reason
        return ActionItem(
            client_id=client.client_id,
            action_id=ended_item_id(number, ruling),
            kind="debtor_standing_ended",
            title=(f"Debtor {number}'s {ruling.standing.value} since "
                   f"{ruling.since.isoformat()} ended ({why.value}): {AFTER_RULING[why]}"),
            created_at=self.clock.now(), debtor_number=number, invoice_numbers=claims,
            detail={"standing": ruling.standing.value, "since": ruling.since.isoformat(),
                    "lifted_on": ruling.lifted_on.isoformat(), "reason": why.value},
        )  # fmt: skip

    def _late_claims_of_ended(
        self, client: Client, debtor: Debtor, ruling: DebtorStanding, imported: list[Invoice]
    ) -> None:
        """Claims of a ruling that ended, reaching us after its lift (an old invoice imported
        or pushed later): held as the ruling's others were at the lift (ended otherwise:
        paused until staff resume them) and added to its item. The item's list says which
        were handled: a claim pushed again after staff resumed it is not paused again."""
        found = self._ended_found(client, debtor.number, ruling)
        listed = set(found[0].invoice_numbers) if found is not None else set()
        owed = [i for i in imported if owed_in_ruling(ruling, i) and i.number not in listed]
        new = sorted(i.number for i in owed)
        if not new:
            return
        if ruling.lift_reason is LiftReason.ENDED:
            for n in sorted(i.number for i in owed if i.is_collectable):
                self.pause(client, n, "the debtor's standing")
        self._note_ended_claims(client, debtor, new)
        claims = tuple(sorted({*listed, *new}))
        item = self._ended_item(client, debtor.number, ruling, claims)
        if found is not None:
            item = replace(item, action_id=found[0].action_id)  # an item of before: kept
        self._refresh(client, item)

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
            # a ruling that ended stays with it: lifted as the bank's mistake, it is back
            return replace(d, standing=DebtorStanding(
                Standing.DECEASED, today, today, confirmed=False, proposed_by=returns,
                ended=carried_ruling(d.standing),
                lifts=d.standing.lifts if d.standing is not None else (),
            ))  # fmt: skip

        # marked first, as a person's set is: a delivery cut off after the debtor's row is
        # finished by the daily run, not only by the bank's redelivery (standing14 #1)
        mark = self._mark(client, number)
        try:
            before, after = self._change(
                client, number, proposing,
                "the bank", f"Standing proposed: deceased (the bank returned a direct debit: {reason})",
            )  # fmt: skip
        except NotFound:
            if mark is not None:
                self.repos.invoices.drop_mark(client.client_id, STANDING_ROW, encode(number), mark)
            return None
        if after != before:
            log.warning("debtor standing proposed by a bank return", extra=log_extra(
                {"client_id": client.client_id, "reason": reason[:40]}))  # fmt: skip
        if after.standing is not None and not after.standing.confirmed and holds(after.standing):
            self._holds(client, after)  # (idempotent: a redelivered return finishes it)
            self._tell_staff(client, after, reason)
        self.plans().hold_for_standing(client, number)
        self._settle_mark(client, after, mark)
        return after

    # -- who recorded it ---------------------------------------------------------------------
    def _agency_decides(
        self, client: Client, number: str, now: DebtorStanding | None, by_agency: bool,
        lifts: Sequence[Lift] = (),
    ) -> None:  # fmt: skip
        """Refuses a client's change of a standing the agency recorded (attack13b G3): a ruling
        the agency files the claims under, lifted on the client's word "as a mistake", brought
        the ruling's interest and the dunning back. ``lifts``: the debtor's history of lifts
        (a ruling that ended, kept under a later standing, keeps none of its own)."""
        if now is None or by_agency or not self.agency_recorded(client, number, now, lifts):
            return
        raise Invalid(
            f"the agency recorded this {now.standing.value} standing: only the agency changes "
            "or lifts it",
            field="standing",
            code="standing_agency_recorded",
            params={"standing": now.standing.value},
        )

    def agency_recorded(
        self, client: Client, number: str, standing: DebtorStanding, lifts: Sequence[Lift] = ()
    ) -> bool:
        """Whether the agency recorded ``standing``: its flag, or, for one stored without it
        (every standing recorded before attack13b's fix), who set it as the debtor's contact
        log names them: the author of the newest "Standing set" entry of that standing and day
        (the entry the save that wrote it added; a save of the same again adds none), an agency
        key or one of the agency's own people (standing14 #2: such a ruling was the agency's
        only once it saved it again). A ruling that ended is the agency's also when the agency
        lifted it (attack14b S1: how it ended is the agency's record); one stored before its
        lift set the flag is read from who lifted it (``lifted_by``, else its lift in
        ``lifts`` or its own history). A bank's proposal is nobody's."""
        if standing.recorded_by_agency:
            return True
        if not standing.confirmed:
            return False
        if standing.ruling_ended:
            lift = lift_of(standing, (*lifts, *standing.lifts))
            by = standing.lifted_by or (lift.by if lift is not None else None)
            if by is not None and self.agency_author(client.agency_id, by):
                return True
        said = f"Standing set: {standing.standing.value} since {standing.since.isoformat()}"
        continuation: str | None = None
        while True:  # the log reads newest first: the first entry found is the newest
            page, continuation = self.repos.contacts.for_debtor(
                client.client_id, number, continuation=continuation
            )
            for entry in page:
                if entry.kind is ContactKind.STATUS and entry.summary == said:
                    return entry.author is not None and self.agency_author(
                        client.agency_id, entry.author
                    )
            if continuation is None:
                return False

    def adopt_old_standings(self, client: Client) -> None:
        """Once per client (a row ``u|standings`` says it was done): the standings stored
        before the flag and the ``g|`` marks were kept (standing14 #2). One the agency recorded
        (:meth:`agency_recorded`) is stored as the agency's, and a bankruptcy or WSNP that holds
        gets its mark, so the run brings its filing item to the money received since without a
        person saving it again. One that fails leaves the pass to the next run."""
        if self._upgraded(client, OLD_STANDINGS):
            return
        marked = {str(m.get("debtor")) for _, _, m in
                  self.repos.invoices.marks(client.client_id, STANDING_ROW)}  # fmt: skip
        self._over_standings(client, OLD_STANDINGS,
                             lambda d: self._adopt(client, d, d.number in marked),
                             "a debtor's standing left to adopt once more")  # fmt: skip

    def note_old_ended_rulings(self, client: Client) -> None:
        """Once per client (``u|ended-ruling-claims``): the claims of the rulings that ended
        before their ``h|`` rows were written (:meth:`_note_ended_claims`), so money booked on
        them from now on marks their debtor as for a ruling that ends from now on."""
        if self._upgraded(client, ENDED_CLAIMS):
            return
        self._over_standings(client, ENDED_CLAIMS, lambda d: self._note_ended_claims(client, d),
                             "a debtor's ended rulings left to note once more")  # fmt: skip

    def _upgraded(self, client: Client, name: str) -> bool:
        """Whether the one pass ``name`` over the client's standings was made."""
        return any(k == name for k, _, _ in self.repos.invoices.marks(client.client_id,
                                                                      UPGRADED_ROW))  # fmt: skip

    def _over_standings(
        self, client: Client, name: str, work: Callable[[Debtor], None], said: str
    ) -> None:
        """The one pass ``name``: ``work`` on each of the client's debtors with a standing, and
        ``u|<name>`` written once every one went well (one that fails leaves the pass to the
        next run)."""
        failed = False
        continuation: str | None = None
        while True:
            page, continuation = self.repos.debtors.list(client.client_id,
                                                         continuation=continuation)  # fmt: skip
            for debtor in page:
                if debtor.standing is None:
                    continue
                try:
                    work(debtor)
                except (StorageError, ConflictingUpdate) as exc:
                    failed = True
                    log.warning(said, extra=log_extra(
                        {"client_id": client.client_id, "error": exc.__class__.__name__}))  # fmt: skip
            if continuation is None:
                break
        if not failed:
            self.repos.invoices.put_mark(client.client_id, UPGRADED_ROW, name,
                                         {"at": self.clock.now().isoformat()})  # fmt: skip

    def _note_ended_claims(
        self, client: Client, debtor: Debtor, claims: Sequence[str] | None = None
    ) -> None:
        """The claims of the debtor's rulings that ended noted (``h|<invoice>``, once each):
        money booked on one of them marks the debtor (:meth:`money_booked`). ``claims``: those
        to note (None: every claim of each such ruling owed, disputed or paid, read)."""
        if claims is None:
            rulings = [r for r in ended_rulings(debtor.standing)
                       if r.standing in INSOLVENT and r.confirmed]  # fmt: skip
            if not rulings:
                return
            # paid ones too: a storno of money paid under the ruling is followed (law15b #5)
            claims = sorted(
                i.number
                for i in self.repos.invoices.for_debtor(client.client_id, debtor.number)
                if (i.status not in CLOSED or i.status is InvoiceStatus.PAID)
                and any(in_ruling(r, i) for r in rulings)
            )
        if not claims:
            return
        # the client flagged first: a booking that reads no flag finds no h| row either
        self._flag_rulings_ended(client)
        noted = self.repos.invoices.marks_of(client.client_id, ENDED_RULING_CLAIM_ROW,
                                             [encode(n) for n in claims])  # fmt: skip
        for n in claims:
            if encode(n) not in noted:
                self.repos.invoices.write_mark(client.client_id, ENDED_RULING_CLAIM_ROW,
                                               encode(n), {"debtor": debtor.number}, None)  # fmt: skip

    def _flag_rulings_ended(self, client: Client) -> None:
        """The client's ``rulings_ended`` set (once, under its row's ETag): from now on its
        bookings read their claims' ``h|`` rows (:meth:`money_booked`)."""
        for _ in range(5):
            found = self.repos.clients.get(client.client_id)
            if found is None or found[0].rulings_ended:
                return
            try:
                self.repos.clients.save(replace(found[0], rulings_ended=True), found[1])
                return
            except (PreconditionFailed, Conflict):
                continue
        raise ConflictingUpdate(f"client {client.client_id} keeps changing; retry")  # a retry

    def as_recorded(self, client: Client, d: Debtor) -> Debtor:
        """``d`` with its standing's and its ended ruling's recorder as this service decides it
        (:meth:`agency_recorded`: the flag, or for an old row the contact log), read only: what
        the API and the dossier show, so a standing the service keeps as the agency's is never
        shown as the client's to change before the run's one pass stored the flag
        (codereview14 F4), and what that pass stores."""
        now = d.standing
        if now is None:
            return d
        ended = now.ended
        if (
            ended is not None
            and not ended.recorded_by_agency
            and self.agency_recorded(client, d.number, ended, now.lifts)
        ):
            ended = replace(ended, recorded_by_agency=True)
        ours = now.recorded_by_agency or (
            (holds(now) or now.ruling_ended) and self.agency_recorded(client, d.number, now)
        )
        if ended is now.ended and ours == now.recorded_by_agency:
            return d
        return replace(d, standing=replace(now, ended=ended, recorded_by_agency=ours))

    def _adopt(self, client: Client, debtor: Debtor, marked: bool) -> None:
        s = debtor.standing
        assert s is not None

        def adopted(d: Debtor) -> Debtor:
            return self.as_recorded(client, d)

        _, after = self._change(client, debtor.number, adopted, "the upgrade",
                                "Standing kept as recorded by the agency (read from the log)")  # fmt: skip
        if not marked and _keeps_mark(after):
            # added only where none stands: a person's set cut off while the pass walked the
            # debtors keeps its pending mark for the run to finish (failure14b Q2)
            self.repos.invoices.write_mark(client.client_id, STANDING_ROW, encode(debtor.number),
                                           self._mark_of(debtor.number, pending=False), None)  # fmt: skip

    # -- the daily run -----------------------------------------------------------------------
    def finish_left_over(self, client: Client) -> None:
        """The daily run's look at the debtors marked (``STANDING_ROW``): a standing set or
        lifted by a request cut off midway is finished (its holds, plans and items: no
        person's retry needed), and the filing item of a ruling that holds is brought up to
        date with the money received since (art. 23, 296 Fw: a payment booked after the item
        was written is put before staff). One failing stays for the next run.

        The run may meet a request at work on the same debtor (a timer firing twice, two
        hosts; failure13b G3, G6): a pending mark younger than :data:`GRACE` is its request's,
        left alone; the run acts on the debtor as saved (read again after its work, redone
        when it changed meanwhile) and changes the mark only under the ETag it listed, so a
        request that marked it again meanwhile keeps its pending mark for the next run."""
        now = self.clock.now()
        for key, etag, mark in self.repos.invoices.marks(client.client_id, STANDING_ROW):
            number = str(mark.get("debtor", ""))
            pending = bool(mark.get("pending"))
            if pending and now - _marked_at(mark) <= GRACE:
                continue  # its request may still be at work: the next run looks
            try:
                debtor = self._look_at(client, number, pending)
            except (StorageError, ConflictingUpdate) as exc:
                log.warning(
                    "a debtor's standing left to finish once more",
                    extra=log_extra({"client_id": client.client_id,
                                     "error": exc.__class__.__name__}),
                )  # fmt: skip
                continue
            if etag is None:
                continue
            if debtor is None or not _keeps_mark(debtor):
                self.repos.invoices.drop_mark(client.client_id, STANDING_ROW, key, etag)
            elif pending:
                self.repos.invoices.replace_mark(client.client_id, STANDING_ROW, key,
                                                 self._mark_of(number, pending=False), etag)  # fmt: skip

    def _look_at(self, client: Client, number: str, pending: bool) -> Debtor | None:
        """The debtor's standing finished or followed, on the debtor as saved: read again
        after the work, and the work redone on what a request saved meanwhile (the lift's
        holds are not written back from the ruling read before it, failure13b G3)."""
        return self._until_stable(client, number, lambda d: self._follow(client, d, pending))

    def _follow(self, client: Client, debtor: Debtor, pending: bool) -> None:
        s = debtor.standing
        if s is None:
            return
        if holds(s):
            if pending:
                self._holds(client, debtor)
                self.plans().hold_for_standing(client, debtor.number)
                # a set cut off before it finished the ruling it succeeded (once: idempotent)
                self._finish_succeeded(client, debtor, "the debtor's standing")
            if s.confirmed:
                self._tell_staff(client, debtor, refresh=True)
            elif pending:
                self._tell_staff(client, debtor, "the bank's return")
        elif pending and s.lifted_on is not None:
            last = s.lifts[-1].by if s.lifts else "the debtor's standing"
            self._finish_lift(client, debtor, last)  # (its rulings that ended followed)
            return
        self._follow_ended(client, debtor)

    def _mark_of(self, number: str, pending: bool) -> dict[str, object]:
        return _mark(number, pending, self.clock.now())

    def _mark(self, client: Client, number: str) -> str | None:
        """The debtor marked pending (a request's steps to finish); the mark's etag, this
        request's to settle. A pending mark of another change found standing is left as it is
        and None returned: that change may be cut off before its steps (its holds, its item),
        and the run finishes it, and this request's with it, from the debtor as stored; a
        request that settled it would leave them undone for good (failure14b Q1: a bank's MD07
        settled a person's cut-off WSNP set). Written over what was read alone: a mark written
        meanwhile is read again."""
        key = encode(number)
        for _ in range(5):
            found = self.repos.invoices.mark(client.client_id, STANDING_ROW, key)
            if found is not None and found[1].get("pending"):
                return None
            written = self.repos.invoices.write_mark(
                client.client_id, STANDING_ROW, key, self._mark_of(number, pending=True),
                found[0] if found is not None else None,
            )  # fmt: skip
            if written is not None:
                return written
        raise ConflictingUpdate(
            f"debtor {number} keeps changing; retry",
            code="debtor_keeps_changing",
            params={"debtor": number},
        )

    def _holds_as_stored(self, client: Client, number: str) -> Debtor | None:
        """The claims' holds as the debtor's row stands last: read again after they are
        written, and written again when another request saved the row meanwhile (failure14b
        Q3: a set's holds written from the row it saved landed after a colleague's set, and
        the claims kept the older ruling's interest stop)."""

        def held(debtor: Debtor) -> None:
            if debtor.standing is not None:
                self._holds(client, debtor)

        return self._until_stable(client, number, held)

    def _until_stable(
        self, client: Client, number: str, work: Callable[[Debtor], None]
    ) -> Debtor | None:
        """``work`` done on the debtor's row as stored, and done again while another request
        saved the row meanwhile (its ETag moved between the read before and the read after
        the work): the row it ends on, or None (no such debtor). Five tries, then a conflict
        to retry."""
        found = self.repos.debtors.get(client.client_id, number)
        for _ in range(5):
            if found is None:
                return None
            debtor, etag = found
            work(debtor)
            again = self.repos.debtors.get(client.client_id, number)
            if again is None or again[1] == etag:
                return again[0] if again is not None else None
            found = again
        raise ConflictingUpdate(
            f"debtor {number} keeps changing; retry",
            code="debtor_keeps_changing",
            params={"debtor": number},
        )

    def _settle_mark(self, client: Client, debtor: Debtor, etag: str | None) -> None:
        """The request's steps are done: its mark (``etag``, as it wrote it) stays, not
        pending, while a confirmed bankruptcy or WSNP holds, for its filing item to follow the
        money; otherwise it goes. A mark another request wrote meanwhile is theirs: it stays
        pending for them or the next run (failure13b G6: the run rewrote a set's pending mark
        as done, and the holds the set was cut off before were never written)."""
        if etag is None:
            return
        stored = self.repos.debtors.get(client.client_id, debtor.number)
        if stored is not None and stored[0].standing != debtor.standing:
            return  # another change saved since, its steps maybe cut off: the run finishes it
        key = encode(debtor.number)
        if _keeps_mark(debtor):
            self.repos.invoices.replace_mark(client.client_id, STANDING_ROW, key,
                                             self._mark_of(debtor.number, pending=False), etag)  # fmt: skip
        else:
            self.repos.invoices.drop_mark(client.client_id, STANDING_ROW, key, etag)

    # -- internals ---------------------------------------------------------------------------
    @staticmethod
    def _set_to(debtor: Debtor, wanted: DebtorStanding) -> Debtor:
        now = debtor.standing
        if (
            now is not None
            and holds(now)
            and (now.standing, now.since, now.confirmed) == (wanted.standing, wanted.since, True)
        ):
            if wanted.recorded_by_agency and not now.recorded_by_agency:
                # the agency makes a standing recorded before its own (newcomer13b #2)
                return replace(debtor, standing=replace(now, recorded_by_agency=True))
            return debtor  # a retry: it stands as recorded
        # every ruling that ended stays with the new standing, but that ruling set again (to
        # correct how it ended: the agency's only the agency's, see set)
        ended = carried_ruling(now, (wanted.standing, wanted.since))
        lifts = now.lifts if now is not None else ()
        return replace(debtor, standing=replace(wanted, ended=ended, lifts=lifts))

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
                return debtor, debtor  # as asked (a retry: told before the save)
            self._tell_change(client, number, debtor, updated, author, summary)
            try:
                self.repos.debtors.save(updated, etag)
            except (PreconditionFailed, Conflict):
                continue
            return debtor, updated
        raise ConflictingUpdate(
            f"debtor {number} keeps changing; retry",
            code="debtor_keeps_changing",
            params={"debtor": number},
        )

    def _tell_change(
        self, client: Client, number: str, debtor: Debtor, updated: Debtor, author: str,
        summary: str,
    ) -> None:  # fmt: skip
        """The change on the debtor's contact log and the audit log (who set it, from what to
        what), written before the debtor's row and keyed by the change (the standings before
        and after, the day): a request cut off after the row's save is retried to a debtor
        that reads as asked, and nobody would ever hear who set it (failure15 F4); written
        again by a retry, each is refused as there."""
        now = self.clock.now()
        change = (number, repr(debtor.standing), repr(updated.standing))
        key = day_keyed_id(amsterdam_date(now), Event.DEBTOR_STANDING_CHANGED.value, *change)
        self.repos.contacts.add_once(ContactEntry(  # once, also when two requests meet
            client.client_id, number, key, now, ContactKind.STATUS, summary, system=True,
            author=author,
        ))  # fmt: skip
        try:
            self.audit(
                Event.DEBTOR_STANDING_CHANGED,
                agency_id=client.agency_id,
                client_id=client.client_id,
                actor=author,
                subject=number,
                before=_said(debtor.standing),
                after=_said(updated.standing),
                event_id=key,
            )
        except Conflict:
            pass  # audited by the attempt cut off after it

    def follow_claims(
        self, client: Client, invoices: list[Invoice], debtors: Mapping[str, Debtor]
    ) -> None:
        """Claims were imported or changed: those of a debtor with a standing get its holds
        as the claims it found did (a claim of before the ruling pushed after it was recorded
        stops its interest on the ruling's day as one pushed before; the order staff typed
        things in decides nothing). ``debtors``: as the import read them (nothing read again
        for a debtor without a standing)."""
        for number in sorted({i.debtor_number for i in invoices}):
            debtor = debtors.get(number)
            s = debtor.standing if debtor is not None else None
            if (
                debtor is not None
                and s is not None
                and (holds(s) or s.ruling_ended or s.ended is not None)
            ):
                self._holds(client, debtor)
                if holds(s) and s.confirmed and s.standing in INSOLVENT:
                    # a claim of the ruling's day that reached us later is filed as the
                    # others (art. 110 Fw): the ruling's one item names it and its figure
                    self._tell_staff(client, debtor, refresh=True)
                mine = [i for i in invoices if i.debtor_number == number]
                for ruling in ended_rulings(s):
                    self._late_claims_of_ended(client, debtor, ruling, mine)

    def follow_kind(self, client: Client, debtor: Debtor) -> None:
        """The debtor's kind was corrected: the interest stop's day is the new kind's (the
        ledger reads a pause's day by the kind, :func:`interest_stop_day`), the money booked
        since allocated again. Called by the kind correction (shared.services.debtor_kind)."""
        if debtor.standing is not None:
            self._holds(client, debtor)

    def _holds(self, client: Client, debtor: Debtor) -> None:
        """Each claim's costs hold and interest stop as the standing now wants them
        (idempotent; lifted as a mistake or none: gone), and the money booked since allocated
        again. In force: dunning and costs held on every open claim, the interest stopped on
        those of the ruling. A ruling that ended: its claims keep the costs hold and the stop
        (for its period only when it ended otherwise), a later claim is as if never held. Each
        ruling that ended before the standing now recorded (``ended``) keeps its own holds on
        its claims under a ref of its own (:func:`ended_ruling_ref`), whatever the later
        standings do; the refs of rulings no longer carried are cleared."""
        standing = debtor.standing
        assert standing is not None
        layers: dict[str, DebtorStanding | None] = {STANDING_REF: standing}
        for place, ruling in enumerate(earlier_rulings(standing)):
            layers[ended_ruling_ref(place)] = ruling
        invoices = self.repos.invoices.for_debtor(client.client_id, debtor.number)
        paid = self._paid_on(client, debtor, invoices)
        numbers = []
        for inv in invoices:
            touched = False
            args = (client.client_id, debtor.number, inv.number)
            # the ruling's own holds, then those of each ruling that ended before it (also
            # cleared: a ruling set again to correct how it ended carries none)
            held = {ENDED_RULING_REF: None, **self._ended_refs_held(*args)}
            for ref, layer in {**held, **layers}.items():
                spans = _spans(debtor, layer, inv) if layer is not None else None
                if spans is not None and layer is not None and not _open_on(inv, layer, paid):
                    continue  # closed before its day: as it was (lifted: from every claim)
                self.ledger.set_costs_hold(*args, ref, spans[0] if spans else None)
                self.ledger.set_interest_pause(*args, ref, spans[1] if spans else None)
                touched = True
            if touched:
                numbers.append(inv.number)
        if numbers:
            said = (
                f"standing {standing.standing.value} since {standing.since.isoformat()}"
                + (f" lifted {standing.lifted_on.isoformat()}" if standing.lifted_on else "")
                + (f" ({standing.lift_reason.value})" if standing.lift_reason else "")
                + ("" if standing.confirmed else " proposed")
                + f" at {time_ordered_id(self.clock.now())}"  # set, lifted, set again: each
            )
            self.ledger.restate_standing(client.client_id, numbers, said)
            # looked at by the next run: held, or its next step paced from the lift
            stored = self.repos.invoices.get_many(client.client_id, numbers)
            self.reschedule(client.client_id, [s.invoice for s in stored.values()])

    def _ended_refs_held(
        self, client_id: str, debtor: str, invoice: str
    ) -> dict[str, DebtorStanding | None]:
        """The refs of ended rulings' holds the claim has now (each cleared unless a ruling
        still carried sets it again)."""
        header = self.ledger.ledger.header(client_id, debtor, invoice)
        if header is None:
            return {}
        held = [x[0] for x in (*header.costs_held, *header.interest_paused)]
        return {ref: None for ref in held if ref.startswith(ENDED_RULING_REF)}

    def _paid_on(self, client: Client, debtor: Debtor, invoices: list[Invoice]) -> dict[str, date]:
        """The day each paid claim got the last money that stands on it (as received): paid
        on or after a ruling's day, it was open on it and the ruling stopped its interest."""
        wanted = {i.number for i in invoices if i.status is InvoiceStatus.PAID}
        if not wanted:
            return {}
        records = self.ledger.debtor_claims(client, debtor.number, debtor).records
        last: dict[str, date] = {}
        for (number, _), (_, day, cents) in money_on_claims(records, wanted).items():
            if cents > 0 and day > last.get(number, date.min):
                last[number] = day
        return last

    def _tell_staff(
        self, client: Client, debtor: Debtor, reason: str = "", refresh: bool = False
    ) -> None:
        """The standing's action item (once per standing set). ``refresh``: a claim of the
        ruling reached us after the item was written: the item is brought up to date, its
        claims and figures, and opened again if staff had closed it over fewer claims."""
        standing = debtor.standing
        assert standing is not None
        item = self._standing_item(client, debtor, standing, reason)
        if refresh:
            self._refresh(client, item)
        else:
            self._add(client, item)

    def _standing_item(
        self, client: Client, debtor: Debtor, standing: DebtorStanding, reason: str = "",
        filed: tuple[str, ...] = (),
    ) -> ActionItem:  # fmt: skip
        """The item of ``standing`` (the debtor's, or a ruling of his that ended): a ruling's
        claims and what to file. ``filed``: the claims its item named already (after the end
        a claim written off or paid is still one filed)."""
        invoices = self.repos.invoices.for_debtor(client.client_id, debtor.number)
        # the claims of the ruling: those owed on its day (disputed too: filed for
        # verification, art. 110-119 Fw), also one that money received from that day on paid
        # since (art. 23 Fw: the curator may claim that money back), as the interest stop
        # reaches them (_open_on)
        paid = self._paid_on(client, debtor, invoices)
        open_numbers = tuple(sorted({*filed, *(
            i.number for i in invoices
            if owed_in_ruling(standing, i)
            or (in_ruling(standing, i) and i.status is InvoiceStatus.PAID
                and _open_on(i, standing, paid))
        )}))  # fmt: skip
        detail: dict[str, object] = {
            "standing": standing.standing.value,
            "since": standing.since.isoformat(),
        }
        disputed = sorted(i.number for i in invoices
                          if i.number in open_numbers and i.status is InvoiceStatus.DISPUTED)  # fmt: skip
        if disputed:
            detail[DISPUTED] = disputed  # filed as disputed: the curator verifies them
        if standing.confirmed:
            title = (f"Debtor {debtor.number} is {standing.standing.value} since "
                     f"{standing.since.isoformat()}: {TODO[standing.standing]}")  # fmt: skip
            kind = "debtor_standing"
            if standing.standing in INSOLVENT and open_numbers:
                detail.update(self._to_file(client, debtor, standing, open_numbers))
        else:
            title = (f"The bank says debtor {debtor.number} died ({reason}): confirm the "
                     "standing deceased with its day, or lift it; nothing is sent or collected meanwhile")  # fmt: skip
            kind = "debtor_standing_proposed"
        return ActionItem(
            client_id=client.client_id, action_id=item_id(debtor.number, standing), kind=kind,
            title=title, created_at=self.clock.now(), debtor_number=debtor.number,
            invoice_numbers=open_numbers, detail=detail,
        )  # fmt: skip

    def _follow_ended(self, client: Client, debtor: Debtor) -> None:
        """The filing item of each bankruptcy or WSNP of the debtor's that ended, brought to
        the money received while it held and booked since (a statement that came late, a
        payment back-dated; standing15 #3): the day received decides (art. 23 Fw), and such
        money is the curator's to claim back as money booked during the ruling, so the item
        is opened again with it for staff to decide (and the settlement run holds it until
        then). An item of a ruling that ended with nothing received in it is not written."""
        for ruling in ended_rulings(debtor.standing):
            if ruling.standing not in INSOLVENT or not ruling.confirmed:
                continue
            found = self.repos.actions.get(client.client_id, item_id(debtor.number, ruling))
            filed = found[0].invoice_numbers if found is not None else ()
            item = self._standing_item(client, debtor, ruling, filed=filed)
            if found is None and not item.detail.get("paid_after_ruling"):
                continue
            if found is not None and "to_file" in found[0].detail:
                # the figure filed stays the item's: after a ruling ended otherwise interest
                # runs again (from its end) and today's figures no longer tell its day
                kept = {**item.detail, "to_file": found[0].detail["to_file"]}
                item = replace(item, detail=kept)
            self._refresh(client, item)

    def money_booked(self, client: Client, invoice_numbers: Sequence[str]) -> None:
        """Money was booked on (or taken back from) these claims: the debtor of one of a ruling
        that ended (its ``h|`` row, :meth:`_note_ended_claims`) is marked (``STANDING_ROW``, not
        pending) for the daily run to bring that ruling's filing item to the money received
        while it held (:meth:`_follow_ended`). A mark standing is left as it is."""
        if not invoice_numbers or not client.rulings_ended:
            return  # no ruling of the client's ever ended: no h| row to read (codereview15 F1)
        # one batched read of the claims' h| rows, whatever their number, and no debtor read
        # (a statement window books many claims and reads no debtor)
        noted = self.repos.invoices.marks_of(client.client_id, ENDED_RULING_CLAIM_ROW,
                                             [encode(n) for n in invoice_numbers])  # fmt: skip
        for number in sorted({str(m.get("debtor")) for m in noted.values() if m.get("debtor")}):
            follow_money(self.repos, client.client_id, number, self.clock.now())

    def money_taken_back(self, client: Client, invoice_numbers: Sequence[str]) -> None:
        """A payment on these claims came back: as :meth:`money_booked`, also when ``client``
        was read before a ruling of its ended (``rulings_ended`` unset on it; a return is
        rare, and a storno of money received under the ruling must reach its filing item:
        law15b #5). With the flag read set, :meth:`money_booked` read the rows already."""
        if not client.rulings_ended:
            self.money_booked(replace(client, rulings_ended=True), invoice_numbers)

    def _refresh(self, client: Client, item: ActionItem) -> None:
        """``item`` written, or the one there brought to its claims and figures (under its
        ETag: a colleague's change meanwhile is read again). One that staff resolved is
        opened again when it gains a claim or a payment received after the ruling (a claim
        not filed yet is theirs to file, money the curator may claim back theirs to decide
        on) or when the figure to file changed (a payment of before the ruling came back or
        was booked late: law14b A, E): the claim filed is to be corrected with the curator or
        administrator (art. 119, 127 Fw), so the item keeps the figure it was resolved on
        (``to_file_resolved``) and says the difference (``to_file_change``) until staff
        resolve it again."""
        for _ in range(5):
            found = self.repos.actions.get(client.client_id, item.action_id)
            etag = found[1] if found is not None else None
            if found is None or etag is None:
                if self.repos.actions.add_once(item):
                    return
                continue  # another writer's item: read and brought up to date
            have = found[0]
            # a payment listed that came back (a storno: never paid, 6:114 BW) changes what
            # staff tell the curator as much as one gained (law15b #5)
            gained = set(item.invoice_numbers) - set(have.invoice_numbers) or (
                _payments_listed(item.detail) ^ _payments_listed(have.detail)
            )
            resolved = have.status is ActionStatus.RESOLVED
            was, now = _cents(have.detail.get("to_file")), _cents(item.detail.get("to_file"))
            moved = was is not None and now is not None and was != now
            if (
                not gained
                and not (resolved and moved)
                and (
                    resolved
                    or (have.invoice_numbers, have.detail) == (item.invoice_numbers, item.detail)
                )
            ):
                return  # nothing new to file
            claims = tuple(sorted({*have.invoice_numbers, *item.invoice_numbers}))
            kept = {k: v for k, v in have.detail.items() if k not in FIGURES}
            detail = {**kept, **item.detail}
            filed = was if resolved else _cents(have.detail.get(RESOLVED_ON))
            if filed is not None and now is not None and filed != now:
                detail[RESOLVED_ON], detail[CHANGE] = filed, now - filed
            updated = replace(have, invoice_numbers=claims, detail=detail)
            if resolved and (gained or moved):
                updated = replace(updated, status=ActionStatus.OPEN, resolved_at=None,
                                  resolution=None)  # fmt: skip
            if updated == have:
                return
            try:
                self.repos.actions.save(updated, etag)
                if resolved and moved:
                    log.info("a ruling's filing figure changed after it was resolved",
                                extra=log_extra({"client_id": client.client_id,
                                                 "change": (now or 0) - (was or 0)}))  # fmt: skip
                return
            except (PreconditionFailed, Conflict):
                continue
        raise ConflictingUpdate(
            f"action {item.action_id} keeps changing; retry",
            code="action_keeps_changing",
            params={"action": item.action_id},
        )

    def not_claimable(self, client: Client, debtor: Debtor) -> list[tuple[Invoice, LiftReason]]:
        """The debtor's open claims a clean slate or an akkoord left as natural obligations
        (art. 6:3 BW), with how: not claimed, shown as such; a payment made anyway is kept."""
        if debtor.standing is None:
            return []
        out = []
        for inv in self.repos.invoices.for_debtor(client.client_id, debtor.number):
            how = natural_obligation(debtor, inv)
            if how is not None and inv.is_collectable:
                out.append((inv, how))
        return sorted(out, key=lambda x: x[0].number)

    def _to_file(
        self, client: Client, debtor: Debtor, standing: DebtorStanding, numbers: tuple[str, ...]
    ) -> dict[str, object]:
        """What the curator or administrator is told, each claim as it stood on the ruling's
        day as the ledger knows it now (art. 26, 110, 128 Fw: costs and interest up to it,
        nothing after; a payment of before it that came back never paid, one booked late paid
        on its day: :mod:`shared.domain.ruling_filing`), and the money received from that day
        on (art. 23 Fw: the debtor no longer disposed of his estate; the curator may claim it
        back): for staff to decide, keep, return or file net. A ruling that ended lists the
        money received until its end (after it the debtor disposed of his own again)."""
        claims = self.ledger.debtor_claims(client, debtor.number, debtor)
        today = self.ledger.open_claims(client, list(numbers), debtor=debtor,
                                        every_invoice=list(claims.invoices.values()))  # fmt: skip
        found = filing(claims.records, today, set(numbers), standing.since, standing.lifted_on)
        # cents, as every amount an item keeps: the console formats them per language
        detail: dict[str, object] = {"to_file": found.to_file}
        if found.paid_after:
            detail["paid_after_ruling"] = [
                {"payment": pid, "amount": net, "received_on": day.isoformat()}
                for day, pid, net in found.paid_after
            ]
        return detail

    def _resolve_proposal(self, client: Client, before: Debtor | None, why: str) -> None:
        if before is None or before.standing is None or before.standing.confirmed:
            return
        self._resolve(client, item_id(before.number, before.standing), why)

    def _resolve(self, client: Client, action_id: str, why: str) -> None:
        found = self.repos.actions.get(client.client_id, action_id)
        if found is None or found[1] is None or found[0].status is ActionStatus.RESOLVED:
            return
        item = replace(found[0], status=ActionStatus.RESOLVED, resolved_at=self.clock.now(),
                       resolution=why)  # fmt: skip
        try:
            self.repos.actions.save(item, found[1])
        except (PreconditionFailed, Conflict):
            pass  # resolved by a person meanwhile

    def _add(self, client: Client, item: ActionItem) -> None:
        # once: told before (a retry)
        self.repos.actions.add_once(item)


Span = tuple[date, date | None]

# the filing item's figure when staff resolved it, and what it changed by since (law14b A, E:
# the filed claim is to be corrected); kept until the figure is the one filed again
RESOLVED_ON = "to_file_resolved"
CHANGE = "to_file_change"

# the claims of a ruling its filing item names that are disputed (filed as such)
DISPUTED = "disputed"

# the filing item's figures: written whole by each refresh (a reversed payment drops out, a
# dispute settled is no longer marked)
FIGURES = ("to_file", "paid_after_ruling", RESOLVED_ON, CHANGE, DISPUTED)


def _cents(value: object) -> int | None:
    """A figure an item keeps: cents, or the text an item written before kept ("1159.32")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int((Decimal(value.strip()) * 100).to_integral_value())
        except (InvalidOperation, ValueError):
            return None
    return None


def _payments_listed(detail: Mapping[str, object]) -> set[str]:
    """The payments a filing item lists as received after the ruling (an item written before
    they were kept as records lists them as "p1 500.00 (2026-02-20), ...")."""
    listed = detail.get("paid_after_ruling")
    if isinstance(listed, list):
        return {str(x.get("payment")) for x in listed if isinstance(x, dict)}
    if isinstance(listed, str):
        return {part.strip().split(" ")[0] for part in listed.split(",") if part.strip()}
    return set()


def _spans(
    debtor: Debtor, standing: DebtorStanding, inv: Invoice
) -> tuple[Span, Span | None] | None:
    """The costs hold and interest stop ``standing`` puts on the claim, or None (none)."""
    ours = in_ruling(standing, inv)
    stop_day = interest_stop_day(debtor, standing.since)
    if holds(standing):
        stop = (stop_day, None) if standing.stops_interest and ours else None
        return (standing.since, None), stop
    if standing.ruling_ended and ours:
        until = standing.lifted_on if standing.lift_reason is LiftReason.ENDED else None
        return (standing.since, None), (stop_day, until)
    return None


def ended_ruling_ref(place: int) -> str:
    """The ref of the holds of the ``place``-th ruling that ended before the standing now
    recorded (0: the newest, the ref a single one had before more were kept)."""
    return ENDED_RULING_REF if place == 0 else f"{ENDED_RULING_REF}-{place + 1}"


def _open_on(inv: Invoice, standing: DebtorStanding, paid: Mapping[str, date]) -> bool:
    """Whether the claim was still owed on the standing's day: open, disputed, or paid by
    money received from that day on (a credit or a withdrawal: never owed)."""
    if inv.status is InvoiceStatus.PAID:
        return paid.get(inv.number, date.min) >= standing.since
    return inv.status not in CLOSED


def _said(standing: DebtorStanding | None) -> str:
    if standing is None or not standing.in_force:
        return "normal"
    return f"{standing.standing.value} since {standing.since.isoformat()}" + (
        "" if standing.confirmed else " (proposed)"
    )


def _keeps_mark(debtor: Debtor) -> bool:
    """Whether the debtor's mark stays once his standing's steps are done: a confirmed
    bankruptcy or WSNP in force (its filing item follows the money received)."""
    s = debtor.standing
    return s is not None and holds(s) and s.confirmed and s.standing in INSOLVENT


def _marked_at(mark: Mapping[str, object]) -> datetime:
    """When the mark was written (one without a time: long ago)."""
    try:
        return datetime.fromisoformat(str(mark["at"]))
    except (KeyError, ValueError):
        return datetime.min.replace(tzinfo=UTC)


def _ruling_stays(now: DebtorStanding | None, standing: Standing, since: date) -> None:
    """Refuses a death recorded over a bankruptcy or WSNP in force, whatever its day (attack15
    P3: 'deceased' of 4-3 set over the bankruptcy of 10-2 replaced it, so its interest stop
    went, F1 9.32 -> 21.48 on 1-6, and the 500.00 held under it was paid out; law15b #2: a
    death of 1-2, before the ruling, did the same). A death does not end a bankruptcy (the
    curator winds up the estate; a WSNP that ends by it goes on as the estate's bankruptcy,
    art. 350 Fw), and a death before the ruling's day is the normal case of an estate's own
    bankruptcy (art. 193 e.v. Fw), no proof that the ruling is an error. So the ruling keeps
    stopping the interest (art. 128 Fw) and the money received under it waits for a person's
    decision (art. 23 Fw). Staff lift the ruling with how it ended (a mistake: as a mistake)
    first (a WSNP the death ended: they record the estate's bankruptcy over it); a standing set after that keeps a ruling that ended (the ``ended`` chain). Another
    ruling set over it corrects it (on or before its day, or of its own kind) or succeeds it
    (:func:`succeeds`)."""
    if now is None or not now.confirmed or now.standing not in INSOLVENT:
        return
    if standing is not Standing.DECEASED:
        return
    held = f"the debtor's {now.standing.value} since {now.since.isoformat()} holds: "
    # a WSNP ends by the death and the estate is bankrupt by law (art. 350 lid 3 a, lid 5 Fw):
    # lifting it and recording the death would let the interest run (law15c F3)
    raise Invalid(
        held + "his death ends the WSNP and leaves his estate bankrupt by law (art. 350 Fw); "
        "do not lift it: record the estate's bankruptcy from the day the court ended the "
        "WSNP, which succeeds it and keeps its interest stop and held money"
        if now.standing is Standing.WSNP
        else held + "his death does not end it (the curator winds up the estate); lift it "
        "first with how it ended (or as a mistake), then record the death",
        field="standing",
        code="standing_ruling_in_force",
        params={"standing": now.standing.value, "day": now.since},
    )


def _succeeded(debtor: Debtor, wanted: DebtorStanding, author: str, by_agency: bool) -> Debtor:
    """``debtor`` with the ruling in force that ``wanted`` succeeds (:func:`succeeds`) ended
    on ``wanted``'s day, so :meth:`DebtorStandingService._set_to` keeps it in the chain of
    rulings that ended (its interest stop for its period, the money received under it held
    until a person decides: law15b #3); otherwise as it is (a correction replaces it)."""
    now = debtor.standing
    if now is None or not holds(now) or not succeeds(now, wanted):
        return debtor
    return replace(debtor, standing=with_lift(now, wanted.since, LiftReason.ENDED, author,
                                              agency=by_agency))  # fmt: skip


def _keeping_returns(debtor: Debtor, wanted: DebtorStanding) -> DebtorStanding:
    """The standing a person sets, with the bank returns that proposed one before: lifted
    later, none of them proposes it again."""
    seen = debtor.standing.proposed_by if debtor.standing is not None else ()
    return replace(wanted, proposed_by=seen) if seen else wanted
