"""A payment Inning booked on a claim, and a payment plan over it the debtor agreed, are
acknowledgements that interrupt prescription (art. 3:318 BW); the new period runs from the
next day (3:319): the watch counts them as it counts a recorded one (law7 finding 3).

Hand: business B1, B-1 800.00 due 2020-06-30: five years (3:307) from 2020-07-01, so it
prescribes on 2025-07-01 without an interruption. Acknowledged on 2024-01-15: five years from
2024-01-16, so 2029-01-16; the warning comes 60 days before, on 2028-11-17."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, WORKFLOW, day

ACKNOWLEDGED = date(2024, 1, 15)


@pytest.fixture
def b2b(world):
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2024, 1, 10, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    for tid, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{tid}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/particulier", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    # consumers only: the business debtor gets no dunning, so no written demand interrupts
    rules = {"rules": [{"workflow": "particulier", "kind": "b2c"}]}
    assert a.call("PUT", "/v1/clients/C1/segment-rules", rules).status == 200
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("B1", name="BV", kind="b2b")]})
    created = a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "B-1", "B1", invoice_date="2020-06-01", due_date="2020-06-30", amount="800.00")]})  # fmt: skip
    assert created.body["created"] == 1, created.body
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    return world, client


def _at(world, client, on: date) -> None:
    world.clock.at = datetime(on.year, on.month, on.day, 8, 0, tzinfo=UTC)
    day(world, client)


def _items(world) -> list[tuple[str, str]]:
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [
        (i["detail"]["prescribes_on"], i["title"]) for i in items if i["kind"] == "prescription"
    ]


def _watched(world, client) -> list[tuple[str, str]]:
    for on in (date(2025, 5, 5), date(2025, 7, 2)):  # warning day and day after, uninterrupted
        _at(world, client, on)
    assert _items(world) == [], "an acknowledged claim is warned about or held"
    _at(world, client, date(2028, 11, 17))
    return _items(world)


def test_a_part_payment_booked_in_inning_interrupts(b2b):
    world, client = b2b
    world.clock.at = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id="bank-1", amount=30_000, received_on=ACKNOWLEDGED,
        source=PaymentSource.BANK, invoice_numbers=["B-1"],
    )  # fmt: skip
    [(on, title)] = _watched(world, client)
    assert on == "2029-01-16"
    assert "acknowledged the claim" in title and "15-01-2024" in title


def test_a_payment_plan_the_debtor_agreed_interrupts(b2b):
    world, client = b2b
    a = world.agency_a
    world.clock.at = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
    plan = a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "B1", "invoices": ["B-1"], "start": "2024-02-15", "installments": 2})  # fmt: skip
    assert plan.status in (200, 201), plan.body
    activated = a.call("POST", f"/v1/clients/C1/plans/{plan.body['plan_id']}/activate")
    assert activated.status == 200, activated.body
    [(on, _)] = _watched(world, client)
    assert on == "2029-01-16"


def test_without_an_acknowledgement_the_claim_is_warned_and_held(b2b):
    world, client = b2b
    _at(world, client, date(2025, 5, 5))
    _at(world, client, date(2025, 7, 2))
    assert [on for on, _ in _items(world)] == ["2025-07-01", "2025-07-01"]
