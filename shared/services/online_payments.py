"""Paying online through Mollie, and what Mollie tells us afterwards.

Starting a payment records which client, debtor and invoices it is for (``MolliePayments``).
Mollie's webhook carries only ``id=tr_...``: the HTTP function queues it and answers at once;
the queued handler fetches the payment from Mollie with the client's key and acts on its
status. Paid is booked by law on the chosen invoices, exactly once (the payment id is the
booking's id); failed, expired and canceled change nothing; refunds and chargebacks reverse
what they undo, reopen the invoices, count against the debtor (per calendar year), and go on
the contact log and the action list. A webhook for an unknown or foreign id changes nothing.

Mollie knows a payment only in the account that made it: the payment row names that account
(``Account``: ``linked:<name>`` for the client's own linked account, ``setting:<setting name>``
for a configured key, ``simulation``; never a credential), and every later read of the payment
(webhook, refunds, chargebacks, status) uses it, also after the client linked another account
or unlinked it. A row from before the field was kept is read with the account of today, as it
always was. A payment Inning started that its account no longer knows (or an account no longer
reachable) goes on the action list (``mollie_payment_missing``), never silently ``unknown``.

A paid payment is booked on the day it was paid (the Amsterdam day of Mollie's ``paidAt``,
``mollie_paid_day.py``), not the day its amount was quoted. Every checkout payment started here
is also watched (``mollie_reconcile.py``): if no webhook ever gets through, a timer asks
Mollie and books it through :meth:`OnlinePaymentService.process`, the webhook's own path.

A test-mode payment (Mollie's ``mode`` "test": a test key or test link, whose checkout lets the
payer pick "paid" himself) is money only in local development: elsewhere no payment starts on
a client's test link (``mollie_test_link``) or a ``test_`` key in a setting
(``mollie_test_key_setting``), and one fetched in test mode for a client out of
sandbox is never booked; it goes on the action list (``mollie_test_payment``), once (attack16
F5: a test "paid" of EUR 100.31 was booked and the invoice closed).

Without a Mollie key the client gets the embedded simulation: a local payment page, clearly
marked, that drives the very same webhook path.
"""

from __future__ import annotations

import json
import logging
import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from shared.adapters.mollie import METADATA_LIMIT, MollieClient, MollieError, MolliePayment
from shared.adapters.tables.keys import encode
from shared.adapters.tables.messaging_repo import USAGE, CounterRepository
from shared.clock import Clock, amsterdam_date
from shared.domain.money import Cents, format_eur_nl
from shared.domain.parties import Client, Debtor
from shared.domain.records import ActionItem, ContactEntry, ContactKind, PaymentSource, Receiver
from shared.ports.queues import QueueSender
from shared.ports.tables import Conflict, PreconditionFailed, Row, TableStore
from shared.services.errors import ConflictingUpdate, Invalid, NotFound
from shared.services.mollie_paid_day import paid_day
from shared.services.mollie_pause import AccountPause
from shared.services.mollie_receiver import receiver_of_account
from shared.services.mollie_reconcile import FIRST_WAIT, watch
from shared.services.mollie_view import chargeback_reversed_on, current_view
from shared.services.payments import PaymentService
from shared.services.repositories import Repositories
from shared.services.sandbox_gate import require_approved
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.payments")

MOLLIE_PAYMENTS = "MolliePayments"
SIMULATED = "SimulatedPayments"
TABLES = (MOLLIE_PAYMENTS, SIMULATED)
WEBHOOK_QUEUE = "mollie-webhook"
WEBHOOK_COALESCE = timedelta(minutes=1)
PAUSED_WEBHOOK_MARGIN = 5  # seconds after a Mollie pause ends that its webhook job runs again
MAX_QUEUE_DELAY = 7 * 24 * 3600  # Azure Queue Storage's longest invisibility
SIMULATED_STATUSES = ("paid", "failed", "canceled", "expired")
# Mollie payment ids: "tr_" and a short run of letters and digits (the simulation's too)
MOLLIE_PAYMENT_ID = re.compile(r"tr_[A-Za-z0-9]{1,64}")


class PaymentProvider(Protocol):
    def create_payment(
        self,
        *,
        amount: Cents,
        description: str,
        redirect_url: str,
        webhook_url: str | None,
        metadata: dict[str, Any],
        locale: str = "nl_NL",
        idempotency_key: str | None = None,
    ) -> MolliePayment: ...

    def get_payment(self, payment_id: str) -> MolliePayment | None: ...


class SimulatedMollie:
    """The embedded default: payments live in a table; a local page decides their fate."""

    def __init__(self, store: TableStore, base_url: str, clock: Clock | None = None) -> None:
        self.store = store
        self.base_url = base_url
        self.clock = clock  # stamps ``paidAt`` as Mollie does (the day the payment is booked)

    def create_payment(
        self,
        *,
        amount: Cents,
        description: str,
        redirect_url: str,
        webhook_url: str | None,
        metadata: dict[str, Any],
        locale: str = "nl_NL",
        idempotency_key: str | None = None,
    ) -> MolliePayment:
        if idempotency_key:
            # as Mollie: the same key answers the payment it made, and makes no second one
            made = self.store.get(SIMULATED, "key", encode(idempotency_key))
            if made is not None:
                again = self.get_payment(str(made.data["PaymentId"]))
                if again is not None:
                    return replace(again, checkout_url=self._checkout(again.payment_id))
        payment_id = "tr_sim" + secrets.token_hex(6)
        data = {
            "Status": "open",
            "Amount": amount,
            "Description": description,
            "Redirect": redirect_url,
            "Metadata": json.dumps(metadata),
        }
        self.store.insert(SIMULATED, Row("sim", payment_id, data))
        if idempotency_key:
            try:
                self.store.insert(
                    SIMULATED, Row("key", encode(idempotency_key), {"PaymentId": payment_id})
                )
            except Conflict:  # a call with the same key got there first: its payment stands
                return self.create_payment(amount=amount, description=description, redirect_url=redirect_url,
                                           webhook_url=webhook_url, metadata=metadata, locale=locale,
                                           idempotency_key=idempotency_key)  # fmt: skip
        return MolliePayment(
            payment_id,
            "open",
            amount,
            description,
            self._checkout(payment_id),
            metadata=metadata,
        )

    def _checkout(self, payment_id: str) -> str:
        return f"{self.base_url}/api/pay/simulate/{payment_id}"

    def get_payment(self, payment_id: str) -> MolliePayment | None:
        row = self.store.get(SIMULATED, "sim", payment_id)
        if row is None:
            return None
        d = row.data
        return MolliePayment(payment_id, d["Status"], int(d["Amount"]), d.get("Description", ""), metadata=json.loads(d.get("Metadata") or "{}"),
                             amount_refunded=int(d.get("Refunded", 0)), amount_charged_back=int(d.get("ChargedBack", 0)),
                             paid_at=d.get("PaidAt") or None)  # fmt: skip

    def settle(self, payment_id: str, status: str, refunded: Cents = 0) -> str:
        """The simulation page's buttons: set the outcome; returns where to send the payer."""
        if status not in (*SIMULATED_STATUSES, "refunded", "charged_back"):
            raise Invalid(
                f"unknown outcome {status}", code="unknown_outcome", params={"outcome": status}
            )
        row = self.store.get(SIMULATED, "sim", payment_id)
        if row is None:
            raise NotFound("no such simulated payment")
        data = dict(row.data)
        if status == "refunded":
            data["Refunded"] = refunded or int(data["Amount"])
        elif status == "charged_back":  # the payer's bank took the money back
            data["ChargedBack"] = int(data["Amount"])
        else:
            data["Status"] = status
            if status == "paid" and self.clock is not None:
                data["PaidAt"] = self.clock.now().isoformat()
        self.store.upsert(SIMULATED, Row("sim", payment_id, data))
        return str(data.get("Redirect", "/"))


