"""An invoice number with a slash ("2025/001", common in Dutch bookkeeping) links to its own
PDF: Jinja's ``urlencode`` keeps "/", so the link was /api/portal/invoice/2025/001, three
segments, a 404 (attack32)."""

from __future__ import annotations

import re

from shared.api.portal_app import PortalApp
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.payments.test_portal import enter


def test_the_pdf_of_an_invoice_numbered_with_a_slash_opens(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    assert a.call("POST", "/v1/clients/C1/invoices",
                  {"items": [invoice_row("2025/001", "D1")]}).status == 200  # fmt: skip
    sent = a.call("PUT", "/v1/clients/C1/invoices/2025%2F001/pdf", raw=b"%PDF-1.4 x")
    assert sent.status == 201, sent.body
    app = PortalApp(world.services)
    browser = enter(world, app)
    links = re.findall(r'href="/api(/portal/invoice/[^"]+)"', browser.page())
    assert links == ["/portal/invoice/2025%2F001"], links
    pdf = browser.go("GET", links[0])
    assert pdf.status == 200 and pdf.raw == b"%PDF-1.4 x"
