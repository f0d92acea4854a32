"""Payment plans as use cases: staff and debtors build them, the daily run works them.

Every change to a stored plan is guarded by its ETag, and every message a plan sends has a
key made of the plan, the installment and its due date, so a redelivered queue message sends
nothing twice, and a postponed installment is reminded again for its new date.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Protocol

from shared.adapters.mollie import MolliePayment
from shared.adapters.tables.plans_repo import PlanRepository
from shared.clock import Clock, amsterdam_today
from shared.domain.ids import time_ordered_id
from shared.domain.invoices import Invoice
from shared.domain.messaging import (
    AS_AGENCY,
    SENT_AS,
    Attachment,
    Channel,
    MessageContent,
    OutboundMessage,
    PostalAddress,
)
from shared.domain.money import Cents, format_cents, format_eur_nl
from shared.domain.parties import Agency, Client, Debtor
from shared.domain.plans import schedule as sched
from shared.domain.plans.plan import (
    BREACH,
    HOLDS_DUNNING,
    RUNNING,
    Consent,
    DebitState,
    DirectDebit,
    Mandate,
    PaymentPlan,
    PlanStatus,
)
from shared.domain.plans.progress import after_early_payment
from shared.domain.plans.rules import PlanRules, ReminderChannel
from shared.domain.plans.schedule import Period, PlanMethod, ScheduleError
from shared.domain.plans.sepa_calendar import next_sepa_business_day
from shared.domain.plans.timeline import shown_once
from shared.domain.records import ActionItem, ActionStatus, ContactEntry, ContactKind, PaymentSource
from shared.domain.references import betalingskenmerk
from shared.ports.files import FileStore
from shared.ports.queues import QueueSender
from shared.ports.tables import Conflict, PreconditionFailed
from shared.services.account_ownership import debtor_account
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.handed_over import refuse_handed_over
from shared.services.ledger.costs_holds import ended_plan_costs_ref, plan_costs_ref
from shared.services.ledger.plan_parts import PlansById
from shared.services.named_account import NAMED_ACCOUNT
from shared.services.payments import PaymentService
from shared.services.plans import account_hold, notices, owed_notices, statements_wait
from shared.services.plans.agency_party import (
    CASE_WITHDRAWN,
    agency_plan_reference,
    items_scope,
    refuse_for_party,
    refuse_other_party,
)
from shared.services.plans.direct_debit import (
    COLLECTED_INTO,
    DirectDebitDesk,
    DirectDebitError,
    creditor_of,
)
from shared.services.plans.dispute_pause import held_since as dispute_held_since
from shared.services.plans.lapse_figures import OwedOnLapse, owed_detail, pinned, unpinned
from shared.services.plans.mollie_collection import MollieCollections
from shared.services.plans.run_hold import RunHold
from shared.services.sandbox_gate import require_approved

if TYPE_CHECKING:
    from shared.services.plans.mollie_plans import MolliePlanDesk
from shared.services.plans.money import PlanMoney
from shared.services.repositories import Repositories

INSTALLMENT_QUEUE = "installments"
COLLECTION_LEAD_DAYS = 5  # a collection joins its file this long before its date
log = logging.getLogger("inning.plans")
RETRIES = 5
# how long a breach waits for an installment's online payment the debtor made (its webhook
# job late): the reconcile run asks Mollie about unbooked payments well within it
ONLINE_WAIT_DAYS = 2
# the days after a grace's end a running plan in arrears is looked at daily: a breach may wait
# that long for an online payment or the bank statements of the grace's last days
BREACH_WAIT_DAYS = max(ONLINE_WAIT_DAYS, statements_wait.FEED_DAYS)
# how long after a lapse money dated within its grace still makes the plan run on
KEPT_WITHIN_WEEKS = 4


class PlanConflict(ConflictingUpdate):
    """The plan's status does not allow this change (HTTP 409)."""


@dataclass(frozen=True)
class PlanRequest:
    debtor_number: str
    invoice_numbers: tuple[str, ...]
    include_costs: bool
    method: PlanMethod
    start: date
    period: Period
    installments: int | None = None
    installment_amount: Cents | None = None
    schedule: tuple[tuple[date, Cents], ...] = ()
    # the debtor's consent to the plan, its day and how he gave it (both or neither): only
    # a plan he agreed to acknowledges its claims (3:318 BW; law10 F3)
    agreed_on: date | None = None
    agreed_how: Consent | None = None


class Outbox(Protocol):
    def enqueue(self, message: OutboundMessage, content: MessageContent) -> bool: ...

    def queue_again(self, message: OutboundMessage) -> None: ...


def _invalid(error: ScheduleError) -> Invalid:
    return Invalid(str(error), field=error.field, code=error.code, params=error.params)


