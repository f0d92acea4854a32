"""A local Mollie (API v2) for the recurring flow, served over HTTP so the real client runs.

It keeps payments, customers and mandates, and enforces what Mollie documents and answers:
- ``Authorization: Bearer <key>`` or 401 with Mollie's own error body (``error_unauthorized``);
- a POST body that is not a JSON object is 400 (Mollie's error body); ``metadata`` over about
  1 kB (its JSON, Mollie's "Create payment": "up to approximately 1kB") is 422 naming it;
- ``throttled``: every request answers 429 with that ``Retry-After`` (the rate limit);
- ``expires_at``: a checkout payment carries that ``expiresAt`` (its checkout's end);
- a payment needs ``amount`` ``{"currency": "EUR", "value": "10.00"}`` (two decimals, a
  string) and a ``description``; a ``redirectUrl`` unless it is ``recurring``;
- ``sequenceType`` is ``oneoff``, ``first`` or ``recurring``; ``first`` and ``recurring``
  need a ``customerId`` of this account; ``recurring`` needs a valid mandate of the customer
  (the one named by ``mandateId``, when given), else 422 as Mollie words it;
- ``Idempotency-Key``: the same key with the same body answers the first response again and
  makes nothing; the same key with another body is 400 (Mollie's body, ``bad_request.json``);
- a first payment that is paid creates a ``directdebit`` mandate and carries its ``mandateId``;
  a failed SEPA payment has ``details.bankReasonCode``; a chargeback leaves the payment
  ``paid`` with ``amountChargedBack`` and a ``chargebacks`` link; the webhook only says the id;
- refunds and chargebacks are listed (``GET /v2/payments/{id}/refunds`` and ``…/chargebacks``,
  ``_embedded``, as ``refunds_list.json`` and ``payment_chargebacks_list.json``; paged by
  ``limit`` (1-250, default 50) and ``from``, with ``_links.next`` to the next page), each with
  Mollie's ``createdAt`` (UTC, ISO 8601); a refund also sets ``amountRefunded``, ``amountRemaining``
  and a ``refunds`` link on the payment;
- ``DELETE /v2/payments/{id}`` ("Cancel payment") cancels a payment whose ``isCancelable`` is
  true: an ``open`` one, or a ``pending`` SEPA direct debit not yet sent to the bank (Mollie:
  "usually until the next business day"); it answers the payment, now ``canceled``. An
  unknown payment is 404; one that cannot be canceled (sent to the bank, or ended: paid,
  failed, expired, canceled) is 422. A canceled payment never becomes paid.

The tests decide a payment's fate with :meth:`MollieWorld.settle` and friends, as the
debtor and the banks would."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from tests.conftest import MOLLIE
from tests.support.stand_in import Received, Reply, StandIn, serve

AMOUNT = re.compile(r"\d+\.\d{2}")
# "Create payment": metadata "up to approximately 1kB"; Mollie refuses more (422, "metadata")
METADATA_LIMIT = 1024


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((MOLLIE / name).read_text())
    return data


def _error(status: int, title: str, detail: str, field_: str | None = None) -> Reply:
    body: dict[str, Any] = {"status": status, "title": title, "detail": detail,
                            "_links": {"documentation": {"href": "https://docs.mollie.com/overview/handling-errors",
                                                         "type": "text/html"}}}  # fmt: skip
    if field_:
        body["field"] = field_
    return Reply(status, body, {"Content-Type": "application/hal+json"})


def _page(r: Received, key: str, items: list[dict[str, Any]]) -> Reply:
    """A list endpoint as Mollie pages it: ``limit`` 1-250 (default 50, else 400 naming the
    field), ``from`` the id the page starts with (included), ``_links.next`` with the next
    page's ``from`` while there is one, else null."""
    raw = (r.query.get("limit") or ["50"])[0]
    if not raw.isdigit() or not 1 <= int(raw) <= 250:
        return _error(400, "Bad Request", "The limit parameter is invalid", "limit")
    limit = int(raw)
    start = 0
    if r.query.get("from"):
        ids = [item["id"] for item in items]
        if r.query["from"][0] not in ids:
            return _error(400, "Bad Request", "The from parameter is invalid", "from")
        start = ids.index(r.query["from"][0])
    page, rest = items[start : start + limit], items[start + limit :]
    base = f"https://api.mollie.com{r.path}"
    links: dict[str, Any] = {
        "self": {"href": f"{base}?limit={limit}", "type": "application/hal+json"},
        "previous": None,
        "next": {"href": f"{base}?from={rest[0]['id']}&limit={limit}",
                 "type": "application/hal+json"} if rest else None,
    }  # fmt: skip
    return Reply(200, {"count": len(page), "_embedded": {key: page}, "_links": links})


