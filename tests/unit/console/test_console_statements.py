"""The client's admin reads its settlement statements in the console (agency21 F3): before, a
client's people could not get their afdrachtspecificatie anywhere. Staff of the client and of
the agency, who may not read settlements in the API, get neither the page nor its files."""

from __future__ import annotations

import io
from typing import Any

import pypdf

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import desk_for
from tests.unit.settlement.test_settlement_api import setup


def test_the_clients_admin_lists_and_downloads_its_statements(world: Any, tenants: Any) -> None:
    run_id, _ = setup(world)
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "admin@c1.example")
    assert "Nog geen goedgekeurde afdrachten." in admin.get("/statements").encoded().decode()
    world.agency_a.call("POST", f"/v1/settlements/{run_id}/approve")
    page = admin.get("/statements")
    text = page.encoded().decode()
    assert page.status == 200 and 'href="/api/console/statements' in text
    sid = f"{run_id}-{tenants.c1}"
    assert sid in text and "€ 107,72" in text and "Afrekeningen" in text
    pdf = admin.get(f"/statements/{sid}/{sid}.pdf")
    assert pdf.status == 200 and pdf.content_type == "application/pdf"
    assert "107,72" in pypdf.PdfReader(io.BytesIO(pdf.encoded())).pages[0].extract_text()
    assert admin.get(f"/statements/{sid}/pain.001.xml").status == 404


def test_staff_get_neither_the_page_nor_a_file(world: Any, tenants: Any) -> None:
    run_id, _ = setup(world)
    world.agency_a.call("POST", f"/v1/settlements/{run_id}/approve")
    sid = f"{run_id}-{tenants.c1}"
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    assert staff.get("/statements").status == 403
    assert staff.get(f"/statements/{sid}/{sid}.pdf").status == 403
    assert "Afrekeningen" not in staff.get("/today").encoded().decode()
