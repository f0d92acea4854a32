"""A day in a query parameter is YYYY-MM-DD only, like a day in a body: ``?on=20261204`` and
``?on=2026-W49-5`` were read by ``date.fromisoformat`` as 4 December (leftover32)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.api.common import DATE_EXPECTED, iso_day
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row

INVOICES = "/v1/clients/C1/invoices"
NOT_THE_FORM = ("20261204", "2026-W49-5", "2026-12-4", " 2026-12-04", "2026-12-04T00:00")


@pytest.mark.parametrize("text", NOT_THE_FORM)
def test_the_shared_parser_reads_only_the_api_form(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        iso_day(text)
    assert iso_day("2026-12-04") == date(2026, 12, 4)
    assert DATE_EXPECTED.startswith("expected a date as YYYY-MM-DD")


def test_claim_routes_and_open_items_refuse_other_forms(world: World) -> None:
    world.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    row = invoice_row("F1", "D1", amount="100.00", invoice_date="2025-11-01",
                      due_date="2025-12-01")  # fmt: skip
    assert a.call("POST", INVOICES, {"items": [row]}).status == 200
    paths = (
        f"{INVOICES}/F1/claim",
        "/v1/clients/C1/debtors/D1/claim",
        "/v1/clients/C1/reports/open-items",
    )
    for path in paths:
        assert a.call("GET", path, on="2026-01-05").status == 200, path
        for text in ("20260105", "2026-W02-1"):
            refused = a.call("GET", path, on=text)
            assert refused.status == 400, (path, text, refused.body)
            assert refused.body["error"]["field"] == "on"