@dataclass(frozen=True)
class StartedPayment:
    payment_id: str
    checkout_url: str
    simulated: bool
    amount: Cents = 0  # what the payment asks: the open claim as quoted
    expires_at: datetime | None = None  # Mollie's ``expiresAt``: its checkout ends then


@dataclass(frozen=True)
class InstallmentOrder:
    """What a payment of one plan installment asks (see ``start_installment``)."""

    debtor_number: str
    plan_id: str
    number: int
    invoice_numbers: tuple[str, ...]
    amount: Cents
    description: str
    redirect_url: str
    key: str  # the Idempotency-Key: a repeat of the same order is the same payment


class OnlinePaymentService:
    def __init__(
        self,
        repos: Repositories,
        payments: PaymentService,
        queues: QueueSender,
        clock: Clock,
        providers: dict[str, str],
        public_base_url: str,
        client_for_key: Callable[[str], PaymentProvider] | None = None,
        allow_simulation: bool = True,
        client_account: Callable[[Client], PaymentProvider | None] | None = None,
        plan_payment: Callable[[Client, str, MolliePayment], str] | None = None,
        account_of: Callable[[Client], str | None] | None = None,
        linked_provider: Callable[[Client, str], PaymentProvider | None] | None = None,
        reconcile_after: timedelta = FIRST_WAIT,
        books_test_payments: bool = True,
        linked_is_test: Callable[[Client], bool] | None = None,
    ) -> None:
        # False outside local development: a test-mode payment is nobody's money
        self.books_test_payments = books_test_payments
        self.linked_is_test = linked_is_test
        # a payment whose webhook has not come by then is asked of Mollie by the timer
        # (shared/services/mollie_reconcile.py)
        self.reconcile_after = reconcile_after
        # the name of the account the client links now, and a provider for one it linked at
        # any time (shared/services/linking/mollie_accounts.py): payments name their account
        self.account_of = account_of
        self.linked_provider = linked_provider
        # payments of payment plans collected through Mollie (shared/services/plans/service.py)
        self.plan_payment = plan_payment
        # the client's own linked Mollie account (shared/services/linking/mollie_accounts.py)
        self.client_account = client_account
        self.allow_simulation = allow_simulation
        self.repos = repos
        self.payments = payments
        self.queues = queues
        self.clock = clock
        self.providers = providers
        self.base_url = public_base_url
        self.counters = CounterRepository(repos.store)
        self.simulation = SimulatedMollie(repos.store, public_base_url, clock)
        self._client_for_key = client_for_key or (
            lambda key: MollieClient(
                key, base_url=providers.get("MOLLIE_API_URL", "https://api.mollie.com/v2")
            )
        )

    def provider_for(self, client: Client) -> PaymentProvider:
        """The client's own Mollie key (a setting ``MOLLIE_KEY_<CLIENT NUMBER>``), or the
        agency's (``MOLLIE_KEY_AGENCY_<AGENCY ID>``) for its third-party account; none: the
        simulation. A Mollie account the client linked itself comes first."""
        return self.choose(client)[0]

    def choose(self, client: Client) -> tuple[PaymentProvider, str | None]:
        """The account a new payment goes to (see :meth:`provider_for`) and its name for the
        payment's row (None: a linked account whose name is not known here). A client in
        sandbox mode has none: it takes no debtor's money (sandbox_gate)."""
        require_approved(client, "no online payment")
        linked = self.client_account(client) if self.client_account else None
        if linked is not None:
            if not self.books_test_payments and self.linked_is_test and self.linked_is_test(client):
                # a test link kept past approval: its payments would be paid by a click
                raise Invalid(
                    f"client {client.number} links a Mollie test account: no online payment "
                    "until it links a live one", field="client", code="mollie_test_link",
                    params={"client": client.number},
                )  # fmt: skip
            name = self.account_of(client) if self.account_of else None
            return self._paused(client, linked, f"linked:{name}" if name else "linked:"), (
                f"linked:{name}" if name else None
            )
        for name in (
            f"MOLLIE_KEY_{_setting(client.number)}",
            f"MOLLIE_KEY_AGENCY_{_setting(client.agency_id)}",
        ):
            key = self.providers.get(name)
            if key and key.startswith("test_") and not self.books_test_payments:
                # an agency's (or client's) test key in a setting: as a test link, no payment
                raise Invalid(
                    f"{name} is a Mollie test key: no online payment for client {client.number} "
                    "until a live key is set", field="client", code="mollie_test_key_setting",
                    params={"client": client.number, "setting": name},
                )  # fmt: skip
            if key:
                account = f"setting:{name}"
                return self._paused(client, self._client_for_key(key), account), account
        if not self.allow_simulation:
            raise Invalid(
                f"no Mollie key configured for client {client.number} (MOLLIE_KEY_{_setting(client.number)})",
                code="mollie_key_missing",
                params={
                    "client": client.number,
                    "setting": f"MOLLIE_KEY_{_setting(client.number)}",
                },
            )
        return self.simulation, "simulation"

    def provider_of(self, client: Client, account: str | None) -> PaymentProvider | None:
        """The account a payment (or a plan's Mollie customer) was made with, by the name
        its row keeps; no name (a row from before names were kept): the account of today.
        None: that account is no longer reachable (a setting removed, a credential gone)."""
        if not account:
            return self.provider_for(client)
        kind, _, name = account.partition(":")
        if kind == "linked":
            current = self.account_of(client) if self.account_of is not None else None
            if current == name and self.client_account is not None:
                provider = self.client_account(client)
            else:
                provider = self.linked_provider(client, name) if self.linked_provider else None
            return self._paused(client, provider, account) if provider is not None else None
        if kind == "setting":
            key = self.providers.get(name) if name.startswith("MOLLIE_KEY_") else None
            return self._paused(client, self._client_for_key(key), account) if key else None
        return self.simulation if kind == "simulation" else None

    def _paused(self, client: Client, provider: PaymentProvider, account: str) -> PaymentProvider:
        """``provider`` asking the account's pause around each request (mollie_pause.py): a
        configured key's pause is shared by every client using that key; a linked account's
        is the client's own (``linked:<client id>:<name>``)."""
        if not isinstance(provider, MollieClient):
            return provider  # the simulation (or a test's own provider) is never throttled
        kind, _, name = account.partition(":")
        key = f"linked:{client.client_id}:{name}" if kind == "linked" else account
        return provider.guarded(AccountPause(self.repos.store, self.clock, key))

    def refuse_if_paused(self, client: Client) -> None:
        """The :class:`MollieError` of a paused account (mollie_pause.py) the account a new
        payment of ``client`` goes to, without asking Mollie: checked before a click is
        counted against the debtor's payments of the day."""
        provider, _ = self.choose(client)
        guard = provider.guard if isinstance(provider, MollieClient) else None
        if guard is not None:
            guard.before()

    def received_by(self, client: Client, account: str | None) -> Receiver:
        """Where a payment made with the account its row names puts the money
        (:func:`~shared.services.mollie_receiver.receiver_of_account`); no name (a row from
        before names were kept): the account of today, as :meth:`provider_of` reads it."""
        if not account:
            if self.client_account is not None and self.client_account(client) is not None:
                return Receiver.CLIENT  # linked, its name not known here
            try:
                _, account = self.choose(client)
            except Invalid:
                return Receiver.THIRD_PARTY  # no account at all: nothing was paid into one
        return receiver_of_account(account or "linked:")

    def _provider_of_payment(self, client: Client, payment_id: str) -> PaymentProvider | None:
        record = self._record(payment_id)
        return self.provider_of(client, str(record.get("Account") or "") if record else None)

    def _received_by_payment(self, client: Client, payment_id: str) -> Receiver:
        """Where the Mollie payment ``payment_id`` put its money (its row's account)."""
        record = self._record(payment_id)
        return self.received_by(client, str(record.get("Account") or "") if record else None)

    def start(
        self,
        client: Client,
        debtor_number: str,
        invoice_numbers: list[str],
        redirect_url: str,
        debtor: Debtor | None = None,
        idempotency_key: str | None = None,
    ) -> StartedPayment:
        """``debtor``: the debtor ``debtor_number`` when the caller read it already (the
        portal), so the claims are read without reading it again. ``idempotency_key``: the
        same key (with the same amount) answers the same payment (Mollie's
        ``Idempotency-Key``): two clicks at once make one."""
        require_approved(client, "no online payment")  # before anything is read
        stored = self.repos.invoices.get_many(client.client_id, invoice_numbers)
        invoices = [stored[n].invoice for n in invoice_numbers if n in stored]
        if not invoices or any(i.debtor_number != debtor_number for i in invoices):
            raise NotFound("no such invoices for this debtor")
        numbers = [i.number for i in invoices if i.is_collectable]
        # the whole open claim (principal, costs, VAT on costs, interest) as of today: paid
        # today it settles the claims exactly; paid on a later day (a bank transfer left open)
        # it is booked on that day, and what accrued since stays open (law7 F4)
        quoted_on = amsterdam_date(self.clock.now())
        mine = debtor if debtor is not None and debtor.number == debtor_number else None
        claims = self.payments.ledger.open_claims(client, numbers, quoted_on, debtor=mine)
        amount = sum(claims[n].open.total for n in numbers if n in claims)
        if amount <= 0:
            raise Invalid("nothing is open on these invoices", code="nothing_open_invoices")
        provider, account = self.choose(client)
        payment = provider.create_payment(
            amount=amount,
            description=f"{client.name}: {', '.join(numbers)}"[:255],
            redirect_url=redirect_url,
            webhook_url=f"{self.base_url}/api/mollie/webhook"
            if not isinstance(provider, SimulatedMollie)
            else None,
            metadata=_metadata({"client": client.client_id, "debtor": debtor_number}, numbers),
            # the key answers one payment for one amount: a click after a lost answer, the
            # claim lowered meanwhile (a transfer booked), asks a new payment for what is open
            # now, not the first one's higher amount (nor a refused key) (review33b)
            idempotency_key=f"{idempotency_key}-{amount}" if idempotency_key else None,
        )
        if payment.amount != amount:
            # a key Mollie answered with another payment than this click asks: never handed out
            raise ConflictingUpdate(
                f"mollie {payment.payment_id} asks {payment.amount}, not {amount}",
                code="mollie_key_other_payment", params={"amount": payment.amount},
            )  # fmt: skip
        self.repos.store.upsert(MOLLIE_PAYMENTS, Row(encode(payment.payment_id), "p", {
            "ClientId": client.client_id, "Debtor": debtor_number, "Invoices": json.dumps(numbers), "Amount": amount,
            "QuotedOn": quoted_on.isoformat(), **({"Account": account} if account else {}),
        }))  # fmt: skip
        watch(self.repos.store, payment.payment_id, self.clock.now(), self.reconcile_after)
        return StartedPayment(
            payment.payment_id,
            payment.checkout_url or "",
            isinstance(provider, SimulatedMollie),
            amount,
            payment.expires_at,
        )

    def start_installment(self, client: Client, order: InstallmentOrder) -> StartedPayment:
        """A payment of one plan installment, for the amount the caller computed (never a
        form's). Its row names the plan's invoices, so the webhook books it as any online
        payment is booked (by law on the plan's invoices, once), and the plan takes the money
        in as it takes a transfer; it also names the plan and installment (``InstallmentPlan``,
        ``Installment``; not ``PlanId``, which marks a plan's direct debit collection). The
        same ``order.key`` answers the same payment (Mollie's ``Idempotency-Key``)."""
        if order.amount <= 0:
            raise Invalid("nothing is open on this installment", code="nothing_open_installment")
        provider, account = self.choose(client)
        payment = provider.create_payment(
            amount=order.amount,
            description=order.description[:255],
            redirect_url=order.redirect_url,
            webhook_url=f"{self.base_url}/api/mollie/webhook"
            if not isinstance(provider, SimulatedMollie)
            else None,
            metadata=_metadata(
                {
                    "client": client.client_id,
                    "debtor": order.debtor_number,
                    "plan": order.plan_id,
                    "installment": order.number,
                },
                list(order.invoice_numbers),
            ),
            idempotency_key=order.key,
        )
        if payment.amount != order.amount:
            # a key Mollie answered with another payment than this order asks: never reused
            raise ConflictingUpdate(
                f"mollie {payment.payment_id} asks {payment.amount}, not {order.amount}",
                code="mollie_key_other_payment",
                params={"amount": payment.amount},
            )
        self.repos.store.upsert(MOLLIE_PAYMENTS, Row(encode(payment.payment_id), "p", {
            "ClientId": client.client_id, "Debtor": order.debtor_number,
            "Invoices": json.dumps(list(order.invoice_numbers)), "Amount": order.amount,
            "QuotedOn": amsterdam_date(self.clock.now()).isoformat(),
            "InstallmentPlan": order.plan_id, "Installment": order.number,
            **({"Account": account} if account else {}),
        }))  # fmt: skip
        watch(self.repos.store, payment.payment_id, self.clock.now(), self.reconcile_after)
        return StartedPayment(
            payment.payment_id,
            payment.checkout_url or "",
            isinstance(provider, SimulatedMollie),
            order.amount,
            payment.expires_at,
        )

    def settle_simulated(self, payment_id: str, outcome: str) -> str:
        """What the simulation page does: decide the payment's fate and call the webhook, as
        Mollie would; the URL to send the debtor back to."""
        target = self.simulation.settle(payment_id, outcome)
        self.webhook(payment_id)
        return target

    def webhook(self, payment_id: str) -> bool:
        """What the HTTP function does with ``id=...``: queue it; the answer is immediate.
        Only what looks like a Mollie payment id (``tr_`` and letters/digits) is queued;
        anything else is refused here (False) and never reaches the queue or storage keys."""
        if not MOLLIE_PAYMENT_ID.fullmatch(payment_id or ""):
            return False
        pk = encode(payment_id)
        if self.repos.store.get(MOLLIE_PAYMENTS, pk, "p") is None:
            return True  # not ours: answered as any other call, nothing queued or asked
        # calls for one payment coalesce: while a job is queued and not yet begun, it will
        # read the payment's state as Mollie has it then, which includes this change; once
        # it has begun (or a minute passed: a job lost on the way), the call is queued again
        queued = self.repos.store.get(MOLLIE_PAYMENTS, pk, "hook-queued")
        begun = self.repos.store.get(MOLLIE_PAYMENTS, pk, "hook-begun")
        now = self.clock.now()
        if (
            queued is not None
            and now - queued.data["At"] < WEBHOOK_COALESCE
            and (begun is None or begun.data["At"] < queued.data["At"])
        ):
            return True
        self.queues.send(WEBHOOK_QUEUE, json.dumps({"id": payment_id}))
        self.repos.store.upsert(MOLLIE_PAYMENTS, Row(pk, "hook-queued", {"At": now}))
        return True

    def process_queued(self, payment_id: str) -> str:
        """The webhook's queued job: :meth:`process`, except while the payment's Mollie
        account is paused (mollie_pause.py): then the job is queued again for when the pause
        ends and ``paused`` answered. Failed at once (no request is made while paused), its
        five tries would go by in minutes and poison every webhook of a throttled account."""
        try:
            return self.process(payment_id)
        except MollieError as exc:
            if exc.paused_until is None:
                raise
            wait = (exc.paused_until - self.clock.now()).total_seconds()
            delay = min(max(math.ceil(wait), 1) + PAUSED_WEBHOOK_MARGIN, MAX_QUEUE_DELAY)
            self.queues.send(WEBHOOK_QUEUE, json.dumps({"id": payment_id}), delay_seconds=delay)
            log.info("mollie %s: account paused, webhook queued again in %d s", payment_id,
                     delay, extra=log_extra({"payment_id": payment_id}))  # fmt: skip
            return "paused"

    def _record(self, payment_id: str) -> dict[str, Any] | None:
        row = self.repos.store.get(MOLLIE_PAYMENTS, encode(payment_id), "p")
        return dict(row.data) if row else None

    def process(self, payment_id: str) -> str:
        if not MOLLIE_PAYMENT_ID.fullmatch(payment_id or ""):
            return "unknown"  # queued before ids were checked, or put there by hand
        record = self._record(payment_id)
        if record is None:
            return "unknown"  # not ours: nothing changes
        # begun: a call from Mollie after this moment is queued again (its change may come
        # after the state read below)
        self.repos.store.upsert(
            MOLLIE_PAYMENTS, Row(encode(payment_id), "hook-begun", {"At": self.clock.now()})
        )
        found = self.repos.clients.get(str(record["ClientId"]))
        if found is None:
            return "unknown"
        client = found[0]
        # What we booked last of refunds and chargebacks is read BEFORE Mollie: a view read
        # after it is at least as new as every view booked so far, and a delivery that books
        # meanwhile changes the row's ETag, so this one's claim below fails and it is retried,
        # reading Mollie afresh. A view is never judged stale by its figures (a chargeback
        # goes back to 0 when reversed, a refund when it fails): by when it was read.
        booked, etag = self._undone_state(payment_id)
        # the account that started the payment (the client may have linked another since)
        provider = self.provider_of(client, str(record.get("Account") or ""))
        payment = provider.get_payment(payment_id) if provider is not None else None
        if payment is None:
            return self._missing(client, record, payment_id, reachable=provider is not None)
        if payment.mode == "test" and not self.books_test_payments and not client.sandbox:
            return self._test_payment(client, record, payment)
        invoices = json.loads(record["Invoices"])
        booking_id = f"mollie-{payment_id}"
        if record.get("PlanId") and self.plan_payment is not None:
            outcome = self._plan_payment(client, record, payment, booking_id, invoices,
                                         booked=booked, etag=etag, provider=provider)  # fmt: skip
            if outcome != "not_on_plan":
                return outcome
            # a collection of a plan cancelled before it recorded the payment: the money is
            # booked as any online payment on the plan's invoices (never left unbooked)
        if (
            payment.status not in ("paid",)
            and not payment.amount_refunded
            and not payment.amount_charged_back
            and not booked.cents
        ):
            return payment.status  # open, pending, failed, expired, canceled: nothing to book
        look = bool(payment.amount_refunded or payment.amount_charged_back or booked.cents)
        payment = current_view(provider, payment, look=look)
        # booked on the day the money came (Mollie's paidAt, an Amsterdam day), not the day
        # the amount was quoted: interest runs to the payment day and the 14-day term is judged
        # on it (law7 F4); what accrued between quote and payment stays open, as by law
        received_on = paid_day(payment, amsterdam_date(self.clock.now()))
        undone = min(payment.amount, payment.amount_refunded + payment.amount_charged_back)
        if undone > 0 and undone >= booked.cents:
            # a refund or chargeback to book is claimed BEFORE the booking below is finished:
            # that step gives the invoices the payment's share again when it read the row
            # before another delivery reversed it; a delivery losing the claim only after it
            # stopped there with the invoice paid for a payment charged back (failure29 F1:
            # the webhook and the reconcile timer at once; open 0.00 of 100.00 until the next
            # ask). The winner finishes the booking and then undoes it, in that order
            self._claim_undone(payment, undone, etag)
        if payment.status == "paid":
            self.payments.book(client, payment_id=booking_id, amount=payment.amount, received_on=received_on,
                               source=PaymentSource.MOLLIE, invoice_numbers=invoices, external_id=payment_id,
                               received_by=self.received_by(client, str(record.get("Account") or "")))  # fmt: skip
        if undone < booked.cents:
            # a chargeback reversed by the bank, a refund that failed or was canceled: what
            # they took back counts again (all of the payment, or what still stands undone);
            # the claim keeps what was booked before until the net is booked (``_restore``)
            self._claim_undone(payment, undone, etag, was=booked)
            restored = self._restore(client, str(record["Debtor"]), booking_id, payment,
                                     invoices, booked=booked, undone=undone)  # fmt: skip
            self._verify_undone(payment, undone)
            return restored
        if undone > 0:
            kind = "chargeback" if payment.amount_charged_back else "refund"
            self._undo(client, str(record["Debtor"]), booking_id, payment, undone, kind, invoices,
                       on=self._came_back_on(client, payment, kind))  # fmt: skip
            self._verify_undone(payment, undone)
            return kind
        return payment.status

    def _verify_undone(self, payment: MolliePayment, undone: Cents) -> None:
        """After booking: a delivery with a newer view that claimed meanwhile (between this
        one's claim and its bookings) may have been overwritten by this one's bookings; the
        message is then retried, which books Mollie's current state again (idempotent)."""
        row = self.repos.store.get(MOLLIE_PAYMENTS, encode(payment.payment_id), "undone")
        mine = _undone_data(payment, undone)
        if row is not None and any(row.data.get(k) != v for k, v in mine.items()):
            raise ConflictingUpdate(
                f"mollie {payment.payment_id}: a newer view was booked meanwhile; retry"
            )

    def _restore(self, client: Client, debtor: str, booking_id: str, payment: MolliePayment,
                 invoices: list[str], *, booked: _Undone, undone: Cents) -> str:  # fmt: skip
        """What a reversed chargeback or a failed/canceled refund had taken back stands again:
        the net of the payment is booked anew (``_net``, idempotent), told once on the contact
        log; a refund that did not go through also goes on the client's action list (the
        client thought the money was back with the debtor)."""
        refund_back = max(0, booked.refunded - payment.amount_refunded)
        charge_back = max(0, booked.charged_back - payment.amount_charged_back)
        on, received_on = self._counts_again_on(client, booking_id, payment,
                                                chargeback=bool(charge_back or not refund_back))  # fmt: skip
        self._net(client, booking_id, payment, payment.amount - undone, invoices, on=on,
                  received_on=received_on)  # fmt: skip
        outcome = self._tell_restored(client, debtor, payment, invoices, booked=booked,
                                      undone=undone, refund_back=refund_back, charge_back=charge_back)  # fmt: skip
        # the claim is finished (its Was* dropped) only once told: until then a redelivery
        # reads the restore as not done and tells what the cut-off delivery left
        self.repos.store.upsert(MOLLIE_PAYMENTS, Row(encode(payment.payment_id), "undone", _undone_data(payment, undone)))  # fmt: skip
        return outcome

    def _tell_restored(self, client: Client, debtor: str, payment: MolliePayment,
                       invoices: list[str], *, booked: _Undone, undone: Cents, refund_back: Cents,
                       charge_back: Cents) -> str:  # fmt: skip
        """The restore on the contact log and, for a refund that did not go through, on the
        client's action list; each keyed by the restore and the "told" mark written last: a
        delivery cut off after any of them is finished by the redelivery, once (failure15 F2:
        cut after the mark, the client never heard that the refund it believed made had
        failed)."""
        told = f"restore|{payment.payment_id}|{booked.cents}>{undone}"
        if self.counters.count(USAGE, client.client_id, told):
            return "refund_failed" if refund_back and not charge_back else payment.status
        key = f"{payment.payment_id}-{booked.cents}-{undone}"
        now = self.clock.now()
        if charge_back or not refund_back:
            was = charge_back or booked.cents - undone
            self._contact_once(client, debtor, f"restore-{key}-chargeback", now,
                               f"Chargeback of {format_eur_nl(was)} reversed by the bank: the online payment counts again",
                               invoices)  # fmt: skip
        if refund_back:
            text = (f"Refund of {format_eur_nl(refund_back)} failed or was canceled at Mollie: "
                    "the online payment counts again")  # fmt: skip
            self._contact_once(
                client,
                debtor,
                f"restore-{key}-refund",
                now,
                text,
                invoices,
            )
            # once: added by the delivery cut off after it
            self.repos.actions.add_once(ActionItem(client.client_id, f"refund-failed-{key}", "refund_failed",
                                                   f"Debtor {debtor}: {text} ({payment.payment_id})", now, debtor_number=debtor,
                                                   detail={"payment": payment.payment_id, "cents": refund_back}))  # fmt: skip
            self.counters.increment(USAGE, client.client_id, told, limit=1)
            return "refund_failed" if not charge_back else payment.status
        self.counters.increment(USAGE, client.client_id, told, limit=1)
        return payment.status

    def _contact_once(self, client: Client, debtor: str, entry_id: str, now: datetime,
                      summary: str, invoices: list[str]) -> None:  # fmt: skip
        """A Mollie line on the debtor's contact log, written once under its key, also when
        two deliveries meet (the webhook and the reconcile timer, or Mollie's retry; not
        serialised by a claim on a plan's chargeback): ``ContactLogRepository.add_once``."""
        self.repos.contacts.add_once(ContactEntry(client.client_id, debtor, entry_id, now, ContactKind.PAYMENT,
                                                  summary, channel="mollie", invoice_numbers=tuple(invoices),
                                                  system=True))  # fmt: skip

    def _counts_again_on(self, client: Client, booking_id: str, payment: MolliePayment, *,
                         chargeback: bool) -> tuple[date | None, date]:  # fmt: skip
        """The day money taken back counts again (``on``: what it replaces is reversed then,
        None for today) and the day it counts as received. A chargeback the bank reversed:
        Mollie's ``reversedAt``, the day the money came back to the client, however late the
        webhook is handled. A refund that failed or was canceled never reached the debtor:
        the payment stands from its own day (6:114 lid 2 BW, as what stands of it after a
        refund, ``_undo``), so no interest or costs run over the days it seemed refunded;
        Mollie dates no refund's failure (a refund has only ``createdAt``, and the webhook
        is sent when it fails), so what it replaces is reversed on the day it is handled."""
        if not chargeback:
            return None, self._paid_on(client, booking_id, payment)
        provider = self._provider_of_payment(client, payment.payment_id) or self.provider_for(
            client
        )
        try:
            reversed_on = chargeback_reversed_on(provider, payment)
        except MollieError as exc:
            if exc.transient:
                raise  # retried with the message: never booked on the wrong day for a hiccup
            log.warning(
                "mollie %s: chargeback list refused (%s); dated today", payment.payment_id, exc
            )
            reversed_on = None
        return reversed_on, reversed_on or amsterdam_date(self.clock.now())

    def _came_back_on(self, client: Client, payment: MolliePayment, kind: str) -> date | None:
        """The Amsterdam day Mollie dates the latest refund (``createdAt`` of a refund that is
        not ``failed`` or ``canceled``) or chargeback (``createdAt`` of one not reversed) of
        the payment: read from Mollie's lists, so the date is Mollie's however late the
        webhook is handled. None (book today) for a provider without these lists (the
        simulation), or when Mollie lists none with a date (the payment's amounts moved but
        the list is not there yet)."""
        # the account that made the payment (the lists are the payment's, in that account)
        made_with = self._provider_of_payment(client, payment.payment_id)
        provider = made_with or self.provider_for(client)
        try:
            if kind == "chargeback":
                lister = getattr(provider, "chargebacks", None)
                found = [c.created_at for c in (lister(payment.payment_id, payment.amount) if lister else [])
                         if not c.reversed and c.created_at is not None]  # fmt: skip
            else:
                lister = getattr(provider, "refunds", None)
                found = [r.created_at for r in (lister(payment.payment_id) if lister else [])
                         if r.status not in ("failed", "canceled") and r.created_at is not None]  # fmt: skip
        except MollieError as exc:
            if exc.transient:
                raise  # retried with the message: never booked on the wrong day for a hiccup
            log.warning(
                "mollie %s: %s list refused (%s); dated today", payment.payment_id, kind, exc
            )
            return None
        return amsterdam_date(max(found)) if found else None

    def _missing(
        self, client: Client, record: dict[str, Any], payment_id: str, *, reachable: bool
    ) -> str:
        """A payment Inning started that its account does not know (Mollie's 404), or whose
        account is no longer reachable: its money (a payment, a refund, a chargeback) cannot
        be booked, so a person is told, once per payment; the webhook answers ``missing``."""
        account = str(record.get("Account") or "")
        where = f"the account it was started with ({account})" if account else (
            "the client's Mollie account of today (the payment's row names none: made before rows did)"
        )  # fmt: skip
        why = (
            f"Mollie does not know payment {payment_id} in {where}"
            if reachable
            else f"the Mollie account payment {payment_id} was started with ({account}) is no longer reachable"
        )
        log.warning("mollie %s: %s", payment_id, why)
        told = f"missing|{payment_id}"
        if self.counters.count(USAGE, client.client_id, told):
            return "missing"  # told before
        now = self.clock.now()
        debtor = str(record.get("Debtor") or "")
        invoices = tuple(json.loads(str(record.get("Invoices") or "[]")))
        # the item's id is the payment's: the webhook and the reconcile timer (or Mollie's
        # retry while the first call runs) both read the counter as 0, and the second insert
        # is the one refused (misc17b: two items for one payment, as failure16b F4 found for
        # test payments)
        self.repos.actions.add_once(ActionItem(
            client.client_id, f"mollie-missing-{payment_id}", "mollie_payment_missing",
            f"Mollie payment {payment_id} of debtor {debtor} cannot be read: {why}; check it in Mollie's dashboard",
            now, debtor_number=debtor or None, invoice_numbers=invoices,
            detail={"payment_id": payment_id, "account": account},
        ))  # fmt: skip
        # the counter spares later calls the insert; the item alone keeps it once
        self.counters.increment(USAGE, client.client_id, told)
        return "missing"

    def _test_payment(self, client: Client, record: dict[str, Any], payment: MolliePayment) -> str:
        """A test-mode payment outside local development: no money moved (the payer chose its
        status on Mollie's test checkout), so nothing is booked, refunded or charged back. Once
        it ends, a person is told, once per payment: the debtor may believe he paid. Answers
        ``test_mode`` (the reconcile timer stops watching it) or, while open, its status."""
        payment_id = payment.payment_id
        log.warning("mollie %s: test-mode payment (%s) not booked", payment_id, payment.status)
        if payment.status in ("open", "pending", "authorized"):
            return payment.status
        told = f"testmode|{payment_id}"
        if self.counters.count(USAGE, client.client_id, told):
            return "test_mode"  # told before
        now = self.clock.now()
        debtor = str(record.get("Debtor") or "")
        invoices = tuple(json.loads(str(record.get("Invoices") or "[]")))
        # the item's id is the payment's: two workers at once (the webhook and the timer, or a
        # webhook retry while the first call runs) both read the counter as 0, and the second
        # insert is the one refused (failure16b F4: two items for one payment)
        self.repos.actions.add_once(ActionItem(
            client.client_id, f"mollie-test-{payment_id}", "mollie_test_payment",
            f"Mollie payment {payment_id} of debtor {debtor} ({format_eur_nl(payment.amount)}, "
            f"{payment.status}) was made in test mode: no money moved, nothing is booked; link "
            "a live Mollie account and ask the debtor to pay again",
            now, debtor_number=debtor or None, invoice_numbers=invoices,
            detail={"payment_id": payment_id, "status": payment.status},
        ))  # fmt: skip
        # the counter spares later calls the insert; the item alone keeps it once
        self.counters.increment(USAGE, client.client_id, told)
        return "test_mode"

    def _undone_state(self, payment_id: str) -> tuple[_Undone, str | None]:
        """What the bookings of the payment took back so far, and the row's ETag. A restore
        claimed but not finished (its row still names what was booked before it, ``Was*``)
        counts as not booked: the redelivery books the net again (idempotent), so a delivery
        that failed between its claim and its booking is made good (failure5 finding 6)."""
        row = self.repos.store.get(MOLLIE_PAYMENTS, encode(payment_id), "undone")
        if row is None:
            return _Undone(0, 0, 0), None
        if "WasCents" in row.data:
            was = _Undone(
                int(row.data["WasCents"] or 0),
                int(row.data.get("WasRefunded") or 0),
                int(row.data.get("WasChargedBack") or 0),
            )
            return was, row.etag
        cents = int(row.data.get("Cents") or 0)
        if "Refunded" not in row.data:  # written before the kinds were kept: a chargeback or
            return _Undone(cents, 0, cents), row.etag  # a refund, as the old rule treated it
        refunded, charged = int(row.data["Refunded"] or 0), int(row.data["ChargedBack"] or 0)
        return _Undone(cents, refunded, charged), row.etag

    def _claim_undone(
        self, payment: MolliePayment, undone: Cents, etag: str | None, *, was: _Undone | None = None
    ) -> None:
        """Record what this delivery is about to book, only if nobody recorded anything since
        it was judged (else the message is retried, reading Mollie afresh). ``was``: what was
        booked before a restore, kept on the row until the restore's net is booked (its
        ``upsert`` drops it), so a delivery failing in between is redone."""
        data = _undone_data(payment, undone)
        if was is not None:
            data |= {"WasCents": was.cents, "WasRefunded": was.refunded,
                     "WasChargedBack": was.charged_back}  # fmt: skip
        row = Row(encode(payment.payment_id), "undone", data)
        try:
            if etag is None:
                self.repos.store.insert(MOLLIE_PAYMENTS, row)
            else:
                row.etag = etag
                self.repos.store.replace(MOLLIE_PAYMENTS, row)
        except (Conflict, PreconditionFailed) as exc:
            raise ConflictingUpdate(
                f"mollie {payment.payment_id}: booked meanwhile by another delivery; retry"
            ) from exc

    def _plan_payment(self, client: Client, record: dict[str, Any], payment: MolliePayment,
                      booking_id: str, invoices: list[str], *, booked: _Undone | None = None,
                      etag: str | None = None, provider: PaymentProvider | None = None) -> str:  # fmt: skip
        """A plan's first or recurring payment: the plan books it (the same ledger path, the
        same booking id) and fails or reopens its installment; a chargeback then also counts
        against the debtor and goes on the contact log, as for any online payment. A refund,
        and a refund that failed or was canceled (the plan counts its installment again), are
        booked as the ordinary path books them: claimed under the ETag read before Mollie,
        then Mollie is asked once more, so a delivery that read Mollie before another booked
        (redelivered, out of order) is retried rather than booking an older state."""
        assert self.plan_payment is not None
        booked = booked or _Undone(0, 0, 0)
        outcome = self.plan_payment(client, str(record["PlanId"]), payment)
        if outcome == "chargeback":
            # what was refunded before counts too: the net left is what neither took back
            charged = payment.amount_charged_back or (payment.amount - payment.amount_refunded)
            undone = min(payment.amount, payment.amount_refunded + charged)
            self._undo(client, str(record["Debtor"]), booking_id,
                       replace(payment, amount_charged_back=charged), undone, "chargeback", invoices,
                       on=self._came_back_on(client, payment, "chargeback"))  # fmt: skip
        elif outcome == "chargeback_reversed":
            self._rebook(client, str(record["Debtor"]), booking_id, payment, invoices)
            outcome = "paid"
        elif outcome == "refund":
            # what is refunded as the plan judged it: Mollie's lists (a failed or canceled
            # refund no longer counts), the payment's totals where there are no lists
            if provider is not None:
                payment = current_view(provider, payment, look=True)
            undone = min(payment.amount, payment.amount_refunded + payment.amount_charged_back)
            if undone == 0:  # it failed since the plan judged: the plan must judge again
                raise ConflictingUpdate(
                    f"mollie {payment.payment_id}: the refund no longer stands at Mollie; retry"
                )
            self._claim_undone(payment, undone, etag)
            self._undo(client, str(record["Debtor"]), booking_id, payment, undone, "refund", invoices,
                       on=self._came_back_on(client, payment, "refund"))  # fmt: skip
            self._verify_undone(payment, undone)
            self._still(provider, payment, undone)
        elif outcome == "refund_failed":
            # the plan decided on Mollie's lists: nothing of the payment is refunded or
            # charged back now, so all of it stands again (booked once under its net id)
            whole = replace(payment, amount_refunded=0, amount_charged_back=0)
            # what was booked before is kept on the claim until the net is booked, so a
            # delivery stopping in between is finished by the redelivery (failure6 #1)
            self._claim_undone(whole, 0, etag, was=booked if booked.cents else None)
            if booked.cents:
                self._restore(client, str(record["Debtor"]), booking_id, whole, invoices,
                              booked=booked, undone=0)  # fmt: skip
            else:  # the refund's own booking never got through: nothing to tell
                self._net(client, booking_id, whole, whole.amount, invoices)
            self._verify_undone(whole, 0)
            self._still(provider, payment, 0)
            outcome = "refund_failed"
        elif outcome == "counts_again":
            outcome = self._counted_again(client, record, payment, booking_id, invoices,
                                          booked=booked, etag=etag, provider=provider)  # fmt: skip
        return outcome

    def _counted_again(self, client: Client, record: dict[str, Any], payment: MolliePayment,
                       booking_id: str, invoices: list[str], *, booked: _Undone, etag: str | None,
                       provider: PaymentProvider | None) -> str:  # fmt: skip
        """The plan counted its debit again (a reversed chargeback, a failed or canceled
        refund) on a delivery that stopped before the payment was booked anew: what our
        'undone' row says was taken back stands again, booked as the first delivery would
        have (``_restore``: the net once, told once). Nothing taken back by us on the row:
        the payment's reversal is not ours to undo, so it stays as it is."""
        if not booked.cents:
            return "paid"
        whole = replace(payment, amount_refunded=0, amount_charged_back=0)
        self._claim_undone(whole, 0, etag, was=booked)
        restored = self._restore(client, str(record["Debtor"]), booking_id, whole, invoices,
                                 booked=booked, undone=0)  # fmt: skip
        self._verify_undone(whole, 0)
        self._still(provider, payment, 0)
        return "refund_failed" if restored == "refund_failed" else "paid"

    def _still(
        self, provider: PaymentProvider | None, payment: MolliePayment, undone: Cents
    ) -> None:
        """After booking what a plan's payment has undone: Mollie is asked once more, and a
        state that moved since this delivery read it (a refund failed or was made meanwhile,
        whose own delivery finished before this one booked) has the message retried, which
        books Mollie's state then (idempotent)."""
        if provider is None:
            return
        fresh = provider.get_payment(payment.payment_id) or payment
        look = bool(fresh.amount_refunded or fresh.amount_charged_back or undone)
        now = current_view(provider, fresh, look=look)
        if min(now.amount, now.amount_refunded + now.amount_charged_back) != undone:
            raise ConflictingUpdate(
                f"mollie {payment.payment_id}: Mollie's state moved while it was booked; retry"
            )

    def _undo(
        self,
        client: Client,
        debtor: str,
        booking_id: str,
        payment: MolliePayment,
        undone: Cents,
        kind: str,
        invoices: list[str],
        on: date | None = None,
    ) -> None:
        """``on``: the Amsterdam day the money went back by Mollie's own account; the
        reversal is booked on that day (its period in the ledger and exports), however late
        or often the webhook is handled. What stands of the payment after it reached the
        creditor when the payment did (6:114 lid 2 BW): it is booked as received on the
        payment's own day, so interest stops and the 14-day term is judged there, the part
        taken back being open again from the day it went back (law8 F3: 996.47 of 1,006.47
        paid inside the term stood, booked on the refund day it bore 150.00 costs)."""
        reversal = self.payments.reverse(client, booking_id, f"{kind} through Mollie", on=on)
        self._net(client, booking_id, payment, payment.amount - undone, invoices, on=on,
                  received_on=self._paid_on(client, booking_id, payment))  # fmt: skip
        self.repos.store.upsert(MOLLIE_PAYMENTS, Row(encode(payment.payment_id), "undone", _undone_data(payment, undone)))  # fmt: skip
        year = (on or amsterdam_date(self.clock.now())).year  # the year Mollie dates it
        told = f"undo|{payment.payment_id}|{undone}"
        if reversal is None or self.counters.count(USAGE, client.client_id, told):
            return  # nothing of ours was reversed, or told before
        # Each telling is keyed by the undo (payment, cents) and the "told" mark is written
        # last: a delivery cut off in between is finished by the redelivery, once (failure15
        # F2: cut after the mark, the refund was never logged nor counted in the year)
        key = f"{payment.payment_id}-{undone}"
        # refunds and chargebacks are counted apart (the red threshold is about refunds)
        counter = _counter(kind, year, debtor)
        self.counters.increment_once(USAGE, client.client_id, counter, 1, marker=f"counted|{told}")
        count = self.counters.count(USAGE, client.client_id, counter)
        now = self.clock.now()
        self._contact_once(client, debtor, f"undo-{key}", now,
                           f"{kind.capitalize()} of {format_eur_nl(undone)} on an online payment ({count} this year)",
                           invoices)  # fmt: skip
        if kind == "refund" and count > client.refund_warning_threshold:
            # once: added by the delivery cut off after it
            self.repos.actions.add_once(ActionItem(client.client_id, f"refund-threshold-{key}", "refund_threshold",
                                                   f"Debtor {debtor} had {count} refunds in {year}", now,
                                                   debtor_number=debtor, detail={"count": count, "year": year}))  # fmt: skip
        self.counters.increment(USAGE, client.client_id, told, limit=1)

    def _undone(self, payment_id: str) -> int:
        """What the last refund or chargeback we booked took back of the payment (0: none)."""
        row = self.repos.store.get(MOLLIE_PAYMENTS, encode(payment_id), "undone")
        return int(row.data.get("Cents") or 0) if row else 0

    def _rebook(self, client: Client, debtor: str, booking_id: str, payment: MolliePayment,
                invoices: list[str], *, was: Cents | None = None) -> None:  # fmt: skip
        """A chargeback the bank reversed: the whole payment stands again, booked anew under
        its net id (the reversed booking is never booked again); told once. ``was``: what the
        chargeback had taken (when the caller already recorded it as undone)."""
        on, received_on = self._counts_again_on(client, booking_id, payment, chargeback=True)
        if was is None:
            was = self._undone(payment.payment_id)
        if was > 0:
            # told first, under the key ``_restore`` tells the same reversal by: two
            # deliveries at once each wrote a line under a fresh id, and one cut off after the
            # net's booking never told it; cut off before the net, the redelivery finds the
            # plan counted again and restores, telling under this key (once) (misc17b)
            self._contact_once(client, debtor, f"restore-{payment.payment_id}-{was}-0-chargeback", self.clock.now(),
                               f"Chargeback of {format_eur_nl(was)} reversed by the bank: the online payment counts again",
                               invoices)  # fmt: skip
        self._net(client, booking_id, payment, payment.amount, invoices, on=on,
                  received_on=received_on)  # fmt: skip
        self.repos.store.upsert(MOLLIE_PAYMENTS, Row(encode(payment.payment_id), "undone", _undone_data(payment, 0)))  # fmt: skip

    def _paid_on(self, client: Client, booking_id: str, payment: MolliePayment) -> date:
        """The day the payment was booked as received (Mollie's paidAt when it was booked);
        Mollie's paidAt when no booking is found."""
        booked = self.repos.payments.get(client.client_id, booking_id)
        if booked is not None:
            return booked.received_on
        return paid_day(payment, amsterdam_date(self.clock.now()))

    def _net(self, client: Client, booking_id: str, payment: MolliePayment, net: Cents,
             invoices: list[str], on: date | None = None, *,
             received_on: date | None = None) -> None:  # fmt: skip
        """What stands of a payment after refunds or chargebacks is booked once, under an id of
        its own (``<booking id>-r<cents undone>``): exactly one such booking stands, for the
        current net, and every earlier one (a refund in two steps, a chargeback after a
        partial refund, a reversed chargeback) is reversed (on ``on``, the day the money went
        back). Derived from the payments booked, so a redelivered webhook changes nothing.
        ``received_on``: the day the net counts as received (default ``on``, else today)."""
        derived = self.repos.payments.derived(client.client_id, booking_id)
        live = [p for p in derived if not p.reversed]
        keep = next((p for p in live if p.amount == net), None) if net > 0 else None
        for p in live:
            if p is not keep:
                self.payments.reverse(
                    client,
                    p.payment_id,
                    "replaced by what stands of the payment after a refund or chargeback",
                    on=on,
                )
        if net <= 0 or keep is not None:
            return
        net_id = f"{booking_id}-r{payment.amount - net}"
        if any(p.payment_id == net_id for p in derived):  # that net stood before and was reversed
            net_id = f"{net_id}-v{len(derived)}"
        received_on = received_on or on or amsterdam_date(self.clock.now())
        self.payments.book(client, payment_id=net_id, amount=net, received_on=received_on,
                           source=PaymentSource.MOLLIE, invoice_numbers=invoices, external_id=payment.payment_id,
                           received_by=self._received_by_payment(client, payment.payment_id))  # fmt: skip

    def refunds_this_year(self, client_id: str, debtor: str, year: int | None = None) -> int:
        year = year or amsterdam_date(self.clock.now()).year
        return self.counters.count(USAGE, client_id, _counter("refund", year, debtor))

    def chargebacks_this_year(self, client_id: str, debtor: str, year: int | None = None) -> int:
        """Chargebacks are counted apart from refunds, per debtor per calendar year."""
        year = year or amsterdam_date(self.clock.now()).year
        return self.counters.count(USAGE, client_id, _counter("chargeback", year, debtor))

    def status(self, client: Client, payment_id: str) -> str:
        """The real status, from Mollie (not from the redirect's query string)."""
        record = self._record(payment_id)
        if record is None or record["ClientId"] != client.client_id:
            raise NotFound("no such payment")
        provider = self.provider_of(client, str(record.get("Account") or ""))
        payment = provider.get_payment(payment_id) if provider is not None else None
        return payment.status if payment else "unknown"


