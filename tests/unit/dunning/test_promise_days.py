"""console7 finding 11: a promise to pay was accepted for a day already gone (it holds
nothing) and for any day ahead (2099: a claim parked for decades without a plan)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.unit.api.conftest import client_row, debtor_row, invoice_row

BASE = "/v1/clients/C1/invoices"


def test_a_promise_is_for_a_day_from_today_to_a_year_ahead(world):  # type: ignore[no-untyped-def]
    world.clock.at = datetime(2025, 2, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    assert a.call("POST", BASE, {"items": [invoice_row("F1", "D1")]}).body["created"] == 1
    for gone_or_far in ("2025-02-19", "2026-02-21", "2099-12-31"):
        refused = a.call("POST", f"{BASE}/F1/promise", {"until": gone_or_far})
        assert refused.status == 422, (gone_or_far, refused.body)
        assert "payment plan" in refused.body["error"]["message"]
    for day in ("2025-02-20", "2026-02-20"):
        assert a.call("POST", f"{BASE}/F1/promise", {"until": day}).status == 200, day
    # the same promise again after its day passed (a retry) is no new promise: kept
    world.clock.at = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert a.call("POST", f"{BASE}/F1/promise", {"until": "2026-02-20"}).status == 200
