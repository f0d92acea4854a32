"""Mollie API v2 over httpx: create a payment, read one, list its refunds and chargebacks;
for recurring collection also customers, mandates and payments with a ``sequenceType``.

Amounts travel as Mollie wants them (a string with exactly two decimals, "EUR"); inside
Inning they are cents. A payment id Mollie does not know (404) is ``None``: a webhook for an
unknown or foreign id changes nothing.

Recurring payments (Mollie's "Recurring payments" guide): a customer (``POST /customers``),
a ``sequenceType: first`` payment the debtor completes in the checkout (Mollie then creates
the mandate and puts its id on the payment as ``mandateId``), then ``sequenceType:
recurring`` payments created server-side with ``customerId`` (and ``mandateId``) and no
checkout. Mollie refuses a recurring payment without a valid mandate (422). Creating a
recurring payment twice charges twice (Mollie's "API idempotency" page): those calls carry
an ``Idempotency-Key`` header, the same key for the same collection."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

import httpx

from shared.adapters.channels.http_errors import retry_after
from shared.domain.money import Cents, cents_from_decimal, format_cents

# Mollie's list endpoints answer at most 250 items a page (``limit``, default 50)
LIST_PAGE = 250
# a payment with more than 10,000 refunds or chargebacks is not a payment: stop, loudly
LIST_MAX_PAGES = 40
# Mollie's "Create payment": metadata "up to approximately 1kB" (its JSON); more is refused
METADATA_LIMIT = 1024
# a 429's Retry-After is honoured up to a day, as the outbox waits for a provider
# (send_budget.PROVIDER_AWAY): a month or 10**12 s would park or overflow the caller's clock
LONGEST_RETRY_AFTER = timedelta(hours=24)
# a 5xx's Retry-After (Mollie away, not the account's limit) is honoured up to 5 minutes: one
# answer of one endpoint must not hold a payment, or tell a debtor to come back, a day later
# (review33b; the account's pause is as short, shared/services/mollie_pause.py)
LONGEST_OUTAGE_WAIT = timedelta(minutes=5)


class MollieError(Exception):
    def __init__(self, message: str, *, transient: bool = False, status: int | None = None,
                 field: str | None = None, retry_after: float | None = None,
                 paused_until: datetime | None = None) -> None:  # fmt: skip
        super().__init__(message)
        self.transient = transient
        self.status = status  # Mollie's HTTP status (422: e.g. no valid mandate)
        self.field = field  # the request field Mollie named, when it did
        # seconds Mollie asked to be left alone (a 429's or 503's Retry-After), at most a day
        self.retry_after = retry_after
        # set when no request was made: the account is paused until then (mollie_pause.py)
        self.paused_until = paused_until


class CallGuard(Protocol):
    """What a client consults around each request (shared/services/mollie_pause.py): the
    account's "not before" time, kept where every instance of the app sees it."""

    def before(self) -> Any:
        """Raises :class:`MollieError` while the account is paused; else a token for
        :meth:`answered`."""
        ...

    def throttled(self, status: int, wait: float | None) -> None: ...

    def answered(self, before: Any) -> None: ...


@dataclass(frozen=True)
class MolliePayment:
    payment_id: str
    status: str  # open, pending, authorized, paid, canceled, expired, failed
    amount: Cents
    description: str
    checkout_url: str | None = None
    amount_refunded: Cents = 0
    amount_charged_back: Cents = 0
    metadata: dict[str, Any] = field(default_factory=dict)
    paid_at: str | None = None
    method: str | None = None
    customer_id: str | None = None
    mandate_id: str | None = None
    sequence_type: str | None = None  # oneoff, first, recurring
    # why it failed, in the bank's words where Mollie has them (SEPA: details.bankReasonCode)
    failure_reason: str | None = None
    has_chargebacks: bool = False  # Mollie links the payment's chargebacks once there are any
    # Mollie's ``isCancelable``: the payment can still be canceled (``DELETE /payments/{id}``);
    # a SEPA direct debit only until it goes to the bank, usually the next business day
    is_cancelable: bool = False
    # Mollie's ``mode``: "live", or "test" for a payment of a test key or test link, whose
    # status the payer picks himself on Mollie's test checkout (no money moves)
    mode: str | None = None
    # Mollie's ``expiresAt``: an open payment's checkout works until then, after it the
    # payment is ``expired`` (None: it no longer expires, or Mollie did not say)
    expires_at: datetime | None = None

    @property
    def paid_moment(self) -> datetime | None:
        """Mollie's ``paidAt`` as an instant (None: not paid, or unreadable). The law dates a
        payment by the day the money came (6:114 lid 2 BW), which is this instant's day in
        Europe/Amsterdam, not its UTC day."""
        return _when(self.paid_at)