@dataclass(frozen=True)
class _Undone:
    """What the last refund or chargeback booked for a payment took back, by kind."""

    cents: Cents
    refunded: Cents
    charged_back: Cents


def _undone_data(payment: MolliePayment, undone: Cents) -> dict[str, Any]:
    charged = payment.amount_charged_back if undone else 0
    return {"Cents": undone, "Refunded": payment.amount_refunded, "ChargedBack": charged}


def _counter(kind: str, year: int, debtor: str) -> str:
    return f"{'refunds' if kind == 'refund' else 'chargebacks'}|{year}|{encode(debtor)}"


def _setting(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text.upper())


def _metadata(base: dict[str, Any], invoices: list[str]) -> dict[str, Any]:
    """The payment's metadata within Mollie's limit (about 1 kB): the invoices as many as fit,
    and how many there are when not all do. Only a label for a person in Mollie's dashboard:
    the payment is booked on the invoices its own row names."""
    data = {**base, "invoices": invoices}
    if len(json.dumps(data, ensure_ascii=False).encode()) <= METADATA_LIMIT:
        return data
    kept: list[str] = []
    room = METADATA_LIMIT  # a first cut by each number's own size, then exact
    for number in invoices:
        room -= len(json.dumps(number, ensure_ascii=False).encode()) + 1
        if room < 0:
            break
        kept.append(number)
    while True:
        data = {**base, "invoices": kept, "invoice_count": len(invoices)}
        if not kept or len(json.dumps(data, ensure_ascii=False).encode()) <= METADATA_LIMIT:
            return data
        kept.pop()
