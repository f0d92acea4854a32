"""A client's 14-day letter that a moved due date overtook (sent before the new default: no
letter under 6:96 lid 6 BW, law11b F1) does not count as the workflow's 14-day step: the claim
walks the workflow from the start and Inning's own 14-day letter is sent, after which the costs
are owed. F1 due 31-1-2025, the client's letter of 10-2-2025; the sync moves the due date to
20-2-2025 (default from 21-2)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.unit.api.conftest import invoice_row
from tests.unit.dunning.test_daily_run import simulate
from tests.unit.dunning.test_imported_letter import imported  # noqa: F401  (the fixture)


def test_an_overtaken_letter_leaves_the_14_day_step_to_be_sent(imported) -> None:  # noqa: F811
    world, client = imported
    a = world.agency_a
    world.clock.at = datetime(2025, 2, 20, 9, 0, tzinfo=UTC)
    moved = a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", due_date="2025-02-20"),
    ]})  # fmt: skip
    assert moved.body["updated"] == 1, moved.body
    log = simulate(world, client, 75)
    f1 = [ch for _, ch, _, numbers in log if "F1" in numbers]
    assert f1[:3] == ["email", "sms", "letter"]  # from the start, our own 14-day letter
    stored = world.services.repos.invoices.get(client.client_id, "F1").invoice
    assert stored.costs_owed_from is not None
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim",
                   on=stored.costs_owed_from.isoformat()).body  # fmt: skip
    assert claim["open"]["costs"] != "0.00"  # owed again on our letter
