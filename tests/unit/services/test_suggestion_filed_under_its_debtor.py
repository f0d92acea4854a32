"""A suggestion whose candidate invoices are all one debtor's is filed under that debtor
(newcomer27 F5): Bakkerij de Molen paid 3,257.51 quoting its reminder's "10001 2026-0101
2026-0102", a day's interest more than was open, and the `payment_suggestion` offered only
debtor 10001's two invoices yet carried `debtor_number: null`: the console's action list showed
an empty Debtor column, with no link to his dossier. Candidates of several debtors name none."""

from __future__ import annotations

from tests.unit.services.test_statement_ingest import paid_line, statement
from tests.unit.services.test_statement_ingest import setup as setup


def _suggestions(world):
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [x for x in items if x["kind"] == "payment_suggestion"]


def test_a_suggestion_of_one_debtors_invoices_names_him(setup):
    # F-0001 (121.00) and F-0002 (50.00) are D1's: 171.50 is 0.50 more than both
    line = paid_line(17_150, "F-0001 F-0002", name="Jan de Vries", end_to_end_id="E1")
    report = setup.services.statements.ingest("agency-a/s1.sta", statement([line]))
    assert report.booked == 0 and report.suggested == 1, report
    [item] = _suggestions(setup)
    offered = {s["invoice"] for s in item["detail"]["suggestions"]}
    assert offered and offered <= {"F-0001", "F-0002"}, item["detail"]
    assert {s["debtor"] for s in item["detail"]["suggestions"]} == {"D1"}
    # the stored item's field, which the console's list shows (and links to his dossier) too
    assert item["debtor_number"] == "D1"  # was: None


def test_a_suggestion_of_two_debtors_invoices_names_nobody(setup):
    # F-0002 (D1, 50.00) and F-0003 (D2, 77.00) named together, 127.50: whose is unknown
    line = paid_line(12_750, "F-0002 F-0003", name="Onbekend", end_to_end_id="E2")
    setup.services.statements.ingest("agency-a/s2.sta", statement([line], sid="S2"))
    [item] = _suggestions(setup)
    assert {s["debtor"] for s in item["detail"]["suggestions"]} == {"D1", "D2"}, item["detail"]
    assert item["debtor_number"] is None
