"""The client's list of settlement statements adds up (newcomer24 F5): a row showed what was
received, "Provisie en btw" and the payout, but not the collection costs the agreement gives
the agency, so 13,848.77 received less 2,147.51 fee read as 11,701.26 where 10,801.26 was
paid out; the client could not tell where 900.00 went without opening the PDF."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import desk_for
from tests.unit.settlement.test_settlement_api import setup


def _euros(cell: str) -> Decimal:
    return Decimal(cell.replace("€", "").replace(".", "").replace(",", ".").strip())


def test_a_statement_row_shows_the_costs_kept_and_adds_up(world: Any, tenants: Any) -> None:
    run_id, _ = setup(world)  # 170.95 received: costs 40.00 + VAT 8.40 + 1.55 + 121.00
    world.agency_a.call("POST", f"/v1/settlements/{run_id}/approve")
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "admin@c1.example")
    text = admin.get("/statements").encoded().decode()
    assert "Kosten voor het bureau" in text
    row = re.search(r'<table id="sm-list">.*?<tbody>\s*<tr>(.*?)</tr>', text, re.S)
    assert row is not None
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r'<td class="num">(.*?)</td>', row[1])]
    received, kept, fee, payout = (_euros(c) for c in cells)
    assert (received, kept, payout) == (Decimal("170.95"), Decimal("40.00"), Decimal("107.72"))
    assert received - kept - fee == payout
