"""The dossier says when a pause staff ended by hand ended (misc17b: the pause was dropped
without the day): the debtor's dunning line and the invoice's row."""

from __future__ import annotations

from shared.clock import amsterdam_date
from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.figures.test_console_figures import seed


def test_the_dossier_shows_the_day_a_pause_was_ended(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    token = csrf_of(staff.get("/dossier/D1"))
    assert staff.post("/dossier/D1", {"csrf": token, "do": "pause", "reason": "belt"}).status == 303
    assert staff.post("/dossier/D1", {"csrf": token, "do": "resume"}).status == 303
    ended = world.services.repos.debtors.get(tenants.c1, "D1")[0]
    assert ended.pause is None and ended.pause_ended_on == amsterdam_date(world.clock.now())
    client = world.services.repos.clients.get(tenants.c1)[0]
    world.services.dunning.change_invoice(client, "F1", paused_until=None, author="s")
    world.services.dunning.change_invoice(client, "F1", resume=True, author="s")
    page = staff.get("/dossier/D1").encoded().decode()
    day = ended.pause_ended_on.isoformat()
    assert f"loopt (pauze beëindigd op {day})" in page
    assert f"pauze beëindigd op {day}" in page.split("F1", 1)[1]  # the invoice's row
    english = staff.get("/dossier/D1?lang=en").encoded().decode()
    assert f"running (pause ended on {day})" in english
