"""docs/examples/invoices.csv, the open-items export the README's *Getting started* step 3
has a newcomer upload on the console's *Facturen inlezen* (newcomer28 F3: the brief's "CSV
from the docs" did not exist; a newcomer had to write one from the column list), is read as
the README says: three invoices, two new debtors made from their rows, nothing refused."""

from __future__ import annotations

import re

from shared.domain.parties import DebtorKind
from shared.domain.people.authorisation import Role
from tests.conftest import FIXTURES
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.money_support import post_files, text

EXAMPLE = FIXTURES.parent.parent / "docs/examples/invoices.csv"  # the repository's own


def test_the_readme_example_export_is_read_whole(world, tenants):
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    token = csrf_of(admin.get("/upload"))
    page = post_files(
        admin, "/upload", {"csrf": token, "do": "preview"},
        {"file": ("invoices.csv", EXAMPLE.read_bytes())},
    )  # fmt: skip
    shown = text(page)
    assert page.status == 200, shown[:600]
    assert "Worden ingelezen: 3" in shown and "Geweigerd: 0" in shown, shown[:1500]
    assert "Nieuwe debiteuren (worden aangemaakt): 2" in shown
    assert "Totaal factuurbedrag van wat wordt ingelezen: € 1.660,45" in shown
    assert "Kolommen die niet worden ingelezen" not in shown  # every column is read
    upload = re.search(r'name="upload" value="([^"]+)"', shown)
    assert upload, shown[:600]
    done = admin.post("/upload", {"csrf": csrf_of(page), "do": "confirm", "upload": upload[1]})
    assert "Nieuw: 3" in text(done) and "Nieuwe debiteuren aangemaakt: 2" in text(done)
    stored = world.services.repos.invoices.get(tenants.c1, "2026-0001")
    assert stored is not None
    invoice = stored.invoice
    assert (invoice.amount, invoice.debtor_number, invoice.payment_reference) == (
        121000, "D100", "0000000000100001"
    )  # fmt: skip
    debtor = world.services.repos.debtors.get(tenants.c1, "D101")
    assert debtor is not None and debtor[0].kind is DebtorKind.B2B