@dataclass(frozen=True)
class MollieMandate:
    mandate_id: str
    status: str  # valid, pending, invalid
    method: str
    consumer_name: str | None
    consumer_account: str | None
    consumer_bic: str | None
    signature_date: str | None
    mandate_reference: str | None


@dataclass(frozen=True)
class MollieChargeback:
    chargeback_id: str
    amount: Cents
    reason: str | None
    reversed: bool
    created_at: datetime | None = None  # Mollie's ``createdAt``: when the bank took it back
    reversed_at: datetime | None = None  # Mollie's ``reversedAt``: when the bank gave it back


@dataclass(frozen=True)
class MollieRefund:
    refund_id: str
    amount: Cents
    status: str
    created_at: datetime | None = None  # Mollie's ``createdAt``: when the refund was made


def _when(text: object) -> datetime | None:
    """Mollie's ISO 8601 timestamps (``2018-03-14T17:09:02.0Z``, or with an offset); None
    when absent or unreadable (the caller then takes the day it processes the change)."""
    if not isinstance(text, str) or not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _cents(amount: dict[str, str] | None) -> Cents:
    if not amount:
        return 0
    if amount.get("currency", "EUR") != "EUR":
        raise MollieError(f"unexpected currency {amount.get('currency')}")
    return cents_from_decimal(Decimal(amount["value"]))


def _failure(data: dict[str, Any]) -> str | None:
    details = data.get("details") or {}
    code = details.get("bankReasonCode")
    if code:
        text = details.get("bankReason")
        return f"{code} ({text})" if text else str(code)
    reason = details.get("failureReason") or details.get("failureMessage")
    return str(reason) if reason else None


def _payment(data: dict[str, Any]) -> MolliePayment:
    links = data.get("_links") or {}
    checkout = links.get("checkout") or {}
    return MolliePayment(
        payment_id=data["id"],
        status=data["status"],
        amount=_cents(data.get("amount")),
        description=data.get("description", ""),
        checkout_url=checkout.get("href"),
        amount_refunded=_cents(data.get("amountRefunded")),
        amount_charged_back=_cents(data.get("amountChargedBack")),
        metadata=data.get("metadata") or {},
        paid_at=data.get("paidAt"),
        method=data.get("method"),
        customer_id=data.get("customerId"),
        mandate_id=data.get("mandateId"),
        sequence_type=data.get("sequenceType"),
        failure_reason=_failure(data),
        has_chargebacks="chargebacks" in links,
        is_cancelable=bool(data.get("isCancelable")),
        mode=data.get("mode"),
        expires_at=_when(data.get("expiresAt")),
    )


def _mandate(data: dict[str, Any]) -> MollieMandate:
    details = data.get("details") or {}
    return MollieMandate(
        mandate_id=data["id"],
        status=data["status"],
        method=data.get("method", ""),
        consumer_name=details.get("consumerName"),
        consumer_account=details.get("consumerAccount"),
        consumer_bic=details.get("consumerBic"),
        signature_date=data.get("signatureDate"),
        mandate_reference=data.get("mandateReference"),
    )


def _chargeback(data: dict[str, Any], fallback: Cents) -> MollieChargeback:
    amount = data.get("amount") or {}
    # a chargeback in another currency than the payment's: the payment's own amount is what
    # the debtor's bank took back from the euros we booked
    cents = _cents(amount) if amount.get("currency", "EUR") == "EUR" else fallback
    reason = data.get("reason") or {}
    text = reason.get("code") if isinstance(reason, dict) else str(reason)
    if isinstance(reason, dict) and reason.get("description"):
        text = f"{reason.get('code')} ({reason['description']})"
    return MollieChargeback(data["id"], cents, text or None, bool(data.get("reversedAt")),
                            _when(data.get("createdAt")), _when(data.get("reversedAt")))  # fmt: skip


