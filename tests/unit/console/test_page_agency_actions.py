"""The agency's own action list in the console (review newcomer5, finding 2): a statement file
refused before any client was found, a settlement waiting for approval: agency people see them
on Today (red when money is held up) and on their own page, and resolve them there; a client's
people neither see the page in their navigation nor may open it, and another agency's items
never show."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.domain.people.authorisation import Role
from shared.domain.records import ActionItem, ActionStatus
from shared.domain.scopes import agency_scope
from tests.unit.console.conftest import csrf_of, desk_for

NOW = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


def _items(world) -> None:  # type: ignore[no-untyped-def]
    actions = world.services.repos.actions
    actions.add(ActionItem(agency_scope("agency-a"), "q1", "statement_quarantined",
                           "Statement morning.sta refused: account NL44TRIO0666666666 belongs to no client of agency agency-a",
                           NOW, detail={"blob": "agency-a/morning.sta"}))  # fmt: skip
    actions.add(ActionItem(agency_scope("agency-b"), "x1", "statement_quarantined",
                           "Statement theirs.sta refused", NOW))  # fmt: skip


def test_agency_staff_see_a_refused_file_on_today_and_resolve_it(world, tenants):
    _items(world)
    staff = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    today = staff.get("/today?lang=en").encoded().decode()
    assert "1 waiting, 1 of them holding money up" in today and 'class="red"' in today
    assert "/agency-actions/q1" in today and "theirs.sta" not in today
    listed = staff.get("/agency-actions?lang=nl")
    body = listed.encoded().decode()
    assert listed.status == 200 and "morning.sta" in body and "theirs.sta" not in body
    assert "Afschrift geweigerd" in body  # the kind in Dutch
    one = staff.get("/agency-actions/q1?lang=en").encoded().decode()
    assert "agency-a/morning.sta" in one
    assert staff.get("/agency-actions/x1").status == 404  # another agency's item
    token = csrf_of(staff.get("/agency-actions"))
    done = staff.post("/agency-actions", {"csrf": token, "id": "q1", "do": "resolve",
                                          "resolution": "account added to Bakkerij"})  # fmt: skip
    assert done.status == 303
    item = world.services.repos.actions.get(agency_scope("agency-a"), "q1")[0]
    assert item.status is ActionStatus.RESOLVED and "account added" in (item.resolution or "")
    assert "No open actions." in staff.get("/today?lang=en").encoded().decode()


def test_a_clients_people_neither_see_nor_open_the_agency_page(world, tenants):
    _items(world)
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    today = admin.get("/today?lang=en")
    assert today.status == 200 and "agency-actions" not in today.encoded().decode()
    assert admin.get("/agency-actions").status == 403
    assert admin.get("/agency-actions/q1").status == 403
