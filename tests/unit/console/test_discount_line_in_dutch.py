"""A discount's contact-log line in the page's language (newcomer19 F9): D-2 disputed T-103,
the agency let half go as a discount, and the Dutch contact-log report and timeline read
"Discount CN-1: € 1.250,00 off invoice T-103 from 2026-12-03" while the credit note's line
beside it was Dutch. The API keeps the stored English text."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from shared.api.console.contact_text import summary
from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.console.conftest import desk_for

STORED = "Discount CN-1: € 1.250,00 off invoice T-103 from 2026-12-03: de helft was verwelkt"


def test_the_discount_line_reads_dutch_on_the_dossier(world):  # type: ignore[no-untyped-def]
    a = world.agency_a
    world.clock.at = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D-2", kind="b2b")]})
    row = invoice_row("T-103", "D-2", amount="2500.00", invoice_date="2026-10-02",
                      due_date="2026-11-01")  # fmt: skip
    assert not a.call("POST", "/v1/clients/C1/invoices", {"items": [row]}).body.get("errors")
    credited = a.call("POST", "/v1/clients/C1/invoices/T-103/credit", {
        "amount": "1250.00", "reference": "CN-1", "kind": "discount",
        "reason": "de helft was verwelkt"})  # fmt: skip
    assert credited.status == 200, credited.body
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    staff = desk_for(world, Role.CLIENT_STAFF, client_id, "s@c1.example")
    page = re.sub(r"\s+", " ", staff.get("/dossier/D-2?lang=nl").encoded().decode())
    assert (
        "Korting CN-1: € 1.250,00 op factuur T-103 vanaf 2026-12-03: de helft was verwelkt" in page
    )
    assert "off invoice" not in page


def test_the_discount_line_in_each_language():
    assert summary(STORED, "nl") == (
        "Korting CN-1: € 1.250,00 op factuur T-103 vanaf 2026-12-03: de helft was verwelkt"
    )
    assert summary(STORED, "en") == (
        "Discount CN-1: EUR 1,250.00 off invoice T-103 from 2026-12-03: de helft was verwelkt"
    )
