"""``GET /v1/clients/{client}/payments`` shows the bank charges kept on a payment
(``bank_charges``, cents; stmt12 #3): 250.00 paid by the debtor, 12.50 kept by the pooled
account's bank, 237.50 arrived. An additive field, in the OpenAPI document with the others."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.domain.settlement.agreement import Recipient
from tests.unit.settlement.test_bank_charges import _ing_file, _pooled_world


def test_the_payments_list_shows_the_charges_the_bank_kept(world: Any) -> None:
    ref = _pooled_world(world, Recipient.AGENCY)
    world.clock.at = datetime(2026, 12, 2, 18, 0, tzinfo=UTC)
    assert world.services.statements.ingest("agency-a/ing.sta", _ing_file(ref)).booked == 1
    (listed,) = world.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert (listed["amount"], listed["bank_charges"]) == (25_000, 1_250)


def test_the_field_is_in_the_openapi_document(world: Any) -> None:
    doc = world.agency_a.call("GET", "/v1/openapi.json").body
    props = doc["components"]["schemas"]["PaymentOut"]["properties"]
    assert props["bank_charges"]["type"] == "integer"
    assert "kept" in props["bank_charges"]["description"]
