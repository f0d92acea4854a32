"""The local Mollie refuses what Mollie refuses (provfix32): a body that is not JSON (400,
Mollie's error body) and metadata over "approximately 1kB" (422 naming ``metadata``); the
client says the latter before it asks."""

from __future__ import annotations

import httpx
import pytest

from shared.adapters.mollie import MollieClient, MollieError
from tests.support.mollie_stand_in import mollie_world

PAYMENT = {"amount": {"currency": "EUR", "value": "10.00"}, "description": "F1",
           "redirectUrl": "https://x/return"}  # fmt: skip


def test_the_stand_in_refuses_malformed_json_and_large_metadata():
    with mollie_world() as m:
        auth = {"Authorization": f"Bearer {m.api_key}", "Content-Type": "application/json"}
        bad = httpx.post(f"{m.url}/payments", content=b'{"amount": ', headers=auth)
        assert bad.status_code == 400
        assert {"status", "title", "detail", "_links"} <= set(bad.json())
        big = {**PAYMENT, "metadata": {"invoices": ["x" * 40] * 30}}
        refused = httpx.post(f"{m.url}/payments", json=big, headers=auth)
        assert refused.status_code == 422 and refused.json()["field"] == "metadata"
        fits = {**PAYMENT, "metadata": {"invoices": ["x" * 40] * 20}}
        assert httpx.post(f"{m.url}/payments", json=fits, headers=auth).status_code == 201


def test_the_client_refuses_metadata_mollie_would_refuse_before_asking():
    with mollie_world() as m:
        client = MollieClient(m.api_key, base_url=m.url)
        with pytest.raises(MollieError) as refused:
            client.create_payment(amount=1000, description="F1", redirect_url="https://x/r",
                                  webhook_url=None, metadata={"n": ["x" * 40] * 30})  # fmt: skip
        assert refused.value.field == "metadata" and not refused.value.transient
        assert m.server is not None and m.server.requests("POST") == []
