"""law13b F3: the import refuses a claim raised after its 14-day letter, and its advice keeps the
one performance one claim for the costs: the difference as a new invoice dated and due as the
original (Besluit BIK art. 2 lid 1: the staffel over the claim's principal; 6:96 lid 7 BW).

Consumer D1, F1 1,000.00 (invoice 1-11-2025, due 1-12-2025), the client's letter of 5-1-2026
(150.00 from 22-1). On 26-1 the client corrects F1 to 3,000.00: refused. Done as advised, F2
2,000.00 dated 1-11, due 1-12-2025, with its own letter of 26-1 (term to 11-2), joins F1's
notice: 15 % x 2,500 + 10 % x 500 = 425.00 over the two on 1-3 (141.67 + 283.33). A difference
dated 20-1 (the old advice: "a new invoice") is a claim of its own: 150.00 + 300.00 = 450.00."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.api.console.upload_reasons import reason
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, make_world

INVOICES = "/v1/clients/C1/invoices"


def _lettered() -> Any:
    w: Any = make_world()
    a = w.agency_a
    w.clock.at = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    row = invoice_row("F1", "D1", amount="1000.00", invoice_date="2025-11-01",
                      due_date="2025-12-01", fourteen_day_letter_on="2026-01-05")  # fmt: skip
    assert not a.call("POST", INVOICES, {"items": [row]}).body["errors"]
    w.clock.at = datetime(2026, 1, 26, 9, 0, tzinfo=UTC)
    return w


def _costs_on_1_march(a: Any) -> list[str]:
    return [
        a.call("GET", f"{INVOICES}/{n}/claim", on="2026-03-01").body["open"]["costs"]
        for n in ("F1", "F2")
    ]


def test_the_refusal_advises_dating_the_difference_as_the_original_claim() -> None:
    w = _lettered()
    a = w.agency_a
    raised = invoice_row("F1", "D1", amount="3000.00", invoice_date="2025-11-01",
                         due_date="2025-12-01", fourteen_day_letter_on="2026-01-05")  # fmt: skip
    [error] = a.call("POST", INVOICES, {"items": [raised]}).body["errors"]
    assert error["field"] == "amount"
    message = error["message"]
    assert "with this invoice's invoice date and due date (2025-11-01, due 2025-12-01)" in message
    assert "one scale over the whole amount" in message
    dutch = reason(message, "nl")
    assert "met de factuur- en vervaldatum van deze factuur (01-11-2025, vervaldatum " in dutch
    assert "01-12-2025) en een eigen veertiendagenbrief" in dutch
    assert "één staffel over het hele bedrag" in dutch
    # done as advised: one staffel over 3,000.00
    difference = invoice_row("F2", "D1", amount="2000.00", invoice_date="2025-11-01",
                             due_date="2025-12-01", fourteen_day_letter_on="2026-01-26")  # fmt: skip
    assert not a.call("POST", INVOICES, {"items": [difference]}).body["errors"]
    assert _costs_on_1_march(a) == ["141.67", "283.33"]  # 425.00


def test_a_difference_dated_later_carries_a_staffel_of_its_own() -> None:
    a = _lettered().agency_a
    difference = invoice_row("F2", "D1", amount="2000.00", invoice_date="2026-01-20",
                             due_date="2026-01-20", fourteen_day_letter_on="2026-01-26")  # fmt: skip
    assert not a.call("POST", INVOICES, {"items": [difference]}).body["errors"]
    assert _costs_on_1_march(a) == ["150.00", "300.00"]  # 450.00: 25.00 more
