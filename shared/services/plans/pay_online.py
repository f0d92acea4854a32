"""A debtor pays a plan's installment online from the portal ("Betaal termijn").

The installment and its amount are the server's (:func:`payable_online` over what the
ledger says the plan's invoices received, not the plan's last-seen figure): the form only
names the installment the page showed, and a page older than a payment is refused rather
than paying the next installment unasked. The payment goes to the client's own Mollie (a
linked account first, as every portal payment: ``OnlinePaymentService.choose``) and its row
names the plan's invoices, so the webhook books it by law on them, once, and the plan takes
the money in as it takes a transfer (``PaymentService`` tells the plan). After the plan
lapsed, or with the installment paid otherwise, the money is still booked on the claim; what
no claim takes is an overpayment item for staff (``PaymentService.book``).

One payment per installment at a time: a row in ``PortalReturns`` (PartitionKey the client,
RowKey ``plan|<plan>|<installment>``) keeps the pending payment under its ETag. It is claimed
with a fresh ``Idempotency-Key`` BEFORE Mollie is called, so a second click (or a reload)
while the first is under way sends the same key and gets the same payment from Mollie; once
the payment id is on the row, a click while Mollie has it ``open`` goes to its checkout. A
payment Mollie reports paid (or pending, authorized) but not yet booked keeps the installment
from being paid again; failed, expired or canceled leaves it open for a new payment.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from shared.adapters.mollie import MollieError
from shared.adapters.tables.keys import encode
from shared.clock import amsterdam_today
from shared.domain.money import Cents
from shared.domain.parties import Client
from shared.domain.plans.pay_online import next_open, payable_online
from shared.domain.plans.plan import PaymentPlan
from shared.domain.portal.tokens import PortalAccess
from shared.domain.references import betalingskenmerk
from shared.ports.tables import Conflict, PreconditionFailed, Row
from shared.services.errors import ConflictingUpdate, Invalid
from shared.services.online_payments import InstallmentOrder
from shared.services.portal import RETURNS
from shared.telemetry.context import log_extra

if TYPE_CHECKING:
    from shared.services.plans.service import PlanService
    from shared.services.portal import PortalService

RETRIES = 5
log = logging.getLogger("inning.plans")
# Mollie is still making the payment, or made it and the debtor is paying: not a second one
UNDER_WAY = ("paid", "pending", "authorized")


def pending_key(plan_id: str, number: int) -> str:
    return f"plan|{encode(plan_id)}|{number}"


class InstallmentCheckout:
    def __init__(self, portal: PortalService, plans: PlanService) -> None:
        self.portal = portal
        self.plans = plans

    def _as_paid(self, client: Client, plan: PaymentPlan) -> PaymentPlan:
        """The plan by what stands in the ledger today: a payment booked since the plan was
        last worked (a webhook, a transfer) counts already."""
        if plan.activated_at is None:
            return plan
        paid = self.plans.money.paid_towards(client, plan.debtor_number,
                                             list(plan.invoice_numbers),
                                             plan.money_since, plan.include_costs)  # fmt: skip
        return plan.settle(paid, amsterdam_today(self.plans.clock))

    def pay(
        self, access: PortalAccess, client: Client, plan: PaymentPlan, number: int, base_url: str
    ) -> str:
        """The checkout URL for installment ``number`` of the debtor's own ``plan``: the open
        payment of this installment, or a new one for exactly its open part."""
        current = self._as_paid(client, plan)
        state = payable_online(current, amsterdam_today(self.plans.clock))
        if state is None or state.number != number:
            first = next_open(current, amsterdam_today(self.plans.clock))
            if first is None or number < first.number:
                raise Invalid(
                    f"installment {number} is paid already",
                    code="installment_paid",
                    params={"number": number},
                )
            if state is None:
                raise Invalid(
                    "this installment cannot be paid online now", code="installment_not_payable_now"
                )
            raise Invalid(
                f"pay installment {state.number} first",
                code="pay_installment_first",
                params={"number": state.number},
            )
        store = self.portal.repos.store
        rk = pending_key(plan.plan_id, number)
        for _ in range(RETRIES):
            row = store.get(RETURNS, client.client_id, rk)
            data = dict(row.data) if row is not None else {}
            if data.get("PaymentId"):
                reused = self._pending(client, data, state.open, number)
                if reused is not None:
                    return reused
            if row is not None and not data.get("PaymentId") and data.get("Amount") == state.open:
                # a click under way (or one that stopped after asking Mollie): the same key
                # asks Mollie for the same payment
                key, back, etag = str(data["Key"]), str(data["Back"]), row.etag
            else:
                # a new payment (the last one cancelled, expired or failed at Mollie): counted
                # with the debtor's other payments of the day when this click's claim wins;
                # not while Mollie is paused for the account (the 503 page says until when)
                key, back = secrets.token_urlsafe(24), secrets.token_urlsafe(16)
                claim = Row(client.client_id, rk, {
                    "Debtor": access.debtor_number, "Plan": plan.plan_id, "Installment": number,
                    "Amount": state.open, "Key": key, "Back": back,
                })  # fmt: skip
                claimed = self.portal.claim_payment(access, client, row, claim)
                if claimed is None:
                    continue  # another click claimed it: read what it wrote
                etag = claimed
            try:
                started = self.portal.online.start_installment(client, InstallmentOrder(
                    access.debtor_number, plan.plan_id, number, plan.invoice_numbers, state.open,
                    _description(client, plan, number),
                    f"{base_url}/api/portal/return/{back}", key,
                ))  # fmt: skip
            except MollieError as exc:
                if _waits(exc):
                    raise  # the portal's 503 page, with the time to try again (the claim and
                    # its key stay: the next click asks Mollie for the same payment)
                if exc.status == 409:  # Mollie is still making the payment for this key
                    raise Invalid(
                        "your payment is being prepared; try again in a moment",
                        code="payment_being_prepared",
                    ) from exc
                if not exc.transient:
                    # refused: nothing was made, so the next click asks afresh with a new key
                    # (a lost answer keeps the claim: its key finds the payment Mollie made)
                    with contextlib.suppress(Conflict, PreconditionFailed):
                        store.delete(RETURNS, client.client_id, rk, etag=etag)
                log.warning("plan installment payment not started: %s", exc, extra=log_extra({
                    "client_id": client.client_id, "plan_id": plan.plan_id, "installment": number,
                }))  # fmt: skip
                raise Invalid(
                    "the payment could not be started; try again later", code="payment_not_started"
                ) from exc
            # the return page asks Mollie about it (shared/services/portal.py payment_status)
            store.upsert(RETURNS, Row(client.client_id, back, {
                "Debtor": access.debtor_number, "PaymentId": started.payment_id,
            }))  # fmt: skip
            done = Row(client.client_id, rk, {
                "Debtor": access.debtor_number, "Plan": plan.plan_id, "Installment": number,
                "Amount": state.open, "Key": key, "Back": back,
                "PaymentId": started.payment_id, "CheckoutUrl": started.checkout_url,
                **({"ExpiresAt": started.expires_at} if started.expires_at else {}),
            }, etag=etag)  # fmt: skip
            try:
                store.replace(RETURNS, done)
            except PreconditionFailed:
                continue  # the same key's click recorded it first: its row is read again
            self.plans.note(plan, "online_payment", f"The debtor started an online payment of "
                            f"installment {number} in the portal: Mollie {started.payment_id} "
                            f"of {state.open} cents")  # fmt: skip
            return started.checkout_url
        raise ConflictingUpdate(f"plan {plan.plan_id}: installment {number} keeps changing")

    def _pending(self, client: Client, data: dict[str, object], open_: Cents,
                 number: int) -> str | None:  # fmt: skip
        """The checkout of the installment's payment while Mollie has it open for what is
        open now; a refusal while it is paid (or on its way) and not yet booked; None: a new
        payment may be made (it failed, expired or was canceled; it asks another amount; or
        its booking was taken back since, by a refund or chargeback)."""
        payment_id = str(data["PaymentId"])
        try:
            status = self.portal.online.status(client, payment_id)
        except MollieError as exc:
            if _waits(exc):
                raise  # throttled or paused: the portal's 503 page says until when
            # not knowing whether the debtor paid, neither its checkout nor a second payment:
            # a refusal in the debtor's language, the next click asks again
            log.warning("plan installment payment not checked: %s", exc, extra=log_extra({
                "client_id": client.client_id, "installment": number,
            }))  # fmt: skip
            raise Invalid(
                "the payment could not be started; try again later", code="payment_not_started"
            ) from exc
        expires = data.get("ExpiresAt")
        # Mollie's checkout works until its ``expiresAt``: one past it is never handed out,
        # whatever a status read a moment before said
        ended = isinstance(expires, datetime) and expires <= self.plans.clock.now()
        if (
            status == "open"
            and not ended
            and data.get("Amount") == open_
            and data.get("CheckoutUrl")
        ):
            return str(data["CheckoutUrl"])
        if status in UNDER_WAY:
            booked = self.portal.repos.payments.get(client.client_id, f"mollie-{payment_id}")
            if booked is None:
                raise Invalid(
                    f"installment {number} is paid already; the payment is being processed",
                    code="installment_paid_processing",
                    params={"number": number},
                )
        return None


def _waits(exc: MollieError) -> bool:
    """Mollie asked to be left alone for a known time (a 429's or 503's Retry-After, or the
    account's pause): the debtor is told when to come back rather than "try again later"."""
    return exc.transient and (exc.retry_after is not None or exc.paused_until is not None)


def _description(client: Client, plan: PaymentPlan, number: int) -> str:
    """What the debtor's bank statement and Mollie's dashboard show: the client, the plan's
    reference and the installment (the debtor by number only, no name)."""
    reference = betalingskenmerk.display(plan.payment_reference)
    return (f"{client.name}: termijn {number}/{len(plan.schedule)} betalingsregeling "
            f"{reference} (debiteur {plan.debtor_number})")  # fmt: skip
