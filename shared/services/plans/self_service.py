"""A debtor's own payment plan, from the portal: what the client's rules offer, the schedule
of the debtor's choice, the mandate for a direct debit, and the plan made as the client's
approval rule says (started at once, or a draft on the action list).

Everything goes through the :class:`PortalAccess` the link granted: the debtor's own
invoices and plans in the client's partition, nothing posted by the form is trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from shared.adapters.tables.keys import InvalidKey
from shared.adapters.tables.plans_repo import held_by_plan
from shared.adapters.tables.prescription_repo import PrescriptionDecisions
from shared.clock import Clock, amsterdam_date, amsterdam_today
from shared.domain.ids import time_ordered_id
from shared.domain.law.calendar_math import add_months
from shared.domain.ledger.model import Amounts, InterestRule
from shared.domain.money import Cents, format_cents
from shared.domain.parties import Client, Debtor
from shared.domain.plans.offer import PlanOffer, plan_offer
from shared.domain.plans.plan import (
    HOLDS_DUNNING,
    RUNNING,
    Consent,
    Mandate,
    PaymentPlan,
    PlanStatus,
)
from shared.domain.plans.rules import SelfServiceApproval
from shared.domain.plans.schedule import PlanMethod, ScheduledInstallment, ScheduleError
from shared.domain.portal.tokens import PortalAccess
from shared.domain.records import ActionItem
from shared.domain.references.iban import iban_error, normalise
from shared.domain.sepa_xml import sepa_name_error
from shared.ports.tables import Conflict, PreconditionFailed, Row
from shared.services.account_ownership import debtor_account
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.interest_kinds import flat, kinds_of
from shared.services.plans.direct_debit import DirectDebitError, creditor_of
from shared.services.plans.pay_online import InstallmentCheckout
from shared.services.plans.service import PlanRequest, PlanService
from shared.services.portal import PORTAL, RETURNS, PortalService

log = logging.getLogger(__name__)

SHOWN = HOLDS_DUNNING | {PlanStatus.DRAFT}  # the plans a debtor sees in the portal
RETRIES = 5
# a second click while the first is making the plan waits for it (a plan is made in about a
# second); a claim this old with no plan was cut off and is taken over
ACCEPT_WAITS, ACCEPT_PAUSE, ACCEPT_STALE_SECONDS = 25, 0.2, 120
# after a plan of the debtor's lapsed (cancelled after a breach), the debtor's next plans wait
# for staff approval this long, whatever the client's self-service rule says
LAPSE_MEMORY_MONTHS = 12
BREACH = "breach"  # how the daily run words a breach's cancellation (plans/service.py)


@dataclass(frozen=True)
class PlanChoice:
    method: PlanMethod
    count: int | None = None
    amount: Cents | None = None
    # what the preview page showed (:func:`shown_digest`), carried by its accept form: the
    # plan agreed is that one or none (newcomer16 #1)
    shown: str = ""


def shown_digest(
    debtor_number: str, invoice_numbers: tuple[str, ...], method: PlanMethod,
    schedule: list[ScheduledInstallment] | tuple[ScheduledInstallment, ...],
) -> str:  # fmt: skip
    """A picture of a plan as the debtor saw it: the invoices it covers, how he pays and each
    installment's day and amount. Not a secret: the server computes it again from what is
    open at the click, and a form that names another picture is refused."""
    lines = [debtor_number, method.value, *sorted(invoice_numbers)]
    lines += [f"{i.number}|{i.due_date.isoformat()}|{i.amount}" for i in schedule]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class MandateSigning:
    """What the debtor fills in to sign a SEPA mandate, and the text they agreed to."""

    iban: str
    name: str
    consent_text: str
    agreed: bool


@dataclass(frozen=True)
class PortalPlans:
    client: Client
    debtor: Debtor
    invoice_numbers: tuple[str, ...]  # open and in no plan: what a new plan would cover
    owed: Amounts  # their open claim (principal, costs with VAT, interest)
    offer: PlanOffer | None
    plans: list[PaymentPlan] = field(default_factory=list)  # draft, running or paused
    creditor_id: str | None = None  # set when direct debit is offered
    via_mollie: bool = False  # direct debit offered through Mollie (first payment, recurring)
    # the kinds of interest of those claims: what the page calls it (interest_words.py)
    interest_rules: tuple[InterestRule, ...] = ()
    # the debtor's invoices a collection agency collects now: a plan over one (made before
    # the rule) offers no payment nor postponement of its installments here
    handed_over: frozenset[str] = frozenset()
    # the account a transfer goes to: the client's proven one (debtor_account; iban28)
    client_iban: str = ""


def accept_key(access: PortalAccess) -> str:
    """The ``PortalReturns`` row of a debtor's accept under way or done: one per debtor, as
    the invoices a new plan covers are all of his that no plan holds."""
    digest = hashlib.sha256(f"{access.client_id}|{access.debtor_number}".encode()).hexdigest()
    return f"accept|{digest[:40]}"


def approval_id(plan_id: str) -> str:
    """The ``plan_approval`` item of a debtor's proposed plan: one per plan."""
    return f"plan-approval-{plan_id}"