class PlanService:
    def __init__(
        self,
        repos: Repositories,
        plans: PlanRepository,
        money: PlanMoney,
        messaging: Outbox,
        queues: QueueSender,
        clock: Clock,
        resume_dunning: Callable[[str, list[Invoice]], None] | None = None,
        payments: PaymentService | None = None,
        files: FileStore | None = None,
    ) -> None:
        self.resume_dunning = resume_dunning
        self.payments = payments
        self.desk = DirectDebitDesk(repos, files, clock, plans.rules) if files is not None else None
        # direct debits collected through Mollie (set by the container; None: not wired)
        self.mollie: MollieCollections | None = None
        # a collection the bank returned because the debtor died (MD07) before it was booked
        # (a rejection): his standing is proposed (set by the container)
        self.deceased_return: Callable[[Client, str, str, str], object] | None = None
        # the debtor's portal link for the plan's letters (client id, debtor number; set by
        # the container; None: no link printed)
        self.portal_link: Callable[[str, str], str] | None = None
        self._working = threading.local()
        self.repos = repos
        self.plans = plans
        self.money = money
        self.messaging = messaging
        self.queues = queues
        self.clock = clock
        # the restore's money hold, read once per installment run (``run_hold``)
        self.run_hold = RunHold(self._money_held)

    def _money_held(self, what: str) -> bool:
        from shared.services.operations.money_hold import MoneyHold

        return MoneyHold.of(self.repos, self.clock).stops(what)

    # -- rules -----------------------------------------------------------------------------
    def rules(self, client: Client) -> PlanRules:
        return self.plans.rules(client.client_id)

    def set_rules(self, client: Client, changes: dict[str, object]) -> PlanRules:
        from shared.adapters.tables.plans_repo import rules_from, rules_json

        merged = {**rules_json(self.plans.rules(client.client_id)), **changes}
        try:
            rules = rules_from(merged)
        except ScheduleError as e:
            raise _invalid(e) from e
        except (TypeError, ValueError) as e:
            raise Invalid(str(e)) from e
        self.plans.set_rules(client.client_id, rules)
        return rules

    # -- building ----------------------------------------------------------------------------
    def _build(
        self, client: Client, req: PlanRequest, rules: PlanRules, agency_id: str | None = None
    ) -> tuple[Cents, list[sched.ScheduledInstallment]]:
        debtor = self.repos.debtors.get(client.client_id, req.debtor_number)
        if debtor is None:
            raise _invalid(ScheduleError("debtor", f"debtor {req.debtor_number} not found"))
        if not req.invoice_numbers:
            raise _invalid(ScheduleError("invoices", "a plan covers at least one invoice"))
        stored = self.repos.invoices.get_many(client.client_id, list(req.invoice_numbers))
        for number in req.invoice_numbers:
            inv = stored.get(number)
            if inv is None or inv.invoice.debtor_number != req.debtor_number:
                raise _invalid(ScheduleError("invoices", f"invoice {number} is not this debtor's"))
            if not inv.invoice.is_collectable:
                raise _invalid(
                    ScheduleError("invoices", f"invoice {number} is {inv.invoice.status.value}")
                )
        # the agency collects a handed-over invoice: no plan of the client's over it, and the
        # agency's plan over those it collects only (agency_party)
        refuse_for_party(self.repos, agency_id, [stored[n].invoice for n in req.invoice_numbers])
        if agency_id is not None and not req.include_costs:
            # the agency collects the claim as its case books it: costs, interest, principal
            # in the order of 6:44 BW; waiving that order is the client's to agree
            raise Invalid(
                "an agency's plan covers the whole claim as the case books it (costs, "
                "interest and principal): include_costs must be true",
                field="include_costs",
                code="plan_agency_whole_claim",
            )
        if agency_id is not None and req.method is PlanMethod.DIRECT_DEBIT:
            # a collection runs under the client's creditor id into the client's account:
            # the agency's debtor pays its third-party account by transfer
            raise Invalid(
                "an agency's plan is paid by transfer to the agency's third-party account",
                field="method",
                code="plan_agency_transfer_only",
            )
        today = amsterdam_today(self.clock)
        if req.start < today:
            raise _invalid(ScheduleError("start", "a plan cannot start in the past"))
        _refuse_start_past_term(rules, req.start, req.method, today)
        amounts = self.money.open_amounts(
            client, req.debtor_number, list(req.invoice_numbers), req.include_costs, today
        )
        total = sum(amounts.values())
        try:
            if req.schedule:
                plan = sched.free(total, list(req.schedule), req.method)
            elif req.installments is not None:
                plan = sched.by_count(total, req.start, req.period, req.installments, req.method)
            elif req.installment_amount is not None:
                plan = sched.by_amount(
                    total, req.start, req.period, req.installment_amount, req.method
                )
            else:
                raise ScheduleError(
                    "installments", "give installments, installment_amount or schedule"
                )
        except ScheduleError as e:
            raise _invalid(e) from e
        problems = rules.violations(req.start, plan, req.method)
        if problems:
            raise _invalid(problems[0])
        self._consent(req, today)
        if req.agreed_on is not None and req.agreed_on < today:
            invoices = [stored[n].invoice for n in req.invoice_numbers]
            self._consent_over_prescription(client, debtor[0], invoices, today)
        return total, plan

    def _consent_over_prescription(
        self, client: Client, debtor: Debtor, invoices: list[Invoice], today: date
    ) -> None:
        """A consent staff record with a day before today is refused for a claim the
        prescription watch holds: dated before the claim's prescription date it would revive
        it, a decision the law leaves to a person with a reason (3:318, 3:322 BW): an admin
        records the debtor's act through ``POST …/prescription`` (attack11 A3: a staff key's
        plan with a consent dated the day before moved a held claim's date five years on)."""
        if (number := self._first_held(client, debtor, invoices, today)) is not None:
            raise Invalid(
                f"invoice {number} is held as it may have prescribed; a consent of the debtor "
                f"dated before today is recorded by an admin with its reason "
                f"(POST /v1/clients/{client.number}/invoices/{number}/prescription), or give "
                "today's day",
                field="agreed_by_debtor_on",
                code="plan_consent_prescribed",
                params={"invoice": number},
            )

    def _mandate_over_prescription(self, client: Client, plan: PaymentPlan, today: date) -> None:
        """A mandate's signing day is typed by staff as a consent's day is, and the watch counts
        it as the debtor's act (``debtor_agreed``): the same rule as
        :meth:`_consent_over_prescription` (attack11b B4: a backdated mandate on a draft over a
        held claim moved its date five years on)."""
        debtor = self.repos.debtors.get(client.client_id, plan.debtor_number)
        if debtor is None:
            raise NotFound(f"debtor {plan.debtor_number} not found")
        stored = self.repos.invoices.get_many(client.client_id, list(plan.invoice_numbers))
        invoices = [s.invoice for s in stored.values()]
        if (number := self._first_held(client, debtor[0], invoices, today)) is not None:
            raise Invalid(
                f"invoice {number} is held as it may have prescribed; a mandate signed before "
                f"today is recorded after an admin recorded the debtor's act with its reason "
                f"(POST /v1/clients/{client.number}/invoices/{number}/prescription), or give "
                "today's day",
                field="signed_on",
                code="plan_mandate_prescribed",
                params={"invoice": number},
            )

    def _refuse_over_held(
        self, client: Client, debtor_number: str, invoice_numbers: tuple[str, ...]
    ) -> None:
        """No plan is made or started over a claim the prescription watch holds as it may have
        prescribed, unless the debtor agreed to it himself (his consent of today on the plan,
        or his mandate or portal proposal on the draft: the callers let those pass) or an
        admin recorded his act or released the claim with a reason (``POST …/prescription``:
        then the watch holds it no more). A plan's agreement, reminders and lapse notice ask
        payment of its claims: they are dunning of the held claim, and the agreement tells a
        debtor who agreed to nothing that a plan "is afgesproken" (law17 P1: B-1 held on
        2-7-2025, a staff key's plan of 3-7 made, started and mailed "Met u is een
        betalingsregeling afgesproken voor € 1.279,56")."""
        debtor = self.repos.debtors.get(client.client_id, debtor_number)
        if debtor is None:
            raise NotFound(f"debtor {debtor_number} not found")
        stored = self.repos.invoices.get_many(client.client_id, list(invoice_numbers))
        invoices = [s.invoice for s in stored.values()]
        today = amsterdam_today(self.clock)
        if (number := self._first_held(client, debtor[0], invoices, today)) is not None:
            raise Invalid(
                f"invoice {number} is held as it may have prescribed: no plan over it without "
                "the debtor's own consent (give agreed_by_debtor_on today and agreed_how) or an "
                f"admin's record of his act or release with its reason (POST "
                f"/v1/clients/{client.number}/invoices/{number}/prescription)",
                field="invoices",
                code="plan_invoice_prescribed",
                params={"invoice": number},
            )

    def _first_held(
        self, client: Client, debtor: Debtor, invoices: list[Invoice], today: date
    ) -> str | None:
        """The first of ``invoices`` the prescription watch holds ``today`` (None: none): a day
        staff type as the debtor's act may not reach back over its prescription date."""
        from shared.adapters.tables.messaging_repo import OutboxRepository
        from shared.services.prescription_watch import PrescriptionWatch

        watch = PrescriptionWatch(self.repos, OutboxRepository(self.repos.store), self.clock)
        held = watch.held(client.client_id, debtor, invoices, today)
        return min(held) if held else None

    @staticmethod
    def _consent(req: PlanRequest, today: date) -> None:
        """The debtor's consent is a day and a way, both or neither, and not in the future."""
        if (req.agreed_on is None) != (req.agreed_how is None):
            raise Invalid(
                "give both the day the debtor agreed to the plan and how (or neither)",
                field="agreed_by_debtor_on" if req.agreed_on is None else "agreed_how",
                code="plan_consent_both",
            )
        if req.agreed_on is not None and req.agreed_on > today:
            raise Invalid(
                "the day the debtor agreed lies in the future",
                field="agreed_by_debtor_on",
                code="plan_consent_future",
            )

    def create(
        self, client: Client, req: PlanRequest, author: str, *, agency_id: str | None = None
    ) -> PaymentPlan:
        """A draft plan; ``agency_id``: the collection agency's plan over invoices of its open
        case (``agency_plans``), else the client's own."""
        self._refuse_for_standing(client, req.debtor_number, req.invoice_numbers)
        rules = self.plans.rules(client.client_id)
        total, schedule = self._build(client, req, rules, agency_id)
        if (
            req.agreed_on != amsterdam_today(self.clock)
            and req.method is not PlanMethod.DIRECT_DEBIT
        ):
            # the debtor's consent of today is his own act (3:318 BW; one dated before today
            # over a held claim _build refused): without it, no plan over a held claim. A
            # direct-debit draft waits for his mandate, his act as well: its activation
            # refuses it without one (activate)
            self._refuse_over_held(client, req.debtor_number, req.invoice_numbers)
        now = self.clock.now()
        for _ in range(RETRIES):
            plan = PaymentPlan(
                client_id=client.client_id, plan_id=time_ordered_id(now, "PL"), debtor_number=req.debtor_number,
                invoice_numbers=req.invoice_numbers, include_costs=req.include_costs, method=req.method,
                start=req.start, period=req.period, total=total,
                payment_reference=agency_plan_reference(secrets.randbelow(10**13)) if agency_id
                else betalingskenmerk.generate(f"{secrets.randbelow(10**15):015d}"),
                schedule=tuple(schedule), rules=rules, created_at=now, created_by=author,
                priced_on=amsterdam_today(self.clock),  # the day _build took the claim
                agreed_on=req.agreed_on, agreed_how=req.agreed_how, agency_id=agency_id,
            )  # fmt: skip
            try:
                self.plans.add(plan)
                break
            except Conflict:
                continue  # a reference or id already taken: draw again
        else:  # pragma: no cover - 5 collisions in 10^15
            raise ConflictingUpdate("could not allocate a payment reference; retry")
        self._log(plan, "created", f"Draft plan for {len(schedule)} installments by {author}")
        self._log_consent(plan, author)
        return plan

    def _log_consent(self, plan: PaymentPlan, author: str) -> None:
        if plan.agreed_on is not None and plan.agreed_how is not None:
            self._log(plan, "consent", f"The debtor agreed on {plan.agreed_on} "
                      f"({plan.agreed_how.value}), recorded by {author}")  # fmt: skip

    def update(
        self,
        client: Client,
        plan_id: str,
        req: PlanRequest,
        author: str,
        *,
        agency_id: str | None = None,
    ) -> PaymentPlan:
        plan, etag = self._get_as(client, plan_id, agency_id)
        if plan.status is not PlanStatus.DRAFT:
            raise PlanConflict(
                f"plan {plan_id} is {plan.status.value}; only drafts change",
                code="plan_only_drafts_change",
                params={"plan": plan_id, "status": plan.status},
            )
        total, schedule = self._build(client, req, plan.rules, plan.agency_id)
        updated = plan.redraft(
            debtor_number=req.debtor_number, invoice_numbers=req.invoice_numbers,
            include_costs=req.include_costs, method=req.method, start=req.start, period=req.period,
            total=total, schedule=tuple(schedule),
        )  # fmt: skip
        # the claim taken anew; a consent recorded before stays unless the change adds
        # invoices he never agreed to (codereview10 #4, ack11 #2): then all he did for the plan
        # so far (a consent, his portal proposal, a mandate) is kept on the claims it named
        # alone (3:318: his act acknowledges what it named), and the plan carries only a
        # consent the change gives, until one is recorded
        widened = not set(updated.invoice_numbers) <= set(plan.invoice_numbers)
        if not set(plan.invoice_numbers) <= set(updated.invoice_numbers):
            # narrowed: his act named the claims taken out too, and dropping them from the
            # draft does not undo it (law16 F1b: their acknowledgement was lost)
            self._keep_consent(plan)
        if widened:
            self._keep_consent(plan)
            updated = replace(
                updated, priced_on=amsterdam_today(self.clock), agreed_on=req.agreed_on,
                agreed_how=req.agreed_how, widened_on=amsterdam_today(self.clock),
            )  # fmt: skip
        else:
            updated = replace(
                updated, priced_on=amsterdam_today(self.clock),
                agreed_on=req.agreed_on or plan.agreed_on,
                agreed_how=req.agreed_how or plan.agreed_how,
            )  # fmt: skip
        self._save(updated, etag)
        self._undo_activation(plan)  # what a failed activation of the old draft left
        self._log(updated, "changed", f"Draft changed by {author}")
        if req.agreed_on is not None:
            self._log_consent(updated, author)
        return updated

    def _keep_consent(self, plan: PaymentPlan) -> None:
        """The days the debtor agreed to ``plan`` kept on its own invoices' claims, before a
        redraft that widens or narrows it, or its deletion, drops them from the plan: his
        acknowledgement (3:318 BW) stands whatever the creditor does with the draft after
        (law16 F1: a deleted draft's recorded consent was lost, and a claim he acknowledged
        was held as prescribed). A consent recorded in error is corrected by giving the draft
        another day, not by deleting it."""
        from shared.adapters.tables.prescription_repo import PrescriptionDecisions
        from shared.services.prescription_watch import debtor_agreed

        for day in sorted(debtor_agreed(plan)):
            PrescriptionDecisions(self.repos.store).acknowledge(
                plan.client_id, plan.debtor_number, tuple(plan.invoice_numbers), day
            )

    def delete(self, client: Client, plan_id: str, *, agency_id: str | None = None) -> None:
        plan, etag = self._get_as(client, plan_id, agency_id)
        if plan.status is not PlanStatus.DRAFT:
            raise PlanConflict(
                f"plan {plan_id} is {plan.status.value}; only drafts are deleted",
                code="plan_only_drafts_deleted",
                params={"plan": plan_id, "status": plan.status},
            )
        # a draft holds nothing, but an activation that failed half-way (an outage, a crash)
        # may have left its holds and interest pause (failure4 #1): given back BEFORE the row
        # goes, so a deletion failing in between leaves the draft for the retry to delete,
        # never a hold of a plan that no longer exists (failure5 finding 7)
        self._undo_activation(plan)
        # what the debtor did for it (a consent, a mandate) is kept on its claims before the
        # row goes (idempotent: a deletion repeated after a failure keeps the same days)
        self._keep_consent(plan)
        try:
            self.plans.delete(plan, etag)
        except PreconditionFailed as e:
            self._activated_meanwhile(client, plan_id)
            raise ConflictingUpdate(
                f"plan {plan_id} changed meanwhile; read it again",
                code="plan_changed",
                params={"plan": plan_id},
            ) from e

    def _activated_meanwhile(self, client: Client, plan_id: str) -> None:
        """A deletion lost to a change of the draft: an activation that won the race may
        have had its holds and interest pause given back by the deletion; it gets them again
        (idempotent; a draft changed otherwise keeps nothing)."""
        found = self.plans.get(client.client_id, plan_id)
        if found is None or found[0].status is not PlanStatus.ACTIVE:
            return
        current = found[0]
        self._hold(client, current)
        self._freeze_interest(current, current.interest_frozen)

    def get(self, client: Client, plan_id: str) -> PaymentPlan:
        return self._get(client, plan_id)[0]

    def timeline(self, client: Client, plan_id: str) -> list[dict[str, object]]:
        """The plan's entries, oldest first; a payment taken in again by a look after a cut
        shown once (:func:`shown_once`)."""
        self._get(client, plan_id)
        return [dict(e) for e in shown_once(self.plans.timeline(client.client_id, plan_id))]

    def of_client(self, client: Client, status: PlanStatus | None = None) -> list[PaymentPlan]:
        return self.plans.of_client(client.client_id, status)

    def holding(self, client: Client, invoice_number: str) -> str | None:
        """The plan that holds this invoice's dunning, if any."""
        return self.plans.holding_plan(client.client_id, invoice_number)

    def set_mandate(
        self, client: Client, plan_id: str, mandate: Mandate, author: str
    ) -> PaymentPlan:
        """Record the SEPA mandate the debtor signed for a draft direct-debit plan."""
        plan, etag = self._get_as(client, plan_id, None)
        if plan.method is not PlanMethod.DIRECT_DEBIT:
            raise PlanConflict(
                f"plan {plan_id} is paid by transfer; it takes no mandate",
                code="plan_transfer_no_mandate",
                params={"plan": plan_id},
            )
        if plan.status is not PlanStatus.DRAFT:
            raise PlanConflict(
                f"plan {plan_id} is {plan.status.value}; a mandate goes on a draft",
                code="plan_mandate_on_draft",
                params={"plan": plan_id, "status": plan.status},
            )
        today = amsterdam_today(self.clock)
        if mandate.signed_on < today:
            self._mandate_over_prescription(client, plan, today)
        updated = plan.redraft(mandate=mandate)
        self._save(updated, etag)
        self._log(
            updated,
            "mandate",
            f"Mandate {mandate.mandate_id} signed {mandate.signed_on} recorded by {author}",
        )
        return updated

    # -- transitions -------------------------------------------------------------------------
    def activate(
        self, client: Client, plan_id: str, author: str, *, agency_id: str | None = None
    ) -> PaymentPlan:
        """Start a draft: interest frozen, the plan saved active (with the mark of what is
        still to tell), then the timeline, the contact log and the debtor's agreement. An
        activation that stopped after the save is finished by the repeat (this call again,
        the decision again, or the daily run): the same rows, the agreement once by its
        outbox key (failure8 #2: a crash there left a plan no agreement was ever sent for)."""
        plan, etag = self._get_as(client, plan_id, agency_id)
        if plan.status in RUNNING and plan.activation_to_tell:
            self._refuse_while_held(plan, f"the activation of plan {plan_id}")
            today = amsterdam_today(self.clock)
            active = self._finish_activation(client, plan, author)
            if active.method is PlanMethod.DIRECT_DEBIT and active.rules.collects_through_mollie:
                active = self._collect_now(client, active, today)
            return active
        if plan.status is not PlanStatus.DRAFT:
            raise PlanConflict(
                f"plan {plan_id} is {plan.status.value}, not a draft",
                code="plan_not_draft",
                params={"plan": plan_id, "status": plan.status},
            )
        self._refuse_while_held(plan, f"the activation of plan {plan_id}")
        self._refuse_for_standing(client, plan.debtor_number, plan.invoice_numbers)
        # a draft made before one of its invoices went to the agency is not started after it;
        # the agency's own draft only over what it still collects (a case withdrawn meanwhile)
        stored = self.repos.invoices.get_many(client.client_id, list(plan.invoice_numbers))
        refuse_for_party(self.repos, plan.agency_id, [s.invoice for s in stored.values()])
        from shared.services.prescription_watch import debtor_agreed

        if not debtor_agreed(plan):
            # his consent, mandate or portal proposal on the draft passed the rule when it was
            # recorded; without one, an admin's record or release must have lifted the hold
            self._refuse_over_held(client, plan.debtor_number, plan.invoice_numbers)
        if plan.method is PlanMethod.DIRECT_DEBIT:
            # a sandbox client collects from no debtor's account (sandbox_gate)
            require_approved(client, "no direct debit")
            self._check_direct_debit(client, plan)
        self._hold(client, plan)
        today = amsterdam_today(self.clock)
        # interest is frozen before the plan says it runs: a failure in between leaves a draft
        # whose pause is dropped below (or by deleting the draft, or by activating it again),
        # never a running plan whose claims still accrue
        try:
            self._freeze_interest(plan, plan.interest_frozen)
            now = self.clock.now()
            active = self._store(
                replace(plan.activate(now).settle(0, today), activation_to_tell=time_ordered_id(now)),
                etag, plan, today,
            )  # fmt: skip
        except Exception:
            # any failure (a lost race, an outage): a second activation at the same time may
            # have won, so only a plan that is still a draft gives back what it took; an
            # outage that stops this too leaves it to the retry or the draft's deletion
            try:
                current = self.plans.get(client.client_id, plan_id)
                if current is None or current[0].status is PlanStatus.DRAFT:
                    self._undo_activation(plan)
            except Exception as undo:  # the first failure is the one to answer
                log.warning("plan %s: activation not undone now: %s", plan_id, undo)
            raise
        active = self._finish_activation(client, active, author)
        if active.method is PlanMethod.DIRECT_DEBIT and active.rules.collects_through_mollie:
            # the first payment (installment 1, through Mollie's checkout) signs the mandate
            active = self._collect_now(client, active, today)
        return active

    def _finish_activation(self, client: Client, plan: PaymentPlan, author: str) -> PaymentPlan:
        """Tell an activation: the timeline, the contact log (rows under the plan's mark) and
        the agreement to the debtor (its outbox key), then the mark goes. A repeat writes the
        same rows and sends nothing twice."""
        mark = plan.activation_to_tell
        now = self.clock.now()
        self.plans.log(
            plan.client_id, plan.plan_id, mark, now, "activated", f"Activated by {author}"
        )
        # once under the mark: the repeat of an activation that stopped after the line writes
        # it at another moment, which the log's time-led key does not refuse (failure18 F1)
        self.repos.contacts.add_once(ContactEntry(
            plan.client_id, plan.debtor_number, mark, now, ContactKind.STATUS,
            f"Payment plan {plan.plan_id} agreed: {len(plan.schedule)} installments",
            invoice_numbers=plan.invoice_numbers, system=True,
        ))  # fmt: skip
        if self._send_agreement(client, plan) == account_hold.HELD:
            return plan  # the mark stays: the agreement goes once the account is registered
        return self._activation_told(plan)

    def _activation_told(self, plan: PaymentPlan) -> PaymentPlan:
        """The activation told: its mark goes (a plan changed meanwhile is read again; one
        whose mark changed keeps it, and the next visit tells again, the same rows)."""
        return owed_notices.clear_mark(self, plan, "activation_to_tell")

    def _refuse_while_held(self, plan: PaymentPlan, what: str) -> None:
        """A Mollie plan's activation or retry makes a payment now: while a restore's money
        hold stands it is refused (409 ``restore_hold``, ``MoneyHold.refuse``) before anything
        is written, as the run is held: the restored tables may show failed or due an
        installment collected since the restored night (people27 F6). The same request after
        the operator's confirm does it. A plan collected otherwise moves no money now."""
        if plan.method is PlanMethod.DIRECT_DEBIT and plan.rules.collects_through_mollie:
            from shared.services.operations.money_hold import MoneyHold

            MoneyHold.of(self.repos, self.clock).refuse(f"{what} (a Mollie payment now)")

    def take_in(self, client: Client, plan_id: str, today: date) -> PaymentPlan | None:
        """Money booked or come back: the plan takes it in now (``process``), which may make
        a Mollie payment; while a restore's money hold stands (read as the run reads it,
        ``run_hold``) it is filed for today instead, so the first run after the operator's
        confirm takes it in: the money stays booked, the plan's look waits (people27 F6)."""
        if self.run_hold.stops("plan_payments_changed", today):
            self.plans.move_attention(client.client_id, plan_id, None, today)
            return None
        return self.process(client.client_id, plan_id, today, row_on=None)

    def _collect_now(self, client: Client, plan: PaymentPlan, today: date) -> PaymentPlan:
        """Make a Mollie plan's payment now (activation, retry); Mollie out of reach leaves it
        to the run, which looks at such a plan again the next day."""
        from shared.adapters.mollie import MollieError

        try:
            return self.process(client.client_id, plan.plan_id, today) or plan
        except MollieError as e:
            log.warning("plan %s: Mollie payment not made now: %s", plan.plan_id, e)
            self._log(
                plan,
                "debit_failed",
                f"Mollie could not be reached ({e}); the daily run tries again",
            )
            return self._get(client, plan.plan_id)[0]

    def _check_direct_debit(self, client: Client, plan: PaymentPlan) -> None:
        if plan.rules.collects_through_mollie:
            self._check_mollie(client, plan)
            return
        if plan.mandate is None:
            raise PlanConflict(
                "a direct-debit plan needs a signed mandate before activation",
                code="plan_needs_mandate",
            )
        try:
            creditor_of(self.plans.rules(client.client_id), client, self.repos)
        except DirectDebitError as e:
            # stands until the client's direct debit is set up: a code, so it is not retried
            no_id = e.missing == "creditor_id"
            raise PlanConflict(
                str(e),
                code="plan_no_creditor_id" if no_id else "plan_no_client_iban",
                params={"client": client.number},
            ) from e
        # the agreement sent at activation is the pre-notification of every collection
        earliest = amsterdam_today(self.clock) + timedelta(days=plan.rules.prenotification_days)
        if plan.schedule[0].due_date < earliest:
            raise Invalid(
                f"the first collection needs {plan.rules.prenotification_days} days' notice: "
                f"start on {earliest} or later",
                field="start",
                code="first_collection_notice",
                params={"days": plan.rules.prenotification_days, "day": earliest},
            )

    def _check_mollie(self, client: Client, plan: PaymentPlan) -> None:
        """Collected through Mollie: the debtor pays the first installment in Mollie's
        checkout (which signs the mandate); the first recurring collection must be the
        pre-notification term away, as a collection from our own file."""
        from shared.services.plans.mollie_collection import MollieNotSetUp

        if self.mollie is None:
            raise PlanConflict(
                "collection through Mollie is not available here", code="mollie_not_available"
            )
        try:
            self.mollie.provider(client)
        except MollieNotSetUp as e:
            # stands until the client's Mollie account is linked (again): not a retry
            raise PlanConflict(
                str(e),
                code="mollie_account_unreachable" if e.account else "mollie_no_account",
                params={"account": e.account} if e.account else {"client": client.number},
            ) from e
        earliest = amsterdam_today(self.clock) + timedelta(days=plan.rules.prenotification_days)
        if len(plan.schedule) > 1 and plan.schedule[1].due_date < earliest:
            raise Invalid(
                f"the first recurring collection needs {plan.rules.prenotification_days} days' "
                f"notice: its installment must fall on {earliest} or later",
                field="start",
                code="recurring_collection_notice",
                params={"days": plan.rules.prenotification_days, "day": earliest},
            )

    def pause(
        self,
        client: Client,
        plan_id: str,
        reason: str,
        author: str,
        *,
        agency_id: str | None = None,
    ) -> PaymentPlan:
        from shared.services.plans.dispute_pause import DISPUTE_PAUSE

        self._get_as(client, plan_id, agency_id)
        if reason.strip().lower().startswith(DISPUTE_PAUSE.strip()):
            # the words a dispute's own pause carries: a person's "dispute: klant 2020-01-01"
            # was read as one, and the system resumed the plan with its installments moved
            # on by years (attack28 F4)
            raise Invalid(
                f"a reason starting with {DISPUTE_PAUSE.strip()!r} is the system's for a plan "
                "a dispute paused: dispute the invoice instead, or word the reason otherwise",
                "reason", code="plan_reason_reserved",
            )  # fmt: skip
        return self._transition(
            client, plan_id, author, "paused", lambda p: self._withdraw(client, p.pause(reason))
        )

    def disputes_changed(self, client: Client, invoice_numbers: list[str]) -> None:
        """A dispute was raised on, or ended for, these invoices: the plan that holds one
        pauses while it is disputed and resumes, its dates moved on, when none is
        (:mod:`dispute_pause`, review26 F4)."""
        from shared.services.plans import dispute_pause

        dispute_pause.follow(self, client, invoice_numbers)

    def hold_for_standing(self, client: Client, debtor_number: str) -> list[str]:
        """The debtor died, was declared bankrupt or entered the WSNP (or the bank says he
        died): each of his running plans is paused at once, its collections taken out of
        their files, so nothing is collected and no breach lapses it (no lapse mail to a dead
        man). The plans paused; they stay paused when the standing is lifted (staff resume
        or postpone them: the installments due meanwhile would breach at once)."""
        paused = []
        for plan in self.plans.of_debtor(client.client_id, debtor_number):
            if plan.status in RUNNING and self._held_by_standing(client, plan):
                paused.append(plan.plan_id)
        return paused

    def end_handed_over(self, client: Client, debtor_number: str) -> list[str]:
        """An invoice of this debtor went to a collection agency: each of his plans running
        or paused over such an invoice ends, its collections and reminders with it
        (:mod:`handover_end`). The plans ended; idempotent."""
        from shared.services.plans import handover_end

        return handover_end.end_for_debtor(self, client, debtor_number)

    def refuse_if_handed_over(self, client: Client, plan: PaymentPlan) -> None:
        """Refuses (``invoice_handed_over``) a plan one of whose invoices an agency collects
        now: not started, nor an installment of it taken for the client."""
        stored = self.repos.invoices.get_many(client.client_id, list(plan.invoice_numbers))
        refuse_handed_over(self.repos, [s.invoice for s in stored.values()])

    def _refuse_for_standing(
        self, client: Client, debtor_number: str, invoice_numbers: tuple[str, ...]
    ) -> None:
        """No plan is drafted or started with a debtor who died, went bankrupt or entered the
        WSNP (or whom the bank says died): he no longer disposes of his estate, so his consent
        binds neither the curator nor the administrator (art. 23, 296 Fw), the claims go
        through them (art. 26, 299 Fw) or to the estate (4:182 BW). A plan running when the
        standing was set is paused instead (:meth:`hold_for_standing`). Nor over a claim a
        clean slate or an akkoord left a natural obligation (art. 6:3 BW, 358 lid 1, 160 Fw):
        it cannot be claimed, so no plan is agreed to pay it (a payment made anyway is
        booked)."""
        from shared.domain.standing import holds

        found = self.repos.debtors.get(client.client_id, debtor_number)
        standing = found[0].standing if found else None
        if holds(standing):
            assert standing is not None
            raise PlanConflict(
                f"debtor {debtor_number} is {standing.standing.value} since "
                f"{standing.since.isoformat()}: no plan is agreed with him",
                code="plan_debtor_standing",
                params={"debtor": debtor_number, "standing": standing.standing.value,
                        "since": standing.since},
            )  # fmt: skip
        if found is not None and standing is not None:
            self._refuse_natural_obligations(client, found[0], invoice_numbers)

    def _refuse_natural_obligations(
        self, client: Client, debtor: Debtor, invoice_numbers: tuple[str, ...]
    ) -> None:
        from shared.domain.standing import natural_obligation

        stored = self.repos.invoices.get_many(client.client_id, list(invoice_numbers))
        settled = sorted(
            n for n, s in stored.items() if natural_obligation(debtor, s.invoice) is not None
        )
        debtor_number = debtor.number
        if settled:
            raise PlanConflict(
                f"{', '.join(settled)} of debtor {debtor_number} cannot be claimed any more "
                "(a natural obligation after a clean slate or an akkoord, art. 6:3 BW): no "
                "plan is agreed over it",
                code="plan_natural_obligation",
                params={"debtor": debtor_number, "invoices": ", ".join(settled)},
            )

    def _natural_obligations(self, client: Client, plan: PaymentPlan) -> tuple[str, ...]:
        """The plan's invoices a clean slate or an akkoord left natural obligations."""
        from shared.domain.standing import natural_obligation

        found = self.repos.debtors.get(client.client_id, plan.debtor_number)
        if found is None or found[0].standing is None:
            return ()
        stored = self.repos.invoices.get_many(client.client_id, list(plan.invoice_numbers))
        return tuple(sorted(
            n for n, s in stored.items() if natural_obligation(found[0], s.invoice) is not None
        ))  # fmt: skip

    def _held_by_standing(self, client: Client, plan: PaymentPlan) -> bool:
        """Pause this running plan when its debtor's standing holds it; whether it did."""
        from shared.domain.plans.plan import PlanStateError
        from shared.domain.standing import STANDING_PAUSE, holds

        found = self.repos.debtors.get(client.client_id, plan.debtor_number)
        standing = found[0].standing if found else None
        if not holds(standing):
            return False
        assert standing is not None
        why = f"{STANDING_PAUSE}{standing.standing.value}" + (
            "" if standing.confirmed else " (proposed by the bank's return)"
        )
        try:
            self._transition(client, plan.plan_id, "the debtor's standing", "paused",
                             lambda p: self._withdraw(client, p.pause(why)))  # fmt: skip
        except (ConflictingUpdate, PlanConflict, PlanStateError):
            return False  # changed meanwhile: the caller reads it again
        return True

    def resume(
        self, client: Client, plan_id: str, author: str, *, agency_id: str | None = None
    ) -> PaymentPlan:
        today = amsterdam_today(self.clock)
        plan, _ = self._get_as(client, plan_id, agency_id)
        # not while the debtor's standing holds (he no longer disposes of his estate, art. 23,
        # 296 Fw: the next run would pause it again), nor, after a ruling ended with a clean
        # slate or an akkoord, over its natural obligations: staff cancel it (art. 6:3 BW)
        self._refuse_for_standing(client, plan.debtor_number, plan.invoice_numbers)
        self._refuse_while_disputed(client, plan)
        return self._transition(client, plan_id, author, "resumed", lambda p: p.resume(today))

    def _refuse_while_disputed(self, client: Client, plan: PaymentPlan) -> None:
        """Not while an invoice of it is disputed: nothing would pause it again, and it would
        remind and could lapse while the debtor was told nothing is asked meanwhile (plans27
        left it to staff). A plan the dispute paused resumes by itself when it ends."""
        from shared.services.plans import dispute_pause

        numbers = dispute_pause.disputed(self, client, plan)
        if numbers:
            said = ", ".join(numbers)
            raise Invalid(
                f"invoice {said} of this plan is disputed: the plan waits until the dispute is "
                "resolved or rejected (a plan the dispute paused then resumes by itself)",
                "plan", code="plan_invoice_disputed", params={"invoices": said},
            )  # fmt: skip

    def cancel(
        self,
        client: Client,
        plan_id: str,
        reason: str,
        author: str,
        *,
        agency_id: str | None = None,
    ) -> PaymentPlan:
        """Staff end a plan. Saved with the debtor's notice owed (law16 F2: he was told
        nothing and paid on by his schedule): whether he kept it, what it still asks and the
        day he can pay that by without costs (``PaymentPlan.costs_held_until``); told now, or
        by the run that finishes the release."""
        self._get_as(client, plan_id, agency_id)
        today = amsterdam_today(self.clock)

        def cancelled(p: PaymentPlan) -> PaymentPlan:
            ended = self._withdraw(client, p.cancel(reason, today))
            return replace(ended, notice_to_tell=owed_notices.cancelled(self.clock.now(), ended))

        plan = self._transition(client, plan_id, author, "cancelled", cancelled)
        self._release(plan)
        return owed_notices.tell(self, client, plan)

    def _owed_after_cancel(
        self, client: Client, plan: PaymentPlan
    ) -> notices.OwedAfterCancel | None:
        """For the notice of a kept plan staff cancelled: what the claims owe in all on the last
        day he was granted, and whether the costs are still avoidable (held on the cancel day;
        law16b F6: "no collection costs" was promised on costs owed and paid before the plan)."""
        until = plan.costs_held_until
        if until is None or plan.ended_on is None or until <= plan.ended_on:
            return None
        numbers = list(plan.invoice_numbers)
        last = until - timedelta(days=1)
        owed = self.money.owed_on_lapse(client, plan.debtor_number, numbers, last)
        held = self.money.costs_held_on(client, plan.debtor_number, numbers, plan.ended_on)
        return notices.OwedAfterCancel(owed.total, held)

    def postpone(
        self,
        client: Client,
        plan_id: str,
        number: int,
        to: date,
        shift_later: bool,
        author: str,
        *,
        agency_id: str | None = None,
    ) -> PaymentPlan:
        plan, etag = self._get_as(client, plan_id, agency_id)
        if plan.status not in RUNNING and plan.status is not PlanStatus.DRAFT:
            raise PlanConflict(
                f"plan {plan_id} is {plan.status.value}",
                code="plan_ended",
                params={"plan": plan_id, "status": plan.status},
            )
        if plan.notice_to_tell and plan.status is not PlanStatus.DRAFT:
            # the plan holds one owed notice: an earlier change's is told before this one's
            # takes its place
            owed_notices.tell(self, client, plan)
            plan, etag = self._get_as(client, plan_id, agency_id)
        moved = self.moved(plan, number, to, shift_later)
        today = amsterdam_today(self.clock)
        moving = plan
        if plan.method is PlanMethod.DIRECT_DEBIT and plan.status is not PlanStatus.DRAFT:
            # the new schedule is the debtor's notice of the new date: it must come the agreed
            # term before the collection (a file already made is withdrawn, staff are told)
            earliest = today + timedelta(days=plan.rules.prenotification_days)
            new_date = next(i.due_date for i in moved if i.number == number)
            if new_date < earliest:
                raise Invalid(
                    f"a direct debit needs {plan.rules.prenotification_days} days' notice: "
                    f"move it to {earliest} or later",
                    field="to",
                    code="moved_collection_notice",
                    params={"days": plan.rules.prenotification_days, "day": earliest},
                )
            changed = frozenset(
                a.number for a, b in zip(plan.schedule, moved, strict=True) if a != b
            )
            moving = self._withdraw(client, plan, changed)
        rescheduled = moving.with_schedule(moved).settle(moving.paid, today)
        if rescheduled.status is not PlanStatus.DRAFT:
            # the new schedule is owed with the save (failure28 F1: a worker cut off between
            # the save and the send left the debtor untold for good, the retry refused 422):
            # the next look at the plan (the daily run, tomorrow at the latest) tells it
            rescheduled = replace(rescheduled, notice_to_tell=owed_notices.owed(
                self.clock.now(), f"{owed_notices.SCHEDULE}{self._schedule_version(rescheduled)}"))  # fmt: skip
        updated = self._store(rescheduled, etag, plan, today)
        self._log(updated, "postponed", f"Installment {number} moved to {to} by {author}")
        if updated.notice_to_tell:
            updated = owed_notices.tell(self, client, updated)
        return updated

    @staticmethod
    def moved(
        plan: PaymentPlan, number: int, to: date, shift_later: bool
    ) -> list[sched.ScheduledInstallment]:
        """``plan``'s schedule with installment ``number`` moved to ``to`` (the later ones by
        as many periods with ``shift_later``), or the refusal (attack28 F2: the last one
        moved to 20-11-9999 was accepted). An installment does not pass the next one unless
        the later ones move; the plan does not run past its term: the client's maximum term
        from its start, the rule a new plan meets, or its last date already when it runs
        longer (a dispute's pause moved it on). The term bounds how far one moves, too."""
        try:
            moved = sched.postpone(list(plan.schedule), number, to, plan.period,
                                   shift_later=shift_later, method=plan.method)  # fmt: skip
        except ScheduleError as e:
            raise _invalid(e) from e
        months = plan.rules.max_term_months
        latest = max(plan.rules.term_end(plan.start, plan.method), plan.schedule[-1].due_date)
        if moved[-1].due_date > latest:
            raise Invalid(
                f"a plan runs no longer than {months} months from its start ({plan.start}): "
                f"its last installment falls on {latest} at the latest",
                field="to",
                code="plan_move_past_term",
                params={"months": months, "start": plan.start, "day": latest},
            )
        return moved

    def retry(self, client: Client, plan_id: str, number: int, author: str) -> PaymentPlan:
        from shared.domain.plans.plan import PlanStateError

        plan, etag = self._get_as(client, plan_id, None)
        today = amsterdam_today(self.clock)
        try:
            retried = plan.retry(number)
        except PlanStateError as e:  # a cancelled plan collects nothing: 409, not a 200
            raise PlanConflict(str(e), code=e.code, params=e.params) from e
        self._refuse_while_held(plan, f"the retry of installment {number} of plan {plan_id}")
        updated = self._store(retried.settle(plan.paid, today), etag, plan, today)
        self._log(updated, "retry", f"Installment {number} to be collected again ({author})")
        if updated.method is PlanMethod.DIRECT_DEBIT and updated.rules.collects_through_mollie:
            # a new Mollie payment now: recurring on the mandate, or a new first payment
            # (checkout link to the debtor) while there is no valid mandate
            updated = self._collect_now(client, updated, today)
        return updated

    def payments_changed(self, client: Client, invoice_numbers: list[str]) -> None:
        """Money was booked on or taken back from these invoices: the plans that hold them
        take it in now (completion, recalculation, reopening), not at their next date; a plan
        that lapsed over the others may have been kept after all (``_kept_after_all``)."""
        today = amsterdam_today(self.clock)
        holders = {n: self.plans.holding_plan(client.client_id, n) for n in invoice_numbers}
        held = set(holders.values())
        busy: set[str] = getattr(self._working, "plans", set())
        for plan_id in sorted(p for p in held if p and p not in busy):
            self.take_in(client, plan_id, today)
        free = [n for n, holder in holders.items() if not holder]
        if free:
            self._kept_after_all(client, free)

    def _kept_after_all(self, client: Client, invoice_numbers: list[str]) -> None:
        """Money booked on invoices no plan holds: a plan the run lapsed over them runs on when
        the money received by its last day of grace means it was kept after all (a transfer
        on a statement booked after the lapse, an online payment whose webhook came late;
        law8 F5, failure8 #3). Its holds, its interest freeze and its costs hold come back,
        and the debtor and the client are told it runs on."""
        stored = self.repos.invoices.get_many(client.client_id, invoice_numbers)
        wanted = set(invoice_numbers)
        # a statement comes days late, not months: an old lapse is not reopened by money
        # that happens to be dated in its grace (nor are lapses from before this rule)
        recent = amsterdam_today(self.clock) - timedelta(weeks=KEPT_WITHIN_WEEKS)
        busy: set[str] = getattr(self._working, "plans", set())
        for debtor in sorted({s.invoice.debtor_number for s in stored.values()}):
            for plan in self.plans.of_debtor(client.client_id, debtor):
                if (
                    plan.status is PlanStatus.COMPLETED
                    and plan.attention_on is not None
                    and plan.plan_id not in busy
                    and wanted & set(plan.invoice_numbers)
                ):
                    # a completed plan still watched for returns (its invoices released):
                    # money that came back reopens it now, and the debtor is told today, not
                    # at its weekly look (law16 F4)
                    self.take_in(client, plan.plan_id, amsterdam_today(self.clock))
                    continue
                if (
                    plan.lapsed
                    and plan.ended_on is not None
                    and plan.ended_on >= recent
                    and wanted & set(plan.invoice_numbers)
                ):
                    self._run_on(client, plan)

    def _run_on(self, client: Client, plan: PaymentPlan) -> None:
        if plan.activated_at is None or plan.ended_on is None:
            return
        today = amsterdam_today(self.clock)
        since, numbers = plan.money_since, list(plan.invoice_numbers)
        in_grace = self.money.received_by(client, plan.debtor_number, numbers, since,
                                          plan.include_costs, plan.ended_on - timedelta(days=1))  # fmt: skip
        now = self.money.paid_towards(
            client, plan.debtor_number, numbers, since, plan.include_costs
        )
        kept = plan.kept_after_all(in_grace, now, today)
        if kept is None:
            return
        try:
            self._hold(client, kept)
        except PlanConflict as e:  # another plan holds them now: the lapse stands
            log.warning("plan %s: kept after all, but not run on: %s", plan.plan_id, e)
            return
        self._freeze_interest(kept, kept.interest_frozen)
        found = self.plans.get(client.client_id, plan.plan_id)
        if found is None or found[0] != plan:
            return  # changed meanwhile: the next booking or look judges it again
        # saved with the news it owes the debtor and the client (failure9 #5)
        kept = replace(
            kept, notice_to_tell=owed_notices.kept(self.clock.now(), plan.ended_on.isoformat())
        )
        try:
            kept = self._store(kept, found[1], plan, today)
        except ConflictingUpdate:
            self._freeze_interest(plan, plan.interest_frozen)
            self.plans.release_invoices(plan.client_id, plan.plan_id, plan.invoice_numbers)
            return
        owed_notices.tell(self, client, kept)

    def basis_changed(self, client: Client, invoice_numbers: list[str]) -> list[PaymentPlan]:
        """A credit, credit note or withdrawal changed what these invoices owe: the running
        or paused plans that hold them follow now, not at their next date (review console8
        #2: a credited invoice's plan asked 114.39 for two months): lowered to what is owed,
        or completed when nothing is. A debtor whose plan now asks less gets its new schedule
        (as after a postponement; a paused plan's with the word that nothing is asked until
        it resumes); one whose plan ended is told by its completion.

        While a restore's money hold stands the plan's look waits, as a booking's does
        (``take_in``: the look may collect a due installment at Mollie): the plan is filed
        for today and returned as it stands; the first run after the confirm lowers it and
        tells the debtor through the lowering's own mark (hold27 F1 left)."""
        today = amsterdam_today(self.clock)
        held = {self.plans.holding_plan(client.client_id, n) for n in invoice_numbers}
        plan_ids = sorted(p for p in held if p)
        if plan_ids and self.run_hold.stops("plan_basis_changed", today):
            return self._file_for_the_run(client, plan_ids, today)
        out = []
        for plan_id in plan_ids:
            before = self.plans.get(client.client_id, plan_id)
            after = self.process(client.client_id, plan_id, today, row_on=None)
            if before is None or after is None:
                continue
            out.append(after)
            if after.total >= before[0].total:
                continue
            # keyed by the new total: a repeat sends nothing, a second lowering its own (nor
            # does the paused plan's resuming send it again)
            # (a paused plan's lowering carries its notice: ``process`` told it)
            if after.status in RUNNING:
                self._send_notice(client, after, f"lowered|{after.total}",
                                  functools.partial(notices.new_schedule, after))  # fmt: skip
        return out

    def _file_for_the_run(
        self, client: Client, plan_ids: list[str], today: date
    ) -> list[PaymentPlan]:
        """The plans filed in the calendar for today, unworked (the hold stands), as stored."""
        out = []
        for plan_id in plan_ids:
            self.plans.move_attention(client.client_id, plan_id, None, today)
            found = self.plans.get(client.client_id, plan_id)
            if found is not None:
                out.append(found[0])
        return out

    def claims_restated(self, client: Client, invoice_numbers: list[str]) -> list[PaymentPlan]:
        """These invoices' claims were restated (a 14-day letter reported undeliverable
        cleared their costs term, a debtor corrected to a consumer, a statutory rate table
        put in force): a plan that holds them follows as after a credit note
        (:meth:`basis_changed`: lowered to what is owed, the debtor told once, completed when
        nothing is), so a debtor who pays what he is asked is not found in breach for money
        he never owed (law11 #2). A claim restated higher does not raise the plan: its amount
        is what the debtor agreed to, so staff get an item to decide (a new agreement, or
        the rest after the plan). Idempotent: a repeat lowers nothing twice and finds the
        item made. Under a restore's money hold the plans are not worked (``basis_changed``)
        but a raised claim's item is still made from the plan as stored: it moves no money."""
        held = self._held(client, invoice_numbers)
        if not held:
            return []
        out = self.basis_changed(client, held)
        today = amsterdam_today(self.clock)
        for plan in out:
            if plan.status not in RUNNING and plan.status is not PlanStatus.PAUSED:
                continue
            assert plan.activated_at is not None
            paid, owed = self.money.standing(
                client, plan.debtor_number, list(plan.invoice_numbers),
                plan.money_since, plan.include_costs, today,
            )  # fmt: skip
            asked = plan.total - paid
            if owed is None or owed <= asked:
                continue
            # once: the same restatement told again
            self.repos.actions.add_once(ActionItem(
                client_id=items_scope(plan),
                action_id=f"{plan.plan_id}-claim-raised-{owed}",
                kind="plan_claim_raised",
                title=f"Payment plan {plan.plan_id}: a restatement raised its claims to "
                f"{format_eur_nl(owed)} while the plan asks {format_eur_nl(asked)}; the "
                "plan is left as agreed: agree a new plan or collect the rest after it",
                created_at=self.clock.now(), debtor_number=plan.debtor_number,
                invoice_numbers=plan.invoice_numbers,
                detail={"plan_id": plan.plan_id, "open": owed, "amount": asked},
            ))  # fmt: skip
            self._log(plan, "claim_raised", f"A restatement raised its claims to {owed} cents; "
                      f"the plan still asks {asked} cents, as agreed: staff are asked to decide")  # fmt: skip
        return out

    def _held(self, client: Client, invoice_numbers: list[str]) -> list[str]:
        """The invoices among these a plan holds, in one read (a rate table restates every
        claim of a client: most are in no plan)."""
        from shared.adapters.tables.keys import decode, encode
        from shared.adapters.tables.plans_repo import PLAN_INVOICES

        if not invoice_numbers:
            return []
        rows = self.plans.store.get_many(
            PLAN_INVOICES,
            encode(client.client_id),
            [encode(n) for n in dict.fromkeys(invoice_numbers)],
        )
        return sorted(decode(rk) for rk in rows)

    def principal_first(
        self, client: Client, invoice_numbers: list[str], plans: PlansById | None = None
    ) -> frozenset[str]:
        """The invoices among these held by a running plan over the principal only
        (``include_costs: false``): by agreeing to that plan the client accepted that its
        payments pay off the principal first (art. 6:44 BW is default law; lid 2 lets the
        creditor refuse another order, so it may accept one). Costs and interest stay owed
        and go back to the workflow when the plan ends, unless the client waives them.
        One read when no invoice is in a plan; ``plans``: the client's plans by id the
        caller read (the statement window's), filled with those read here."""
        from shared.adapters.tables.keys import decode, encode
        from shared.adapters.tables.plans_repo import PLAN_INVOICES

        if not invoice_numbers:
            return frozenset()
        rows = self.plans.store.get_many(
            PLAN_INVOICES,
            encode(client.client_id),
            [encode(n) for n in dict.fromkeys(invoice_numbers)],
        )
        by_plan: dict[str, set[str]] = {}
        for rk, row in rows.items():
            by_plan.setdefault(str(row.data["PlanId"]), set()).add(decode(rk))
        out: set[str] = set()
        known: PlansById = {} if plans is None else plans
        for plan_id, numbers in by_plan.items():
            if plan_id not in known:
                found = self.plans.get(client.client_id, plan_id)
                known[plan_id] = found[0] if found else None
            plan = known[plan_id]
            if plan is not None and not plan.include_costs and plan.status in HOLDS_DUNNING:
                out |= numbers
        return frozenset(out)

    # -- the daily run -----------------------------------------------------------------------
    def fan_out(self, today: date | None = None) -> int:
        """One queue message per plan that needs attention on or before today: a day the
        timer missed is caught up, and the cost follows what is due, not the number of plans."""
        import json

        on = today or amsterdam_today(self.clock)
        if self.run_hold.read_for_run("installment_run", on):
            return 0  # a restore's hold: nothing queued, no file made (restore26 F5)
        from shared.services.fan_out import FanOut

        due = self.plans.needing_attention(on)
        # a job the queue refuses stops neither the other plans' nor the files (failure33):
        # the timer fails at the end, and tomorrow's catches the plan up (no poison item:
        # a queue outage would make one per plan)
        jobs = FanOut(self.queues, None, INSTALLMENT_QUEUE, self.clock.now())
        for row_on, client_id, plan_id in due:
            body = {"client_id": client_id, "plan_id": plan_id, "on": on.isoformat(),
                    "row_on": row_on.isoformat()}  # fmt: skip
            jobs.send(json.dumps(body))
        if self.desk is not None:
            # after the plans' jobs (the files are of collections days ahead, which no job of
            # today adds to): a file that cannot be made now (a storage 503) fails the timer,
            # which is not retried, and had cost every plan its day (failure24 F5)
            for name in self.desk.build_files(on):
                log.info("direct debit file built: %s", name)
        jobs.finish()
        return len(due)

    def process_queued(
        self, client_id: str, plan_id: str, today: date, row_on: date
    ) -> PaymentPlan | None:
        """The run's job for one plan (its queue message): nothing while a restore's hold
        stands, read once for the run (``run_hold``); the plan keeps its calendar row, so the
        first timer after the confirm queues it again."""
        if self.run_hold.stops("process_installments", today):
            return None
        return self.process(client_id, plan_id, today, row_on)

    def process(
        self, client_id: str, plan_id: str, today: date, row_on: date | None = None
    ) -> PaymentPlan | None:
        """Work one plan for ``today``: take in the money that stands, recalculate, judge a
        breach, send the reminders that are due, and file the plan at its next date. The
        calendar row that brought the plan here (``row_on``; None when a payment brought it)
        is removed unless it is the plan's next date."""
        from shared.services.plans import dispute_pause, handover_end

        found_client = self.repos.clients.get(client_id)
        if found_client is None or self.plans.get(client_id, plan_id) is None:
            if row_on is not None:
                self.plans.drop_attention(client_id, plan_id, row_on)
            return None
        client = found_client[0]
        if row_on is not None and self.mollie is not None:
            self._mollie_desk().poll(client, plan_id)
        asked_mollie = False
        for _ in range(RETRIES + 1):  # (one read more for the Mollie cancel asked again below)
            found = self.plans.get(client_id, plan_id)
            assert found is not None
            plan, etag = found
            left = frozenset[int]() if asked_mollie else self._mollie_cancels_left(plan)
            if left:
                # a cancel Mollie did not answer when the plan ended or paused (a 503 at the
                # hand-over, a staff cancel or pause) is asked again each day while the payment
                # is under way, as the timeline promised; it was never asked again, and Mollie
                # collected the installment after the agency took the invoice over, or from a
                # debtor whose plan was paused (failure19 M1, M2)
                asked_mollie = True
                why = (
                    "waits: the plan was paused"
                    if plan.status is PlanStatus.PAUSED
                    else "stops: the plan was cancelled"
                )
                asked = self._mollie_desk().withdraw(client, plan, left, today, why)
                try:
                    self._store(asked, etag, plan, today, worked_today=True)
                except ConflictingUpdate:
                    pass
                continue  # read again: the rest of its look as before
            if plan.releasing and plan.status not in RUNNING:
                # stopped running: its holds go (again: idempotent), a breach not yet told
                # is told (again: the same rows), then the flags
                if not self._release(plan):
                    # ended by the creditor while kept: the dunning waits for the day his
                    # granted days are over (law16b F4); looked at again then
                    if plan.notice_to_tell:
                        owed_notices.tell(self, client, plan)
                        continue
                    if plan.attention_on != plan.holds_dunning_until:
                        try:
                            plan = self._store(plan, etag, plan, today, worked_today=True)
                        except ConflictingUpdate:
                            continue
                    if row_on is not None and plan.attention_on != row_on:
                        self.plans.drop_attention(client_id, plan_id, row_on)
                    return plan
                if plan.lapse_to_tell:
                    self._tell_lapse(client, plan)
                try:
                    self._store(
                        replace(plan, releasing=False, lapse_to_tell=""),
                        etag, plan, today, worked_today=True,
                    )  # fmt: skip
                except ConflictingUpdate:
                    pass
                continue  # read again: a completed plan is still watched for returns
            if (
                plan.status in RUNNING
                and plan.activation_to_tell
                and not account_hold.held(self, client, plan)
            ):
                # an activation that stopped before the debtor had the agreement
                self._finish_activation(client, plan, "the daily run (finishing the activation)")
                continue  # read again: the mark is gone
            if plan.notice_to_tell and not owed_notices.waits(self, client, plan):
                # a change saved before its notice was sent
                owed_notices.tell(self, client, plan)
                continue
            if plan.status in HOLDS_DUNNING and handover_end.end_if_handed_over(self, client, plan):
                continue  # ended now (an invoice went to the agency, before or meanwhile)
            if plan.status in RUNNING and self._held_by_standing(client, plan):
                continue  # paused now (the debtor died, went bankrupt): read again
            if plan.status in RUNNING and dispute_pause.pause_if_disputed(self, client, plan):
                # an invoice disputed with no event reaching the plan (before plans27's
                # deploy), or a dispute a chargeback revives only after the plan takes the
                # money back in (review28 F1: a reminder and a Mollie debit on a disputed
                # invoice): paused as if filed today, told once; one invoice read per look
                continue
            if plan.status in RUNNING or plan.status is PlanStatus.COMPLETED:
                busy: set[str] = getattr(self._working, "plans", set())
                self._working.plans = busy | {plan_id}
                try:
                    plan = self._work(client, plan, etag, today)
                    if plan.notice_to_tell:
                        plan = owed_notices.tell(self, client, plan)
                except ConflictingUpdate:
                    continue
                finally:
                    self._working.plans = busy
            elif plan.status is PlanStatus.PAUSED:
                if dispute_pause.resume_if_ended(self, client, plan):
                    continue  # its dispute ended (a credit, a payment, a missed hook): resumed
                try:
                    plan = self._follow_paused(client, plan, etag, today)
                    if plan.notice_to_tell:
                        plan = owed_notices.tell(self, client, plan)
                except ConflictingUpdate:
                    continue
            if row_on is not None and plan.attention_on != row_on:
                self.plans.drop_attention(client_id, plan_id, row_on)
            return plan
        raise ConflictingUpdate(f"plan {plan_id} keeps changing; the message will be retried")

    def _work(
        self, client: Client, plan: PaymentPlan, etag: str | None, today: date
    ) -> PaymentPlan:
        if plan.method is PlanMethod.DIRECT_DEBIT:
            plan, etag = self._collect_debits(client, plan, etag, today)
        assert plan.activated_at is not None
        paid, owed = self.money.standing(
            client, plan.debtor_number, list(plan.invoice_numbers), plan.money_since,
            plan.include_costs, today, plans={plan.plan_id: plan},
        )  # fmt: skip
        updated = plan
        if plan.status in RUNNING and owed is not None and owed < plan.total - paid:
            # a waiver, write-off or credit note on its invoices: ask no more than is owed
            updated = updated.lower_to(paid + owed, today)
            updated = replace(
                updated, notice_to_tell=owed_notices.lowered(self.clock.now(), updated)
            )
            self._log(updated, "lowered", f"Less is owed than the plan asked: its total is now "
                      f"{updated.total} cents (was {plan.total}); the open installments are lower")  # fmt: skip
        if paid > plan.paid:
            recalculated = after_early_payment(
                list(updated.schedule), plan.paid, paid - plan.paid, today, plan.rules
            )
            if list(recalculated) != list(updated.schedule):
                updated = updated.with_schedule(recalculated)
                self._log_step(updated, etag, "recalculated",
                               "Paid early: the remaining installments were lowered")  # fmt: skip
            self._log_step(updated, etag, "payment",
                           f"Paid towards the plan: {paid - plan.paid} cents (total {paid})")  # fmt: skip
        elif paid < plan.paid:
            self._log_step(updated, etag, "reversal", f"A payment came back: {plan.paid - paid} cents")  # fmt: skip
            updated = self._came_back(plan, updated, paid, today)
        updated = updated.settle(paid, today)
        if updated.status is PlanStatus.COMPLETED and plan.status is not PlanStatus.COMPLETED:
            updated = self._completed_only_when_paid(client, updated, today)
        if plan.status is PlanStatus.COMPLETED and updated.status is not PlanStatus.COMPLETED:
            self.plans.hold_invoices(client.client_id, plan.plan_id, plan.invoice_numbers)
            self._log(
                updated, "reopened", "A payment came back after completion: the plan runs again"
            )
            self._contact(updated, f"Payment plan {plan.plan_id} reopened after a reversal")
        if self.mollie is not None and any(
            d.via == "mollie" and d.state is DebitState.SUBMITTED and not d.first
            for d in updated.debits
        ):
            # money from another path may have paid an installment Mollie is collecting
            updated = self._mollie_desk().cancel_redundant(client, updated, today)
        asks_too_much = self._paid_otherwise(updated, today)
        if asks_too_much:
            # a collection in our own file for an installment other money paid (in part)
            # meanwhile: withdrawn from its file (staff cancel a file already made at the
            # bank); the run files what is still open anew
            for number in sorted(asks_too_much):
                self._log(updated, "debit_paid_otherwise", f"Installment {number} was paid "
                          "(in part) otherwise before its direct debit was collected: the "
                          "direct debit is withdrawn")  # fmt: skip
            updated = self._withdraw(client, updated, asks_too_much)
            if updated.status is PlanStatus.ACTIVE:
                updated = updated.settle(updated.paid, today)
        if (
            updated.breached(today)
            and not self._paid_online_meanwhile(client, updated, today)
            and not self._statements_behind(client, updated, today)
        ):
            lapsed = replace(
                self._withdraw(
                    client,
                    updated.cancel(BREACH, today),
                    # a Mollie payment under way pays off arrears the dunning workflow now
                    # chases: it runs on and is booked on the invoices (the debtor owes it)
                    stop_mollie=False,
                ),
                lapse_to_tell=time_ordered_id(self.clock.now()),
            )
            updated = self._store(lapsed, etag, plan, today, worked_today=True)
            self._release(updated)
            self._tell_lapse(client, updated)
            return self._told(updated)
        reminders = self._reminders_due(updated, today)
        if updated.method is PlanMethod.DIRECT_DEBIT and updated.status in RUNNING:
            if updated.rules.collects_through_mollie:
                updated = (
                    self._mollie_desk().submit(client, updated, today) if self.mollie else updated
                )
            else:
                updated = self._submit_debits(client, updated, today)
        # what leaves the plan first, each idempotent by its own key (outbox key, collection
        # row), and only then the plan that records it: a failure in between repeats a send
        # that is then recognised, instead of recording a reminder or collection never made
        for debit in updated.debits:
            if debit.via != "file":
                continue  # a Mollie payment: made already, its webhook books it
            if debit.state is DebitState.SUBMITTED and self.desk and updated.mandate:
                self.desk.submit(client.client_id, updated.plan_id, updated.mandate, debit,
                                 f"Termijn {debit.number} {updated.payment_reference}")  # fmt: skip
        sent = {key for key, inst in reminders if self._remind(client, updated, inst, key, today)}
        if sent:
            updated = replace(updated, reminded=updated.reminded | sent)
        updated = self._store(updated, etag, plan, today, worked_today=True)
        if updated.status in RUNNING:
            # after the save of the day it came back: the notice's date is the plan's (a
            # look after a cut in between tells it, failure16b F3)
            self._tell_came_back(client, updated, today)
        if updated.status is PlanStatus.COMPLETED and plan.status is not PlanStatus.COMPLETED:
            self._release(updated)
            self._log(updated, "completed", "All installments paid")
            self._contact(updated, f"Payment plan {plan.plan_id} completed")
        return updated

    @staticmethod
    def _came_back(
        plan: PaymentPlan, updated: PaymentPlan, paid: Cents, today: date
    ) -> PaymentPlan:
        """Money that had paid installments came back (``paid`` below what the plan saw): the
        installments it leaves unpaid count their grace from today, as an installment whose
        collection came back does (law14b C; law16 F4: a returned transfer lapsed a paid plan
        the next morning with nothing sent). Not for an installment whose own collection came
        back: the collection's return keeps its own day."""
        before = {s.number: s.paid for s in plan.installments(today)}
        own = {d.number for d in plan.debits if d.state is DebitState.RETURNED}
        reopened = [
            s.number
            for s in replace(plan, paid=paid).installments(today)
            if s.paid < before.get(s.number, 0) and s.number not in own
        ]
        known = set(updated.came_back)
        added = tuple((n, today) for n in reopened if (n, today) not in known)
        return replace(updated, came_back=updated.came_back + added) if added else updated

    def _tell_came_back(self, client: Client, plan: PaymentPlan, today: date) -> None:
        """The debtor hears which installments a payment that came back left open, what each
        asks and the day (grace from the day it came back) it must be paid by: once per day
        the plan records (its outbox key), told after the plan that records the day is saved.
        A look after a failure in between (the next day's, :meth:`_next_attention`) finds the
        day recorded and its notice not queued, and tells it with that day's date while it
        still asks something (failure16b F3: told before the save under the day seen, a cut
        in between had the weekly look record another day and tell it again a week later
        with another pay-by date)."""
        from shared.adapters.tables.messaging_repo import OutboxRepository

        if not plan.came_back:
            return
        states = {s.number: s for s in plan.installments(today)}
        outbox = OutboxRepository(self.repos.store)
        for day in sorted({on for _, on in plan.came_back}):
            numbers = {n for n, on in plan.came_back if on == day}
            reopened = tuple(
                notices.FailedCollection(i.number, states[i.number].open, i.due_date,
                                         plan.grace_from(i) + timedelta(days=plan.rules.tolerance_days))
                for i in plan.schedule
                if i.number in numbers and states[i.number].open > 0
            )  # fmt: skip
            if not reopened or max(r.pay_by for r in reopened) < today:
                continue  # paid again meanwhile, or its grace over (the lapse is told)
            what = f"came-back|{day.isoformat()}"
            written = outbox.get(client.client_id, f"plan|{plan.plan_id}|{what}")
            if written is not None:  # told; its job may never have reached the queue (a 503
                # after the record): sent again while it is not final (failure18 F7)
                self.messaging.queue_again(written[0])
                continue
            iban = self._payee(client, plan)[1]
            sent = self._send_notice(client, plan, what,
                                     functools.partial(notices.payment_came_back, plan, reopened, iban))  # fmt: skip
            self._log(plan, "came_back_told", "The debtor is told a payment came back and what "
                      f"is open again by when (installments {sorted(numbers)}): {sent}")  # fmt: skip

    def _follow_paused(
        self, client: Client, plan: PaymentPlan, etag: str | None, today: date
    ) -> PaymentPlan:
        """A paused plan asks and collects nothing, but follows what its invoices owe at once
        (a credit, credit note, withdrawal, waiver or write-off), as a running plan does: its
        total lowered to what is owed (the open installments lower, same dates) and still
        paused, or completed when nothing is left to pay. The money paid meanwhile is taken
        in when it resumes (the early-payment recalculation runs then), unless it completes
        the plan."""
        assert plan.activated_at is not None
        paid, owed = self.money.standing(
            client, plan.debtor_number, list(plan.invoice_numbers), plan.money_since,
            plan.include_costs, today, plans={plan.plan_id: plan},
        )  # fmt: skip
        if owed is None or owed >= plan.total - paid:
            return plan
        updated = plan.lower_to(paid + owed, today)
        if paid >= updated.total:  # nothing left to pay: completed (if its claims are)
            done = replace(updated, paid=paid, status=PlanStatus.COMPLETED, reason=None,
                           releasing=True)  # fmt: skip
            done = self._completed_only_when_paid(client, done, today)
            updated = (
                done
                if done.status is PlanStatus.COMPLETED
                else replace(done, status=PlanStatus.PAUSED, reason=plan.reason, paid=plan.paid)
            )
        if updated == plan:
            return plan
        if updated.total < plan.total:
            if updated.status is PlanStatus.PAUSED:
                # saved with its notice owed: a host that stops before it is sent leaves the
                # mark for the retry or the daily run (codereview9 F3)
                updated = replace(
                    updated, notice_to_tell=owed_notices.lowered(self.clock.now(), updated)
                )
            self._log(updated, "lowered", f"Less is owed than the paused plan asked: its total "
                      f"is now {updated.total} cents (was {plan.total}); the open installments "
                      "are lower")  # fmt: skip
        updated = self._store(updated, etag, plan, today, worked_today=True)
        if updated.status is PlanStatus.COMPLETED:
            self._release(updated)
            self._log(updated, "completed", "Nothing is owed any more on its invoices")
            self._contact(updated, f"Payment plan {plan.plan_id} completed")
        return updated

    def _statements_behind(self, client: Client, plan: PaymentPlan, today: date) -> bool:
        """The client's bank statements do not yet reach the grace's last day: a transfer of
        those days may be on a file still to come (after an outage, the run came before the
        files of the days it missed: failure24 F2). The breach waits for them, looked at daily
        (``_next_attention``), as long as the account is fed (``statements_wait``)."""
        accounts = client.ibans
        if plan.agency_id is not None:  # its installments are paid to the agency's account
            accounts = tuple(a for a in (self._payee(client, plan)[1],) if a)
        behind = statements_wait.statements_behind(self.repos.banking, accounts, plan, today)
        if behind is None:
            return False
        account, reach = behind
        self._log(plan, "breach_waits", f"An installment is in arrears, but the bank statements "
                  f"of {account} reach only {reach:%d-%m-%Y}: the breach waits for the days "
                  "after it")  # fmt: skip
        return True

    def _paid_online_meanwhile(self, client: Client, plan: PaymentPlan, today: date) -> bool:
        """An installment in arrears has an online payment the debtor made in the portal that
        is not booked yet (its webhook job waits, or failed and the reconcile run books it):
        the breach waits up to ``ONLINE_WAIT_DAYS`` for it (failure8 #3). A payment booked
        after the lapse still counts by its day (``_run_on``); this keeps the debtor who paid
        from being told his plan lapsed. A click never paid delays the lapse that long only."""
        from shared.services.plans.pay_online import pending_key
        from shared.services.portal import RETURNS

        if plan.breached(today - timedelta(days=ONLINE_WAIT_DAYS)):
            return False  # waited long enough: judged on what is booked
        for state in plan.installments(today):
            if state.paid >= state.amount or state.due_date > today:
                continue  # only the installments in arrears (one read each)
            row = self.repos.store.get(
                RETURNS, client.client_id, pending_key(plan.plan_id, state.number)
            )
            payment_id = str(row.data.get("PaymentId") or "") if row is not None else ""
            if (
                payment_id
                and self.repos.payments.get(client.client_id, f"mollie-{payment_id}") is None
            ):
                self._log(plan, "breach_waits", f"Installment {state.number} is in arrears, but an "
                          f"online payment of it (Mollie {payment_id}) is not booked yet: the "
                          "breach waits for it")  # fmt: skip
                return True
        return False

    def _completed_only_when_paid(
        self, client: Client, plan: PaymentPlan, today: date
    ) -> PaymentPlan:
        """Every installment is paid: the plan is completed only when its claims are (the
        whole claim, or the principal for a plan over it). Otherwise (a plan made before
        interest was frozen, a charge the plan did not know) it keeps holding its invoices
        and staff are told, once, what is still open: add it to the plan, waive it, or cancel
        the plan so the workflow collects it. Never "completed" with money open unsaid."""
        still = sum(
            self.money.open_amounts(
                client, plan.debtor_number, list(plan.invoice_numbers), plan.include_costs, today
            ).values()
        )
        if still <= 0:
            return plan
        held = replace(plan, status=PlanStatus.ACTIVE, releasing=False)
        marker = f"claim_open@{still}"
        if marker in plan.reminded:
            return held
        now = self.clock.now()
        # once: told already (a redelivery)
        self.repos.actions.add_once(ActionItem(
            client_id=items_scope(plan), action_id=f"{plan.plan_id}-claim-open-{still}",
            kind="plan_paid_claim_open",
            title=f"Payment plan {plan.plan_id}: every installment is paid, yet "
            f"{format_eur_nl(still)} is still open on its invoices",
            created_at=now, debtor_number=plan.debtor_number,
            invoice_numbers=plan.invoice_numbers,
            detail={"plan_id": plan.plan_id, "open": still},
        ))  # fmt: skip
        self._log(held, "claim_open", f"All installments paid; {still} cents still open on "
                  "its invoices: the plan is not completed, staff are asked to decide")  # fmt: skip
        return replace(held, reminded=held.reminded | {marker})

    @staticmethod
    def _paid_otherwise(plan: PaymentPlan, today: date) -> frozenset[int]:
        """Installments whose collection in our file asks more than they still need."""
        states = {s.number: s for s in plan.installments(today)}
        out = set()
        for d in plan.debits:
            if d.via != "file" or d.state is not DebitState.SUBMITTED:
                continue
            state = states.get(d.number)
            if state is None or d.amount > state.amount - state.paid:
                out.add(d.number)
        return frozenset(out)

    def _collect_debits(self, client: Client, plan: PaymentPlan, etag: str | None,
                        today: date) -> tuple[PaymentPlan, str | None]:  # fmt: skip
        """Collections whose date has come are booked as paid (the bank collects on that
        date; a return undoes it later); a booked collection whose payment came back marks
        its installment failed."""
        if self.payments is None or not plan.debits:
            return plan, etag
        changed = False
        debits = []
        for d in plan.debits:
            if d.via == "mollie" and d.state is DebitState.SUBMITTED:
                booked = self.repos.payments.get(client.client_id, d.payment_id)
                if booked is not None and not booked.reversed:
                    d = replace(d, state=DebitState.COLLECTED)  # its webhook booked it
                    changed = True
            elif d.via == "mollie" and d.state is not DebitState.COLLECTED:
                pass  # returned or failed: told when it happened
            elif (
                d.state is DebitState.SUBMITTED
                and d.collection_date <= today
                and self.desk is not None
                and self.desk.is_withdrawn(client.client_id, plan.plan_id, d)
            ):
                # withdrawn at the desk, but the plan's own record of it was not saved
                d = replace(d, state=DebitState.WITHDRAWN)
                changed = True
            elif (
                d.state is DebitState.SUBMITTED
                and d.collection_date <= today
                and d.via == "file"
                and self.desk is not None
                and not self.desk.carried(client.client_id, plan.plan_id, d)
                and self.desk.miss(client.client_id, plan.plan_id, d)
            ):
                # its date came and no file carried it: the bank collected nothing, so it is
                # not booked (failure16 R2 booked 100.00 no file ever asked for); withdrawn
                # as missed, the installment is filed again for a later day
                d = replace(d, state=DebitState.WITHDRAWN)
                changed = True
                self._log(plan, "debit_missed", f"Installment {d.number}: no direct debit file "
                          f"carried the collection of {d.collection_date}; it is filed again")  # fmt: skip
            elif d.state is DebitState.SUBMITTED and d.collection_date <= today and d.via == "file":
                self.payments.book(client, payment_id=d.payment_id, amount=d.amount,
                                   received_on=d.collection_date, source=PaymentSource.DIRECT_DEBIT,
                                   invoice_numbers=list(plan.invoice_numbers), return_reference=d.end_to_end_id,
                                   received_by=COLLECTED_INTO, reference=d.end_to_end_id)  # fmt: skip
                d = replace(d, state=DebitState.COLLECTED)
                changed = True
                self._log(
                    plan,
                    "collected",
                    f"Installment {d.number} collected by direct debit ({d.amount} cents)",
                )
            elif d.state is DebitState.COLLECTED:
                payment = self.repos.payments.get(client.client_id, d.payment_id)
                if payment is not None and payment.reversed and not self._booked_anew(client, d):
                    d = replace(d, state=DebitState.RETURNED)
                    changed = True
                    plan = plan.fail(d.number)
                    self._log(plan, "debit_returned", f"The direct debit of installment {d.number} came back "
                              "(the bank's reason is on the contact log); staff can retry")  # fmt: skip
                    self._action(client, plan, "plan_debit_failed",
                                 f"Direct debit of installment {d.number} of plan {plan.plan_id} failed")  # fmt: skip
            debits.append(d)
        if not changed:
            return plan, etag
        updated = replace(plan, debits=tuple(debits))
        self._save(updated, etag)
        found = self.plans.get(client.client_id, plan.plan_id)
        assert found is not None
        return found

    def _booked_anew(self, client: Client, d: DirectDebit) -> bool:
        """A collection whose taking back was itself undone stands again under a payment of
        its own, and its debit stays collected: a Mollie payment whose chargeback the bank
        reversed under a net id (``mollie-tr_…-r0``, see online_payments); a file collection
        whose return the bank reversed under the statement line's booking, remembered under
        the collection's end-to-end id (statement_credits_back)."""
        if d.via == "mollie":
            derived = self.repos.payments.derived(client.client_id, d.payment_id)
            return any(not p.reversed for p in derived)
        for ref in self.repos.banking.payments_for(client.client_id, d.end_to_end_id):
            if ref.payment_id == d.payment_id:
                continue
            again = self.repos.payments.get(client.client_id, ref.payment_id)
            if again is not None and not again.reversed and again.amount == d.amount:
                return True
        return False

    def collection_restored(self, client: Client, end_to_end_id: str, why: str) -> bool:
        """The bank reversed the return of one of this client's file collections and the money
        is booked again: the collection counts as collected again and its installment no longer
        failed (unless staff retried it meanwhile), told once on the plan's timeline; the plan's
        standing follows the money on its next run. False: not one of the client's plans'
        collections."""
        if self.desk is None:
            return False
        plan_id = self.desk.plan_of(client.client_id, end_to_end_id)
        if plan_id is None or self.plans.get(client.client_id, plan_id) is None:
            return False
        for _ in range(RETRIES):
            current, etag = self._get(client, plan_id)
            changed = current.debit_counts_again(end_to_end_id)
            if changed == current:
                return True  # a redelivery: counted again before
            try:
                self._save(changed, etag)
            except ConflictingUpdate:
                continue
            number = next(d.number for d in current.debits if d.end_to_end_id == end_to_end_id)
            self._log(current, "debit_restored",
                      f"Installment {number}: {why}; the money is booked again")  # fmt: skip
            return True
        raise ConflictingUpdate(f"plan {plan_id} keeps changing; the file will be read again")

    def _submit_debits(self, client: Client, plan: PaymentPlan, today: date) -> PaymentPlan:
        """Installments whose date is near join the file for their collection date."""
        if self.desk is None or plan.mandate is None:
            return plan
        states = {s.number: s for s in plan.installments(today)}
        active = {d.number for d in plan.debits if d.standing}
        new: list[DirectDebit] = []
        for inst in plan.schedule:
            state = states[inst.number]
            if inst.number in active or inst.number in plan.failed or state.paid >= state.amount:
                continue
            if inst.due_date - timedelta(days=COLLECTION_LEAD_DAYS) > today:
                continue
            attempt = 1 + sum(1 for d in plan.debits if d.number == inst.number)
            e2e = f"{plan.plan_id[-20:]}-{inst.number}-{attempt}"
            # filed before under this id, and the plan forgot it (a restore rolled the plan
            # back, failure16 R1): the bank has that collection already, on its date; the
            # plan takes it up again instead of filing the installment a second time
            filed = self.desk.filed(client.client_id, plan.plan_id, inst.number, attempt, e2e)
            while filed is not None and filed.state is DebitState.WITHDRAWN:
                attempt += 1
                e2e = f"{plan.plan_id[-20:]}-{inst.number}-{attempt}"
                filed = self.desk.filed(client.client_id, plan.plan_id, inst.number, attempt, e2e)
            if filed is not None:
                new.append(filed)
                continue
            on = max(inst.due_date, today + timedelta(days=COLLECTION_LEAD_DAYS))
            first = not any(d.standing for d in plan.debits) and not new
            new.append(DirectDebit(inst.number, attempt, next_sepa_business_day(on),
                                   state.amount - state.paid, e2e, first))  # fmt: skip
        if not new:
            return plan
        for d in new:
            self._log(
                plan,
                "debit_submitted",
                f"Installment {d.number}: direct debit of {d.amount} cents on {d.collection_date}",
            )
        return replace(
            plan, debits=plan.debits + tuple(new), status=PlanStatus.COLLECTION_IN_PROGRESS
        )

    def _withdraw(
        self,
        client: Client,
        plan: PaymentPlan,
        numbers: frozenset[int] | None = None,
        *,
        stop_mollie: bool = True,
    ) -> PaymentPlan:
        """Take the filed, not yet collected collections of these installments (all: None)
        out of their files, before the plan that records it is saved: the run books no
        collection the desk has withdrawn, so a crash in between collects nothing. A file
        already made must be cancelled at the bank: staff get an action item. Recurring
        payments under way at Mollie are canceled there while Mollie still can."""
        if stop_mollie and self.mollie is not None and plan.rules.collects_through_mollie:
            why = {
                PlanStatus.CANCELLED: "stops: the plan was cancelled",
                PlanStatus.PAUSED: "waits: the plan was paused",
            }.get(plan.status, "was postponed")
            plan = self._mollie_desk().withdraw(
                client, plan, numbers, amsterdam_today(self.clock), why
            )
        changed, taken = plan.withdraw(numbers)
        for d in taken:
            blob = self.desk.withdraw(client.client_id, plan.plan_id, d) if self.desk else None
            if blob is None:
                self._log(plan, "debit_withdrawn", f"Installment {d.number}: the direct debit of "
                          f"{d.collection_date} was taken out before its file was made")  # fmt: skip
                continue
            self._log(plan, "debit_withdrawn", f"Installment {d.number}: the direct debit of "
                      f"{d.collection_date} is withdrawn; its file was already made ({blob}): "
                      "staff cancel it at the bank")  # fmt: skip
            now = self.clock.now()
            # once: told before (a retried request)
            self.repos.actions.add_once(ActionItem(
                client_id=client.client_id, action_id=f"sdd-withdrawn-{d.end_to_end_id}",
                kind="direct_debit_withdrawn",
                title=(f"Cancel the direct debit {d.end_to_end_id} of {d.collection_date:%d-%m-%Y} "
                       f"at the bank (plan {plan.plan_id}, installment {d.number}): its file "
                       "was already made"),
                created_at=now, debtor_number=plan.debtor_number,
                invoice_numbers=plan.invoice_numbers,
                detail={"plan_id": plan.plan_id, "installment": d.number, "blob": blob,
                        "end_to_end_id": d.end_to_end_id, "amount": d.amount,
                        "collection_date": d.collection_date.isoformat()},
            ))  # fmt: skip
        return changed

    def debit_came_back(
        self, client: Client, end_to_end_id: str, reason: str, plan_id: str | None = None
    ) -> PaymentPlan | None:
        """The bank rejected (pain.002 RJCT) or returned (an R-transaction) a collection.
        Before it was booked it never becomes a payment; after, the booked payment is
        reversed through the payment service (the ledger's reversal). Its installment fails
        with the reason, staff are told and can retry. None: not one of our collections."""
        if plan_id is None:
            plan_id = self.desk.plan_of(client.client_id, end_to_end_id) if self.desk else None
        if plan_id is None:
            return None
        busy: set[str] = getattr(self._working, "plans", set())
        self._working.plans = busy | {plan_id}  # this method settles the plan itself
        try:
            for _ in range(RETRIES):
                plan, etag = self._get(client, plan_id)
                debit = next((d for d in plan.debits if d.end_to_end_id == end_to_end_id), None)
                if debit is not None and debit.state is DebitState.RETURNED:
                    # told before, or cut off after the row's save before the debtor and
                    # staff were told (codereview14b F3): both are keyed, finish them; and
                    # an MD07 is proposed again (idempotent; standing15 #4: one cut off after
                    # the row's save never proposed the debtor deceased)
                    self._finish_debit_failed(client, plan, debit, reason)
                    if self._propose_deceased(client, plan, end_to_end_id, reason):
                        return self._get(client, plan_id)[0]
                    return plan
                if debit is None or debit.state is DebitState.WITHDRAWN:
                    return plan  # taken out before the bank collected it
                booked = debit.state is DebitState.COLLECTED or debit.via == "mollie"
                if booked and self.payments is not None:  # (reversing nothing is a no-op)
                    self.payments.reverse(
                        client, debit.payment_id, f"direct debit returned by the bank ({reason})"
                    )
                today = amsterdam_today(self.clock)
                needed = True
                if plan.activated_at is not None:
                    paid = self.money.paid_towards(client, plan.debtor_number, list(plan.invoice_numbers),
                                                   plan.money_since, plan.include_costs)  # fmt: skip
                    # paid otherwise meanwhile (a transfer, the portal): the collection that
                    # came back only brought a surplus, and its installment does not fail; the
                    # plan's other collections pay their own installments (law14b B)
                    needed = plan.collection_needed(end_to_end_id, paid, today)
                    back = plan.debit_came_back(end_to_end_id, reason, needed=needed, on=today)
                    back = back.settle(paid, today)
                else:
                    back = plan.debit_came_back(end_to_end_id, reason, on=today)
                try:
                    updated = self._store(back, etag, plan, today)
                except ConflictingUpdate:
                    continue
                if (
                    plan.status is PlanStatus.COMPLETED
                    and updated.status is not PlanStatus.COMPLETED
                ):
                    # reopened after completion: it holds its invoices' dunning again
                    self.plans.hold_invoices(client.client_id, plan.plan_id, plan.invoice_numbers)
                    self._log(
                        updated,
                        "reopened",
                        "A collection came back after completion: the plan runs again",
                    )
                break
            else:
                raise ConflictingUpdate(
                    f"plan {plan_id} keeps changing; try again",
                    code="plan_keeps_changing",
                    params={"plan": plan_id},
                )
        finally:
            self._working.plans = busy
        from shared.domain.plans.sepa_reasons import describe

        said = describe(reason.split()[0]) if reason.split() else reason
        if not needed:
            self._surplus_came_back(client, updated, debit, reason)
            return updated
        self._log(updated, "debit_failed", f"Installment {debit.number}: the bank did not collect "
                  f"{debit.end_to_end_id} ({reason}: {said}); staff can retry")  # fmt: skip
        self._tell_debit_failed(client, updated, debit, reason)
        # the contact entry before the item, keyed: the item standing tells a redelivery that
        # every step was done (failure15 F8: cut at the entry, it was never written)
        self._contact(updated, f"Direct debit of installment {debit.number} failed ({reason})",
                      key=f"sdd-failed-{debit.end_to_end_id}")  # fmt: skip
        self._add_debit_failed(client, updated, debit, reason)
        if self._propose_deceased(client, plan, end_to_end_id, reason):
            return self._get(client, plan_id)[0]
        return updated

    def _propose_deceased(
        self, client: Client, plan: PaymentPlan, end_to_end_id: str, reason: str
    ) -> bool:
        """A return saying the debtor died (MD07): his standing proposed (idempotent: the
        standing service proposes nothing twice for one return); whether it said so."""
        from shared.domain.standing import says_deceased

        if self.deceased_return is None or not says_deceased(reason):
            return False
        # (a booked one was reversed: the payment service proposed it already) the return
        # known by the payment it undid when the collection was booked (the payment service
        # proposed by that id): one key, whichever path delivers it again
        source = self.repos.banking.payment_for(client.client_id, end_to_end_id)
        self.deceased_return(client, plan.debtor_number, reason, source or end_to_end_id)
        return True

    def _add_debit_failed(
        self, client: Client, plan: PaymentPlan, debit: DirectDebit, reason: str
    ) -> None:
        """Staff's item for a collection that came back: once per collection (its id)."""
        from shared.domain.plans.sepa_reasons import describe

        said = describe(reason.split()[0]) if reason.split() else reason
        # once: told before
        self.repos.actions.add_once(ActionItem(
            client_id=client.client_id, action_id=f"sdd-failed-{debit.end_to_end_id}",
            kind="plan_debit_failed",
            title=(f"Direct debit of installment {debit.number} of plan {plan.plan_id} failed: "
                   f"{reason} ({said})"),
            created_at=self.clock.now(), debtor_number=plan.debtor_number,
            invoice_numbers=plan.invoice_numbers,
            detail={"plan_id": plan.plan_id, "installment": debit.number, "reason": reason,
                    "end_to_end_id": debit.end_to_end_id},
        ))  # fmt: skip

    def _finish_debit_failed(
        self, client: Client, plan: PaymentPlan, debit: DirectDebit, reason: str
    ) -> None:
        """A return delivered again for a collection the plan's row already says came back:
        when the first delivery was cut off after the row's save, the debtor was never told
        and staff have no item, and the plan would lapse unsaid (codereview14b F3). Both
        steps and the contact entry are keyed (the outbox key, the entry's id, the item's id)
        and written in that order, so the item standing means all were done; a plan that stopped, or whose installment no
        longer fails (paid otherwise, retried by staff), asks neither."""
        if plan.status not in RUNNING or debit.number not in plan.failed:
            return
        if any(d.number == debit.number and d.attempt > debit.attempt for d in plan.debits):
            return  # staff retried it: the later collection speaks for the installment
        if self.repos.actions.get(client.client_id, f"sdd-failed-{debit.end_to_end_id}"):
            return  # told before
        why = debit.reason or reason
        self._tell_debit_failed(client, plan, debit, why)
        self._contact(plan, f"Direct debit of installment {debit.number} failed ({why})",
                      key=f"sdd-failed-{debit.end_to_end_id}")  # fmt: skip
        self._add_debit_failed(client, plan, debit, why)

    def _tell_debit_failed(
        self, client: Client, plan: PaymentPlan, debit: DirectDebit, reason: str
    ) -> None:
        """The debtor hears that his installment's collection came back, what it still asks,
        and the day (the grace from today) by which it must be paid or collected again before
        the plan can lapse: he cannot keep a plan he does not know is short (law14b B, C).
        Once per collection (its outbox key); not for a plan that no longer asks it (paused,
        cancelled), nor on a return saying he died (MD07: the estate is written to by a person)."""
        from shared.domain.standing import says_deceased

        if plan.status not in RUNNING or says_deceased(reason):
            return
        today = amsterdam_today(self.clock)
        state = next((s for s in plan.installments(today) if s.number == debit.number), None)
        inst = next((i for i in plan.schedule if i.number == debit.number), None)
        if state is None or inst is None or state.paid >= state.amount:
            return
        pay_by = plan.grace_from(inst) + timedelta(days=plan.rules.tolerance_days)
        iban = self._payee(client, plan)[1]
        failed = notices.FailedCollection(debit.number, state.amount - state.paid,
                                          debit.collection_date, pay_by)  # fmt: skip
        sent = self._send_notice(client, plan, f"debit-failed|{debit.end_to_end_id}",
                                 functools.partial(notices.debit_failed, plan, failed, iban))  # fmt: skip
        self._log(plan, "debit_failed_told", f"Installment {debit.number}: the debtor is told the "
                  f"collection came back and that it is to be paid by {pay_by}: {sent}")  # fmt: skip

    def _surplus_came_back(
        self, client: Client, plan: PaymentPlan, debit: DirectDebit, reason: str
    ) -> None:
        """A collection its installment no longer needed came back (the debtor's bank took a
        double collection back): nothing reopens, and the overpayment staff were asked to
        refund (see MolliePlanDesk._overpaid) is refunded already: that item is resolved."""
        self._log(plan, "debit_returned", f"Installment {debit.number}: {debit.end_to_end_id} "
                  f"came back ({reason}), but other money had paid the installment: nothing "
                  "reopens and nothing is owed back")  # fmt: skip
        found = self.repos.actions.get(
            client.client_id, f"plan-overpaid-{plan.plan_id}-{debit.end_to_end_id}"
        )
        if found is None or found[0].status is ActionStatus.RESOLVED or found[1] is None:
            return
        item = replace(found[0], status=ActionStatus.RESOLVED, resolved_at=self.clock.now(),
                       resolution=f"the debtor's bank took the payment back ({reason}): "
                       "nothing left to refund")  # fmt: skip
        try:
            self.repos.actions.save(item, found[1])
        except (PreconditionFailed, ConflictingUpdate):
            pass  # staff are working on it: they see the plan's history

    # -- collection through Mollie (shared/services/plans/mollie_plans.py) ------------------
    def _mollie_desk(self) -> MolliePlanDesk:
        from shared.services.plans.mollie_plans import MolliePlanDesk

        assert self.mollie is not None
        return MolliePlanDesk(self, self.mollie)

    def mollie_outcome(
        self, client: Client, plan_id: str, payment: MolliePayment, settle: bool = True
    ) -> str:
        """What a Mollie payment of the plan means (its webhook, or the run asking): see
        :meth:`MolliePlanDesk.outcome`."""
        if self.mollie is None or self.payments is None:
            return "unknown"
        return self._mollie_desk().outcome(client, plan_id, payment, settle)

    def first_payment_url(self, client: Client, plan_id: str) -> str | None:
        """The checkout link of the plan's first payment still open (the portal sends the
        debtor there), or None."""
        if self.mollie is None:
            self._get(client, plan_id)
            return None
        return self._mollie_desk().first_payment_url(client, plan_id)

    def _action(self, client: Client, plan: PaymentPlan, kind: str, title: str) -> None:
        now = self.clock.now()
        self.repos.actions.add(ActionItem(
            client_id=items_scope(plan), action_id=time_ordered_id(now), kind=kind, title=title,
            created_at=now, debtor_number=plan.debtor_number, invoice_numbers=plan.invoice_numbers,
            detail={"plan_id": plan.plan_id},
        ))  # fmt: skip

    def _reminders_due(
        self, plan: PaymentPlan, today: date
    ) -> list[tuple[str, sched.ScheduledInstallment]]:
        if plan.rules.reminder_channel is ReminderChannel.NONE:
            return []
        if plan.method is PlanMethod.DIRECT_DEBIT:
            return []  # the agreement pre-notified every collection; nothing to pay by hand
        states = {s.number: s for s in plan.installments(today)}
        out = []
        for inst in plan.schedule:
            key = f"{inst.number}@{inst.due_date.isoformat()}"
            when = inst.due_date + timedelta(days=plan.rules.reminder_offset_days)
            state = states[inst.number]
            if (
                key not in plan.reminded
                and when <= today <= inst.due_date + timedelta(days=plan.rules.tolerance_days)
                and state.paid < state.amount
            ):
                out.append((key, inst))
        return out

    def _mollie_cancel_pending(self, plan: PaymentPlan) -> bool:
        """A cancelled or paused plan with a Mollie payment under way whose cancel we asked
        and Mollie neither did nor refused (its answer a 503, a timeout): asked again. A plan
        ended by a breach lets its payment run (it pays arrears): no cancel was asked."""
        return bool(self._mollie_cancels_left(plan))

    def _mollie_cancels_left(self, plan: PaymentPlan) -> frozenset[int]:
        """The installments of :meth:`_mollie_cancel_pending`'s payments (read only for a
        cancelled or paused plan with a Mollie payment under way)."""
        if self.mollie is None or plan.status not in (PlanStatus.CANCELLED, PlanStatus.PAUSED):
            return frozenset()
        under_way = [
            d
            for d in plan.debits
            if d.via == "mollie" and d.state is DebitState.SUBMITTED and not d.first
        ]
        if not under_way:
            return frozenset()
        asked = self._mollie_desk().collections
        return frozenset(
            d.number
            for d in under_way
            if asked.cancel_asked(plan, d.end_to_end_id)
            and not asked.cancel_refused(plan, d.end_to_end_id)
        )

    def _next_attention(self, plan: PaymentPlan, after: date) -> date | None:
        """The next day the run must look at this plan: a reminder to send, a due date, or
        the end of a due date's grace (when a breach would show). A completed plan is still
        looked at for the 8 weeks in which a SEPA payment can come back."""
        if self._mollie_cancel_pending(plan):
            return after + timedelta(days=1)  # its Mollie payment's cancel asked again
        if plan.releasing:
            held_until = plan.holds_dunning_until
            if held_until is not None and not plan.notice_to_tell and held_until > after:
                return held_until  # the dunning waits for his granted days (law16b F4)
            return after + timedelta(days=1)  # the holds are released (again) tomorrow
        if plan.status is PlanStatus.COMPLETED:
            last = max((i.due_date for i in plan.schedule), default=after)
            watch_until = max(last, (plan.money_since if plan.activated_at else last)) + timedelta(
                weeks=8
            )
            return after + timedelta(days=7) if after < watch_until else None
        if plan.status is PlanStatus.PAUSED and plan.notice_to_tell:
            return after + timedelta(days=1)  # its lowering is told (once) tomorrow
        if dispute_held_since(plan) is not None:
            # paused by a dispute: looked at daily, so it resumes should the end of the
            # dispute not have reached it (a cut-off request)
            return after + timedelta(days=1)
        if plan.status not in RUNNING:
            return None
        if plan.activation_to_tell or plan.notice_to_tell:
            return after + timedelta(days=1)  # the agreement or notice is sent (once) tomorrow
        if any(on >= after for _, on in plan.came_back):
            # a payment that came back, recorded today: its notice, told after the save, is
            # told tomorrow should a cut have stopped it (once: its outbox key)
            return after + timedelta(days=1)
        candidates: list[date] = []
        states = {s.number: s for s in plan.installments(after)}
        for inst in plan.schedule:
            # (a returned collection's grace runs from the day it came back)
            grace_end = plan.grace_from(inst) + timedelta(days=plan.rules.tolerance_days + 1)
            if states[inst.number].paid >= inst.amount:
                # paid by its own collection while an earlier one is unpaid (a storno): the
                # arrears are cumulative, so its grace's end is a day a breach can show
                if grace_end > after:
                    candidates.append(grace_end)
                continue
            if grace_end <= after < grace_end + timedelta(days=BREACH_WAIT_DAYS):
                # in arrears past its grace and still running: a breach waiting for an online
                # payment (``_paid_online_meanwhile``) or for the bank statements
                # (``_statements_behind``) is judged again tomorrow
                candidates.append(after + timedelta(days=1))
            remind = inst.due_date + timedelta(days=plan.rules.reminder_offset_days)
            submit = inst.due_date - timedelta(days=COLLECTION_LEAD_DAYS)
            for day in (remind, inst.due_date, grace_end, submit):
                if day > after:
                    candidates.append(day)
        candidates += [
            d.collection_date
            for d in plan.debits
            if d.state is DebitState.SUBMITTED and d.collection_date > after
        ]
        mollie_waiting = (
            plan.method is PlanMethod.DIRECT_DEBIT
            and plan.rules.collects_through_mollie
            and plan.mandate is None
            and not any(d.first for d in plan.debits)
        )  # its first payment is still to be made (Mollie was out of reach)
        if mollie_waiting or any(
            d.via == "mollie" and d.state is DebitState.SUBMITTED for d in plan.debits
        ):
            # a Mollie payment under way: asked about daily, should its webhook be lost
            candidates.append(after + timedelta(days=1))
        if plan.method is PlanMethod.DIRECT_DEBIT:
            # an installment to collect whose submission day has passed (a retry) goes
            # into tomorrow's run
            active = {d.number for d in plan.debits if d.standing}
            late = [
                i
                for i in plan.schedule
                if i.number not in active
                and i.number not in plan.failed
                and states[i.number].paid < i.amount
                and i.due_date - timedelta(days=COLLECTION_LEAD_DAYS) <= after
            ]
            if late:
                candidates.append(after + timedelta(days=1))
        # a running plan is always looked at again at least monthly, to see payments
        return min(candidates) if candidates else after + timedelta(days=30)

    # -- messages ----------------------------------------------------------------------------
    def _remind(
        self,
        client: Client,
        plan: PaymentPlan,
        inst: sched.ScheduledInstallment,
        key: str,
        today: date,
    ) -> bool:
        """False when the reminder waits for the client's account (not counted as sent)."""
        states = {s.number: s for s in plan.installments(today)}
        open_part = states[inst.number].amount - states[inst.number].paid
        holder, iban = self._payee(client, plan)
        channel = (
            Channel.LETTER
            if plan.rules.reminder_channel is ReminderChannel.LETTER
            else Channel.EMAIL
        )
        sent = self._send_notice(client, plan, f"remind|{key}",
                                 lambda lang: notices.reminder(plan, inst, open_part, iban, lang, holder), channel)  # fmt: skip
        self._log(plan, "reminder", f"Reminder for installment {inst.number}: {sent}")
        return sent != account_hold.HELD

    def _send_agreement(self, client: Client, plan: PaymentPlan) -> str:
        """Once by its outbox key; its timeline entry follows the activation's (same id).
        What happened (:meth:`_send_notice`)."""
        party, iban = self._payee(client, plan)
        # the agency's plan names the agency as the party, collecting for the client
        for_client = client.name if plan.agency_id else None
        result = self._send_notice(client, plan, "agreement",
                                   lambda lang: notices.agreement(plan, party, iban, lang, for_client))  # fmt: skip
        if result == account_hold.HELD:
            return result  # its entry (under the activation's id) is written when it goes
        entry = f"{plan.activation_to_tell}-agreement" if plan.activation_to_tell else None
        now = self.clock.now()
        self.plans.log(plan.client_id, plan.plan_id, entry or time_ordered_id(now), now,
                       "agreement_sent", f"Agreement with schedule: {result}")  # fmt: skip
        return result

    def _tell_lapse(self, client: Client, plan: PaymentPlan) -> None:
        """Tell a breach: the timeline, the debtor's notice, the client's action item and mail,
        the contact log. Every row and every outbox key takes the id of this lapse
        (``lapse_to_tell``), so a redelivery that tells again adds nothing, and a plan kept
        after a lapse that lapses again is told again (failure14b Q6); every telling states
        the figures the first one pinned (failure14b Q4)."""
        told = plan.lapse_to_tell
        now = self.clock.now()
        self.plans.log(plan.client_id, plan.plan_id, told, now, "cancelled",
                       "Cancelled automatically after a breach")  # fmt: skip
        owed, not_claimed = self._lapse_figures(client, plan)
        payee = self._lapse_payee(client, plan, not_claimed)
        self._send_notice(client, plan, f"lapsed-{told}",
                          lambda lang: notices.lapsed_to_debtor(plan, owed, lang, not_claimed, payee))  # fmt: skip
        # the client is told the debtor's figures and build-up, not the plan's remainder
        note = notices.lapsed_to_client(plan, owed, client.language.value, not_claimed)
        detail: dict[str, object] = {"plan_id": plan.plan_id, **owed_detail(owed)}
        if plan.agency_id:  # on the agency's list: whose client's claim it is
            detail["client_id"] = client.client_id
        if not_claimed:
            detail["not_claimed"] = list(not_claimed)
        # once: added by the delivery that failed after it
        self.repos.actions.add_once(ActionItem(
            client_id=items_scope(plan), action_id=told, kind="plan_breached",
            title=note.subject, created_at=now, debtor_number=plan.debtor_number,
            invoice_numbers=plan.invoice_numbers, detail=detail,
        ))  # fmt: skip
        self._resolve_debits_failed(
            client, plan, f"plan {plan.plan_id} lapsed: see its breach item"
        )
        # the party that made the plan is told: the agency resumes its collection of the case
        to = self._party_email(client, plan)
        if to:
            message = OutboundMessage(client.client_id, f"plan|{plan.plan_id}|lapsed-{told}-client", Channel.EMAIL, None,
                                      to, now, invoice_numbers=plan.invoice_numbers)  # fmt: skip
            self.messaging.enqueue(message, MessageContent(subject=note.subject, text=note.text,
                                                           language=client.language.value))  # fmt: skip
        # once under its key, also when the delivery that failed after it is redone later
        self.repos.contacts.add_once(ContactEntry(plan.client_id, plan.debtor_number, told, now,
                                                  ContactKind.STATUS, f"Payment plan {plan.plan_id} lapsed; " + ("the agency's collection resumes" if plan.agency_id else "dunning resumes"),
                                                  invoice_numbers=plan.invoice_numbers, system=True))  # fmt: skip

    def _payee(self, client: Client, plan: PaymentPlan) -> tuple[str, str]:
        """Whom the debtor pays the installments, and on which account: the agency on its
        third-party account for its plan (its settlement pays the client out), else the
        client on its own, also once the agency's plan ended with its case's withdrawal."""
        agency = self._speaking_agency(plan)
        if agency is not None:
            return agency.name, agency.third_party_iban or ""
        return client.name, debtor_account(self.repos, client)

    def _speaking_agency(self, plan: PaymentPlan) -> Agency | None:
        """The agency the plan speaks for (its payee, signature and mailbox): its own plan,
        unless the case was withdrawn (the client's claim again)."""
        if plan.agency_id is None or (plan.reason or "").startswith(CASE_WITHDRAWN):
            return None
        return self.repos.agencies.get(plan.agency_id)

    def _lapse_payee(
        self, client: Client, plan: PaymentPlan, not_claimed: tuple[str, ...]
    ) -> notices.LapsePayee:
        """Whom the lapse notice tells the debtor to pay and what to quote: the plan's payee
        (:meth:`_payee`), quoting what the portal quotes for the invoices still claimed."""
        from shared.services.portal import agency_transfer_text, transfer_text

        name, iban = self._payee(client, plan)
        numbers = [n for n in plan.invoice_numbers if n not in not_claimed]
        if plan.agency_id is not None and not (plan.reason or "").startswith(CASE_WITHDRAWN):
            quote = agency_transfer_text(client.client_id, plan.debtor_number, numbers)
            return notices.LapsePayee(name, iban, quote, client.name)
        return notices.LapsePayee(name, iban, transfer_text(plan.debtor_number, numbers))

    def _party_email(self, client: Client, plan: PaymentPlan) -> str | None:
        """Where the plan's party reads its mail: the agency's contact address for its plan
        (the client does not collect those invoices), else the client's."""
        if plan.agency_id is None:
            return client.contact_email
        agency = self.repos.agencies.get(plan.agency_id)
        return agency.contact_email if agency is not None else None

    def _resolve_debits_failed(self, client: Client, plan: PaymentPlan, why: str) -> None:
        """The plan's ``plan_debit_failed`` items still waiting resolved: a plan that lapsed
        retries nothing (409 ``plan_cannot_retry``) and its breach item says what is left
        to do (standing15 #5: staff saw the stale retry item beside it). Each under the ETag
        it was read with (a person's change meanwhile stands); a redelivered lapse finds them
        resolved."""
        now = self.clock.now()
        for status in (ActionStatus.OPEN, ActionStatus.ASSIGNED):
            continuation: str | None = None
            while True:
                page, continuation = self.repos.actions.list(
                    client.client_id, status=status, kind="plan_debit_failed",
                    continuation=continuation,
                )  # fmt: skip
                for item in page:
                    if item.detail.get("plan_id") == plan.plan_id:
                        self.repos.actions.resolve_if_open(client.client_id, item.action_id,
                                                           why, now)  # fmt: skip
                if continuation is None:
                    break

    def _lapse_figures(
        self, client: Client, plan: PaymentPlan
    ) -> tuple[OwedOnLapse, tuple[str, ...]]:
        """What the lapse is told with: the figures its first telling pinned on the plan, else
        the ledger's of the lapse day (after the release: costs owed from it, frozen interest
        running again), pinned under the plan's ETag before anything is told, so a telling
        repeated after a failure states what the debtor's notice said (failure14b Q4)."""
        told = plan.lapse_to_tell
        for _ in range(RETRIES):
            found = self.plans.get(plan.client_id, plan.plan_id)
            if found is not None:
                kept = unpinned(told, found[0].lapse_owed)
                if kept is not None:
                    return kept
            if found is None or found[0].lapse_to_tell != told:
                break  # gone, or told and cleared by a plan stored before figures were kept
            owed, not_claimed = self._owed_on_lapse(client, found[0])
            try:
                self._save(replace(found[0], lapse_owed=pinned(told, owed, not_claimed)), found[1])
            except ConflictingUpdate:
                continue
            return owed, not_claimed
        return self._owed_on_lapse(client, plan)

    def _owed_on_lapse(
        self, client: Client, plan: PaymentPlan
    ) -> tuple[OwedOnLapse, tuple[str, ...]]:
        # a claim a clean slate or an akkoord left a natural obligation is never told due
        not_claimed = self._natural_obligations(client, plan)
        # the claims' figures on the lapse day (costs owed from it, interest) of the claims
        # still claimed, not the plan's remainder: what is owed "in full" from now (law13b F1)
        claimed = [n for n in plan.invoice_numbers if n not in not_claimed]
        owed = self.money.owed_on_lapse(client, plan.debtor_number, claimed,
                                        plan.ended_on or amsterdam_today(self.clock))  # fmt: skip
        return owed, not_claimed

    def _told(self, plan: PaymentPlan) -> PaymentPlan:
        """The breach told: its mark goes. A plan changed meanwhile keeps the mark, and the
        next visit tells again, which writes the same rows."""
        return owed_notices.clear_mark(self, plan, "lapse_to_tell", retries=1)

    def _send_notice(self, client: Client, plan: PaymentPlan, what: str, build: Callable[[str], notices.Notice],
                     channel: Channel = Channel.EMAIL) -> str:  # fmt: skip
        """Queue one message to the debtor; ``what`` makes its key, so a repeat sends
        nothing. Returns what happened, for the timeline (a failure is logged, not raised:
        the plan's own state is already saved)."""
        found = self.repos.debtors.get(client.client_id, plan.debtor_number)
        if found is None:
            return "debtor not found"
        debtor = found[0]
        from shared.domain.standing import holds

        if holds(debtor.standing):
            # deceased, bankrupt, in the WSNP: nothing goes to him (a person writes to the
            # estate or the curator; shared.domain.standing)
            self._log(plan, "message_held", f"{what}: not sent, the debtor's standing holds it")
            return "held by the debtor's standing"
        from shared.services.wki_registration_status import consumer_work_held

        # the agency's plan speaks for the agency: not to a consumer once its registration
        # ended (art. 2 Wki; the agency's list says so, wki28)
        speaking = self._speaking_agency(plan)
        if consumer_work_held(self.repos, speaking, debtor, amsterdam_today(self.clock),
                              self.clock.now()):  # fmt: skip
            self._log(plan, "message_held",
                      f"{what}: not sent, the agency's Wki registration ended (art. 2 Wki)")  # fmt: skip
            return "held: the agency's Wki registration ended"
        # the client's own account its words name (the agency's plan names its third-party
        # account), kept on the record and checked again when it goes (outbox31)
        named = debtor_account(self.repos, client) if speaking is None else None
        if account_hold.held(self, client, plan, named):
            # it would name no account of the client's own (heldplan31): a kept notice goes
            # with the first look after one is registered; its entry once per hold
            if account_hold.first_look(self, plan, what):
                self._log(plan, "message_held",
                          f"{what}: not sent, the client has no bank account of its own")  # fmt: skip
            return account_hold.HELD
        if channel is Channel.EMAIL and not debtor.emails:
            if debtor.address is None:
                self._log(
                    plan,
                    "message_failed",
                    f"{what}: the debtor has no e-mail address or postal address",
                )
                return "no address"
            channel = Channel.LETTER
        if channel is Channel.LETTER and debtor.address is None:
            self._log(plan, "message_failed", f"{what}: the debtor has no postal address")
            return "no postal address"
        note = build(debtor.language.value)
        try:
            content = self._content(client, debtor, plan, note, channel)
        except Exception as e:  # a PDF that cannot be made must not stop the plan's run
            self._log(plan, "message_failed", f"{what}: {type(e).__name__}: {e}")
            return "failed"
        # the agency's plan speaks for the agency: from its mailbox (its tenant), its reply
        # address; the client's own plan from the client's (review26 F5)
        agency = self._speaking_agency(plan)
        as_agency = agency is not None and bool(agency.contact_email)
        message = OutboundMessage(
            client.client_id, f"plan|{plan.plan_id}|{what}", channel, debtor.number,
            debtor.emails[0] if channel is Channel.EMAIL else debtor.name, self.clock.now(),
            address=_postal(debtor) if channel is Channel.LETTER else None,
            reply_to=self._party_email(client, plan),
            sender=agency.contact_email if agency is not None and as_agency else client.contact_email,
            invoice_numbers=plan.invoice_numbers,
            extra={SENT_AS: AS_AGENCY} if as_agency and channel is Channel.EMAIL else {},
        )  # fmt: skip
        if named is not None:
            message = replace(message, extra={**message.extra, NAMED_ACCOUNT: named})
        queued = self.messaging.enqueue(message, content)
        return f"{channel.value} queued" if queued else f"{channel.value} already queued"

    def _content(self, client: Client, debtor: Debtor, plan: PaymentPlan, note: notices.Notice,
                 channel: Channel) -> MessageContent:  # fmt: skip
        from shared.services.plans.schedule_pdf import schedule_pdf

        agency = self.repos.agencies.get(plan.agency_id) if plan.agency_id else None
        link = self.portal_link(client.client_id, debtor.number) if self.portal_link else None
        pdf = schedule_pdf(client, debtor, plan, note, amsterdam_today(self.clock), agency, link,
                           client_account=debtor_account(self.repos, client))  # fmt: skip
        name = (
            f"betalingsregeling-{plan.plan_id}.pdf"
            if debtor.language.value == "nl"
            else f"payment-plan-{plan.plan_id}.pdf"
        )
        attachments = (Attachment(name, "application/pdf", pdf),)
        speaking = self._speaking_agency(plan)
        party = speaking.name if speaking is not None else client.name
        text = notices.signed(note, party, debtor.language.value)
        return MessageContent(subject=note.subject, text=text, attachments=attachments,
                              language=debtor.language.value)  # fmt: skip

    def _hold(self, client: Client, plan: PaymentPlan) -> None:
        """Hold the plan's invoices for it. A hold whose plan no longer exists (a draft
        deleted by a worker that died before releasing) refuses nobody: it and that plan's
        interest pause are dropped and the invoice taken (failure4 #1)."""
        for _ in range(RETRIES):
            taken = self.plans.hold_invoices(client.client_id, plan.plan_id, plan.invoice_numbers)
            if not taken:
                # a new plan replaces what an ended plan's dunning hold promised (law16b F4):
                # its own breach hands the invoices back to the workflow
                self.plans.release_after_end(client.client_id, plan.invoice_numbers)
                return
            number, holder = taken
            if holder == "?":
                continue  # the hold went while we looked: try again
            if self.plans.get(client.client_id, holder) is not None:
                raise PlanConflict(
                    f"invoice {number} is already in plan {holder}",
                    code="plan_invoice_in_plan",
                    params={"invoice": number, "plan": holder},
                )
            self.plans.release_invoices(client.client_id, holder, (number,))
            if self.payments is not None:
                self.payments.ledger.set_interest_pause(
                    client.client_id, plan.debtor_number, number, holder, None
                )
                self.payments.ledger.set_costs_hold(
                    client.client_id, plan.debtor_number, number, plan_costs_ref(holder), None
                )
        raise ConflictingUpdate("the plan's invoices keep changing hands; retry")

    def _undo_activation(self, plan: PaymentPlan) -> None:
        """Give back what an activation of this (draft) plan took: its holds and the interest
        pause it wrote. Idempotent; holds of another plan are left alone."""
        self.plans.release_invoices(plan.client_id, plan.plan_id, plan.invoice_numbers)
        self._freeze_interest(plan, None)

    def _freeze_interest(self, plan: PaymentPlan, span: tuple[date, date | None] | None) -> None:
        """Record on each of the plan's claims what it agreed (idempotent; ``span`` None
        drops it): a plan over the whole claim freezes interest on those days, which keeps
        the costs from arising too; a plan over the principal only keeps just the costs from
        arising (law7 finding 8: agreed inside the 14-day term and kept, the debtor paid what
        the letter demanded on the days the creditor agreed; docs/law.md, "Arrangements
        inside the 14-day term"). Either way the hold counts only when it was agreed before
        the costs became owed (``arrangements``)."""
        if self.payments is None:
            return
        ledger = self.payments.ledger
        freezes = span is not None and plan.freezes_interest
        holds = span is not None and not plan.include_costs
        # the costs wait for the plan's own days when the creditor ended a plan the debtor
        # kept (law16 F2): a principal plan's costs hold runs to then (and so does its
        # principal-first order: he pays on the days he was given), a whole-claim plan's
        # interest pause too (``interest_frozen``, law16b F1), which holds the costs with it;
        # the costs hold of its own (``kept_on``) is then none, and the one a plan cancelled
        # before that rule wrote stays as it was unless the pause is written again
        until = plan.costs_held_until if span is not None else None
        costs_span = (span[0], until) if span is not None and until is not None else span
        kept_on = (
            (span[0], until)
            if span is not None and freezes and until is not None and until > (span[1] or until)
            else None
        )
        for number in plan.invoice_numbers:
            args = (plan.client_id, plan.debtor_number, number)
            if freezes or span is None:
                ledger.set_interest_pause(*args, plan.plan_id, span if freezes else None)
            if holds or span is None:
                ledger.set_costs_hold(
                    *args, plan_costs_ref(plan.plan_id), costs_span if holds else None
                )
            if plan.include_costs and (span is None or plan.status is PlanStatus.CANCELLED):
                ledger.set_costs_hold(*args, ended_plan_costs_ref(plan.plan_id), kept_on)

    def _release(self, plan: PaymentPlan) -> bool:
        """The plan no longer holds its invoices: what is still open goes back to the
        dunning workflow at the step where it stood (a cancelled plan's frozen interest runs
        again from the day it ended; repeated by the run while ``releasing``). A plan the
        creditor ended while the debtor kept it hands them back only on the day his granted
        days are over (``holds_dunning_until``; law16b F4): until then they are free for a new
        plan, an online payment or a change, and held from the dunning alone. False: still
        held so (the run releases them on that day)."""
        if plan.status is PlanStatus.CANCELLED:
            self._freeze_interest(plan, plan.interest_frozen)
        if plan.status is PlanStatus.COMPLETED and not plan.include_costs:
            self._tell_rest(plan)
        held_until = plan.holds_dunning_until
        waits = held_until is not None and amsterdam_today(self.clock) < held_until
        if held_until is not None and waits:
            self.plans.hold_after_end(plan.client_id, plan.plan_id, plan.invoice_numbers,
                                      held_until)  # fmt: skip
        self.plans.release_invoices(plan.client_id, plan.plan_id, plan.invoice_numbers)
        if waits:
            return False
        self.plans.release_after_end(plan.client_id, plan.invoice_numbers, plan.plan_id)
        if self.resume_dunning is not None:
            stored = self.repos.invoices.get_many(plan.client_id, list(plan.invoice_numbers))
            self.resume_dunning(plan.client_id, [s.invoice for s in stored.values()])
        return True

    def _tell_rest(self, plan: PaymentPlan) -> None:
        """A plan over the principal is paid: the costs and interest its agreement told the
        debtor remain due are still owed, but the invoice is paid (its principal is), so no
        run asks for them. Staff get one item to ask for them, waive or write them off
        (law10 F6: nothing is dropped silently). Its id is the plan's: a repeat while the plan
        is ``releasing`` adds none."""
        found = self.repos.clients.get(plan.client_id)
        if found is None:
            return
        today = amsterdam_today(self.clock)
        left = self.money.left_owed(found[0], plan.debtor_number, list(plan.invoice_numbers), today)
        if left <= 0:
            return
        # once: told already
        self.repos.actions.add_once(ActionItem(
            plan.client_id, f"{plan.plan_id}-rest", "plan_rest",
            f"Payment plan {plan.plan_id} over the principal is paid; EUR "
            f"{format_cents(left)} costs and interest remain due: ask for them, waive or "
            "write them off", self.clock.now(), debtor_number=plan.debtor_number,
            invoice_numbers=tuple(plan.invoice_numbers),
            detail={"plan_id": plan.plan_id, "amount": format_cents(left)},
        ))  # fmt: skip

    # -- internals ---------------------------------------------------------------------------
    def _get(self, client: Client, plan_id: str) -> tuple[PaymentPlan, str | None]:
        found = self.plans.get(client.client_id, plan_id)
        if found is None:
            raise NotFound(f"plan {plan_id} not found")
        return found

    def _get_as(
        self, client: Client, plan_id: str, agency_id: str | None
    ) -> tuple[PaymentPlan, str | None]:
        """The plan, for a change by its own party (``agency_id`` None: the client's people
        and keys): the client does not change the agency's plan, nor the agency the client's
        through its case (``agency_party.refuse_other_party``)."""
        found = self._get(client, plan_id)
        refuse_other_party(found[0], agency_id)
        return found

    def _store(
        self,
        plan: PaymentPlan,
        etag: str | None,
        before: PaymentPlan,
        today: date,
        *,
        worked_today: bool = False,
    ) -> PaymentPlan:
        """Save with the plan's next date of attention, its calendar row written first and
        the old one dropped after: a crash after the save leaves the plan on the calendar (an
        extra row is a harmless look), so what the plan still has to do (an activation to
        finish, a breach to tell) is found by the run. A plan the run has not worked today
        (just activated, resumed, postponed) may need it today."""
        after = today if worked_today else today - timedelta(days=1)
        filed = replace(plan, attention_on=self._next_attention(plan, after))
        self.plans.move_attention(plan.client_id, plan.plan_id, None, filed.attention_on)
        self._save(filed, etag)
        self.plans.move_attention(
            plan.client_id, plan.plan_id, before.attention_on, filed.attention_on
        )
        return filed

    def _save(self, plan: PaymentPlan, etag: str | None) -> None:
        try:
            self.plans.save(plan, etag)
        except PreconditionFailed as e:
            raise ConflictingUpdate(
                f"plan {plan.plan_id} changed meanwhile; read it again",
                code="plan_changed",
                params={"plan": plan.plan_id},
            ) from e

    def _transition(
        self,
        client: Client,
        plan_id: str,
        author: str,
        kind: str,
        change: Callable[[PaymentPlan], PaymentPlan],
    ) -> PaymentPlan:
        from shared.domain.plans.plan import PlanStateError

        plan, etag = self._get(client, plan_id)
        try:
            changed = change(plan)
        except PlanStateError as e:
            raise PlanConflict(str(e), code=e.code, params=e.params) from e
        updated = self._store(changed, etag, plan, amsterdam_today(self.clock))
        detail = f" ({updated.reason})" if updated.reason else ""
        self._log(updated, kind, f"Plan {kind} by {author}{detail}")
        self._contact(updated, f"Payment plan {plan_id} {kind}{detail}")
        return updated

    @staticmethod
    def _schedule_version(plan: PaymentPlan) -> str:
        return "-".join(f"{i.due_date:%Y%m%d}" for i in plan.schedule)

    def _log(self, plan: PaymentPlan, kind: str, text: str) -> None:
        now = self.clock.now()
        self.plans.log(plan.client_id, plan.plan_id, time_ordered_id(now), now, kind, text)

    def _log_step(self, plan: PaymentPlan, etag: str | None, kind: str, text: str) -> None:
        """An entry of a step a look takes before the plan's save, once: a look cut off before
        the save is done again from the same stored plan (the same ETag), which writes the same
        row (failure32 #1: a payment over two installments was written twice)."""
        if etag is None:
            self._log(plan, kind, text)
            return
        step = hashlib.sha256(f"{plan.plan_id}|{etag}|{kind}|{text}".encode()).hexdigest()[:24]
        self.plans.log(plan.client_id, plan.plan_id, f"step-{step}", self.clock.now(), kind, text)

    def note(self, plan: PaymentPlan, kind: str, text: str) -> None:
        """An entry on the plan's timeline, for the use cases built on plans (the portal)."""
        self._log(plan, kind, text)

    def _contact(self, plan: PaymentPlan, summary: str, *, key: str | None = None) -> None:
        """A status line on the debtor's contact log; ``key``: written once under it (a
        redelivery finishing what a cut-off delivery left)."""
        now = self.clock.now()
        entry = ContactEntry(plan.client_id, plan.debtor_number, key or time_ordered_id(now), now,
                             ContactKind.STATUS, summary, invoice_numbers=plan.invoice_numbers,
                             system=True)  # fmt: skip
        if key is None:
            self.repos.contacts.add(entry)
        else:  # once, also when the delivery cut off after it is redone beside another
            self.repos.contacts.add_once(entry)


def _postal(debtor: Debtor) -> PostalAddress:
    assert debtor.address is not None
    a = debtor.address
    return PostalAddress(debtor.name, a.street, a.postal_code, a.city, a.country)


def _refuse_start_past_term(rules: PlanRules, start: date, method: PlanMethod, today: date) -> None:
    """A new plan starts within the client's maximum term from today (plans28 L1: a draft
    starting in 2090 was accepted, its term counting from that start): the rule a
    postponement meets (PlanService.moved, plan_move_past_term), here for the first
    installment, which cannot lie further ahead than the plan may run."""
    latest = rules.term_end(today, method)
    if start > latest:
        months = rules.max_term_months
        raise Invalid(
            f"a plan starts within {months} months from today ({today}): its first "
            f"installment falls on {latest} at the latest",
            field="start",
            code="plan_start_past_term",
            params={"months": months, "today": today, "day": latest},
        )
