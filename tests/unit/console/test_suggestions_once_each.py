"""A pooled 2,400.00 quoting a case offered TF-101 and TF-103 twice on the confirm form
(0,80 and 0,35 of TF-101; 0,60 and 0,35 of TF-103: the matcher's three best candidates, one of
them the set of both) (agency21 F6). Each invoice is offered once, at its best score."""

from __future__ import annotations

import re
from dataclasses import replace

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import desk_for
from tests.unit.console.test_page_actions import suggestion
from tests.unit.figures.test_console_figures import seed


def test_each_invoice_is_offered_once_at_its_best_score(world, tenants):
    seed(world)
    item = suggestion(tenants.c1)
    offered = [
        {"invoice": "F2", "client_id": None, "amount": 12100, "score": 0.8},
        {"invoice": "F3", "client_id": None, "amount": 12100, "score": 0.6},
        {"invoice": "F2", "client_id": None, "amount": 12100, "score": 0.35},
        {"invoice": "F3", "client_id": None, "amount": 12100, "score": 0.35},
    ]
    world.services.repos.actions.add(replace(item, detail={**item.detail, "suggestions": offered}))
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    body = staff.get("/actions/a-sug?lang=en").encoded().decode()
    ticks = re.findall(r'name="invoice" value="([^"]+)" id="inv-s-', body)
    assert ticks == ["F2", "F3"]
    assert "score 0.80" in body and "score 0.60" in body and "score 0.35" not in body