class MollieClient:
    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = "https://api.mollie.com/v2",
        http: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {api_key}", "Accept": "application/json"}
        self.http = http or httpx.Client(timeout=15)
        self.guard: CallGuard | None = None

    def guarded(self, guard: CallGuard) -> MollieClient:
        """This client (the same credentials and connection) asking ``guard`` around each
        request: a paused account is not asked, a 429 or 503 pauses it, an answer ends it."""
        twin = copy.copy(self)
        twin.guard = guard
        return twin

    def _call(
        self, method: str, path: str, *, idempotency_key: str | None = None, **kwargs: Any
    ) -> dict[str, Any] | None:
        guard = self.guard
        before = guard.before() if guard is not None else None
        data = self._request(method, path, idempotency_key=idempotency_key, **kwargs)
        if guard is not None:
            guard.answered(before)
        return data

    def _request(
        self, method: str, path: str, *, idempotency_key: str | None = None, **kwargs: Any
    ) -> dict[str, Any] | None:
        headers = dict(self.headers)
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        try:
            response = self.http.request(
                method, f"{self.base_url}{path}", headers=headers, **kwargs
            )
        except httpx.TransportError as exc:
            raise MollieError(f"Mollie unreachable: {exc}", transient=True) from exc
        if response.status_code == 404:
            return None
        if response.status_code in (429, 500, 502, 503, 504):
            wait = retry_after(response)
            if wait is not None:
                longest = (
                    LONGEST_RETRY_AFTER if response.status_code == 429 else LONGEST_OUTAGE_WAIT
                )
                wait = min(wait, longest.total_seconds())
            if self.guard is not None and response.status_code in (429, 503):
                # the account's limit (or Mollie unavailable): every caller waits, not only this
                self.guard.throttled(response.status_code, wait)
            raise MollieError(f"Mollie answered {response.status_code}", transient=True,
                              status=response.status_code, retry_after=wait)  # fmt: skip
        if not response.is_success:
            try:
                body = response.json()
            except ValueError:
                body = {}
            detail = body.get("detail") or body.get("error_description") or response.text[:200]
            raise MollieError(f"Mollie refused ({response.status_code}): {detail}",
                              status=response.status_code, field=body.get("field"))  # fmt: skip
        data: dict[str, Any] = response.json()
        return data

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
    ) -> MolliePayment:
        """A payment; with ``sequence_type`` ``first`` (checkout, creates the mandate) or
        ``recurring`` (no checkout, charged on the customer's mandate at once: send an
        ``idempotency_key``, the same one for a repeat of the same collection)."""
        body: dict[str, Any] = {
            "amount": {"currency": "EUR", "value": format_cents(amount)},
            "description": description[:255],
            "metadata": metadata,
        }
        if redirect_url:
            body["redirectUrl"] = redirect_url
        if sequence_type != "recurring":
            body["locale"] = locale
        if webhook_url:
            body["webhookUrl"] = webhook_url
        if customer_id:
            body["customerId"] = customer_id
        if sequence_type:
            body["sequenceType"] = sequence_type
        if mandate_id:
            body["mandateId"] = mandate_id
        size = len(json.dumps(metadata, ensure_ascii=False).encode())
        if size > METADATA_LIMIT:
            # Mollie refuses it (422): a caller's bug, said before a request is made
            raise MollieError(f"metadata of {size} bytes, Mollie takes {METADATA_LIMIT}",
                              status=422, field="metadata")  # fmt: skip
        data = self._call("POST", "/payments", json=body, idempotency_key=idempotency_key)
        if data is None:
            raise MollieError("Mollie did not create the payment")
        return _payment(data)

    def get_payment(self, payment_id: str) -> MolliePayment | None:
        if not payment_id.startswith("tr_"):
            return None
        data = self._call("GET", f"/payments/{payment_id}")
        return _payment(data) if data else None

    def cancel_payment(self, payment_id: str) -> MolliePayment | None:
        """``DELETE /payments/{id}`` (Mollie's "Cancel payment"): possible while the payment's
        ``isCancelable`` says so; answers the payment, now ``canceled``. None: Mollie knows no
        such payment (404). A payment no longer cancelable is refused (``MollieError``, 422)."""
        if not payment_id.startswith("tr_"):
            return None
        data = self._call("DELETE", f"/payments/{payment_id}")
        return _payment(data) if data else None

    def refunds(self, payment_id: str) -> list[MollieRefund]:
        """Every refund of the payment (``GET /payments/{id}/refunds``, all pages): a refund
        missed on a later page would leave money booked as paid that went back."""
        items = self._list(f"/payments/{payment_id}/refunds", "refunds")
        return [MollieRefund(r["id"], _cents(r.get("amount")), r.get("status", ""),
                             _when(r.get("createdAt"))) for r in items]  # fmt: skip

    def chargebacks(self, payment_id: str, payment_amount: Cents = 0) -> list[MollieChargeback]:
        """The payment's chargebacks (``GET /payments/{id}/chargebacks``, all pages); its
        status stays ``paid`` while the money goes back."""
        items = self._list(f"/payments/{payment_id}/chargebacks", "chargebacks")
        return [_chargeback(c, payment_amount) for c in items]

    def _list(self, path: str, key: str) -> list[dict[str, Any]]:
        """A Mollie list endpoint read to its end: pages of ``LIST_PAGE`` (Mollie's maximum),
        the next one from ``_links.next``'s ``from`` cursor. Only the cursor is taken from the
        link, never its host: the next page is asked of the same base URL as the first."""
        items: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": LIST_PAGE}
        seen: set[str] = set()
        for _ in range(LIST_MAX_PAGES):
            data = self._call("GET", path, params=params) or {}
            items.extend((data.get("_embedded") or {}).get(key, []))
            cursor = _next_cursor(data)
            if cursor is None or cursor in seen:
                return items
            seen.add(cursor)
            params = {"limit": LIST_PAGE, "from": cursor}
        raise MollieError(f"Mollie's list {path} did not end after {LIST_MAX_PAGES} pages")

    def create_customer(
        self, *, name: str, email: str | None, metadata: dict[str, Any], idempotency_key: str
    ) -> str:
        """``POST /customers``: the customer a mandate and recurring payments hang on."""
        body: dict[str, Any] = {"name": name[:255], "metadata": metadata}
        if email:
            body["email"] = email
        data = self._call("POST", "/customers", json=body, idempotency_key=idempotency_key)
        if data is None:
            raise MollieError("Mollie did not create the customer")
        return str(data["id"])

    def get_mandate(self, customer_id: str, mandate_id: str) -> MollieMandate | None:
        data = self._call("GET", f"/customers/{customer_id}/mandates/{mandate_id}")
        return _mandate(data) if data else None

    def mandates(self, customer_id: str) -> list[MollieMandate]:
        data = self._call("GET", f"/customers/{customer_id}/mandates") or {}
        return [_mandate(m) for m in (data.get("_embedded") or {}).get("mandates", [])]

    def customer_payments(self, customer_id: str) -> list[MolliePayment]:
        """The customer's payments, newest first (one page of 250): Mollie's own advice for
        finding out whether a create that timed out was executed after all."""
        data = self._call("GET", f"/customers/{customer_id}/payments", params={"limit": 250}) or {}
        return [_payment(p) for p in (data.get("_embedded") or {}).get("payments", [])]


def _next_cursor(data: dict[str, Any]) -> str | None:
    """The ``from`` of ``_links.next.href`` (Mollie's cursor pagination), or None on the last
    page (``next`` is null or absent)."""
    link = (data.get("_links") or {}).get("next") or {}
    href = link.get("href") if isinstance(link, dict) else None
    if not href:
        return None
    cursor = parse_qs(urlsplit(str(href)).query).get("from")
    return cursor[0] if cursor else None
