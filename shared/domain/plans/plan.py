"""A payment plan as an agreement: what it covers, its schedule, and the transitions staff,
the debtor and the daily run may make.

A plan is a draft until approved: everything in it can change, and every change keeps it a
draft. Activation freezes the installments; afterwards only the tolerance, communication,
pause and resume change (and the run: payments, reminders, breach, completion).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from shared.clock import amsterdam_date
from shared.domain.money import Cents
from shared.domain.plans.progress import (
    InstallmentState,
    Standing,
    installment_states,
    standing,
)
from shared.domain.plans.rules import PlanRules
from shared.domain.plans.schedule import Period, PlanMethod, ScheduledInstallment, respread
from shared.domain.reasons import CodedError


class PlanStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    DUE = "due"
    COLLECTION_IN_PROGRESS = "collection_in_progress"  # a direct debit is under way
    OVERDUE = "overdue"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


RUNNING = frozenset(
    {PlanStatus.ACTIVE, PlanStatus.DUE, PlanStatus.OVERDUE, PlanStatus.COLLECTION_IN_PROGRESS}
)
# while a plan is in one of these, the dunning workflow of its invoices is held
HOLDS_DUNNING = RUNNING | {PlanStatus.PAUSED}


# the author of what the debtor does himself in the portal (a plan he proposes or accepts)
DEBTOR_PORTAL = "debtor (portal)"


class Consent(StrEnum):
    """How the debtor agreed to a plan: his own act, which alone makes the plan an
    acknowledgement of its claims (art. 3:318 BW; law10 F3). In the portal he does it
    himself; for a plan staff make, staff say how he gave it."""

    PORTAL = "portal"
    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in_person"


# the reason the run cancels a plan with after a breach (staff give reasons of their own)
BREACH = "breach: installments not paid within the tolerance"


class PlanStateError(CodedError):
    """A change the plan's status does not allow (the API answers 409). ``code`` and
    ``params`` let a page say it in its reader's language."""


@dataclass(frozen=True)
class Mandate:
    """A SEPA direct debit mandate the debtor signed for this plan."""

    mandate_id: str
    signed_on: date
    iban: str
    name: str
    bic: str | None = None
    # collected through Mollie: the Mollie customer it belongs to, and Mollie's status of it
    # (valid, pending: a first payment by SEPA transfer not yet confirmed, invalid: revoked)
    customer_id: str | None = None
    status: str = "valid"


class DebitState(StrEnum):
    SUBMITTED = "submitted"  # in a pain.008 file for its collection date
    COLLECTED = "collected"  # the collection date passed: booked as paid
    RETURNED = "returned"  # an R-transaction (or chargeback) took it back
    WITHDRAWN = "withdrawn"  # taken out before its date (cancel, pause, postponement)


@dataclass(frozen=True)
class DirectDebit:
    number: int  # the installment
    attempt: int
    collection_date: date
    amount: Cents
    end_to_end_id: str
    first: bool  # the mandate's first collection (sequence FRST)
    state: DebitState = DebitState.SUBMITTED
    reason: str | None = None  # the bank's reason code when it came back (AC04, MD01 ...)
    # "file": a collection in our pain.008 file; "mollie": a Mollie payment (first or
    # recurring) whose id is ``end_to_end_id`` and whose webhook books it
    via: str = "file"
    # the day the bank's rejection or return (or Mollie's failure) was known: the installment's
    # grace runs from then (None: collected, under way, or a return stored before this was kept)
    returned_on: date | None = None

    @property
    def payment_id(self) -> str:
        if self.via == "mollie":
            return f"mollie-{self.end_to_end_id}"  # the id online payments book Mollie money under
        return f"sdd-{self.end_to_end_id}"

    @property
    def standing(self) -> bool:
        """Still to be collected, or collected: it counts for its installment."""
        return self.state in (DebitState.SUBMITTED, DebitState.COLLECTED)