@dataclass
class MollieWorld:
    api_key: str = "test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM"
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    mandates: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> mandate (+customer)
    chargebacks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    refunds: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    idempotency: dict[tuple[str, str], tuple[str, Reply]] = field(default_factory=dict)
    created: int = 0  # payments actually made (a replayed key makes none)
    down: bool = False  # Mollie answers 503 to everything (an outage)
    # Mollie answers 429 with this Retry-After to everything (the account's rate limit)
    throttled: str | None = None
    # the ``expiresAt`` a checkout payment is made with (ISO 8601; Mollie's depends on the
    # method, the stand-in has no clock): None, none said
    expires_at: str | None = None
    sent_to_bank: set[str] = field(default_factory=set)  # direct debits no longer cancelable
    # requests ("DELETE", "POST" ...) whose response is lost once: Mollie acts, the caller
    # sees the connection drop (a timeout), as on a real network
    lose_response: list[str] = field(default_factory=list)
    server: StandIn | None = None
    # where this account's ids start: Mollie's ids are unique across accounts, so a second
    # stand-in playing another account numbers apart from the first
    first_id: int = 1

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"{self.server.url}/v2"

    def _id(self, prefix: str) -> str:
        self.created += prefix == "tr_"
        made = len(self.payments) + len(self.customers) + len(self.mandates)
        return f"{prefix}{made + self.first_id:06d}x"

    # -- HTTP ------------------------------------------------------------------------------
    def handle(self, r: Received) -> Reply:
        reply = self._handle(r)
        if r.method in self.lose_response:
            self.lose_response.remove(r.method)
            # done at Mollie, but the answer never arrives: the server drops the connection
            raise ConnectionAbortedError(f"the response to {r.method} {r.path} is lost")
        return reply

    def _handle(self, r: Received) -> Reply:
        if self.down:
            return _error(503, "Service Unavailable", "The service is temporarily unavailable.")
        if self.throttled is not None:
            reply = _error(429, "Too Many Requests", "You have exceeded the rate limit.")
            reply.headers["Retry-After"] = self.throttled
            return reply
        if r.headers.get("authorization") != f"Bearer {self.api_key}":
            return Reply(401, fixture("error_unauthorized.json"))
        if r.method == "POST":
            try:
                sent = r.json()
            except ValueError:
                return _error(400, "Bad Request", "The JSON you sent is invalid")
            if not isinstance(sent, dict):
                return _error(400, "Bad Request", "The JSON you sent is invalid")
            metadata = sent.get("metadata")
            if (
                metadata is not None
                and len(json.dumps(metadata, ensure_ascii=False).encode()) > METADATA_LIMIT
            ):
                return _error(422, "Unprocessable Entity", "The metadata is too large", "metadata")
        key = r.headers.get("idempotency-key")
        if r.method == "POST" and key:
            seen = self.idempotency.get((r.path, key))
            if seen is not None:
                body, reply = seen
                if body != r.body.decode():
                    return Reply(400, fixture("bad_request.json"))  # "already been used"
                return reply
            reply = self._route(r)
            self.idempotency[(r.path, key)] = (r.body.decode(), reply)
            return reply
        return self._route(r)

    def _route(self, r: Received) -> Reply:
        parts = [p for p in r.path.split("/") if p][1:]  # drop "v2"
        if r.method == "GET" and parts == ["methods"]:  # what a linked API key is checked with
            ideal = {
                "resource": "method",
                "id": "ideal",
                "description": "iDEAL",
                "status": "activated",
            }
            return Reply(200, {"count": 1, "_embedded": {"methods": [ideal]}, "_links": {}})
        if r.method == "POST" and parts == ["customers"]:
            return self._create_customer(r.json())
        if r.method == "POST" and parts == ["payments"]:
            return self._create_payment(r.json())
        if r.method == "DELETE" and len(parts) == 2 and parts[0] == "payments":
            return self._cancel_payment(parts[1])
        if r.method == "GET" and len(parts) == 2 and parts[0] == "payments":
            p = self.payments.get(parts[1])
            return Reply(200, self._payment_json(p)) if p else self._not_found("payment")
        if r.method == "GET" and len(parts) == 3 and parts[::2] == ["payments", "refunds"]:
            if parts[1] not in self.payments:
                return self._not_found("payment")
            return _page(r, "refunds", self.refunds.get(parts[1], []))
        if r.method == "GET" and len(parts) == 3 and parts[::2] == ["payments", "chargebacks"]:
            return _page(r, "chargebacks", self.chargebacks.get(parts[1], []))
        if (
            r.method == "GET"
            and len(parts) == 3
            and parts[0] == "customers"
            and parts[2] == "payments"
        ):
            mine = [self._payment_json(p) for p in reversed(self.payments.values())
                    if p.get("customerId") == parts[1]]  # fmt: skip
            return Reply(200, {"count": len(mine), "_embedded": {"payments": mine}, "_links": {}})
        if (
            r.method == "GET"
            and len(parts) == 4
            and parts[0] == "customers"
            and parts[2] == "mandates"
        ):
            m = self.mandates.get(parts[3])
            if m is None or m["customer"] != parts[1]:
                return self._not_found("mandate")
            return Reply(200, self._mandate_json(m))
        return self._not_found("resource")

    def cancelable(self, p: dict[str, Any]) -> bool:
        if p["status"] == "open":
            return True
        # a SEPA direct debit under way, until Mollie has sent it to the debtor's bank
        return p["status"] == "pending" and p["id"] not in self.sent_to_bank

    def _cancel_payment(self, payment_id: str) -> Reply:
        p = self.payments.get(payment_id)
        if p is None:
            return self._not_found("payment")
        if not self.cancelable(p):
            return _error(422, "Unprocessable Entity", "The payment cannot be canceled")
        p["status"] = "canceled"
        p["canceledAt"] = "2026-01-06T10:00:00+00:00"
        return Reply(200, self._payment_json(p), {"Content-Type": "application/hal+json"})

    @staticmethod
    def _not_found(what: str) -> Reply:
        return _error(404, "Not Found", f"No {what} exists with this token.")

    def _create_customer(self, body: dict[str, Any]) -> Reply:
        customer_id = self._id("cst_")
        self.customers[customer_id] = {"resource": "customer", "id": customer_id, "mode": "test",
                                       "name": body.get("name"), "email": body.get("email"),
                                       "metadata": body.get("metadata"), "locale": None,
                                       "createdAt": "2026-01-05T09:00:00+00:00"}  # fmt: skip
        return Reply(201, self.customers[customer_id])

    def _create_payment(self, body: dict[str, Any]) -> Reply:
        amount = body.get("amount")
        if not isinstance(amount, dict) or set(amount) != {"currency", "value"}:
            return _error(422, "Unprocessable Entity", "The amount is required", "amount")
        if (
            amount["currency"] != "EUR"
            or not isinstance(amount["value"], str)
            or not AMOUNT.fullmatch(amount["value"])
        ):
            return _error(
                422, "Unprocessable Entity", "The amount contains an invalid value", "amount.value"
            )
        if not body.get("description"):
            return _error(422, "Unprocessable Entity", "The description is invalid", "description")
        sequence = body.get("sequenceType", "oneoff")
        if sequence not in ("oneoff", "first", "recurring"):
            return _error(
                422, "Unprocessable Entity", "The sequence type is invalid", "sequenceType"
            )
        if sequence != "recurring" and not body.get("redirectUrl"):
            return _error(
                422, "Unprocessable Entity", "The redirect URL is required", "redirectUrl"
            )
        customer = body.get("customerId")
        if sequence != "oneoff" and customer not in self.customers:
            return _error(422, "Unprocessable Entity", "The customer id is invalid", "customerId")
        mandate_id = body.get("mandateId")
        if sequence == "recurring":
            valid = [m for m in self.mandates.values() if m["customer"] == customer and m["status"] in ("valid", "pending")
                     and (mandate_id is None or m["id"] == mandate_id)]  # fmt: skip
            if not valid:
                return _error(422, "Unprocessable Entity", "No suitable mandates found for customer",
                              "mandateId" if mandate_id else "customerId")  # fmt: skip
            mandate_id = valid[0]["id"]
        payment_id = self._id("tr_")
        payment: dict[str, Any] = {
            "resource": "payment", "id": payment_id, "mode": "test", "createdAt": "2026-01-05T09:00:00+00:00",
            "amount": amount, "description": body["description"], "metadata": body.get("metadata"),
            # a recurring SEPA collection is under way at once; a checkout waits for the payer
            "status": "pending" if sequence == "recurring" else "open",
            "sequenceType": sequence, "method": "directdebit" if sequence == "recurring" else None,
            "redirectUrl": body.get("redirectUrl"), "webhookUrl": body.get("webhookUrl"),
            "profileId": "pfl_QkEhN94Ba", "details": None,
        }  # fmt: skip
        if self.expires_at and sequence != "recurring":
            payment["expiresAt"] = self.expires_at
        if customer:
            payment["customerId"] = customer
        if mandate_id:
            payment["mandateId"] = mandate_id
        self.payments[payment_id] = payment
        return Reply(201, self._payment_json(payment))

    def _payment_json(self, p: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in p.items() if v is not None}
        out["isCancelable"] = self.cancelable(p)
        links: dict[str, Any] = {"self": {"href": f"https://api.mollie.com/v2/payments/{p['id']}",
                                          "type": "application/hal+json"}}  # fmt: skip
        if p["status"] == "open" and p["sequenceType"] != "recurring":
            links["checkout"] = {"href": f"https://www.mollie.com/checkout/test-mode?method=ideal&token={p['id']}",
                                 "type": "text/html"}  # fmt: skip
        if self.refunds.get(p["id"]):
            links["refunds"] = {"href": f"https://api.mollie.com/v2/payments/{p['id']}/refunds",
                                "type": "application/hal+json"}  # fmt: skip
        if self.chargebacks.get(p["id"]):
            links["chargebacks"] = {"href": f"https://api.mollie.com/v2/payments/{p['id']}/chargebacks",
                                    "type": "application/hal+json"}  # fmt: skip
        out["_links"] = links
        return out

    def _mandate_json(self, m: dict[str, Any]) -> dict[str, Any]:
        body = fixture("customer_mandate_single.json")
        body.update({k: v for k, v in m.items() if k not in ("customer", "details")})
        body["details"] = m["details"]
        body["_links"]["self"]["href"] = (
            f"https://api.mollie.com/v2/customers/{m['customer']}/mandates/{m['id']}"
        )
        return body

    # -- what the debtor and the banks do ------------------------------------------------------
    def settle(
        self,
        payment_id: str,
        status: str,
        reason_code: str | None = None,
        paid_at: str = "2026-01-06T10:00:00+00:00",
    ) -> None:
        """The payment ends ``paid`` (at ``paid_at``, Mollie's ``paidAt``, UTC), ``failed``
        (with the bank's reason), ``expired`` or ``canceled``. A first payment that is paid
        creates the mandate."""
        p = self.payments[payment_id]
        if p["status"] in ("paid", "failed", "expired", "canceled") and p["status"] != status:
            raise ValueError(f"payment {payment_id} is {p['status']}: it ends only once")
        p["status"] = status
        if status == "paid":
            p["paidAt"] = paid_at
            if p["sequenceType"] == "first":
                mandate_id = self._id("mdt_")
                self.mandates[mandate_id] = {
                    "resource": "mandate", "id": mandate_id, "status": "valid", "method": "directdebit",
                    "customer": p["customerId"], "signatureDate": "2026-01-06",
                    "mandateReference": f"INNING-{mandate_id}",
                    "details": {"consumerName": "Debtor D1", "consumerAccount": "NL55INGB0000000000",
                                "consumerBic": "INGBNL2A"},
                }  # fmt: skip
                p["mandateId"] = mandate_id
                p["method"] = "ideal"
        if status == "failed" and reason_code:
            p["details"] = {"bankReasonCode": reason_code, "bankReason": "Insufficient funds"}

    def chargeback(self, payment_id: str, at: str = "2026-03-10T17:00:52.0Z") -> None:
        """The debtor's bank takes the money back at ``at`` (Mollie's ``createdAt``): the
        payment stays ``paid``; the chargeback carries ``settlementAmount``, negative."""
        p = self.payments[payment_id]
        assert p["status"] == "paid"
        p["amountChargedBack"] = p["amount"]
        self.chargebacks.setdefault(payment_id, []).append({
            "resource": "chargeback", "id": f"chb_{len(self.chargebacks) + 1:06d}", "amount": p["amount"],
            "settlementAmount": {"currency": "EUR", "value": f"-{p['amount']['value']}"},
            "createdAt": at, "reversedAt": None, "paymentId": payment_id,
            "reason": {"code": "MD06", "description": "Refund requested by the debtor"},
        })  # fmt: skip

    def refund(
        self, payment_id: str, value: str | None = None, at: str = "2026-03-10T17:09:02.0Z"
    ) -> None:
        """The merchant refunds ``value`` (all that remains when None) at ``at`` (Mollie's
        ``createdAt``); the payment's status stays ``paid``. Mollie refuses more than remains."""
        p = self.payments[payment_id]
        paid = Decimal(p["amount"]["value"])
        done = Decimal((p.get("amountRefunded") or {"value": "0.00"})["value"])
        amount = paid - done if value is None else Decimal(value)
        assert AMOUNT.fullmatch(f"{amount:.2f}") and 0 < amount <= paid - done
        p["amountRefunded"] = {"currency": "EUR", "value": f"{done + amount:.2f}"}
        p["amountRemaining"] = {"currency": "EUR", "value": f"{paid - done - amount:.2f}"}
        self.refunds.setdefault(payment_id, []).append({
            "resource": "refund", "id": f"re_{sum(map(len, self.refunds.values())) + 1:06d}",
            "amount": {"currency": "EUR", "value": f"{amount:.2f}"}, "status": "pending",
            "createdAt": at, "description": "", "metadata": None, "paymentId": payment_id,
        })  # fmt: skip

    # Mollie's refund statuses (https://docs.mollie.com/reference/refunds-api, "status"):
    # queued (waiting for the balance), pending (to be processed), processing (on its way),
    # refunded (done), failed (e.g. the customer's account closed: "the funds will be returned
    # to your account"), canceled (only a queued or pending refund "can be canceled")
    REFUND_MOVES: ClassVar[dict[str, tuple[str, ...]]] = {
        "queued": ("pending", "processing", "refunded", "failed", "canceled"),
        "pending": ("processing", "refunded", "failed", "canceled"),
        "processing": ("refunded", "failed"),
    }

    def refund_status(self, payment_id: str, refund_id: str, status: str) -> None:
        """A refund moves on as Mollie documents (``REFUND_MOVES``; anything else is refused).
        A failed or canceled refund's money stays with the merchant: it is no longer counted in
        the payment's ``amountRefunded`` and ``amountRemaining`` gets it back. (The payment's
        status stays ``paid``; Inning reads the refunds list, not only these totals.)"""
        [r] = [r for r in self.refunds[payment_id] if r["id"] == refund_id]
        if status not in self.REFUND_MOVES.get(r["status"], ()):
            raise ValueError(f"refund {refund_id} is {r['status']}: it cannot become {status}")
        r["status"] = status
        if status in ("failed", "canceled"):
            p = self.payments[payment_id]
            back = Decimal(r["amount"]["value"])
            refunded = Decimal(p["amountRefunded"]["value"]) - back
            p["amountRefunded"] = {"currency": "EUR", "value": f"{refunded:.2f}"}
            remaining = Decimal(p["amount"]["value"]) - refunded
            p["amountRemaining"] = {"currency": "EUR", "value": f"{remaining:.2f}"}

    def reverse_chargeback(
        self, payment_id: str, chargeback_id: str, at: str = "2026-03-20T09:00:00.0Z"
    ) -> None:
        """The debtor's bank reverses a chargeback: Mollie sets its ``reversedAt`` (the
        chargeback stays listed). Only a chargeback not reversed yet can be."""
        [c] = [c for c in self.chargebacks[payment_id] if c["id"] == chargeback_id]
        if c.get("reversedAt"):
            raise ValueError(f"chargeback {chargeback_id} was reversed already")
        c["reversedAt"] = at

    def to_bank(self, payment_id: str) -> None:
        """Mollie sends the direct debit to the debtor's bank: it can no longer be canceled."""
        assert self.payments[payment_id]["status"] == "pending"
        self.sent_to_bank.add(payment_id)

    def revoke(self, mandate_id: str) -> None:
        self.mandates[mandate_id]["status"] = "invalid"

    def posted(self, sequence: str) -> list[dict[str, Any]]:
        return [p for p in self.payments.values() if p["sequenceType"] == sequence]


@contextmanager
def mollie_world() -> Iterator[MollieWorld]:
    world = MollieWorld()
    with serve(world.handle) as server:
        world.server = server
        yield world
