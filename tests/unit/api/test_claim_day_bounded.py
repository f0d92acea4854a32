"""The claim routes' ``?on=`` is any day up to a year ahead: ``9999-12-31`` answered a 500 from
the interest's calendar (openitems31 found it beside its own route's bound)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row

INVOICES = "/v1/clients/C1/invoices"


def _one_invoice(world: World) -> None:
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    row = invoice_row("F1", "D1", amount="100.00", invoice_date="2025-11-01",
                      due_date="2025-12-01")  # fmt: skip
    assert a.call("POST", INVOICES, {"items": [row]}).status == 200


def test_a_day_a_year_ahead_is_answered_and_one_beyond_refused(world: World) -> None:
    _one_invoice(world)
    a = world.agency_a
    assert a.call("GET", f"{INVOICES}/F1/claim", on="2027-01-07").status == 200  # 366 days
    for path in (f"{INVOICES}/F1/claim", "/v1/clients/C1/debtors/D1/claim"):
        for far in ("2027-01-08", "9999-12-31"):
            refused = a.call("GET", path, on=far)
            assert refused.status == 400, (path, far, refused.body)
            assert refused.body["error"]["field"] == "on"
        assert a.call("GET", path, on="nope").status == 400
        assert a.call("GET", path, on="2025-12-15").status == 200  # the past stays open
