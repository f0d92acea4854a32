"""The console's upload preview says why a betalingskenmerk of zeros is refused, in Dutch
(the import's rule: tests/unit/api/test_zero_payment_reference.py)."""

from __future__ import annotations

import html
import re

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.money_support import post_files, text, with_debtors

ZEROS = "0000000000000000"


def test_the_console_preview_says_why_in_dutch(world, tenants):
    with_debtors(world, "C1", "D1")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    token = csrf_of(staff.get("/upload?lang=nl"))
    data = (
        "factuurnummer;debiteur;factuurdatum;vervaldatum;bedrag;betalingskenmerk\n"
        f"N1;D1;01-01-2025;31-01-2025;121,00;{ZEROS}\n"
    ).encode()
    page = post_files(staff, "/upload?lang=nl", {"csrf": token, "do": "preview"},
                      {"file": ("f.csv", data)})  # fmt: skip
    body = text(page)
    section = body.split('id="rj-h"', 1)[1]
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td>(.*?)</td><td>(.*?)</td></tr>', section)
    assert [(n, f, html.unescape(s)) for n, f, s in rows] == [
        ("2", "betalingskenmerk", "een betalingskenmerk van nullen is geen kenmerk: een bank leest "
                                  "het als geen; laat het leeg, dan geeft Inning de factuur een kenmerk"),
    ]  # fmt: skip
