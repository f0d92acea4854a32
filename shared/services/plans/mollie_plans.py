"""The plan side of direct debits collected through Mollie: the daily run's payments (a
first payment while there is no mandate, then one recurring payment per due installment), and
what a Mollie payment's outcome means for its installment (booked, failed with the bank's
reason, reversed by a chargeback or refund). The calls to Mollie and their idempotency live in
:mod:`shared.services.plans.mollie_collection`; plans, timeline and ledger are the plan
service's (``svc``), so a Mollie plan is stored, settled and told exactly as any other.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from shared.adapters.mollie import MolliePayment
from shared.clock import amsterdam_today
from shared.domain.money import Cents
from shared.domain.parties import Client
from shared.domain.plans.plan import (
    RUNNING,
    DebitState,
    DirectDebit,
    Mandate,
    PaymentPlan,
    PlanStatus,
)
from shared.domain.records import ActionItem, PaymentSource
from shared.services.errors import ConflictingUpdate
from shared.services.plans import notices
from shared.services.plans.mollie_collection import MollieCollections

if TYPE_CHECKING:
    from shared.services.plans.service import PlanService

RETRIES = 5
# Mollie's recurring guide: a recurring payment needs a customer with a pending or valid mandate
USABLE = ("valid", "pending")
# the reason a debit refunded through Mollie is returned with (a failed refund looks for it)
REFUNDED = "refunded through Mollie"
log = logging.getLogger("inning.plans")


class MolliePlanDesk:
    def __init__(self, svc: PlanService, collections: MollieCollections) -> None:
        self.svc = svc
        self.collections = collections

    def submit(self, client: Client, plan: PaymentPlan, today: date) -> PaymentPlan:
        """The run's part of a Mollie plan: a first payment (installment 1, or the first one
        unpaid) while there is no mandate yet, then one recurring payment per installment
        on its due date. A mandate Mollie no longer holds valid fails the installment and
        puts it on the action list; so does Mollie's refusal (422: no valid mandate)."""
        from shared.adapters.mollie import MollieError
        from shared.services.plans.mollie_collection import MollieNotSetUp

        states = {s.number: s for s in plan.installments(today)}
        standing_ = {d.number for d in plan.debits if d.standing}
        first_under_way = any(d.first and d.state is DebitState.SUBMITTED for d in plan.debits)
        debtor = self.svc.repos.debtors.get(client.client_id, plan.debtor_number)
        new: list[DirectDebit] = []
        refreshed = False
        for inst in plan.schedule:
            state = states[inst.number]
            if inst.number in standing_ or inst.number in plan.failed or state.paid >= state.amount:
                continue
            attempt = 1 + sum(1 for d in plan.debits if d.number == inst.number)
            open_part = state.amount - state.paid
            valid = plan.mandate is not None and plan.mandate.status in USABLE
            try:
                if not valid and not refreshed and plan.mandate is not None:
                    # the status recorded with the first payment may be stale (a "pending"
                    # mandate Mollie validated since): ask Mollie before refusing anything
                    refreshed = True
                    plan = self._refresh_mandate(client, plan)
                    valid = plan.mandate is not None and plan.mandate.status in USABLE
                if not valid:
                    if first_under_way or new:
                        continue  # the debtor's first payment is under way: it brings the mandate
                    # the plan's first payment, or one for an installment staff retried (it was
                    # tried before); otherwise an installment due without a mandate fails
                    tried = any(d.first for d in plan.debits)
                    if tried and not any(d.number == inst.number for d in plan.debits):
                        if inst.due_date <= today:
                            plan = self._refused(
                                client,
                                plan,
                                inst.number,
                                attempt,
                                open_part,
                                today,
                                "no valid mandate (the first payment was not made or "
                                "the mandate was revoked)",
                            )
                        continue
                    made = self.collections.collect(
                        client,
                        plan,
                        number=inst.number,
                        attempt=attempt,
                        amount=open_part,
                        first=True,
                        debtor=debtor[0] if debtor else None,
                        now=self.svc.clock.now(),
                    )
                    new.append(
                        DirectDebit(
                            inst.number,
                            attempt,
                            today,
                            open_part,
                            made.payment_id,
                            True,
                            via="mollie",
                        )
                    )
                    self._first_payment_notice(
                        client, plan, inst.number, attempt, open_part, made.checkout_url
                    )
                    continue
                if inst.due_date > today:
                    continue
                assert plan.mandate is not None and plan.mandate.customer_id is not None
                held = self.collections.provider(client, plan).get_mandate(
                    plan.mandate.customer_id, plan.mandate.mandate_id
                )
                if held is None or held.status == "invalid":
                    plan = replace(plan, mandate=replace(plan.mandate, status="invalid"))
                    plan = self._refused(
                        client,
                        plan,
                        inst.number,
                        attempt,
                        open_part,
                        today,
                        f"the Mollie mandate {plan.mandate_id} is no longer valid",
                    )
                    continue
                recorded = plan.mandate
                if recorded is not None and held.status != recorded.status:
                    # e.g. pending when the first payment was paid, valid now
                    plan = replace(plan, mandate=replace(recorded, status=held.status))
                made = self.collections.collect(
                    client,
                    plan,
                    number=inst.number,
                    attempt=attempt,
                    amount=open_part,
                    first=False,
                    debtor=None,
                    now=self.svc.clock.now(),
                )
            except MollieNotSetUp as e:
                self.svc._log(plan, "debit_failed", str(e))
                return plan
            except MollieError as e:
                if e.transient:
                    raise  # the message is retried; the collection's key makes it one payment
                if e.status == 409 or (e.status == 400 and "Idempotency-Key" in str(e)):
                    # the same key is still being handled by Mollie, or was used before with
                    # another amount: the payment may be made, so the installment's outcome is
                    # unknown, not failed; asked again tomorrow (the run also looks for it)
                    self.svc._log(plan, "debit_failed", f"Installment {inst.number}: {e}")
                    continue
                plan = self._refused(client, plan, inst.number, attempt, open_part, today, str(e))
                continue
            new.append(
                DirectDebit(
                    inst.number, attempt, today, open_part, made.payment_id, False, via="mollie"
                )
            )
        for d in new:
            kind = "first payment (checkout)" if d.first else "recurring payment"
            self.svc._log(
                plan,
                "debit_submitted",
                f"Installment {d.number}: Mollie {kind} {d.end_to_end_id} of {d.amount} cents",
            )
        if not new:
            return plan
        recurring = any(not d.first for d in new)
        return replace(
            plan,
            debits=plan.debits + tuple(new),
            status=PlanStatus.COLLECTION_IN_PROGRESS if recurring else plan.status,
        )

    def cancel_redundant(self, client: Client, plan: PaymentPlan, today: date) -> PaymentPlan:
        """Recurring payments under way for installments that other money paid meanwhile (a
        bank transfer, a payment link in the portal) are canceled through Mollie while they
        still can be (``isCancelable``: until Mollie sends the debit to the bank), so the
        debtor is not charged twice. One Mollie no longer lets go of is left to run: if it is
        paid, its surplus goes to the next installment or, with nothing left to pay, to staff
        as an overpayment (see :meth:`_paid`). Mollie out of reach: asked again by the next
        run (a plan with a Mollie payment under way is looked at daily). The plan is returned
        for the caller to save; a repeat finds the payment canceled already (idempotent)."""

        states = {s.number: s for s in plan.installments(today)}
        under_way = [
            d
            for d in plan.debits
            if d.via == "mollie"
            and not d.first  # a first payment brings the mandate: its checkout stays
            and d.state is DebitState.SUBMITTED
        ]
        for d in under_way:
            state = states.get(d.number)
            if state is None or state.paid >= state.amount:
                # paid otherwise, or no longer asked at all (a credit note lowered the plan)
                plan = self._cancel(client, plan, [d], today, "was paid otherwise")
            elif d.amount > state.amount - state.paid:
                # partly paid otherwise, or lowered: the run asks the rest in a new payment
                open_part = state.amount - state.paid
                plan = self._cancel(client, plan, [d], today, f"now asks only {open_part} cents")
        return plan

    def withdraw(
        self,
        client: Client,
        plan: PaymentPlan,
        numbers: frozenset[int] | None,
        today: date,
        why: str,
    ) -> PaymentPlan:
        """The plan stops collecting these installments (all: None) through Mollie: it was
        cancelled (by staff or a breach), paused, or the installment postponed. Their recurring
        payments under way are canceled while Mollie still can; one it can no longer cancel is
        booked when paid (the debtor owed it; a surplus goes to staff)."""
        under_way = [
            d
            for d in plan.debits
            if d.via == "mollie"
            and not d.first
            and d.state is DebitState.SUBMITTED
            and (numbers is None or d.number in numbers)
        ]
        return self._cancel(client, plan, under_way, today, why) if under_way else plan

    def _cancel(
        self, client: Client, plan: PaymentPlan, debits: list[DirectDebit], today: date, why: str
    ) -> PaymentPlan:
        from shared.adapters.mollie import MollieError
        from shared.services.plans.mollie_collection import MollieNotSetUp

        for d in debits:
            if self.collections.cancel_refused(plan, d.end_to_end_id):
                continue  # Mollie said no before: its outcome decides
            try:
                got = self.collections.cancel(client, plan, d.end_to_end_id, self.svc.clock.now())
            except (MollieError, MollieNotSetUp) as e:
                log.warning("plan %s: canceling %s failed: %s", plan.plan_id, d.end_to_end_id, e)
                self.svc._log(plan, "debit_cancel_failed", f"Installment {d.number} {why}; asking "
                              f"Mollie to cancel {d.end_to_end_id} failed ({e}): asked again at "
                              "the next run")  # fmt: skip
                continue
            if got is not None and got.status == "canceled":
                plan = self._withdraw_debit(plan, d.end_to_end_id, today, why)
                self.svc._log(plan, "debit_canceled", f"Installment {d.number} {why} before its "
                              f"Mollie payment {d.end_to_end_id} of {d.amount} cents was collected: "
                              "that payment is canceled at Mollie")  # fmt: skip
            elif got is not None and got.status in ("open", "pending"):
                self.svc._log(plan, "debit_not_canceled", f"Installment {d.number} {why}, but "
                              f"Mollie can no longer cancel {d.end_to_end_id} (sent to the bank): "
                              "if it is collected, it is booked, and what the installments no "
                              "longer need goes to the next one, or to staff as an overpayment")  # fmt: skip
        return plan

    @staticmethod
    def _withdraw_debit(
        plan: PaymentPlan, end_to_end_id: str, today: date, why: str = "was paid otherwise"
    ) -> PaymentPlan:
        """The plan with this Mollie payment canceled: withdrawn (its installment does not
        fail); a plan whose collection was under way runs on by its money."""
        debits = tuple(
            replace(d, state=DebitState.WITHDRAWN, reason=f"canceled: {why}"[:200])
            if d.end_to_end_id == end_to_end_id and d.state is DebitState.SUBMITTED
            else d
            for d in plan.debits
        )
        changed = replace(plan, debits=debits)
        if plan.status is PlanStatus.COLLECTION_IN_PROGRESS and not any(
            d.state is DebitState.SUBMITTED for d in debits
        ):
            changed = replace(changed, status=PlanStatus.ACTIVE).settle(plan.paid, today)
        return changed

    def _withdrawn(self, client: Client, plan_id: str, end_to_end_id: str) -> None:
        """Mollie reports canceled a payment we asked it to cancel (the webhook, or the run
        asking): record it withdrawn, once."""
        today = amsterdam_today(self.svc.clock)
        for _ in range(RETRIES):
            current, etag = self.svc._get(client, plan_id)
            changed = self._withdraw_debit(current, end_to_end_id, today)
            if changed == current:
                return
            try:
                changed = self.svc._store(changed, etag, current, today)
            except ConflictingUpdate:
                continue
            number = next(d.number for d in changed.debits if d.end_to_end_id == end_to_end_id)
            self.svc._log(changed, "debit_canceled", f"Installment {number}: Mollie reports "
                          f"{end_to_end_id} canceled, as we asked")  # fmt: skip
            return
        raise ConflictingUpdate(f"plan {plan_id} keeps changing; the webhook will be retried")

    def _open_for(self, client: Client, plan: PaymentPlan, debit: DirectDebit) -> Cents:
        """What the debit's installment still needed before this payment came in (the
        payment's own booking left out: a redelivery answers the same)."""
        if plan.activated_at is None:
            return debit.amount
        paid = self.svc.money.paid_towards(client, plan.debtor_number, list(plan.invoice_numbers),
                                           plan.money_since, plan.include_costs)  # fmt: skip
        own = self.svc.repos.payments.get(client.client_id, debit.payment_id)
        if own is not None and not own.reversed:
            paid -= sum(a.amount for a in own.allocations
                        if plan.include_costs or a.component == "principal")  # fmt: skip
        paid = max(0, paid)
        today = amsterdam_today(self.svc.clock)
        # (its own booking left out, so it is not counted as its installment's collection)
        others = tuple(d for d in plan.debits if d.end_to_end_id != debit.end_to_end_id)
        states = replace(plan, paid=paid, debits=others).installments(today)
        state = next((s for s in states if s.number == debit.number), None)
        if state is None:
            return 0  # the installment is no longer asked (a credit note lowered the plan)
        return max(0, state.amount - state.paid)

    def _overpaid(self, client: Client, plan: PaymentPlan, debit: DirectDebit,
                  payment: MolliePayment, unallocated: Cents) -> None:  # fmt: skip
        """Mollie collected more than the plan's invoices still owed: the rest is the
        debtor's money, and staff decide on its refund (one item per payment, however often
        the webhook comes)."""
        from shared.domain.money import format_eur_nl

        # once: told before (the webhook again)
        self.svc.repos.actions.add_once(ActionItem(
            client_id=client.client_id, action_id=f"plan-overpaid-{plan.plan_id}-{payment.payment_id}",
            kind="plan_overpayment",
            title=(f"Plan {plan.plan_id}: Mollie collected {format_eur_nl(payment.amount)} "
                   f"({payment.payment_id}) for installment {debit.number} after it was paid "
                   f"otherwise; {format_eur_nl(unallocated)} is more than the invoices owe. "
                   "Decide on a refund to the debtor"),
            created_at=self.svc.clock.now(), debtor_number=plan.debtor_number,
            invoice_numbers=plan.invoice_numbers,
            detail={"plan_id": plan.plan_id, "installment": debit.number,
                    "payment_id": payment.payment_id, "amount": payment.amount,
                    "overpaid": unallocated, "decision": "refund"},
        ))  # fmt: skip

    def _log_surplus(self, plan: PaymentPlan, debit: DirectDebit, payment: MolliePayment,
                     surplus: Cents, unallocated: Cents) -> None:  # fmt: skip
        """The plan's history says why a collection brought more than its installment needed
        and where the rest went."""
        moved = surplus - unallocated
        where = []
        if moved > 0:
            where.append(f"{moved} cents goes to the next installment(s)")
        if unallocated > 0:
            where.append(f"{unallocated} cents is more than the invoices owe: an overpayment "
                         "on the action list, staff decide on a refund")  # fmt: skip
        self.svc._log(plan, "surplus", f"Installment {debit.number} needed {payment.amount - surplus} "
                      f"cents when Mollie payment {payment.payment_id} of {payment.amount} cents came in "
                      f"(other money paid it meanwhile and the payment could no longer be canceled): "
                      f"{surplus} cents more than it needed; " + "; ".join(where))  # fmt: skip

    def _refresh_mandate(self, client: Client, plan: PaymentPlan) -> PaymentPlan:
        """The plan's mandate as Mollie holds it now (its status only; the plan is saved with
        the run's other changes)."""
        mandate = plan.mandate
        if mandate is None or mandate.customer_id is None or mandate.status == "invalid":
            return plan  # Mollie never makes an invalid mandate valid again
        held = self.collections.provider(client, plan).get_mandate(
            mandate.customer_id, mandate.mandate_id
        )
        status = "invalid" if held is None else held.status
        if status == mandate.status:
            return plan
        self.svc._log(plan, "mandate", f"Mollie mandate {mandate.mandate_id} is now {status}")
        return replace(plan, mandate=replace(mandate, status=status))

    def _refused(
        self,
        client: Client,
        plan: PaymentPlan,
        number: int,
        attempt: int,
        amount: Cents,
        today: date,
        reason: str,
    ) -> PaymentPlan:
        """No Mollie payment could be made: the installment fails (staff retry once the
        debtor has a valid mandate again), recorded as an attempt so a retry is a new one."""
        refused = DirectDebit(
            number,
            attempt,
            today,
            amount,
            f"refused-{number}-{attempt}",
            False,
            DebitState.RETURNED,
            reason[:200],
            via="mollie",
            returned_on=today,
        )
        failed = replace(plan, debits=(*plan.debits, refused))
        failed = failed.fail(number) if failed.status in RUNNING else failed
        self.svc._log(
            failed, "debit_failed", f"Installment {number}: no Mollie payment made: {reason}"
        )
        # once: told before
        self.svc.repos.actions.add_once(
            ActionItem(
                client_id=client.client_id,
                action_id=f"mollie-mandate-{plan.plan_id}-{number}-{attempt}",
                kind="plan_mandate_invalid",
                title=(
                    f"Installment {number} of plan {plan.plan_id} cannot be collected through Mollie: "
                    f"{reason}. Ask the debtor for a new first payment (retry) or another way to pay"
                ),
                created_at=self.svc.clock.now(),
                debtor_number=plan.debtor_number,
                invoice_numbers=plan.invoice_numbers,
                detail={"plan_id": plan.plan_id, "installment": number, "reason": reason},
            )
        )
        return failed

    def _first_payment_notice(
        self,
        client: Client,
        plan: PaymentPlan,
        number: int,
        attempt: int,
        amount: Cents,
        url: str | None,
    ) -> None:
        if not url:
            return
        sent = self.svc._send_notice(
            client,
            plan,
            f"first-payment|{number}|{attempt}",
            lambda lang: notices.first_payment(plan, amount, url, lang),
        )
        self.svc._log(
            plan, "first_payment", f"Link to the first payment (installment {number}): {sent}"
        )

    def first_payment_url(self, client: Client, plan_id: str) -> str | None:
        """The checkout link of the plan's first payment still open (the portal sends the
        debtor there), or None."""
        plan = self.svc._get(client, plan_id)[0]
        for d in reversed(plan.debits):
            if d.via == "mollie" and d.first and d.state is DebitState.SUBMITTED:
                return self.collections.checkout_url(plan, d.number, d.attempt)
        return None

    def poll(self, client: Client, plan_id: str) -> None:
        """Ask Mollie about the plan's payments under way (a lost webhook changes nothing for
        long): the same handling as the webhook's."""
        found = self.svc.plans.get(client.client_id, plan_id)
        if found is None:
            return
        plan = found[0]
        under_way = [
            d for d in plan.debits if d.via == "mollie" and d.state is DebitState.SUBMITTED
        ]
        has_collections = any(d.via == "mollie" for d in plan.debits) or (
            plan.rules.collects_through_mollie
        )
        if not under_way and not has_collections:
            return
        from shared.adapters.mollie import MollieError
        from shared.services.plans.mollie_collection import MollieNotSetUp

        try:
            provider = self.collections.provider(client, plan)
            for d in under_way:
                payment = provider.get_payment(d.end_to_end_id)
                if payment is not None:
                    self.outcome(client, plan_id, payment, settle=False)
            # payments Mollie made that the plan never recorded (its save after the call lost)
            known = {d.end_to_end_id for d in plan.debits if d.via == "mollie"}
            for payment in self.collections.unrecorded(client, plan, known, self.svc.clock.now()):
                self.outcome(client, plan_id, payment, settle=False)
        except (MollieError, MollieNotSetUp) as e:
            # only the fallback for a lost webhook: the plan's own work goes on, asked again tomorrow
            log.warning("plan %s: asking Mollie failed: %s", plan_id, e)

    def outcome(
        self, client: Client, plan_id: str, payment: MolliePayment, settle: bool = True
    ) -> str:
        """What a Mollie payment of the plan (its webhook, or the run asking) means: paid is
        booked by law on the plan's invoices (the one ledger path) and, for a first payment,
        its mandate goes on the plan; failed, expired or canceled fail the installment with
        the reason; a chargeback (the payment stays ``paid``) reverses the booking and fails
        the installment: it is open again, staff retry. Idempotent."""
        if self.svc.payments is None:
            return "unknown"
        found = self.svc.plans.get(client.client_id, plan_id)
        if found is None:
            return "unknown"
        plan = found[0]
        debit = next(
            (d for d in plan.debits if d.via == "mollie" and d.end_to_end_id == payment.payment_id),
            None,
        )
        if debit is None:
            # Mollie made it, but the plan's save after the call was lost (a crash, or a
            # concurrent change): adopt it from our own collection row, so money is never lost
            adopted = self._adopt(client, plan, payment)
            if adopted is None or isinstance(adopted, str):
                return adopted or "unknown"
            plan, debit = adopted
        if payment.status == "canceled" and (
            debit.state is DebitState.WITHDRAWN
            or self.collections.cancel_asked(plan, payment.payment_id)
        ):
            # we canceled it (its installment was paid otherwise), though the cancel call's
            # answer may never have reached us: withdrawn, the installment does not fail
            self._withdrawn(client, plan.plan_id, debit.end_to_end_id)
            return "canceled"
        if payment.status in ("failed", "expired", "canceled"):
            self.svc.debit_came_back(
                client, payment.payment_id, payment.failure_reason or payment.status, plan_id
            )
            return payment.status
        if payment.status != "paid":
            return payment.status  # open, pending, authorized: wait
        if (
            debit.state is DebitState.RETURNED
            or payment.amount_refunded
            or payment.amount_charged_back
            or payment.has_chargebacks
        ):
            # a decision that moves the debit (taken back, or its chargeback reversed) is made
            # on Mollie's state read AFTER the plan above: the view the webhook read may be
            # older than what another delivery booked since (failure4 #2); and on the lists,
            # where a reversed chargeback and a failed or canceled refund no longer count
            payment = self._current(client, payment, plan)
        charged_back, why = self.collections.charged_back(client, payment, plan)
        if (
            debit.state is DebitState.COLLECTED
            and charged_back == 0
            and payment.amount_refunded == 0
            and self._taken_back(client, debit)
        ):
            # counted again on the plan (a reversed chargeback, a failed refund) by a delivery
            # that stopped before the webhook booked the payment anew (failure6 #1): the
            # webhook finishes that booking (idempotent) instead of "paid" over a reversal
            return "counts_again"
        if debit.state is not DebitState.RETURNED:
            self._paid(client, plan, debit, payment)
        elif (
            charged_back == 0
            and payment.amount_refunded == 0
            and (debit.reason or "").startswith("chargeback")
        ):
            # the bank reversed the chargeback: the money is the client's again; the webhook
            # books it anew (a reversed booking is never booked again) and the plan takes it in
            self._counts_again(client, plan, debit, f"the chargeback of {payment.payment_id} "
                               "was reversed; the payment counts again")  # fmt: skip
            return "chargeback_reversed"
        elif charged_back == 0 and payment.amount_refunded == 0 and debit.reason == REFUNDED:
            # every refund of it failed or was canceled at Mollie: the money stayed with us,
            # so the installment is paid again (the webhook books the payment anew, once)
            self._counts_again(client, plan, debit, f"the refund of {payment.payment_id} failed "
                               "or was canceled at Mollie; the payment counts again")  # fmt: skip
            return "refund_failed"
        if charged_back > 0:
            self.svc.debit_came_back(
                client, payment.payment_id, "chargeback" + (f" ({why})" if why else ""), plan_id
            )
            return "chargeback"
        if payment.amount_refunded > 0:  # the client refunded it through Mollie: not paid after all
            self.svc.debit_came_back(client, payment.payment_id, REFUNDED, plan_id)
            return "refund"
        if settle:  # (held while a restore's money hold stands: ``take_in``)
            self.svc.take_in(client, plan_id, amsterdam_today(self.svc.clock))
        return "paid"

    def _current(
        self, client: Client, payment: MolliePayment, plan: PaymentPlan | None = None
    ) -> MolliePayment:
        """The payment as Mollie has it now (in the account holding ``plan``'s mandate), its
        refunds and chargebacks from its lists."""
        from shared.services.mollie_view import current_view

        provider = self.collections.provider(client, plan)
        fresh = provider.get_payment(payment.payment_id) or payment
        return current_view(provider, fresh, look=True)

    def _adopt(
        self, client: Client, plan: PaymentPlan, payment: MolliePayment
    ) -> tuple[PaymentPlan, DirectDebit] | str | None:
        """Put a Mollie payment of one of the plan's collections onto the plan (under its
        ETag). None: not one of ours (our row does not name it, or the customer or amount
        differ). "not_on_plan": the plan was cancelled meanwhile, so the money is booked as an
        ordinary online payment on the plan's invoices (the webhook's usual path)."""
        made = self.collections.collection_of(plan, payment)
        if made is None:
            log.warning("plan %s: Mollie payment %s is not one of its collections",
                        plan.plan_id, payment.payment_id)  # fmt: skip
            return None
        if plan.status in (PlanStatus.CANCELLED, PlanStatus.DRAFT):
            return "not_on_plan"
        from shared.clock import amsterdam_date

        on = amsterdam_date(self.svc.clock.now())
        debit = DirectDebit(int(made["number"]), int(made["attempt"]), on, payment.amount,
                            payment.payment_id, bool(made["first"]), via="mollie")  # fmt: skip
        for _ in range(RETRIES):
            current, etag = self.svc._get(client, plan.plan_id)
            held = next((d for d in current.debits if d.via == "mollie"
                         and d.end_to_end_id == payment.payment_id), None)  # fmt: skip
            if held is not None:
                return current, held
            if current.status in (PlanStatus.CANCELLED, PlanStatus.DRAFT):
                return "not_on_plan"
            changed = replace(current, debits=(*current.debits, debit))
            try:
                self.svc._save(changed, etag)
            except ConflictingUpdate:
                continue
            self.svc._log(changed, "debit_submitted", f"Installment {debit.number}: Mollie payment "
                          f"{payment.payment_id} of {payment.amount} cents found and recorded")  # fmt: skip
            return changed, debit
        raise ConflictingUpdate(f"plan {plan.plan_id} keeps changing; the webhook will be retried")

    def _counts_again(
        self, client: Client, plan: PaymentPlan, debit: DirectDebit, told: str
    ) -> None:
        """The debit counts as collected again (a reversed chargeback, a failed or canceled
        refund): see :meth:`PaymentPlan.debit_counts_again`; told once on the timeline."""
        for _ in range(RETRIES):
            current, etag = self.svc._get(client, plan.plan_id)
            changed = current.debit_counts_again(debit.end_to_end_id)
            if changed == current:
                return  # a redelivery: counted again before
            if changed.status is PlanStatus.CANCELLED and debit.number in current.failed:
                # told before the save (the item is keyed by the collection): a delivery cut
                # off after the save leaves its redelivery a plan that reads as counted again,
                # and staff would never hear of it (failure15 F3)
                self._lapsed_but_paid(client, changed, debit, told)
            try:
                self.svc._save(changed, etag)
            except ConflictingUpdate:
                continue
            self.svc._log(current, "collected", f"Installment {debit.number}: {told}")
            return
        raise ConflictingUpdate(f"plan {plan.plan_id} keeps changing; the webhook will be retried")

    def _taken_back(self, client: Client, debit: DirectDebit) -> bool:
        """The debit's payment is reversed in the ledger and stands under no net id of its
        own: what a refund or chargeback took back is not booked anew (yet)."""
        booked = self.svc.repos.payments.get(client.client_id, debit.payment_id)
        return booked is not None and booked.reversed and not self.svc._booked_anew(client, debit)

    def _lapsed_but_paid(
        self, client: Client, plan: PaymentPlan, debit: DirectDebit, told: str
    ) -> None:
        """The plan was cancelled (a breach, or staff) while this installment counted as
        unpaid, and it turns out paid: staff decide whether to offer the plan again (nothing
        revives a cancelled plan by itself: the debtor was told it ended). One item per
        collection, however often the webhook comes."""
        now = self.svc.clock.now()
        item = ActionItem(
            client.client_id, f"lapsed-paid-{debit.end_to_end_id}"[:200], "plan_lapsed_but_paid",
            f"Plan {plan.plan_id} of debtor {plan.debtor_number} was cancelled ({plan.reason}) "
            f"while installment {debit.number} counted as unpaid; {told}: consider offering "
            "the plan again", now, debtor_number=plan.debtor_number,
            invoice_numbers=tuple(plan.invoice_numbers),
            detail={"plan_id": plan.plan_id, "installment": debit.number,
                    "payment": debit.end_to_end_id},
        )  # fmt: skip
        # once: told before
        self.svc.repos.actions.add_once(item)

    def _paid(
        self, client: Client, plan: PaymentPlan, debit: DirectDebit, payment: MolliePayment
    ) -> None:
        assert self.svc.payments is not None and self.collections is not None
        from shared.clock import amsterdam_date
        from shared.services.mollie_paid_day import paid_day

        # the Amsterdam day of paidAt (law7 F5): 00:30 in Amsterdam is that day, not the UTC
        # day before; whether that is late for the plan is its tolerance's say (docs/law.md)
        received = paid_day(payment, amsterdam_date(self.svc.clock.now()))
        open_before = self._open_for(client, plan, debit)
        busy: set[str] = getattr(self.svc._working, "plans", set())
        self.svc._working.plans = busy | {plan.plan_id}  # the plan takes the money in below
        try:
            booking = self.svc.payments.book(
                client,
                payment_id=debit.payment_id,
                amount=payment.amount,
                received_on=received,
                source=PaymentSource.MOLLIE,
                invoice_numbers=list(plan.invoice_numbers),
                external_id=payment.payment_id,
                received_by=self.collections.received_by(client, plan),
            )
        finally:
            self.svc._working.plans = busy
        surplus = max(0, payment.amount - open_before)
        if surplus and booking.unallocated > 0:
            self._overpaid(client, plan, debit, payment, booking.unallocated)
        mandate: Mandate | None = None
        if debit.first and payment.customer_id and payment.mandate_id:
            held = self.collections.provider(client, plan).get_mandate(
                payment.customer_id, payment.mandate_id
            )
            if held is not None:
                signed = (
                    date.fromisoformat(held.signature_date) if held.signature_date else received
                )
                mandate = Mandate(
                    held.mandate_id,
                    signed,
                    held.consumer_account or "",
                    held.consumer_name or "",
                    held.consumer_bic,
                    payment.customer_id,
                    held.status,
                )
        for _ in range(RETRIES):
            current, etag = self.svc._get(client, plan.plan_id)
            debits = tuple(
                replace(d, state=DebitState.COLLECTED)
                if d.end_to_end_id == debit.end_to_end_id
                # withdrawn: we asked Mollie to cancel it, yet it was paid (Mollie is the truth)
                and d.state in (DebitState.SUBMITTED, DebitState.WITHDRAWN)
                else d
                for d in current.debits
            )
            changed = replace(current, debits=debits, mandate=mandate or current.mandate)
            if changed == current:
                return
            try:
                self.svc._save(changed, etag)
            except ConflictingUpdate:
                continue
            if mandate is not None and current.mandate != mandate:
                self.svc._log(
                    changed,
                    "mandate",
                    f"Mollie mandate {mandate.mandate_id} ({mandate.status}) signed "
                    f"{mandate.signed_on} with the first payment {payment.payment_id}",
                )
            self.svc._log(
                changed,
                "collected",
                f"Installment {debit.number} paid through Mollie "
                f"({payment.payment_id}, {payment.amount} cents)",
            )
            if surplus:
                self._log_surplus(changed, debit, payment, surplus, booking.unallocated)
            return
        raise ConflictingUpdate(f"plan {plan.plan_id} keeps changing; the webhook will be retried")
