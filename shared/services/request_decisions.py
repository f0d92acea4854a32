"""Deciding what a debtor asked in the portal: grant or refuse a postponement request, end a
dispute (keep chasing, credit the invoice, or withdraw it), approve or refuse a payment plan
the debtor proposed. Each decision does what the API
would do for it (the invoice paused until the asked day, as the portal's own grant does; the
dispute ended through :meth:`InvoiceStatusService.resolve_dispute`, the API's
``resolve-dispute`` route; the plan activated through :meth:`PlanService.activate`, the API's
``plans/{id}/activate``, or the draft deleted as the API's ``DELETE plans/{id}``), tells the
debtor through the messages by hand, and only then resolves the action item.

One decision per item, in this order (review console7 F3):

1. the message to the debtor is checked as it would be sent (an e-mail without a subject, a
   channel not open now): refused before anything changes;
2. the item is claimed for the decision by an ETag-guarded write of ``detail["decided"]``:
   of two people deciding at once, one claims it and the other is told who decided what
   (:class:`AlreadyDecided`); nothing of the other decision is done;
3. the effect (pause, dispute ended, plan activated or deleted), the message, the item
   resolved.

A refusal of the effect itself (a plan whose invoice went into another plan) gives the claim
back, as nothing was done. A failure after the effect (the message's channel refuses, an
outage) leaves the claim: the item says which decision was taken and is not finished, and
doing the same decision again finishes it: an invoice paused until that day already is not
paused twice, a dispute ended already is not ended twice, a plan activated is not activated
again, and the message carries an idempotency key made from the item and the decision, so the
debtor is told once (and never told a decision that was not the one taken)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from shared.clock import Clock
from shared.domain.invoices import InvoiceStatus
from shared.domain.parties import Client
from shared.domain.plans.plan import PaymentPlan, PlanStatus
from shared.domain.records import ActionItem, ActionStatus, ContactEntry, ContactKind
from shared.ports.tables import PreconditionFailed
from shared.services.actions import ActionService
from shared.services.conversations.by_hand import ByHandService, HandMessage
from shared.services.dispute_ending import DisputeEndingService
from shared.services.dunning import DunningService
from shared.services.ended_items import close_over_disputes
from shared.services.errors import ConflictingUpdate, Invalid, NotFound, ServiceError
from shared.services.invoice_status import InvoiceStatusService
from shared.services.plans.service import PlanService
from shared.services.repositories import Repositories

POSTPONEMENT = "postponement_request"
DISPUTE = "dispute"
PLAN = "plan_approval"
DECIDABLE = (POSTPONEMENT, DISPUTE, PLAN)
# a 14-day letter that never reached the debtor, on its delivery_failure item: send it again
LETTER_FAILED = "delivery_failure"
SEND_AGAIN = "send-letter-again"
CLAIM = "decided"  # the item's detail key that says which decision was taken, by whom
RETRIES = 5


class AlreadyDecided(ConflictingUpdate):
    """Another decision was taken on the item (or it was closed): nothing was done."""

    def __init__(self, action_id: str, decision: str, by: str) -> None:
        super().__init__(f"action {action_id} was decided already: {decision} ({by})")
        self.decision = decision
        self.by = by


class DecisionUnfinished(ServiceError):
    """The decision is taken and (partly) carried out, but not finished: ``step`` failed.
    The item keeps the decision; doing the same decision again finishes it."""

    def __init__(self, action_id: str, decision: str, step: str, reason: str) -> None:
        super().__init__(
            f"action {action_id}: {decision} is taken but not finished ({step}: {reason}); "
            "do it again to finish it"
        )
        self.decision = decision
        self.step = step
        self.reason = reason


@dataclass(frozen=True)
class Decision:
    """What was decided: the item as resolved, and the outbox key of the message to the
    debtor (None: not told by hand, no channel was chosen)."""

    item: ActionItem
    message_key: str | None


def claim_of(item: ActionItem) -> dict[str, str] | None:
    """The decision taken on the item (``do``, ``by``, ``at``), None when none is."""
    claim = item.detail.get(CLAIM)
    if not isinstance(claim, dict) or not claim.get("do"):
        return None
    return {k: str(v) for k, v in claim.items()}


class RequestDecisionService:
    def __init__(
        self,
        repos: Repositories,
        actions: ActionService,
        dunning: DunningService,
        invoice_status: InvoiceStatusService,
        by_hand: ByHandService,
        plans: PlanService,
        clock: Clock,
    ) -> None:
        self.repos = repos
        self.actions = actions
        self.dunning = dunning
        self.invoice_status = invoice_status
        self.by_hand = by_hand
        self.plans = plans
        self.clock = clock
        # wired in the container: a dispute ended without this decision's message holds a
        # consumer's collection until a person resumes it (lawyer20 L2)
        self.dispute_ending: DisputeEndingService | None = None

    # -- the decisions -------------------------------------------------------------------------
    def grant_postponement(
        self,
        client: Client,
        action_id: str,
        author: str,
        tell: HandMessage | None,
        seen_until: str | None = None,
    ) -> Decision:
        """Pause the asked invoices that are still open until the asked day (the portal's own
        grant: :meth:`DunningService.change_invoice`, which also holds the costs inside the
        14-day term), tell the debtor, resolve the item. ``seen_until``: the day the person
        deciding saw; a request the debtor renewed for another day meanwhile is not granted
        unseen (attack7 finding 6)."""
        item = self._item(client, action_id, POSTPONEMENT)
        try:
            until = date.fromisoformat(str(item.detail.get("until")))
        except ValueError:
            raise Invalid(
                "the request names no day to postpone until", field="until", code="postpone_no_day"
            ) from None
        if seen_until and seen_until != until.isoformat():
            raise Invalid(
                f"the debtor changed the request meanwhile: it now asks until {until:%d-%m-%Y}; "
                "read it again before you decide",
                field="until",
                code="postpone_changed",
                params={"until": until},
            )

        def pause(item: ActionItem) -> str:
            stored = self.repos.invoices.get_many(
                client.client_id, self._own_invoices(client, item)
            )
            kept: list[str] = []
            moved = 0
            for number, s in sorted(stored.items()):
                if s.invoice.open_amount <= 0:
                    continue  # paid meanwhile
                # a postponement only adds time (the rule in change_invoice): a pause set
                # since the request that runs longer stands, a day gone is refused 422
                # pause_until_past as the API's pause is (attack15b B2)
                paused = self.dunning.change_invoice(
                    client, number, paused_until=until, postponement=True, author=author
                )
                if paused.paused_until != until:
                    kept.append(f"{number} ({_pause_words(paused.paused_until)})")
                else:
                    moved += 1
            if not kept:
                return f"postponement granted until {until.isoformat()}"
            granted = f"postponement granted until {until.isoformat()}; " if moved else ""
            return f"{granted}nothing shortened, a longer pause stands: {', '.join(kept)}"

        return self._decide(client, item, "grant", author, tell, pause)

    def refuse_postponement(
        self, client: Client, action_id: str, reason: str, author: str, tell: HandMessage | None
    ) -> Decision:
        """Nothing changes for the invoices; the debtor is told why, the item resolved."""
        if not reason.strip():
            raise Invalid(
                "say why the postponement is refused", field="reason", code="refuse_no_reason"
            )
        item = self._item(client, action_id, POSTPONEMENT)
        return self._decide(client, item, "refuse", author, tell,
                            lambda _: f"postponement refused: {reason.strip()}")  # fmt: skip

    def end_dispute(
        self, client: Client, action_id: str, note: str, author: str, tell: HandMessage | None
    ) -> Decision:
        """The dispute is over (dunning resumes): the API's resolve-dispute for each of the
        item's invoices still disputed, the debtor told, the item resolved."""
        item = self._item(client, action_id, DISPUTE)
        self._refuse_ended(client, item)
        ending = self.dispute_ending
        if tell is not None and ending is not None:
            assert item.debtor_number is not None
            # the day collection resumes, as the API's notice says it (notice24)
            tell = ending.told_by_hand(client, item.debtor_number, tell)
        repeated = claim_of(item) is not None

        def end(item: ActionItem) -> str:
            stored = self.repos.invoices.get_many(
                client.client_id, self._own_invoices(client, item)
            )
            for number, s in sorted(stored.items()):
                if ending is None:
                    if s.invoice.status is InvoiceStatus.DISPUTED:
                        self.invoice_status.resolve_dispute(client, number, author)
                    continue
                if s.invoice.status is not InvoiceStatus.DISPUTED and not repeated:
                    continue
                try:
                    ending.end(client, number, author, notify=False, told_otherwise=tell is not None)  # fmt: skip
                except Invalid as exc:
                    # the attempt this one finishes ended it (ending.end finished its pause
                    # or hold if that was today)
                    if exc.code != "invoice_not_disputed":
                        raise
            why = f": {note.strip()}" if note.strip() else ""
            return f"dispute ended{why}"

        return self._decide(client, item, "end-dispute", author, tell, end)

    def credit_disputed(
        self, client: Client, action_id: str, note: str, author: str, tell: HandMessage | None
    ) -> Decision:
        """The debtor is right: the API's credit (no body: the whole invoice) for each of
        the item's invoices still disputed (what was paid on it goes by 6:43 to the debtor's
        other claims, else an overpayment item), the debtor told, the item resolved. A retry
        credits again only what an attempt left credited and unsettled (crediting is
        idempotent)."""
        item = self._item(client, action_id, DISPUTE)
        self._refuse_ended(client, item)

        def credit(item: ActionItem) -> str:
            stored = self.repos.invoices.get_many(
                client.client_id, self._own_invoices(client, item)
            )
            done = [
                number
                for number, s in sorted(stored.items())
                if s.invoice.status in (InvoiceStatus.DISPUTED, InvoiceStatus.CREDITED)
            ]
            if not done:
                raise Invalid(
                    "none of the item's invoices is disputed any more",
                    field="status",
                    code="dispute_gone",
                )
            for number in done:
                self.invoice_status.credit(client, number, author)
            why = f": {note.strip()}" if note.strip() else ""
            return f"dispute settled by crediting {', '.join(done)}{why}"

        return self._decide(client, item, "credit-invoice", author, tell, credit)

    def withdraw_disputed(
        self, client: Client, action_id: str, note: str, author: str, tell: HandMessage | None
    ) -> Decision:
        """The claim is not pursued (the client takes it up with the debtor itself): the
        API's withdraw for each of the item's invoices still disputed, the debtor told, the
        item resolved."""
        item = self._item(client, action_id, DISPUTE)
        self._refuse_ended(client, item)

        def withdraw(item: ActionItem) -> str:
            stored = self.repos.invoices.get_many(
                client.client_id, self._own_invoices(client, item)
            )
            done = [
                number
                for number, s in sorted(stored.items())
                if s.invoice.status in (InvoiceStatus.DISPUTED, InvoiceStatus.WITHDRAWN)
            ]
            if not done:
                raise Invalid(
                    "none of the item's invoices is disputed any more",
                    field="status",
                    code="dispute_gone",
                )
            for number, s in sorted(stored.items()):
                if s.invoice.status is InvoiceStatus.DISPUTED:
                    self.invoice_status.withdraw(client, number, author)
            why = f": {note.strip()}" if note.strip() else ""
            return f"dispute settled by withdrawing {', '.join(done)}{why}"

        return self._decide(client, item, "withdraw-invoice", author, tell, withdraw)

    def approve_plan(self, client: Client, action_id: str, author: str) -> Decision:
        """Start the plan the debtor proposed: the API's activate (the installments freeze,
        the plan holds the invoices' dunning, the debtor is sent the agreement with its
        schedule in their language: that is the message)."""
        item = self._item(client, action_id, PLAN)

        def activate(item: ActionItem) -> str:
            plan = self._plan(client, item)
            # a draft is activated; an activation that stopped before the agreement went is
            # finished (the same rows, the agreement once) before the item is resolved
            ended = (PlanStatus.CANCELLED, PlanStatus.COMPLETED)
            if plan.status is PlanStatus.DRAFT or (
                plan.activation_to_tell and plan.status not in ended
            ):
                self.plans.activate(client, plan.plan_id, author)
            elif plan.status is PlanStatus.CANCELLED or plan.status is PlanStatus.COMPLETED:
                raise Invalid(
                    f"plan {plan.plan_id} is {plan.status.value}",
                    field="plan",
                    code="plan_ended",
                    params={"plan": plan.plan_id, "status": plan.status},
                )
            return f"plan {plan.plan_id} approved"

        return self._decide(client, item, "approve-plan", author, None, activate)

    def refuse_plan(
        self, client: Client, action_id: str, reason: str, author: str, tell: HandMessage | None
    ) -> Decision:
        """The debtor's proposal is not accepted: the draft goes (the API's delete; dunning
        carries on where it stood, as a draft held nothing), the debtor is told why, and the
        refusal is on the debtor's timeline."""
        if not reason.strip():
            raise Invalid(
                "say why the plan is refused", field="reason", code="refuse_plan_no_reason"
            )
        item = self._item(client, action_id, PLAN)
        plan_id = str(item.detail.get("plan_id") or "")

        def delete(item: ActionItem) -> str:
            found = self.plans.plans.get(client.client_id, plan_id) if plan_id else None
            if found is not None:  # gone: an earlier attempt deleted it
                if found[0].debtor_number != item.debtor_number:
                    raise Invalid(
                        "the plan is not this debtor's", field="plan", code="plan_other_debtor"
                    )
                if found[0].status is not PlanStatus.DRAFT:
                    raise Invalid(f"plan {plan_id} is {found[0].status.value}, not a proposal",
                                  field="plan", code="plan_not_proposal",
                                  params={"plan": plan_id, "status": found[0].status})  # fmt: skip
                self.plans.delete(client, plan_id)
            assert item.debtor_number is not None
            # once, also when the attempt that failed after it is repeated at another moment
            self.repos.contacts.add_once(ContactEntry(
                client.client_id, item.debtor_number, f"{item.action_id}-refused",
                self.clock.now(), ContactKind.STATUS,
                f"Payment plan {plan_id} proposed by the debtor refused: {reason.strip()}"[:1000],
                invoice_numbers=item.invoice_numbers, author=author,
            ))  # fmt: skip
            return f"plan {plan_id} refused: {reason.strip()}"

        return self._decide(client, item, "refuse-plan", author, tell, delete)

    def send_letter_again(self, client: Client, action_id: str, author: str) -> Decision:
        """The 14-day letter a ``delivery_failure`` item reports as never sent (or come
        back), sent again: a fresh letter dated when it goes out, with its own term, for its
        invoices still due (:mod:`shared.services.letter_again`); the item resolved. Once:
        the letter's key is the item's, so a retry or a second click writes no second one."""
        from shared.services.letter_again import failed_letter, send_again

        found = self.repos.actions.get(client.client_id, action_id)
        if found is None:
            raise NotFound(f"action {action_id} not found")
        item = found[0]
        if item.kind != LETTER_FAILED:
            raise Invalid(f"action {action_id} is a {item.kind}, not a {LETTER_FAILED}",
                          field="kind", code="action_other_kind", params={"kind": item.kind})  # fmt: skip
        if item.status is ActionStatus.RESOLVED:
            taken = claim_of(item)
            raise AlreadyDecided(action_id, taken["do"] if taken else item.resolution or "resolved",
                                 taken.get("by", "") if taken else "")  # fmt: skip
        key = str(item.detail.get("key") or "")
        failed_letter(self.dunning, client.client_id, key)  # refused before the claim

        def send(item: ActionItem) -> str:
            letter = send_again(self.dunning, client, key, item.action_id)
            return f"14-day letter sent again for {', '.join(letter.invoice_numbers)}"

        item, fresh = self._claim(client, action_id, SEND_AGAIN, author)
        try:
            resolution = send(item)
        except ServiceError as exc:
            if fresh:
                self._unclaim(client, item.action_id, SEND_AGAIN)
                raise
            raise DecisionUnfinished(item.action_id, SEND_AGAIN, "effect", str(exc)) from exc
        return Decision(self._resolve(client, action_id, SEND_AGAIN, resolution, author), None)

    # -- one decision, once ------------------------------------------------------------------
    def _decide(
        self,
        client: Client,
        item: ActionItem,
        do: str,
        author: str,
        tell: HandMessage | None,
        effect: Callable[[ActionItem], str],
    ) -> Decision:
        keyed = self._keyed(client, item, tell, do) if tell is not None else None
        if keyed is not None:
            assert item.debtor_number is not None
            self.by_hand.check(client.client_id, item.debtor_number, keyed)
        item, fresh = self._claim(client, item.action_id, do, author)
        try:
            resolution = effect(item)
        except ServiceError as exc:
            if fresh:  # refused before anything changed: the item is free for another decision
                self._unclaim(client, item.action_id, do)
                raise
            raise DecisionUnfinished(item.action_id, do, "effect", str(exc)) from exc
        try:
            key = self._tell(client, item, keyed, author)
        except ServiceError as exc:
            raise DecisionUnfinished(item.action_id, do, "message", str(exc)) from exc
        return Decision(self._resolve(client, item.action_id, do, resolution, author), key)

    def _refuse_ended(self, client: Client, item: ActionItem) -> None:
        """A dispute over before anyone decided its item (paid in full, or ended through the
        API before its item was closed by it): the item is closed as over and the decision
        refused, so the debtor is never told of a decision that is not this one (newcomer19
        F6). A decision taken already is finished as taken (its effect ended the dispute)."""
        if claim_of(item) is not None:
            return
        stored = self.repos.invoices.get_many(client.client_id, self._own_invoices(client, item))
        if any(s.invoice.status is InvoiceStatus.DISPUTED for s in stored.values()):
            return
        close_over_disputes(self.repos, client.client_id, [item], None, self.clock.now())
        raise Invalid(
            "none of the item's invoices is disputed any more", field="status", code="dispute_gone"
        )

    def _item(self, client: Client, action_id: str, kind: str) -> ActionItem:
        found = self.repos.actions.get(client.client_id, action_id)
        if found is None:
            raise NotFound(f"action {action_id} not found")
        item = found[0]
        if item.kind != kind:
            raise Invalid(
                f"action {action_id} is a {item.kind}, not a {kind}",
                field="kind",
                code="action_other_kind",
                params={"kind": item.kind},
            )
        if item.status is ActionStatus.RESOLVED:
            raise AlreadyDecided(action_id, item.resolution or "resolved", "")
        if not item.debtor_number or not item.invoice_numbers:
            raise Invalid(
                f"action {action_id} names no debtor or invoice",
                field="invoices",
                code="action_no_invoice",
            )
        return item

    def _claim(self, client: Client, action_id: str, do: str, author: str) -> tuple[ActionItem, bool]:  # fmt: skip
        """The item taken for ``do`` (True: by this call; False: it was already, by an
        attempt to finish), or AlreadyDecided when another decision has it."""
        for _ in range(RETRIES):
            found = self.repos.actions.get(client.client_id, action_id)
            if found is None:
                raise NotFound(f"action {action_id} not found")
            item, etag = found
            if item.status is ActionStatus.RESOLVED:
                raise AlreadyDecided(action_id, item.resolution or "resolved", "")
            taken = claim_of(item)
            if taken is not None:
                if taken["do"] != do:
                    raise AlreadyDecided(action_id, taken["do"], taken.get("by", ""))
                return item, False
            claim = {"do": do, "by": author, "at": self.clock.now().isoformat()}
            claimed = replace(item, detail={**item.detail, CLAIM: claim})
            assert etag is not None
            try:
                self.repos.actions.save(claimed, etag)
            except PreconditionFailed:
                continue  # assigned or claimed meanwhile: look again
            return claimed, True
        raise ConflictingUpdate(f"action {action_id} keeps changing; reload it")

    def _unclaim(self, client: Client, action_id: str, do: str) -> None:
        found = self.repos.actions.get(client.client_id, action_id)
        if found is None or found[1] is None or (claim_of(found[0]) or {}).get("do") != do:
            return
        detail = {k: v for k, v in found[0].detail.items() if k != CLAIM}
        try:
            self.repos.actions.save(replace(found[0], detail=detail), found[1])
        except PreconditionFailed:
            pass  # changed meanwhile: the claim stays, and the item says so

    def _resolve(self, client: Client, action_id: str, do: str, resolution: str, author: str) -> ActionItem:  # fmt: skip
        try:
            return self.actions.resolve(client.client_id, action_id, resolution, author)
        except Invalid:
            # resolved meanwhile: by the same decision finished at the same moment, that is done
            found = self.repos.actions.get(client.client_id, action_id)
            if found is not None and (claim_of(found[0]) or {}).get("do") == do:
                return found[0]
            raise

    def _keyed(self, client: Client, item: ActionItem, tell: HandMessage | None, do: str) -> HandMessage | None:  # fmt: skip
        if tell is None:
            return None
        # the item's and the decision's own key: a retry sends nothing twice, and two
        # decisions of one item can never share (or swap) a message
        return replace(tell, invoices=tuple(self._own_invoices(client, item)),
                       idempotency_key=f"decision-{item.action_id}-{do}")  # fmt: skip

    def _tell(self, client: Client, item: ActionItem, keyed: HandMessage | None, author: str) -> str | None:  # fmt: skip
        if keyed is None:
            return None
        assert item.debtor_number is not None and keyed.idempotency_key is not None
        sent = self.by_hand.sent_under(client.client_id, item.debtor_number, keyed.idempotency_key)
        if sent is not None:
            return sent  # told by the attempt that failed after it (whatever words it chose)
        return self.by_hand.send_by_hand(client.client_id, item.debtor_number, keyed, author).key

    def _own_invoices(self, client: Client, item: ActionItem) -> list[str]:
        """The item's invoices that are still the debtor's (an id in an item is never trusted
        to reach another debtor's invoice)."""
        stored = self.repos.invoices.get_many(client.client_id, list(item.invoice_numbers))
        mine = [n for n, s in stored.items() if s.invoice.debtor_number == item.debtor_number]
        if not mine:
            raise Invalid(
                "none of the item's invoices is the debtor's any more",
                field="invoices",
                code="invoices_gone",
            )
        return sorted(mine)

    def _plan(self, client: Client, item: ActionItem) -> PaymentPlan:
        plan_id = str(item.detail.get("plan_id") or "")
        found = self.plans.plans.get(client.client_id, plan_id) if plan_id else None
        if found is None or found[0].debtor_number != item.debtor_number:
            raise Invalid(
                "the proposed plan is gone (deleted meanwhile)", field="plan", code="plan_gone"
            )
        return found[0]


def _pause_words(until: date | None) -> str:
    """An invoice's pause as a resolution names it."""
    if until is None or until == date.max:
        return "paused until resumed"
    return f"paused until {until.isoformat()}"
