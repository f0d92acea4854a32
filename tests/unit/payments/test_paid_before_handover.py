"""Money the debtor paid the client before the claim was handed over (the client's own
receipts, imported as a lower open amount) is named as a payment, never as a credit: the
debtor reading "gecrediteerd" in the portal thinks he got a credit note (console7 F6). A real
credit note still reads as one."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.api.console.dossier_claims import of_claim
from shared.api.portal_app import PortalApp
from shared.api.portal_figures import invoice_figures
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.payments.test_portal_review6 import _claim, _enter


def _imported(world):  # type: ignore[no-untyped-def]
    """P1: EUR 363 of which the client's books say EUR 163 is open (EUR 200 paid to the client
    before the hand-over); C1: EUR 100 with a EUR 30 credit note booked through Inning."""
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("V1")]})
    a.call("POST", "/v1/clients/V1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/V1/invoices", {"items": [
        invoice_row("P1", "D1", amount="363.00", open_amount="163.00"),
        invoice_row("C1", "D1", amount="100.00"),
    ]})  # fmt: skip
    noted = a.call("POST", "/v1/clients/V1/invoices/C1/credit",
                   {"amount": "30.00", "reference": "CN-9"})  # fmt: skip
    assert noted.status == 200, noted.body
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "V1")
    return client


def test_the_ledger_names_the_earlier_receipts_apart_from_credits(world):
    _imported(world)
    paid_before = _claim(world, "P1")
    assert paid_before["paid_before_handover"] == "200.00"
    assert paid_before["credited"]["principal"] == "200.00"  # the contract: open adds up
    assert paid_before["open"]["principal"] == "163.00"
    credit_note = _claim(world, "C1")
    assert credit_note["paid_before_handover"] == "0.00"
    assert credit_note["credited"]["principal"] == "30.00"


def test_the_portal_says_paid_before_hand_over_and_keeps_the_credit_note(world):
    client = _imported(world)
    token = world.services.portal.links.token(client.client_id, "D1")
    view = world.services.portal.overview(world.services.portal.enter(token, "192.0.2.1"))
    rows = {inv.number: invoice_figures(inv, view.claims[inv.number]) for inv in view.invoices}
    assert [(r.key, r.cents) for r in rows["P1"].rows if r.cents < 0] == [
        ("inv_paid_before", -20_000)
    ]
    assert [(r.key, r.cents, r.note) for r in rows["C1"].rows if r.cents < 0] == [
        ("inv_credited", -3_000, "CN-9")
    ]
    assert all(f.adds_up for f in rows.values())
    page = _enter(world, PortalApp(world.services), client).page()
    # not "Betaald vóór overdracht": nothing was handed over to an agency, and a debtor reading
    # "overdracht" on his creditor's own page fears a collection agency (debtor24 D10)
    assert "Eerder betaald" in page and "overdracht" not in page
    assert page.count("Gecrediteerd") == 1  # the credit note only


def test_the_dossier_counts_the_earlier_receipts_as_paid(world):
    """The dossier's row (console/dossier_claims): the EUR 200 in the paid column, none
    credited; the row still adds up to what is open (interest included)."""
    client = _imported(world)
    token = world.services.portal.links.token(client.client_id, "D1")
    view = world.services.portal.overview(world.services.portal.enter(token, "192.0.2.1"))
    claims = view.claims
    row = of_claim(claims["P1"])
    assert (row.paid, row.credited) == (20_000, 0)
    assert row.charged - row.settled == row.open == claims["P1"].open.total
    assert claims["C1"].paid_before_handover == 0  # the credit note stays credited
    assert of_claim(claims["C1"]).credited == claims["C1"].credited.total >= 3_000
