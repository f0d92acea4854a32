# ruff: noqa: F811
"""What ops see of the prescription watch per client (``inning watch prescription``): the
schedule rows (count, oldest, not taken yet) and the claims held past their date until a
person decides; the figures follow the run's own records."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from shared.cli.main import main
from shared.services.operations.prescription_overview import PrescriptionOverview
from tests.unit.api.conftest import invoice_row
from tests.unit.dunning.test_prescription_watch import REASON, at, engine  # noqa: F401


def test_rows_and_holds_of_a_client(engine):
    world, client = engine
    a = world.agency_a
    overview = PrescriptionOverview(world.store, world.clock)
    before = overview.client(client.client_id)
    assert (before.rows, before.held, before.oldest_row, before.oldest_hold) == (0, 0, None, None)
    # OLD: a consumer sale due 2022-06-30, prescribed 2024-07-01 (7:28): held at import;
    # F1: young, its workflow's row; G1: another held claim, paid later
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("OLD", "D1", invoice_date="2022-06-01", due_date="2022-06-30",
                    amount="1000.00", claim_kind="consumer_sale"),
        invoice_row("G1", "D1", invoice_date="2022-08-01", due_date="2022-08-31",
                    amount="50.00", claim_kind="consumer_sale"),
        invoice_row("F1", "D1", invoice_date="2025-02-01", due_date="2025-03-10"),
    ]})  # fmt: skip
    imported = overview.client(client.client_id)
    assert (imported.rows, imported.oldest_row, imported.overdue_rows) == (3, date(2025, 3, 3), 0)
    at(world, client, date(2025, 3, 3))
    figures = overview.client(client.client_id)
    # the held claims have no row left (a person decides); F1 waits for its workflow's step
    assert (figures.rows, figures.held, figures.oldest_hold, figures.decided) == (
        1, 2, date(2024, 7, 1), 0,
    )  # fmt: skip
    assert figures.oldest_row is not None and figures.oldest_row > date(2025, 3, 3)
    # no run for a week: F1's row is now overdue
    world.clock.at = datetime.combine(
        figures.oldest_row + timedelta(days=7), datetime.min.time(), UTC
    )
    assert overview.client(client.client_id).overdue_rows == 1
    # G1 is paid by a credit note: no longer held; OLD released by a person: decided
    assert a.call("POST", "/v1/clients/C1/invoices/G1/credit").status == 200
    assert (
        a.call(
            "POST", "/v1/clients/C1/invoices/OLD/prescription", {"release": True, "reason": REASON}
        ).status
        == 200
    )
    figures = overview.client(client.client_id)
    assert (figures.held, figures.oldest_hold, figures.decided) == (0, None, 1)


def test_the_command_reports_one_client(engine, capsys, monkeypatch):
    world, _ = engine

    class Wired:  # the command's services: the test world's
        def __call__(self):
            return world.services

    monkeypatch.setattr("shared.cli.app_settings.cli_services", Wired())
    assert main(["watch", "prescription", "--agency", "agency-a", "--client", "C1", "--json"]) == 0
    out = capsys.readouterr().out
    assert '"client": "C1"' in out and '"held": 0' in out
    assert main(["watch", "prescription", "--agency", "agency-a", "--client", "NONE"]) == 2
