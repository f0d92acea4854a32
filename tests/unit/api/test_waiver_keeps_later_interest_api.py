"""law15c F2 through the API: a waiver of all the interest open (19.73 on 1-6-2025, consumer
F1 1,000.00 due 31-1-2025) leaves the interest to come running (30.08 open on 1-12; before:
0.00, stopped for good); `"stop_interest": true` stops it; with costs it is refused."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row


def test_the_api_waiver_keeps_the_interest_unless_told_to_stop(world: World) -> None:
    world.clock.at = datetime(2025, 6, 1, 10, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [invoice_row("F1", amount="1000.00"), invoice_row("F2", amount="1000.00")]
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["created"] == 2
    base = "/v1/clients/C1/invoices"
    for number, stop in (("F1", None), ("F2", True)):
        body = {"component": "interest", "amount": "19.73", "reason": "accrued interest"}
        r = a.call(
            "POST", f"{base}/{number}/waive", body | ({"stop_interest": stop} if stop else {})
        )
        assert r.status == 200, r.body
        assert r.body["open"]["interest"] == "0.00"
    later = {n: a.call("GET", f"{base}/{n}/claim", on="2025-12-01").body["open"]["interest"]
             for n in ("F1", "F2")}  # fmt: skip
    assert later == {"F1": "30.08", "F2": "0.00"}
    refused = a.call("POST", f"{base}/F1/waive", {"component": "costs", "amount": "1.00",
                                                  "reason": "goodwill", "stop_interest": True})  # fmt: skip
    assert refused.status == 422, refused.body
    assert "waive_stop_interest_costs" in str(refused.body)
