"""A small invoice nobody paid any of is dunned as any other, also beside the cents a late
payment left of another (review codereview9 F2: D1's new EUR 3.00 invoice F2 was held back with
F1's rest, since the minimum held the debtor back when any invoice had been paid)."""

from __future__ import annotations

from tests.unit.api.conftest import invoice_row
from tests.unit.dunning.test_daily_run import simulate
from tests.unit.dunning.test_dunning_minimum import _paid_late


def test_small_unpaid_invoice_next_to_a_paid_rest_is_dunned(world):
    world, client = _paid_late(world)
    a = world.agency_a
    r = a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {"items": [invoice_row("F2", "D1", due_date="2025-03-20", amount="3.00")]},
    )
    assert r.status in (200, 201, 207), r.body
    sent = simulate(world, client, 60)
    d1 = [s for s in sent if s[2] == "D1"]
    assert any("F2" in s[3] for s in d1), "F2 (EUR 3.00, nothing paid) was never dunned"
