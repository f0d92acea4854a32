"""The Mollie client against a local server serving Mollie's real responses (the corpus)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from shared.adapters.mollie import MollieClient, MollieError
from tests.conftest import MOLLIE
from tests.support.stand_in import Received, Reply, serve


def body(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((MOLLIE / name).read_text())
    return data


def fake(r: Received) -> Reply:
    if r.headers.get("authorization") != "Bearer test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM":
        return Reply(401, body("error_unauthorized.json"))
    if r.method == "DELETE" and r.path == "/v2/payments/tr_7UhSN1zuXS":
        return Reply(200, body("payment_canceled.json"))  # Mollie's "Cancel payment" answer
    if r.method == "DELETE" and r.path == "/v2/payments/tr_canceled":
        return Reply(422, {"status": 422, "title": "Unprocessable Entity",
                           "detail": "The payment cannot be canceled"})  # fmt: skip
    if r.method == "POST" and r.path == "/v2/payments":
        payment = body("payment_single.json")
        sent = r.json()
        payment["amount"] = sent["amount"]
        payment["description"] = sent["description"]
        payment["metadata"] = sent["metadata"]
        return Reply(201, payment)
    if r.path == "/v2/payments/tr_7UhSN1zuXS":
        return Reply(200, body("payment_single.json"))
    if r.path == "/v2/payments/tr_canceled":
        return Reply(200, body("payment_canceled.json"))
    if r.path == "/v2/payments/tr_7UhSN1zuXS/refunds":
        return Reply(200, body("refunds_list.json"))
    if r.path == "/v2/payments/tr_busy":
        return Reply(503, {"status": 503, "title": "Service Unavailable"})
    return Reply(
        404, {"status": 404, "title": "Not Found", "detail": "No payment exists with token"}
    )


@pytest.fixture
def mollie():
    with serve(fake) as server:
        yield (
            server,
            MollieClient(
                "test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM",
                base_url=f"{server.url}/v2",
                http=httpx.Client(),
            ),
        )


def test_create_payment_sends_mollies_amount_format(mollie):
    server, client = mollie
    payment = client.create_payment(amount=12_150, description="Facturen F-0001 F-0002", redirect_url="https://x/return",
                                    webhook_url="https://x/api/mollie/webhook", metadata={"debtor": "D1", "invoices": ["F-0001"]})  # fmt: skip
    sent = server.received[0].json()
    assert sent["amount"] == {"currency": "EUR", "value": "121.50"}
    assert sent["webhookUrl"] == "https://x/api/mollie/webhook" and sent["metadata"][
        "invoices"
    ] == ["F-0001"]
    assert payment.payment_id == "tr_7UhSN1zuXS" and payment.amount == 12_150
    assert payment.checkout_url and payment.checkout_url.startswith("https://")


def test_read_payments_refunds_and_unknown_ids(mollie):
    _, client = mollie
    payment = client.get_payment("tr_7UhSN1zuXS")
    expected = int(Decimal(body("payment_single.json")["amount"]["value"]) * 100)
    assert payment is not None and payment.status == "open" and payment.amount == expected
    assert client.get_payment("tr_canceled").status == "canceled"  # type: ignore[union-attr]
    assert client.get_payment("tr_unknown") is None
    assert client.get_payment("not-a-payment-id") is None
    refunds = client.refunds("tr_7UhSN1zuXS")
    assert refunds and all(r.refund_id.startswith("re_") and r.amount > 0 for r in refunds)


def test_errors(mollie):
    server, client = mollie
    with pytest.raises(MollieError) as busy:
        client.get_payment("tr_busy")
    assert busy.value.transient
    bad = MollieClient("live_wrong", base_url=f"{server.url}/v2", http=httpx.Client())
    with pytest.raises(MollieError) as denied:
        bad.get_payment("tr_7UhSN1zuXS")
    assert not denied.value.transient and "authenticate" in str(denied.value)


def test_cancel_payment_reads_mollies_canceled_payment_and_its_refusals(mollie):
    server, client = mollie
    canceled = client.cancel_payment("tr_7UhSN1zuXS")
    assert canceled is not None and canceled.status == "canceled" and not canceled.is_cancelable
    assert server.requests("DELETE", "/v2/payments/tr_7UhSN1zuXS")
    with pytest.raises(MollieError) as refused:  # no longer cancelable
        client.cancel_payment("tr_canceled")
    assert refused.value.status == 422 and not refused.value.transient
    assert client.cancel_payment("tr_unknown") is None  # 404
    payment = client.get_payment("tr_7UhSN1zuXS")
    assert payment is not None and payment.is_cancelable is False  # as the fixture says
