"""The agency's item of a pooled line that two clients could claim shows its suggestions with
each client's number, name and code: its page read "suggestions {'invoice': 'F-0001',
'client_id': 'cl1d33ff8e54b2', 'amount': 12100, 'score': 1.0}; …", the client's internal id
and cents, while its confirm form asks for the client's number (reasons20)."""

from __future__ import annotations

import html
import re

from shared.domain.people.authorisation import Role
from shared.domain.statements.client_code import client_code
from tests.unit.console.conftest import desk_for
from tests.unit.services.test_pooled_handed_over_quote import _two_clients, client_of, pay


def _page(world, staff, lang):  # type: ignore[no-untyped-def]
    items, _ = world.services.repos.actions.list("@agency-a")
    [item] = [x for x in items if x.kind == "payment_suggestion"]
    page = staff.get(f"/agency-actions/{item.action_id}?lang={lang}").encoded().decode()
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_the_agencys_suggestions_name_each_client_by_number_name_and_code(world):  # type: ignore[no-untyped-def]
    _two_clients(world)
    pay(world, "D-1001 F-0001")
    ids = {n: client_of(world, n).client_id for n in ("C2", "C3")}
    staff = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    dutch = _page(world, staff, "nl")
    for number, client_id in ids.items():
        code = client_code(client_id)
        assert f"F-0001 · opdrachtgever {number} Client {number} ({code}) · € 121,00" in dutch
        assert client_id not in dutch
    assert "Voorgestelde facturen" in dutch and "'client_id'" not in dutch
    english = _page(world, staff, "en")
    assert f"F-0001 · client C3 Client C3 ({client_code(ids['C3'])}) · EUR 121.00" in english