@dataclass(frozen=True)
class PaymentPlan:
    client_id: str
    plan_id: str
    debtor_number: str
    invoice_numbers: tuple[str, ...]
    include_costs: bool
    method: PlanMethod
    start: date
    period: Period
    total: Cents
    payment_reference: str  # the plan's own betalingskenmerk
    schedule: tuple[ScheduledInstallment, ...]
    rules: PlanRules
    created_at: datetime
    created_by: str
    status: PlanStatus = PlanStatus.DRAFT
    activated_at: datetime | None = None
    # the Amsterdam day of the activation, from which money counts towards the plan
    # (``money_since``); None on plans activated before it was kept
    activated_on: date | None = None
    paid: Cents = 0  # what the payments that stand have brought, as last seen
    failed: frozenset[int] = field(default_factory=frozenset)
    skipped: frozenset[int] = field(default_factory=frozenset)
    reason: str | None = None  # why paused or cancelled
    mandate: Mandate | None = None
    debits: tuple[DirectDebit, ...] = ()
    reminded: frozenset[str] = field(default_factory=frozenset)  # "n@yyyy-mm-dd" already sent
    attention_on: date | None = None  # the next day the daily run looks at this plan
    # stopped running (cancelled, completed) and its invoices' holds not yet known released:
    # the run looks the next day and releases them (again), so a release that failed after
    # the plan was saved is never left behind
    releasing: bool = False
    # a breach cancelled the plan and the debtor, the client and the action list are not yet
    # known told: the id the action item and the timeline entries take, so a redelivery that
    # tells them again writes the same rows and the same outbox keys (keyed by it: a plan kept
    # after a lapse that lapses again is told again, failure14b Q6)
    lapse_to_tell: str = ""
    # the figures that lapse is told with (``shared/services/plans/lapse_figures.py``, JSON),
    # pinned by its first telling: a repeat after a failure tells what the debtor was told,
    # not the ledger of that later moment (failure14b Q4); "" until then
    lapse_owed: str = ""
    # activated and the debtor not yet known sent the agreement (nor the timeline and contact
    # log told): the id those rows take, so the repeat that finishes it (the API's activate or
    # the decision again, or the daily run) writes the same rows and the outbox key sends once
    activation_to_tell: str = ""
    # a notice the debtor is owed by a change saved with it, and not yet known sent: its
    # lowered schedule, or that a lapsed plan runs on after all (failure9 #4, #5): "<id> <what>",
    # the id its rows take, <what> its outbox key (``shared/services/plans/owed_notices.py``)
    notice_to_tell: str = ""
    # the day its total was computed (the open claim on that day): a plan over the whole claim
    # freezes interest from then while it is kept; None on plans stored before (created day)
    priced_on: date | None = None
    # the day it was cancelled (by staff or a breach): interest runs again from that day
    ended_on: date | None = None
    # the day and the way the debtor agreed to it (his portal proposal, or what staff
    # recorded: a call, an e-mail, a letter); None: no consent recorded, so the plan is the
    # creditor's offer and interrupts no prescription (a mandate he signed or an installment
    # he pays still does)
    agreed_on: date | None = None
    agreed_how: Consent | None = None
    # the day staff last added invoices to the draft: what the debtor did for the plan before
    # (his portal proposal, a mandate he signed) named only the invoices it had then, so it
    # is kept on those claims (prescription decisions) and no longer counts for the plan's
    # (3:318 BW: his act acknowledges what it named; ack11 #2); None: never widened
    widened_on: date | None = None
    # installments a payment that came back (a transfer the bank returned, a refund, a
    # reversal; not one of the plan's own collections: those keep ``DirectDebit.returned_on``)
    # left unpaid, and the day that was seen: the debtor is told then and the installment's
    # grace runs from that day (law16 F4: lapsed the next morning, unsaid)
    came_back: tuple[tuple[int, date], ...] = ()
    # the collection agency whose plan this is (agencyplan26): made by the agency on the
    # invoices of its open case, paid to its third-party account, its news and lapse on the
    # agency's list; None: the client's own plan (every plan stored before)
    agency_id: str | None = None

    @property
    def freezes_interest(self) -> bool:
        """A plan over the whole claim: its total is the claim on ``priced_on``, so no
        interest accrues on its invoices while it is kept ("rente bevroren tijdens de
        regeling"); a plan over the principal only leaves costs and interest as they run."""
        return self.include_costs and self.priced_on is not None

    @property
    def interest_frozen(self) -> tuple[date, date | None]:
        """The days interest is frozen, [from, until): until the day it was cancelled (the
        debtor kept it until then; reviving the interest of those days would punish the part
        he kept), open while it runs or once it is completed. A plan the creditor ended while
        the debtor kept it freezes it to the same day its costs wait for
        (:attr:`costs_held_until`): he was granted the plan's days and "no more interest while
        you keep it" was part of the grant (law16b F1: 6,000.00 over 12 months cancelled by
        staff in month 2 and paid on every day as agreed left 105.92 open)."""
        start = self.priced_on or self.created_at.date()  # (priced_on is set on every plan now)
        if self.status is not PlanStatus.CANCELLED or self.ended_on is None:
            return start, None
        end = max(self.ended_on, self.costs_held_until or self.ended_on)
        return start, max(start, end)

    @property
    def costs_held_until(self) -> date | None:
        """The first day the collection costs can be owed after this plan (agreed inside the
        14-day term; ``shared.domain.ledger.arrangements``); None while it runs or once kept
        to the end. A breach (the run's lapse, or staff cancelling a plan already past its
        grace) makes them owed from the day it ended. A plan the creditor ends while the
        debtor keeps it is no failure of his (6:96 lid 6 BW, HR 25-11-2016): he was granted
        the plan's days to pay, so the costs can be owed only from the day after the last
        installment's grace, over what he has not paid by then (law16 F2: 75.00 costs from
        the day staff cancelled a kept plan, 84.80 left open after he paid as agreed)."""
        if self.status is not PlanStatus.CANCELLED or self.ended_on is None:
            return None
        if self.lapsed:
            return self.ended_on
        judged = replace(self, status=PlanStatus.ACTIVE, reason=None, skipped=frozenset())
        if judged.breached(self.ended_on):
            return self.ended_on
        grace = timedelta(days=self.rules.tolerance_days + 1)
        last = max((self.grace_from(i) + grace for i in self.schedule), default=self.ended_on)
        return max(self.ended_on, last)

    @property
    def holds_dunning_until(self) -> date | None:
        """A plan the creditor ended while the debtor kept it: the first day the dunning
        workflow may take its invoices back (:attr:`costs_held_until`; the cancel notice tells
        him he may pay until the day before and nothing is asked of him meanwhile: law16b F4,
        a 14-day letter threatening 45.00 costs went out nine days after such a notice). None
        for a plan that runs, was completed, or ended on a breach."""
        until = self.costs_held_until
        if until is None or self.ended_on is None or until <= self.ended_on:
            return None
        return until

    def installments(self, today: date) -> list[InstallmentState]:
        return installment_states(
            list(self.schedule),
            self.paid,
            today,
            self.rules,
            failed=self.failed,
            skipped=self.skipped,
            own=self.collected,
        )

    @property
    def collected(self) -> dict[int, Cents]:
        """What each installment's own collections that stand collected: the debtor's payment
        of that installment, whichever of the others came back (law14b B)."""
        out: dict[int, Cents] = {}
        for d in self.debits:
            if d.state is DebitState.COLLECTED:
                out[d.number] = out.get(d.number, 0) + d.amount
        return out

    @property
    def counts_from(self) -> dict[int, date]:
        """Installments whose grace runs from a day after their due date: the day the bank's
        return of their collection was known (the debtor is told then and gets the grace to
        pay from that day; law14b B, C), the day a payment that had paid them was seen to have
        come back (``came_back``, law16 F4), or the date of the collection made for them (a
        retry, a weekend): nobody is in breach for money not yet asked."""
        out: dict[int, date] = {}
        for d in self.debits:
            day = (
                d.returned_on
                if d.state is DebitState.RETURNED
                else (d.collection_date if d.state is DebitState.SUBMITTED else None)
            )
            if day is not None:
                out[d.number] = max(out.get(d.number, day), day)
        for number, day in self.came_back:
            out[number] = max(out.get(number, day), day)
        return out

    @property
    def money_since(self) -> date:
        """The day from which money counts towards the (activated) plan: its activation's
        Amsterdam day. ``activated_at``'s own date is UTC's: a plan activated between 00:00 and
        02:00 in Amsterdam counted the day before's payments, already off its total, as paid
        towards its first installment (failure24 F6). A plan activated before the day was kept
        counts from that UTC day still: moving it would read the money it counted as a
        payment that came back."""
        if self.activated_on is not None:
            return self.activated_on
        assert self.activated_at is not None, "only an activated plan counts money"
        return self.activated_at.date()

    def grace_from(self, inst: ScheduledInstallment) -> date:
        """The day this installment's grace runs from (its due date, or later: ``counts_from``)."""
        return max(inst.due_date, self.counts_from.get(inst.number, inst.due_date))

    @property
    def open(self) -> Cents:
        return max(0, self.total - self.paid)

    # -- drafts ------------------------------------------------------------------------------
    def redraft(self, **changes: object) -> PaymentPlan:
        if self.status is not PlanStatus.DRAFT:
            raise PlanStateError(
                f"plan {self.plan_id} is {self.status.value}; only drafts change",
                code="plan_only_drafts_change",
                params={"plan": self.plan_id, "status": self.status},
            )
        return replace(self, **changes)  # type: ignore[arg-type]

    def activate(self, at: datetime) -> PaymentPlan:
        if self.status is not PlanStatus.DRAFT:
            raise PlanStateError(
                f"plan {self.plan_id} is {self.status.value}, not a draft",
                code="plan_not_draft",
                params={"plan": self.plan_id, "status": self.status},
            )
        if (
            self.method is PlanMethod.DIRECT_DEBIT
            and self.mandate is None
            and not self.rules.collects_through_mollie
        ):
            raise PlanStateError(
                "a direct-debit plan needs a signed mandate before activation",
                code="plan_needs_mandate",
            )
        return replace(
            self, status=PlanStatus.ACTIVE, activated_at=at, activated_on=amsterdam_date(at)
        )

    # -- running -----------------------------------------------------------------------------
    def pause(self, reason: str) -> PaymentPlan:
        if not reason.strip():
            raise PlanStateError("a pause needs a reason", code="plan_pause_no_reason")
        if self.status not in RUNNING:
            raise PlanStateError(
                f"plan {self.plan_id} is {self.status.value}; it cannot pause",
                code="plan_cannot_pause",
                params={"plan": self.plan_id, "status": self.status},
            )
        return replace(self, status=PlanStatus.PAUSED, reason=reason.strip())

    def resume(self, today: date) -> PaymentPlan:
        if self.status is not PlanStatus.PAUSED:
            raise PlanStateError(
                f"plan {self.plan_id} is {self.status.value}, not paused",
                code="plan_not_paused",
                params={"plan": self.plan_id, "status": self.status},
            )
        return replace(self, status=PlanStatus.ACTIVE, reason=None).settle(self.paid, today)

    def cancel(self, reason: str, today: date) -> PaymentPlan:
        """Cancelled by staff or by a breach: what is unpaid is skipped, the rest stays paid."""
        if not reason.strip():
            raise PlanStateError("a cancellation needs a reason", code="plan_cancel_no_reason")
        if self.status in (PlanStatus.CANCELLED, PlanStatus.COMPLETED, PlanStatus.DRAFT):
            raise PlanStateError(
                f"plan {self.plan_id} is {self.status.value}; it cannot cancel",
                code="plan_cannot_cancel",
                params={"plan": self.plan_id, "status": self.status},
            )
        unpaid = frozenset(s.number for s in self.installments(today) if s.paid < s.amount)
        return replace(
            self, status=PlanStatus.CANCELLED, reason=reason.strip(), skipped=unpaid, releasing=True,
            ended_on=today,
        )  # fmt: skip

    @property
    def lapsed(self) -> bool:
        """Cancelled by the run for a breach (not by staff)."""
        return self.status is PlanStatus.CANCELLED and self.reason == BREACH

    def kept_after_all(
        self, paid_in_grace: Cents, paid_now: Cents, today: date
    ) -> PaymentPlan | None:
        """A lapsed plan as it runs on, when the money received by the last day of the grace
        (``paid_in_grace``: a transfer booked from a later statement, an online payment whose
        webhook came late) means it did not breach when it lapsed, and what stands today
        (``paid_now``) is no breach either; None: the lapse stands. Its installments are
        open again as they were; a plan the run cancelled is never judged on a day before
        it was activated."""
        if not self.lapsed or self.ended_on is None:
            return None
        running = replace(self, status=PlanStatus.ACTIVE, reason=None, skipped=frozenset(),
                          releasing=False, lapse_to_tell="", lapse_owed="", ended_on=None)  # fmt: skip
        if running.settle(paid_in_grace, self.ended_on).breached(self.ended_on):
            return None
        again = running.settle(paid_now, today)
        return None if again.breached(today) else again

    def settle(self, paid: Cents, today: date) -> PaymentPlan:
        """The plan after the money that stands today: completed when all is paid, reopened
        when a reversal took money back after completion, due or overdue by the schedule.
        A breach is not decided here: :meth:`breached` tells, and the caller cancels."""
        plan = replace(self, paid=max(0, paid))
        if plan.status in (PlanStatus.DRAFT, PlanStatus.CANCELLED, PlanStatus.PAUSED):
            return plan
        if plan.status is PlanStatus.COLLECTION_IN_PROGRESS and paid <= self.paid:
            return plan  # the direct debit decides, not the calendar
        now = standing(list(plan.schedule), plan.paid, today, plan.rules, plan.counts_from)
        status = {
            Standing.COMPLETED: PlanStatus.COMPLETED,
            Standing.ACTIVE: PlanStatus.ACTIVE,
            Standing.DUE: PlanStatus.DUE,
            Standing.OVERDUE: PlanStatus.OVERDUE,
            Standing.BREACHED: PlanStatus.OVERDUE,
        }[now]
        if status is PlanStatus.COMPLETED and self.status is not PlanStatus.COMPLETED:
            return replace(plan, status=status, releasing=True)
        if self.status is PlanStatus.COMPLETED and status is not PlanStatus.COMPLETED:
            return replace(plan, status=status, releasing=False)  # reopened: it holds again
        return replace(plan, status=status)

    def breached(self, today: date) -> bool:
        return self.status in RUNNING and (
            standing(list(self.schedule), self.paid, today, self.rules, self.counts_from)
            is Standing.BREACHED
        )

    def with_schedule(self, schedule: list[ScheduledInstallment]) -> PaymentPlan:
        """A recalculation or postponement the rules allow on a running plan: the total
        never changes."""
        if sum(i.amount for i in schedule) != self.total:
            raise PlanStateError(
                "a new schedule must add up to the plan's total", code="plan_schedule_total"
            )
        return replace(self, schedule=tuple(schedule))

    def lower_to(self, new_total: Cents, today: date) -> PaymentPlan:
        """Less is owed than the plan still asks (a waiver, write-off or credit note on its
        invoices): what was paid stays paid, and the new total is spread over the
        installments not yet paid (same dates, the rounding in the last). Never raises it."""
        if new_total >= self.total:
            return self
        # oldest first, as the money lies on the schedule: what was paid stays paid in order
        states = installment_states(list(self.schedule), self.paid, today, self.rules)
        first_open = next((s.number for s in states if s.paid < s.amount), None)
        if first_open is None:
            return self
        head = [i for i in self.schedule if i.number < first_open]
        rest = new_total - sum(i.amount for i in head)
        schedule = respread(list(self.schedule), first_open, rest) if rest > 0 else head
        return replace(self, total=sum(i.amount for i in schedule), schedule=tuple(schedule))

    @property
    def mandate_id(self) -> str | None:
        return self.mandate.mandate_id if self.mandate else None

    def fail(self, number: int) -> PaymentPlan:
        return replace(self, failed=self.failed | {number}, status=PlanStatus.OVERDUE)

    def withdraw(
        self, numbers: frozenset[int] | None = None
    ) -> tuple[PaymentPlan, tuple[DirectDebit, ...]]:
        """Take back the collections of these installments (all when None) that are filed
        but not yet collected; a plan whose collection was under way runs on without one."""
        taken = tuple(
            d
            for d in self.debits
            # a Mollie payment under way is the debtor's bank's now: its outcome is booked
            if d.state is DebitState.SUBMITTED
            and d.via == "file"
            and (numbers is None or d.number in numbers)
        )
        if not taken:
            return self, ()
        debits = tuple(
            replace(d, state=DebitState.WITHDRAWN) if d in taken else d for d in self.debits
        )
        status = self.status
        if status is PlanStatus.COLLECTION_IN_PROGRESS and not any(
            d.state is DebitState.SUBMITTED for d in debits
        ):
            status = PlanStatus.ACTIVE
        return replace(self, debits=debits, status=status), taken

    def collection_needed(self, end_to_end_id: str, paid: Cents, today: date) -> bool:
        """Whether the installment of this collection, which came back, is unpaid without it:
        ``paid`` is what the plan's payments that stand bring now. The plan's other
        collections pay their own installments (a storno of collection 1 after collection 2
        was collected leaves installment 1 unpaid: law14b B); only other money (a transfer,
        the portal) can have paid it meanwhile, and then the collection was a surplus."""
        number = next(d.number for d in self.debits if d.end_to_end_id == end_to_end_id)
        debits = tuple(
            replace(d, state=DebitState.RETURNED) if d.end_to_end_id == end_to_end_id else d
            for d in self.debits
        )
        states = replace(self, paid=paid, debits=debits).installments(today)
        state = next((x for x in states if x.number == number), None)
        return state is not None and state.paid < state.amount

    def debit_came_back(
        self, end_to_end_id: str, reason: str, *, needed: bool = True, on: date | None = None
    ) -> PaymentPlan:
        """A collection the bank rejected or returned, known ``on`` that day: its installment
        fails (staff retry; its grace runs from that day). Not ``needed``: other money paid
        the installment meanwhile (the collection only brought a surplus), so nothing fails;
        a collection under way no longer holds it."""
        debits = tuple(
            replace(d, state=DebitState.RETURNED, reason=reason, returned_on=on)
            if d.end_to_end_id == end_to_end_id
            else d
            for d in self.debits
        )
        number = next(d.number for d in self.debits if d.end_to_end_id == end_to_end_id)
        plan = replace(self, debits=debits)
        if not needed:
            if plan.status is PlanStatus.COLLECTION_IN_PROGRESS and not any(
                d.state is DebitState.SUBMITTED for d in debits
            ):
                return replace(plan, status=PlanStatus.ACTIVE)
            return plan
        if plan.status in RUNNING:
            return plan.fail(number)
        return replace(plan, failed=plan.failed | {number})

    def debit_counts_again(self, end_to_end_id: str) -> PaymentPlan:
        """A collection taken back whose money came back to the creditor after all (the bank
        reversed its chargeback; the debtor's refund through Mollie ``failed`` or was
        ``canceled``: the money stays with the merchant): collected again, and its installment
        no longer failed unless staff retried it meanwhile (a later attempt stands for it).
        Only a returned collection moves: applied twice, the plan is the same."""
        debit = next(
            (d for d in self.debits
             if d.end_to_end_id == end_to_end_id and d.state is DebitState.RETURNED),
            None,
        )  # fmt: skip
        if debit is None:
            return self
        debits = tuple(
            replace(d, state=DebitState.COLLECTED, reason=None, returned_on=None)
            if d == debit
            else d
            for d in self.debits
        )
        later = any(d.number == debit.number and d.attempt > debit.attempt for d in debits)
        failed = self.failed if later else self.failed - {debit.number}
        return replace(self, debits=debits, failed=failed)

    def retry(self, number: int) -> PaymentPlan:
        """Collect a failed installment again: only on a plan that still asks it (a cancelled
        or completed plan collects nothing; law14b C: it answered 200 and did nothing)."""
        if self.status not in RUNNING and self.status is not PlanStatus.PAUSED:
            raise PlanStateError(
                f"plan {self.plan_id} is {self.status.value}; nothing is collected again",
                code="plan_cannot_retry",
                params={"plan": self.plan_id, "status": self.status},
            )
        if number not in self.failed:
            raise PlanStateError(
                f"installment {number} did not fail",
                code="installment_not_failed",
                params={"number": number},
            )
        return replace(self, failed=self.failed - {number})
