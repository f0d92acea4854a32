"""Event Grid may fire the blob trigger twice for one statement file. The second delivery
books nothing (every statement of the file was marked by the first) and reports the file
"skipped" with 0 lines; its report overwrote the first one's, so the payments page showed the
file as skipped, 0 booked, 0 suggested (failure26 F3: "Processed 0 1" became "skipped 0 0"
and the person was told nothing of the payment the file brought)."""

from __future__ import annotations

import re

from shared.domain.people.authorisation import Role
from shared.services.statements import INBOX
from tests.unit.api.conftest import invoice_row, verify_ibans
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.money_support import post_files, text, with_debtors
from tests.unit.console.test_page_payments import _trigger
from tests.unit.services.test_statement_ingest import paid_line, statement


def test_a_file_delivered_twice_keeps_what_its_first_delivery_did(world, tenants):  # type: ignore[no-untyped-def]
    verify_ibans(world.agency_a, "C1")
    with_debtors(world, "C1", "D1")
    world.agency_a.call(
        "POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F-0001", "D1", amount="121.00")]}
    )
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    account = world.services.repos.clients.get(tenants.c1)[0].ibans[0]
    data = statement([paid_line(12100, "F-0001")], account=account)
    token = csrf_of(staff.get("/payments?lang=en"))
    post_files(staff, "/payments?lang=en", {"csrf": token}, {"file": ("day1.sta", data)})
    (name,) = world.services.files.names(INBOX, f"agency-a/console/{tenants.c1}/")
    _trigger(world, name)
    first = r'day1\.sta</td><td>Processed</td><td class="num">0</td><td class="num">1</td>'
    assert re.search(first, text(staff.get("/payments?lang=en")))
    _trigger(world, name)  # the same blob event delivered again
    assert re.search(first, text(staff.get("/payments?lang=en")))
    assert [a.kind for a in world.services.repos.actions.list(tenants.c1)[0]] == [
        "payment_suggestion"
    ]
