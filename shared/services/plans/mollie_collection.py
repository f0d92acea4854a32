"""Direct debits of payment plans collected through Mollie instead of our pain.008 file.

Mollie's recurring flow: a customer per plan, a ``first`` payment the debtor completes in
Mollie's checkout (it pays the first installment and creates the SEPA mandate), then one
``recurring`` payment per later installment, created by the daily run without checkout.

A recurring payment is executed at once, so creating it twice charges the debtor twice. Each
collection (plan, installment, attempt) therefore has one row here, written BEFORE the call to
Mollie, with the ``Idempotency-Key`` the call carries; the payment id is written after it.
A crash in between leaves a row without a payment id: the next attempt first looks among the
customer's payments for one carrying the collection's key in its metadata (Mollie's own
advice), and only then asks again with the same key (Mollie answers a repeated key with the
payment it made). The plan's own record of the collection is a mirror of this row.

| table                  | PartitionKey            | RowKey               | holds                    |
| MolliePlanCollections  | client ``|`` plan       | ``customer``         | the plan's Mollie customer|
|                        |                         |                      | and the account holding it|
| MolliePlanCollections  | client ``|`` plan       | nnn ``|`` attempt    | key, kind, payment id,    |
|                        |                         |                      | checkout link (first),    |
|                        |                         |                      | cancel asked / refused    |

A plan's customer and mandate exist only in the Mollie account that made them: the customer
row names that account (as a payment row does, ``shared/services/online_payments.py``) and
every later call for the plan goes to it, also after the client linked another Mollie account
or unlinked its own. A plan whose customer row names none (made before) uses today's account.

The payment id also gets a ``MolliePayments`` row (``shared/services/online_payments.py``)
naming the plan, so Mollie's webhook reaches the plan.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from shared.adapters.mollie import MollieChargeback, MollieError, MollieMandate, MolliePayment
from shared.adapters.tables.keys import encode, join
from shared.domain.money import Cents
from shared.domain.parties import Client, Debtor
from shared.domain.plans.plan import PaymentPlan
from shared.domain.records import Receiver
from shared.ports.tables import Conflict, Row, TableStore
from shared.services.mollie_receiver import receiver_of_account

COLLECTIONS = "MolliePlanCollections"
TABLES = (COLLECTIONS,)
STALE = timedelta(minutes=10)  # a collection row without payment id older than this is asked after
MOLLIE_PAYMENTS = "MolliePayments"  # the online payments' table: payment id -> what it pays


class RecurringProvider(Protocol):
    """The part of the Mollie API recurring collection uses (a real ``MollieClient``)."""

    def create_customer(
        self, *, name: str, email: str | None, metadata: dict[str, Any], idempotency_key: str
    ) -> str: ...

    def create_payment(
        self,
        *,
        amount: Cents,
        description: str,
        redirect_url: str | None,
        webhook_url: str | None,
        metadata: dict[str, Any],
        locale: str = "nl_NL",
        customer_id: str | None = None,
        sequence_type: str | None = None,
        mandate_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> MolliePayment: ...

    def get_payment(self, payment_id: str) -> MolliePayment | None: ...

    def get_mandate(self, customer_id: str, mandate_id: str) -> MollieMandate | None: ...

    def customer_payments(self, customer_id: str) -> list[MolliePayment]: ...

    def chargebacks(self, payment_id: str, payment_amount: Cents = 0) -> list[MollieChargeback]: ...

    def cancel_payment(self, payment_id: str) -> MolliePayment | None: ...


class MollieNotSetUp(ValueError):
    """The client collects through Mollie but has no Mollie account we can reach
    (``account``: the linked account that holds a plan's mandate and is no longer reachable;
    "" when the client has none)."""

    def __init__(self, message: str, account: str = "") -> None:
        super().__init__(message)
        self.account = account


@dataclass(frozen=True)
class Collection:
    payment_id: str
    checkout_url: str | None
    status: str


class MollieCollections:
    def __init__(
        self,
        store: TableStore,
        provider_for: Callable[[Client], object],
        public_base_url: str,
        choose: Callable[[Client], tuple[object, str | None]] | None = None,
        provider_of: Callable[[Client, str | None], object | None] | None = None,
    ) -> None:
        self.store = store
        self._provider_for = provider_for
        # the account a new customer is made in (and its name), and the provider of a named one
        self._choose = choose
        self._provider_of = provider_of
        self.base_url = public_base_url.rstrip("/")

    def provider(self, client: Client, plan: PaymentPlan | None = None) -> RecurringProvider:
        """The client's Mollie account (its key, the agency's, or a linked account); the
        local payment simulation has no mandates, so it does not collect plans. With
        ``plan``: the account that holds the plan's customer and mandate."""
        account = self.account(plan) if plan is not None else None
        if account and self._provider_of is not None:
            provider = self._provider_of(client, account)
            if provider is None:
                raise MollieNotSetUp(
                    f"the Mollie account that holds plan {plan.plan_id if plan else ''}'s "
                    f"customer and mandate ({account}) is no longer reachable",
                    account=account,
                )
        else:
            provider = self._provider_for(client)
        if not hasattr(provider, "create_customer"):
            raise MollieNotSetUp(
                f"client {client.number} collects direct debits through Mollie but has no "
                "Mollie account (MOLLIE_KEY_<client number> or a linked account)"
            )
        return provider  # type: ignore[return-value]

    @staticmethod
    def _pk(plan: PaymentPlan) -> str:
        return join(encode(plan.client_id), encode(plan.plan_id))

    @staticmethod
    def key(plan: PaymentPlan, number: int, attempt: int) -> str:
        """The collection's Idempotency-Key: the same collection always sends the same one."""
        return f"inning-{plan.client_id}-{plan.plan_id}-{number}-{attempt}"[:200]

    def account(self, plan: PaymentPlan) -> str | None:
        """The name of the Mollie account holding the plan's customer (None: not made yet,
        or made before names were kept)."""
        row = self.store.get(COLLECTIONS, self._pk(plan), "customer")
        return str(row.data["Account"]) if row is not None and row.data.get("Account") else None

    def received_by(self, client: Client, plan: PaymentPlan) -> Receiver:
        """Where the plan's Mollie collections put the money: the account holding its
        customer (:func:`~shared.services.mollie_receiver.receiver_of_account`); a customer
        made before names were kept is in the account new payments go to."""
        account = self.account(plan)
        if account is None and self._choose is not None:
            _, account = self._choose(client)
            if account is None:
                return Receiver.CLIENT  # a linked account whose name is not known here
        return receiver_of_account(account or "")

    def customer(self, client: Client, plan: PaymentPlan, debtor: Debtor | None) -> str:
        """The plan's Mollie customer, created once (a repeat sends the same key), in the
        account new payments go to; the row names that account."""
        row = self.store.get(COLLECTIONS, self._pk(plan), "customer")
        if row is not None:
            return str(row.data["CustomerId"])
        provider: RecurringProvider = self.provider(client)
        account: str | None = None
        if self._choose is not None:
            chosen, account = self._choose(client)
            if hasattr(chosen, "create_customer"):
                provider = chosen  # type: ignore[assignment]
        customer_id = provider.create_customer(
            name=debtor.name if debtor else plan.debtor_number,
            email=debtor.emails[0] if debtor and debtor.emails else None,
            metadata={
                "client": client.client_id,
                "plan": plan.plan_id,
                "debtor": plan.debtor_number,
            },
            idempotency_key=f"inning-customer-{plan.client_id}-{plan.plan_id}"[:200],
        )
        try:
            data: dict[str, Any] = {"CustomerId": customer_id}
            if account:
                data["Account"] = account
            self.store.insert(COLLECTIONS, Row(self._pk(plan), "customer", data))
        except Conflict:  # a concurrent first call: Mollie gave both the same customer (same key)
            stored = self.store.get(COLLECTIONS, self._pk(plan), "customer")
            return str(stored.data["CustomerId"]) if stored else customer_id
        return customer_id

    def collect(
        self,
        client: Client,
        plan: PaymentPlan,
        *,
        number: int,
        attempt: int,
        amount: Cents,
        first: bool,
        debtor: Debtor | None,
        now: datetime | None = None,
    ) -> Collection:
        """Create the Mollie payment of one collection exactly once: a ``first`` payment
        (checkout link for the debtor) or a ``recurring`` one on the plan's mandate. Raises
        :class:`MollieError` (status 422: Mollie found no valid mandate)."""
        rk = f"{number:03d}|{attempt:02d}"
        key = self.key(plan, number, attempt)
        row = self.store.get(COLLECTIONS, self._pk(plan), rk)
        if row is not None and row.data.get("PaymentId"):
            return Collection(str(row.data["PaymentId"]), row.data.get("CheckoutUrl"), "recorded")
        customer_id = self.customer(client, plan, debtor)
        provider = self.provider(client, plan)
        if row is None:
            try:  # the intent first: a crash after the call is recognised by it
                self.store.insert(COLLECTIONS, Row(self._pk(plan), rk, {
                    "Key": key, "Kind": "first" if first else "recurring", "Amount": amount,
                    "At": (now or datetime.now(UTC)).isoformat(),
                }))  # fmt: skip
            except Conflict:
                pass  # a concurrent attempt wrote it: the key below is the same
        else:
            # an attempt before ours crashed after asking Mollie: was the payment made?
            made = next(
                (p for p in provider.customer_payments(customer_id)
                 if p.metadata.get("collection") == key),
                None,
            )  # fmt: skip
            if made is not None:
                return self._record(client, plan, rk, made, number, attempt, first)
        metadata = {"client": client.client_id, "plan": plan.plan_id, "installment": number,
                    "attempt": attempt, "collection": key}  # fmt: skip
        description = f"Termijn {number} betalingsregeling {plan.payment_reference}"
        webhook = f"{self.base_url}/api/mollie/webhook"
        if first:
            payment = provider.create_payment(
                amount=amount, description=description, metadata=metadata,
                redirect_url=f"{self.base_url}/api/portal/plan", webhook_url=webhook,
                customer_id=customer_id, sequence_type="first", idempotency_key=key,
            )  # fmt: skip
        else:
            if plan.mandate is None or plan.mandate.customer_id is None:
                raise MollieError("the plan has no Mollie mandate", status=422, field="mandateId")
            payment = provider.create_payment(
                amount=amount, description=description, metadata=metadata, redirect_url=None,
                webhook_url=webhook, customer_id=plan.mandate.customer_id, sequence_type="recurring",
                mandate_id=plan.mandate.mandate_id, idempotency_key=key,
            )  # fmt: skip
        return self._record(client, plan, rk, payment, number, attempt, first)

    def _record(self, client: Client, plan: PaymentPlan, rk: str, payment: MolliePayment,
                number: int, attempt: int, first: bool) -> Collection:  # fmt: skip
        # the webhook's row first: Mollie may call it before we finish here
        self.store.upsert(MOLLIE_PAYMENTS, Row(encode(payment.payment_id), "p", {
            "ClientId": client.client_id, "Debtor": plan.debtor_number,
            "Invoices": json.dumps(list(plan.invoice_numbers)), "Amount": payment.amount,
            "PlanId": plan.plan_id, "Installment": number, "Attempt": attempt,
            "Kind": "first" if first else "recurring",
            **({"Account": account} if (account := self.account(plan)) else {}),
        }))  # fmt: skip
        self.store.upsert(COLLECTIONS, Row(self._pk(plan), rk, {
            "Key": self.key(plan, number, attempt), "Kind": "first" if first else "recurring",
            "Amount": payment.amount, "PaymentId": payment.payment_id, "CheckoutUrl": payment.checkout_url,
        }))  # fmt: skip
        return Collection(payment.payment_id, payment.checkout_url, payment.status)

    def collection_of(self, plan: PaymentPlan, payment: MolliePayment) -> dict[str, Any] | None:
        """Our own record of the collection that made this Mollie payment (its row names the
        payment, or carries the key the payment's metadata names), verified to be ours: the
        plan's Mollie customer and the amount asked. None: not a collection of this plan."""
        key = payment.metadata.get("collection")
        rows = self.store.query(COLLECTIONS, pk=self._pk(plan)).rows
        customer = next((r for r in rows if r.rk == "customer"), None)
        for r in rows:
            if r.rk == "customer":
                continue
            if r.data.get("PaymentId") != payment.payment_id and not (
                key and not r.data.get("PaymentId") and r.data.get("Key") == key
            ):
                continue
            if customer is None or payment.customer_id != customer.data.get("CustomerId"):
                return None
            if int(r.data.get("Amount") or 0) != payment.amount:
                return None
            number, attempt = (int(x) for x in r.rk.split("|"))
            return {"number": number, "attempt": attempt, "first": r.data.get("Kind") == "first"}
        return None

    def unrecorded(
        self, client: Client, plan: PaymentPlan, known: set[str], now: datetime
    ) -> list[MolliePayment]:
        """Mollie payments of the plan's collections the plan does not record: a row naming a
        payment the plan lacks (its save after the call was lost), or a row still without a
        payment id a few minutes after the call (a crash between Mollie's answer and our
        write): Mollie is asked for the customer's payment carrying that key, which is then
        recorded here as the call would have."""
        rows = self.store.query(COLLECTIONS, pk=self._pk(plan)).rows
        customer = next((r for r in rows if r.rk == "customer"), None)
        out: list[MolliePayment] = []
        listed: list[MolliePayment] | None = None
        provider = self.provider(client, plan)
        for r in rows:
            if r.rk == "customer":
                continue
            payment_id = r.data.get("PaymentId")
            if payment_id:
                if str(payment_id) not in known:
                    got = provider.get_payment(str(payment_id))
                    if got is not None:
                        out.append(got)
                continue
            number, attempt = (int(x) for x in r.rk.split("|"))
            if any(d.number == number and d.attempt == attempt for d in plan.debits):
                continue  # the plan recorded this attempt's end (refused by Mollie: no payment)
            at = r.data.get("At")
            if customer is None or (at and now - datetime.fromisoformat(str(at)) < STALE):
                continue  # the call may still be under way
            if listed is None:
                listed = provider.customer_payments(str(customer.data["CustomerId"]))
            made = next(
                (p for p in listed if p.metadata.get("collection") == r.data.get("Key")), None
            )
            if made is not None:
                first = r.data.get("Kind") == "first"
                self._record(client, plan, r.rk, made, number, attempt, first)
                out.append(made)
        return out

    def _row_of(self, plan: PaymentPlan, payment_id: str) -> Row | None:
        rows = self.store.query(COLLECTIONS, pk=self._pk(plan)).rows
        return next((r for r in rows if r.data.get("PaymentId") == payment_id), None)

    def cancel(
        self, client: Client, plan: PaymentPlan, payment_id: str, now: datetime
    ) -> MolliePayment | None:
        """Ask Mollie to cancel a payment of the plan that is no longer wanted (its installment
        was paid otherwise), and answer the payment as Mollie holds it afterwards: ``canceled``,
        or still under way when it can no longer be canceled (sent to the bank; the row then
        remembers the refusal, so it is not asked again), or ended meanwhile. The wish is
        written before the call: a cancel whose response is lost is recognised by the webhook
        that reports it (``canceled`` then means withdrawn by us, not failed). Raises
        :class:`MollieError` when Mollie cannot be reached (asked again by the next run)."""
        row = self._row_of(plan, payment_id)
        if row is not None and not row.data.get("CancelAsked"):
            row.data["CancelAsked"] = now.isoformat()
            self.store.upsert(COLLECTIONS, row)
        provider = self.provider(client, plan)
        try:
            got = provider.cancel_payment(payment_id)
        except MollieError as e:
            if e.transient or e.status != 422:
                raise
            got = None  # not cancelable (any more): what is it now?
        if got is None or got.status != "canceled":
            got = provider.get_payment(payment_id)
        refused = got is not None and got.status in ("open", "pending") and not got.is_cancelable
        if refused and row is not None:
            row.data["CancelRefused"] = now.isoformat()
            self.store.upsert(COLLECTIONS, row)
        return got

    def cancel_asked(self, plan: PaymentPlan, payment_id: str) -> bool:
        """We asked Mollie to cancel this payment (its response may have been lost)."""
        row = self._row_of(plan, payment_id)
        return row is not None and bool(row.data.get("CancelAsked"))

    def cancel_refused(self, plan: PaymentPlan, payment_id: str) -> bool:
        """Mollie said this payment can no longer be canceled: not asked again."""
        row = self._row_of(plan, payment_id)
        return row is not None and bool(row.data.get("CancelRefused"))

    def checkout_url(self, plan: PaymentPlan, number: int, attempt: int) -> str | None:
        row = self.store.get(COLLECTIONS, self._pk(plan), f"{number:03d}|{attempt:02d}")
        return str(row.data["CheckoutUrl"]) if row and row.data.get("CheckoutUrl") else None

    def charged_back(
        self, client: Client, payment: MolliePayment, plan: PaymentPlan | None = None
    ) -> tuple[Cents, str | None]:
        """What the debtor's bank took back of a paid payment, and why: Mollie's
        ``amountChargedBack``, or the chargebacks its ``_links.chargebacks`` lists (a
        chargeback that was itself reversed does not count)."""
        reasons: list[str] = []
        amount = payment.amount_charged_back
        if payment.has_chargebacks or amount:
            found = self.provider(client, plan).chargebacks(payment.payment_id, payment.amount)
            standing = [c for c in found if not c.reversed]
            reasons = [c.reason for c in standing if c.reason]
            if found:  # the list decides: a chargeback with ``reversedAt`` no longer counts
                amount = min(payment.amount, sum(c.amount for c in standing))
        return amount, ", ".join(reasons) or None
