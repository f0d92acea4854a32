"""Mollie API v2 over httpx: create a payment, read one, list its refunds and chargebacks.

Amounts travel as Mollie wants them (a string with exactly two decimals, "EUR"); inside
Inning they are cents. A payment id Mollie does not know (404) is ``None``: a webhook for an
unknown or foreign id changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from shared.domain.money import Cents, cents_from_decimal, format_cents


class MollieError(Exception):
    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


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


@dataclass(frozen=True)
class MollieRefund:
    refund_id: str
    amount: Cents
    status: str


def _cents(amount: dict[str, str] | None) -> Cents:
    if not amount:
        return 0
    if amount.get("currency", "EUR") != "EUR":
        raise MollieError(f"unexpected currency {amount.get('currency')}")
    return cents_from_decimal(Decimal(amount["value"]))


def _payment(data: dict[str, Any]) -> MolliePayment:
    checkout = (data.get("_links") or {}).get("checkout") or {}
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
    )


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

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any] | None:
        try:
            response = self.http.request(
                method, f"{self.base_url}{path}", headers=self.headers, **kwargs
            )
        except httpx.TransportError as exc:
            raise MollieError(f"Mollie unreachable: {exc}", transient=True) from exc
        if response.status_code == 404:
            return None
        if response.status_code in (429, 500, 502, 503, 504):
            raise MollieError(f"Mollie answered {response.status_code}", transient=True)
        if not response.is_success:
            try:
                body = response.json()
            except ValueError:
                body = {}
            detail = body.get("detail") or body.get("error_description") or response.text[:200]
            raise MollieError(f"Mollie refused ({response.status_code}): {detail}")
        data: dict[str, Any] = response.json()
        return data

    def create_payment(
        self,
        *,
        amount: Cents,
        description: str,
        redirect_url: str,
        webhook_url: str | None,
        metadata: dict[str, Any],
        locale: str = "nl_NL",
    ) -> MolliePayment:
        body: dict[str, Any] = {
            "amount": {"currency": "EUR", "value": format_cents(amount)},
            "description": description[:255],
            "redirectUrl": redirect_url,
            "metadata": metadata,
            "locale": locale,
        }
        if webhook_url:
            body["webhookUrl"] = webhook_url
        data = self._call("POST", "/payments", json=body)
        if data is None:
            raise MollieError("Mollie did not create the payment")
        return _payment(data)

    def get_payment(self, payment_id: str) -> MolliePayment | None:
        if not payment_id.startswith("tr_"):
            return None
        data = self._call("GET", f"/payments/{payment_id}")
        return _payment(data) if data else None

    def refunds(self, payment_id: str) -> list[MollieRefund]:
        data = self._call("GET", f"/payments/{payment_id}/refunds") or {}
        items = (data.get("_embedded") or {}).get("refunds", [])
        return [MollieRefund(r["id"], _cents(r.get("amount")), r.get("status", "")) for r in items]