class PortalPlanDesk:
    def __init__(self, portal: PortalService, plans: PlanService, clock: Clock) -> None:
        self.portal = portal
        self.plans = plans
        self.clock = clock
        self.pause: Callable[[float], None] = time.sleep  # between looks at a click under way

    def view(self, access: PortalAccess) -> PortalPlans:
        """The debtor's plans, and the plan the rules offer over what no plan covers yet."""
        client, debtor = self.portal.parties(access)
        repos = self.portal.repos
        mine = [
            p
            for p in self.plans.plans.of_debtor(client.client_id, debtor.number)
            if p.status in SHOWN
        ]
        covered = {n for p in mine for n in p.invoice_numbers}
        every_invoice = repos.invoices.for_debtor(client.client_id, debtor.number)
        today = amsterdam_today(self.clock)
        candidates = [
            i.number
            for i in self.portal.not_prescribed(
                client.client_id,
                debtor,
                # an invoice handed over is the collection agency's to collect (misc17b)
                [
                    i
                    for i in every_invoice
                    if i.is_collectable and i.number not in covered and i.handed_over_to is None
                ],
                today,
            )
        ]
        # a plan the debtor cannot see (a staff draft of another debtor's cannot hold these,
        # but a running plan made before a re-import might): the hold table decides
        held = held_by_plan(repos.store, client.client_id, candidates) if candidates else set()
        numbers = tuple(sorted(n for n in candidates if n not in held))
        owed = Amounts()
        kinds: tuple[InterestRule, ...] = ()
        if numbers:
            ledger = self.portal.online.payments.ledger
            found = ledger.debtor_claims(client, debtor.number, debtor, every_invoice)
            claims = ledger.figures(found, today)
            numbers = tuple(n for n in numbers if n in claims and claims[n].open.total > 0)
            for n in numbers:
                owed = owed.plus(claims[n].open)
            # the kinds really charged: an agreed rate gives way to a higher statutory one
            # on some days (misc16 #1)
            charged = kinds_of(ledger, client, debtor, {n: claims[n] for n in numbers}, today,
                               found.records)  # fmt: skip
            kinds = flat(charged)
        rules = self.plans.rules(client)
        creditor: str | None = None
        via_mollie = False
        if rules.collects_through_mollie:
            via_mollie = self._mollie_reachable(client)
        else:
            try:
                creditor = creditor_of(rules, client, self.plans.repos)[0]
            except DirectDebitError:
                creditor = None  # the client does not collect by direct debit: transfer only
        offer = (
            plan_offer(rules, owed.total, today, direct_debit=creditor is not None or via_mollie)
            if numbers
            else None
        )
        handed = frozenset(i.number for i in every_invoice if i.handed_over_to is not None)
        return PortalPlans(
            client, debtor, numbers, owed, offer, mine, creditor, via_mollie, interest_rules=kinds,
            handed_over=handed, client_iban=debtor_account(self.plans.repos, client),
        )  # fmt: skip

    def _mollie_reachable(self, client: Client) -> bool:
        from shared.services.plans.mollie_collection import MollieNotSetUp

        if self.plans.mollie is None:
            return False
        try:
            self.plans.mollie.provider(client)
        except (MollieNotSetUp, ValueError):
            return False
        return True

    def first_payment_url(self, access: PortalAccess, plan_id: str) -> str | None:
        """The Mollie checkout of the debtor's own plan's first payment, if one is open."""
        plan = self.plan(access, plan_id)
        client, _ = self.portal.parties(access)
        return self.plans.first_payment_url(client, plan.plan_id)

    def pay_installment(
        self, access: PortalAccess, plan_id: str, number: int, base_url: str
    ) -> str:
        """Pay installment ``number`` of the debtor's own plan online: the checkout URL
        (see :mod:`shared.services.plans.pay_online`). Refused (``invoice_handed_over``) for a
        plan over an invoice the collection agency collects now: its money is the agency's."""
        plan = self.plan(access, plan_id)
        client, _ = self.portal.parties(access)
        self.plans.refuse_if_handed_over(client, plan)
        return InstallmentCheckout(self.portal, self.plans).pay(
            access, client, plan, number, base_url
        )

    def preview(
        self, access: PortalAccess, choice: PlanChoice
    ) -> tuple[PortalPlans, list[ScheduledInstallment]]:
        view = self.view(access)
        if view.offer is None:
            raise Invalid("no payment plan can be offered for what is open", code="no_plan_offered")
        try:
            schedule = view.offer.schedule(
                self.plans.rules(view.client), choice.method, count=choice.count,
                amount=choice.amount,
            )  # fmt: skip
        except ScheduleError as e:
            raise Invalid(str(e), field=e.field) from e
        return view, schedule

    def accept(
        self, access: PortalAccess, choice: PlanChoice, signing: MandateSigning | None
    ) -> PaymentPlan:
        """Make the plan the debtor agreed to: the schedule his page showed (``choice.shown``)
        or none, refused ``plan_shown_changed`` when what is open moved since (an invoice
        imported, a payment booked: newcomer16 #1). With its mandate for a direct debit,
        started at once when the client approves automatically, else a draft on the action
        list.

        One accept per debtor at a time (newcomer16 #4: three clicks at once made three
        plans): a ``PortalReturns`` row (:func:`accept_key`) is claimed under its ETag before
        the plan is made and names the plan once it is; a second click of the same page finds
        it and gets that plan, one while the first is under way waits for it.

        A click that failed after the plan was made (a 503 on a later write, the worker cut
        off) does not leave the debtor a draft nobody is asked to approve, that hides what it
        covers from his page (failure16b F1): its error undoes the draft, and what an error
        could not undo the next click finds through the claim (:meth:`_left_by`) and finishes
        as the first would have (acknowledged, started or put on the action list), or undoes
        it when it is not the schedule this click agrees to."""
        store = self.portal.repos.store
        key = accept_key(access)
        waited = lost = 0
        while lost < RETRIES:
            row = store.get(RETURNS, access.client_id, key)
            data = dict(row.data) if row is not None else {}
            if data.get("PlanId") and data.get("Shown") == choice.shown:
                made = self._made(access, str(data["PlanId"]))
                if made is not None:
                    return made  # the same page's click again: the plan it made
            if row is not None and not data.get("PlanId") and self._under_way(data):
                if waited >= ACCEPT_WAITS:
                    raise Invalid(
                        "your agreement is still being processed", code="plan_accept_under_way"
                    )
                waited += 1
                self.pause(ACCEPT_PAUSE)
                continue  # the first click finishes (or gives up) meanwhile
            left = None
            if row is not None and not data.get("PlanId"):
                left = self._left_by(access, data)
            if row is not None and left is not None:
                # an earlier click's plan, not finished: this click takes the claim over for it
                taken_over = Row(access.client_id, key, {
                    **data, "Started": self.clock.now().isoformat(), "Draft": left.plan_id,
                }, etag=row.etag)  # fmt: skip
                try:
                    taken = store.replace(RETURNS, taken_over)
                except (Conflict, PreconditionFailed):
                    lost += 1
                    continue
                try:
                    finished = self._resume(access, left, choice, signing)
                except Exception:
                    self._give_back(access, taken)
                    raise
                if finished is None:  # undone: this click makes its own plan
                    with contextlib.suppress(PreconditionFailed):
                        store.delete(RETURNS, access.client_id, key, etag=taken.etag)
                    continue
                # a draft finished here is this page's schedule; a plan started before is the
                # first click's, and another page's click is refused as a second tab is
                shown = choice.shown if left.status is PlanStatus.DRAFT else str(data.get("Shown"))
                with contextlib.suppress(PreconditionFailed):
                    store.replace(RETURNS, Row(access.client_id, key, {
                        **taken_over.data, "Shown": shown, "PlanId": finished.plan_id,
                    }, etag=taken.etag))  # fmt: skip
                if shown == choice.shown:
                    return finished
                continue
            if row is not None:
                # the claim is taken anew: what a failed click withdrew is closed first
                self._close_withdrawn(access, data)
            view, schedule = self._as_shown(access, choice)
            claim = Row(access.client_id, key, {
                "Debtor": access.debtor_number, "Shown": choice.shown,
                "Invoices": "|".join(view.invoice_numbers), "Started": self.clock.now().isoformat(),
            }, etag=row.etag if row is not None else None)  # fmt: skip
            try:
                claimed = (
                    store.insert(RETURNS, claim) if row is None else store.replace(RETURNS, claim)
                )
            except (Conflict, PreconditionFailed):
                lost += 1
                continue  # another click claimed it meanwhile: look again
            try:
                plan = self._make(access, view, schedule, choice, signing)
            except Exception:
                self._give_back(access, claimed)
                raise
            with contextlib.suppress(PreconditionFailed):
                store.replace(RETURNS, Row(access.client_id, key, {**claim.data,
                                                                  "PlanId": plan.plan_id},
                                           etag=claimed.etag))  # fmt: skip
            return plan
        raise ConflictingUpdate("the plan keeps changing; try again")

    def _left_by(self, access: PortalAccess, data: dict[str, object]) -> PaymentPlan | None:
        """The plan a claim's click made and did not finish (it names no ``PlanId``): the one
        it names as its ``Draft``, else the debtor's portal plan over the claim's invoices made
        since the claim was taken (a click cut off right after ``plans.create`` could not
        name it). None when it made none, or it is gone."""
        if data.get("Draft"):
            return self._made(access, str(data["Draft"]))
        invoices = sorted(n for n in str(data.get("Invoices") or "").split("|") if n)
        try:
            # a second's slack for a store that keeps the time less precisely
            since = datetime.fromisoformat(str(data.get("Started"))) - timedelta(seconds=1)
        except ValueError:
            return None
        if not invoices:
            return None
        mine = [
            p
            for p in self.plans.plans.of_debtor(access.client_id, access.debtor_number)
            if p.status in SHOWN and p.created_by == PORTAL and p.created_at >= since
            and sorted(p.invoice_numbers) == invoices
        ]  # fmt: skip
        return max(mine, key=lambda p: p.created_at) if mine else None

    def _resume(
        self, access: PortalAccess, plan: PaymentPlan, choice: PlanChoice,
        signing: MandateSigning | None,
    ) -> PaymentPlan | None:  # fmt: skip
        """Finish the plan an earlier click made: a started one's activation told, a draft of
        the schedule this click agrees to acknowledged, with its mandate, started or put on the
        action list. A draft of another schedule (one whose money moved while it was made, or
        another page's) is deleted (his acknowledgement kept): None, the click makes its own."""
        client, debtor = self.portal.parties(access)
        if plan.status is not PlanStatus.DRAFT:
            if plan.activation_to_tell:  # cut inside the activation: the repeat finishes it
                return self.plans.activate(client, plan.plan_id, PORTAL)
            return plan
        agreed = shown_digest(debtor.number, plan.invoice_numbers, plan.method, plan.schedule)
        if not hmac.compare_digest(agreed, choice.shown):
            self._withdraw(client, plan.plan_id)
            return None
        via_mollie = plan.rules.collects_through_mollie
        try:
            iban = self._mandate_iban(choice, via_mollie or plan.mandate is not None, signing)
        except Invalid:
            self._withdraw(client, plan.plan_id)  # as if never made: he corrects the form
            raise
        return self._finish(client, debtor.number, plan, choice, signing, via_mollie, iban)

    def _give_back(self, access: PortalAccess, claim: Row) -> None:
        """After a click's error: the draft it made is deleted (the debtor may agree again at
        once) with the approval item it filed (:meth:`_withdraw`), and the claim with it; a
        plan that started already stays named in the claim for the next click to finish and
        answer. What this cannot do now (the store still failing) the next click does once
        the claim is stale: the draft is named on the claim (``Withdrawn``) before it goes, and
        the claim is deleted only once the draft's item is resolved (codereview17 F3: a second
        503, on resolving the item, left it open for good, its plan answering 404, as the
        next click found no draft to withdraw)."""
        store = self.portal.repos.store
        try:
            left = self._left_by(access, dict(claim.data))
            if left is not None and left.status is PlanStatus.DRAFT:
                client, _ = self.portal.parties(access)
                claim = store.replace(RETURNS, Row(access.client_id, claim.rk, {
                    **claim.data, "Withdrawn": left.plan_id}, etag=claim.etag))  # fmt: skip
                self._withdraw(client, left.plan_id)
                left = None
            if left is None:
                self._close_withdrawn(access, dict(claim.data))
                store.delete(RETURNS, access.client_id, claim.rk, etag=claim.etag)
            else:
                store.replace(RETURNS, Row(access.client_id, claim.rk, {
                    **claim.data, "Started": "", "Draft": left.plan_id}, etag=claim.etag))  # fmt: skip
        except Exception as e:  # the click's own error is the one to answer
            log.warning("portal accept %s: not given back now: %s", claim.rk, e)

    def _withdraw(self, client: Client, plan_id: str) -> None:
        """A draft a click made and did not finish, deleted, and the ``plan_approval`` item
        that click filed for it (if it got that far) resolved: staff are not asked to approve
        a plan that is gone (failure17 F4: a 503 on the timeline note after the item was filed
        deleted the draft and left its item open beside the one of the retry's plan, its plan
        answering 404). The draft goes first: an item resolved while its draft stayed would
        leave a draft nobody is asked to approve (failure16b F1)."""
        self.plans.delete(client, plan_id)
        self.portal.repos.actions.resolve_if_open(
            client.client_id, approval_id(plan_id), "closed without a decision", self.clock.now()
        )

    def _close_withdrawn(self, access: PortalAccess, data: dict[str, object]) -> None:
        """The ``plan_approval`` item of a draft a claim names (``Withdrawn``: given back by a
        failed click; ``Draft``: taken over) that no longer exists, resolved: staff are not
        asked to approve a plan that is gone. Reads nothing for a claim that names none (no
        click failed on it); an error leaves the claim for the next click."""
        named = {str(data.get(k) or "") for k in ("Withdrawn", "Draft")} - {""}
        for plan_id in sorted(named):
            try:
                gone = self.plans.plans.get(access.client_id, plan_id) is None
            except InvalidKey:  # not a plan id (a row written by hand): nothing filed for it
                continue
            if gone:
                self.portal.repos.actions.resolve_if_open(
                    access.client_id, approval_id(plan_id), "closed without a decision",
                    self.clock.now(),
                )  # fmt: skip

    def _made(self, access: PortalAccess, plan_id: str) -> PaymentPlan | None:
        """The plan an earlier click of the same page made, while it is still shown."""
        try:
            plan = self.plan(access, plan_id)
        except NotFound:
            return None
        return plan if plan.status in SHOWN else None

    def _under_way(self, data: dict[str, object]) -> bool:
        """A claim with no plan yet, young enough that its click may still be making it (an
        older one was cut off: it is taken over)."""
        try:
            started = datetime.fromisoformat(str(data.get("Started")))
        except ValueError:
            return False
        return (self.clock.now() - started).total_seconds() < ACCEPT_STALE_SECONDS

    def _as_shown(
        self, access: PortalAccess, choice: PlanChoice
    ) -> tuple[PortalPlans, list[ScheduledInstallment]]:
        """The preview of ``choice`` as it stands now, refused when it is not the one the
        debtor's page showed."""
        view, schedule = self.preview(access, choice)
        now = shown_digest(view.debtor.number, view.invoice_numbers, choice.method, schedule)
        if not hmac.compare_digest(now, choice.shown):
            raise Invalid(
                "what is open changed since the schedule was shown; see the new schedule",
                code="plan_shown_changed",
            )
        return view, schedule

    def _make(
        self, access: PortalAccess, view: PortalPlans, schedule: list[ScheduledInstallment],
        choice: PlanChoice, signing: MandateSigning | None,
    ) -> PaymentPlan:  # fmt: skip
        assert view.offer is not None
        mandate_iban = self._mandate_iban(choice, view.via_mollie, signing)
        client = view.client
        request = PlanRequest(
            debtor_number=view.debtor.number, invoice_numbers=view.invoice_numbers,
            include_costs=True, method=choice.method, start=view.offer.start,
            period=view.offer.period, installments=choice.count,
            installment_amount=choice.amount,
            agreed_on=amsterdam_today(self.clock), agreed_how=Consent.PORTAL,
        )  # fmt: skip
        plan = self.plans.create(client, request, PORTAL)
        if [(i.number, i.due_date, i.amount) for i in plan.schedule] != [
            (i.number, i.due_date, i.amount) for i in schedule
        ]:
            # money came in between the check and the plan: not the schedule he agreed to
            self.plans.delete(client, plan.plan_id)
            raise Invalid(
                "what is open changed since the schedule was shown; see the new schedule",
                code="plan_shown_changed",
            )
        return self._finish(
            client, view.debtor.number, plan, choice, signing, view.via_mollie, mandate_iban
        )

    @staticmethod
    def _mandate_iban(choice: PlanChoice, via_mollie: bool, signing: MandateSigning | None) -> str:
        """The account of the mandate the debtor signs for a direct debit (normalised); ""
        when none is signed here (a transfer, or Mollie's first payment signs it)."""
        if choice.method is not PlanMethod.DIRECT_DEBIT or via_mollie:
            return ""
        if signing is None or not signing.agreed:
            raise Invalid(
                "agree to the direct debit mandate to pay by direct debit",
                field="consent",
                code="mandate_not_agreed",
            )
        problem = iban_error(signing.iban)
        if problem:
            raise Invalid(problem, field="iban")
        # the name goes into the bank's file in SEPA characters: one with no letter left
        # there would be refused by the bank, so it is asked for again now
        if (bad_name := sepa_name_error(signing.name)) is not None:
            raise Invalid(bad_name, field="name")
        return normalise(signing.iban)

    def _finish(
        self, client: Client, debtor_number: str, plan: PaymentPlan, choice: PlanChoice,
        signing: MandateSigning | None, via_mollie: bool, mandate_iban: str,
    ) -> PaymentPlan:  # fmt: skip
        """The draft the debtor agreed to, made: acknowledged, its mandate recorded, then
        started or put on the action list. Each step repeatable (the next click finishes a
        draft whose click failed half-way)."""
        # his written proposal acknowledges the claims he saw (3:318 BW), the plan's and no
        # other, whatever staff decide: kept apart from the draft, which a refusal deletes
        # (law10 F4)
        self._acknowledged(client, plan)
        if (
            choice.method is PlanMethod.DIRECT_DEBIT and signing is not None and not via_mollie
            and plan.mandate is None
        ):  # fmt: skip
            today = amsterdam_today(self.clock)
            mandate = Mandate(f"M{plan.plan_id}", today, mandate_iban, signing.name.strip()[:70])
            plan = self.plans.set_mandate(client, plan.plan_id, mandate, PORTAL)
            digest = hashlib.sha256(signing.consent_text.encode()).hexdigest()[:16]
            self.plans.note(plan, "mandate_consent",
                            f"The debtor agreed in the portal to the mandate text (sha256 {digest}): "
                            f"{signing.consent_text}")  # fmt: skip
        rules = plan.rules
        lapsed = self._lapsed_on(client, debtor_number, plan.plan_id)
        if lapsed is not None:
            # a plan that lapsed holds dunning for weeks at no cost to the debtor: the next
            # one is a person's decision, or plans could be renewed for ever without paying
            self._approval(client, plan, f"an earlier plan lapsed on {lapsed.isoformat()}")
            return plan
        if rules.self_service is SelfServiceApproval.AUTOMATIC:
            try:
                return self.plans.activate(client, plan.plan_id, PORTAL)
            except (ConflictingUpdate, Invalid) as e:
                self._approval(client, plan, f"could not start at once: {e}")
                return self.plans.get(client, plan.plan_id)
        self._approval(client, plan, "the client approves debtors' plans")
        return plan

    def _lapsed_on(self, client: Client, debtor_number: str, new_plan: str) -> date | None:
        """The day the debtor's latest plan cancelled after a breach ended, when that was
        within :data:`LAPSE_MEMORY_MONTHS` months; None otherwise."""
        today = amsterdam_today(self.clock)
        since = add_months(today, -LAPSE_MEMORY_MONTHS)
        days = [
            p.ended_on or amsterdam_date(p.created_at)
            for p in self.plans.plans.of_debtor(client.client_id, debtor_number)
            if p.plan_id != new_plan
            and p.status is PlanStatus.CANCELLED
            and (p.reason or "").startswith(BREACH)
        ]
        recent = [d for d in days if d >= since]
        return max(recent) if recent else None

    def plan(self, access: PortalAccess, plan_id: str) -> PaymentPlan:
        """One of the debtor's own plans, or NotFound (another debtor's is never shown)."""
        try:
            found = self.plans.plans.get(access.client_id, plan_id)
        except InvalidKey:  # an id no plan can have (too long once escaped): a hand-made form
            raise NotFound("no such plan") from None
        if found is None or found[0].debtor_number != access.debtor_number:
            raise NotFound("no such plan")
        return found[0]

    def _acknowledged(self, client: Client, plan: PaymentPlan) -> None:
        """The debtor's written word in the portal today acknowledges the plan's claims."""
        PrescriptionDecisions(self.portal.repos.store).acknowledge(
            client.client_id, plan.debtor_number, plan.invoice_numbers,
            amsterdam_today(self.clock),
        )  # fmt: skip

    def _approval(self, client: Client, plan: PaymentPlan, why: str) -> None:
        now = self.clock.now()
        # one item per plan (its id the plan's): a click that finishes a draft whose first
        # click failed after filing it files none again
        if not self.portal.repos.actions.add_once(ActionItem(
                client_id=client.client_id, action_id=approval_id(plan.plan_id),
                kind="plan_approval",
                title=(f"Debtor {plan.debtor_number} proposes payment plan {plan.plan_id}: "
                       f"{len(plan.schedule)} installments, EUR {format_cents(plan.total)} ({why})"),
                created_at=now, debtor_number=plan.debtor_number,
                invoice_numbers=plan.invoice_numbers,
                detail={"plan_id": plan.plan_id, "method": plan.method.value},
            )):  # fmt: skip
            return  # filed and noted by the click that stopped after it
        self.plans.note(plan, "awaiting_approval", f"Proposed by the debtor; {why}")

    def postpone(
        self, access: PortalAccess, plan_id: str, number: int, to: date, reason: str
    ) -> bool:
        """The debtor moves one installment of a running plan: granted at once up to the
        client's limit past its date (``debtor_postpone_days``), otherwise a request on the
        action list. True when granted. A direct debit's new date must leave the
        pre-notification term (the service checks, and withdraws a collection already filed)."""
        plan = self.plan(access, plan_id)
        client, _ = self.portal.parties(access)
        if plan.status not in RUNNING:
            raise Invalid(
                "only a running plan's installments can be moved", code="plan_not_running_move"
            )
        self.plans.refuse_if_handed_over(client, plan)  # the agency's to grant, as postpone
        today = amsterdam_today(self.clock)
        state = next((s for s in plan.installments(today) if s.number == number), None)
        if state is None or state.paid >= state.amount:
            raise Invalid(
                f"installment {number} is not open",
                field="installment",
                code="installment_not_open",
                params={"number": number},
            )
        if (to - state.due_date).days < 1 or to <= today:
            raise Invalid(
                "choose a later date than the installment's",
                field="to",
                code="installment_later_date",
            )
        # the limit counts from the installment's date before the debtor first moved it:
        # moving it again from the moved date would renew the grace for ever
        first = self.portal.moved_from(access, f"{plan.plan_id}|{number}") or state.due_date
        # a date no one could grant is refused now, not filed for staff (attack28 F2: 20-11-9999
        # became a request): staff may move the later ones along, so one way must fit
        try:
            self.plans.moved(plan, number, to, shift_later=False)
        except Invalid:
            self.plans.moved(plan, number, to, shift_later=True)
        # asking for more time to pay acknowledges the debt (3:318 BW), granted or not
        self._acknowledged(client, plan)
        if (to - first).days <= plan.rules.debtor_postpone_days:
            self.portal.count_move(access)  # bounded as the invoices' postponements
            self.portal.remember_moved_from(access, f"{plan.plan_id}|{number}", state.due_date)
            self.plans.postpone(client, plan.plan_id, number, to, False, PORTAL)
            return True
        self.portal.count_request(access)
        now = self.clock.now()
        self.portal.repos.actions.add(ActionItem(
            client_id=client.client_id, action_id=time_ordered_id(now),
            kind="plan_postponement_request",
            title=(f"Debtor {plan.debtor_number} asks to move installment {number} of plan "
                   f"{plan.plan_id} from {state.due_date} to {to}"),
            created_at=now, debtor_number=plan.debtor_number, invoice_numbers=plan.invoice_numbers,
            detail={"plan_id": plan.plan_id, "installment": number, "to": to.isoformat(),
                    "reason": reason.strip()[:1000]},
        ))  # fmt: skip
        self.plans.note(plan, "postponement_request",
                        f"The debtor asks to move installment {number} to {to} (past the limit of "
                        f"{plan.rules.debtor_postpone_days} days)")  # fmt: skip
        return False
