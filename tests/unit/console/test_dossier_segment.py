"""A stored debtor's segment ("Debiteurgroep") is moved in the dossier (newcomer20 F2): the
Workflows page's rules choose by it, and before this only the API could set it for a debtor
already stored (an upload never changes one)."""

from __future__ import annotations

from shared.api.console.refusal_text import refusal
from shared.domain.dunning.workflow import SegmentRule
from shared.domain.people.authorisation import Role
from shared.services.errors import Invalid
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.figures.test_console_figures import seed


def _segment(world, client_id: str, number: str) -> str:  # type: ignore[no-untyped-def]
    found = world.services.repos.debtors.get(client_id, number)
    assert found is not None
    return str(found[0].segment)


def test_staff_move_a_debtor_to_a_segment_a_rule_chooses(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D1")
    assert page.status == 200 and b'value="segment"' in page.encoded()
    moved = staff.post(
        "/dossier/D1", {"csrf": csrf_of(page), "do": "segment", "segment": " groot "}
    )
    assert moved.status == 303
    assert _segment(world, tenants.c1, "D1") == "groot"
    debtor = world.services.repos.debtors.get(tenants.c1, "D1")[0]  # type: ignore[index]
    assert SegmentRule("grootzakelijk", segment="groot").matches(debtor, 0)
    shown = staff.get("/dossier/D1").encoded().decode()
    assert 'name="segment" value="groot"' in shown
    back = staff.post("/dossier/D1", {"csrf": csrf_of(page), "do": "segment", "segment": ""})
    assert back.status == 303 and _segment(world, tenants.c1, "D1") == "default"


def test_a_segment_too_long_is_refused_in_dutch(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D1")
    refused = staff.post(
        "/dossier/D1", {"csrf": csrf_of(page), "do": "segment", "segment": "x" * 51}
    )
    assert refused.status == 422
    assert "Een debiteurgroep heeft ten hoogste 50 tekens." in refused.encoded().decode()
    assert _segment(world, tenants.c1, "D1") == "default"
    said = Invalid("", code="segment_too_long", params={"limit": 50})
    assert refusal(said, "en") == "A segment has at most 50 characters."


def test_a_reader_gets_no_form_and_cannot_move_one(world, tenants):
    seed(world)
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = reader.get("/dossier/D1")
    assert b'value="segment"' not in page.encoded()
    answer = reader.post(
        "/dossier/D1", {"csrf": csrf_of(page), "do": "segment", "segment": "groot"}
    )
    assert answer.status == 403 and _segment(world, tenants.c1, "D1") == "default"
