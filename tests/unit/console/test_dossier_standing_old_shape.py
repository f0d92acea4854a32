"""standing14 #2 on the dossier: a WSNP one of the agency's own people recorded before the
agency's flag was kept is read as the agency's from the debtor's log (its "Standing set" entry
names the person), so the client's admin cannot lift it "as a mistake"; one the client's admin
recorded stays his to lift. The run's one pass stores the flag."""

from __future__ import annotations

from dataclasses import replace

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import csrf_of, desk_for, forms_of
from tests.unit.figures.test_console_figures import seed


def _unflagged(world, client_id: str) -> None:  # type: ignore[no-untyped-def]
    """D1's standing as stored before the flag: ``by_agency`` not kept."""
    debtors = world.services.repos.debtors
    debtor, etag = debtors.get(client_id, "D1")
    debtors.save(replace(debtor, standing=replace(debtor.standing, recorded_by_agency=False)), etag)


def _set(desk, step):  # type: ignore[no-untyped-def]
    form = {"csrf": csrf_of(desk.get("/dossier/D1")), "do": "standing", **step}
    return desk.post("/dossier/D1", form)


def test_a_ruling_an_agency_person_recorded_before_the_flag_is_the_agencys(world, tenants):  # type: ignore[no-untyped-def]
    seed(world)
    agency = desk_for(world, Role.AGENCY_ADMIN, None, "boss@agency-a.example")
    assert _set(agency, {"standing": "wsnp", "since": "2025-03-01"}).status == 303
    _unflagged(world, tenants.c1)
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    _set(admin, {"standing": "normal", "reason": "mistake"})
    standing = world.services.repos.debtors.get(tenants.c1, "D1")[0].standing
    assert standing.in_force and standing.standing.value == "wsnp", standing
    client = world.services.repos.clients.get(tenants.c1)[0]
    world.services.debtor_standing.adopt_old_standings(client)
    assert world.services.repos.debtors.get(tenants.c1, "D1")[0].standing.recorded_by_agency


def test_a_ruling_the_clients_admin_recorded_before_the_flag_stays_his(world, tenants):  # type: ignore[no-untyped-def]
    seed(world)
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    assert _set(admin, {"standing": "wsnp", "since": "2025-03-01"}).status == 303
    client = world.services.repos.clients.get(tenants.c1)[0]
    world.services.debtor_standing.adopt_old_standings(client)
    assert not world.services.repos.debtors.get(tenants.c1, "D1")[0].standing.recorded_by_agency
    assert _set(admin, {"standing": "normal", "reason": "mistake"}).status == 303
    assert not world.services.repos.debtors.get(tenants.c1, "D1")[0].standing.in_force


def test_the_dossier_shows_an_old_agency_ruling_as_the_agencys_before_the_run(world, tenants):  # type: ignore[no-untyped-def]
    """codereview14 F4: before the run's one pass stored the flag, the client's admin saw the
    agency's old-shaped WSNP as his to change (the standing form, no word that it is the
    agency's) while the service refused his lift: the page shows what the service decides."""
    seed(world)
    agency = desk_for(world, Role.AGENCY_ADMIN, None, "boss@agency-a.example")
    assert _set(agency, {"standing": "wsnp", "since": "2025-03-01"}).status == 303
    _unflagged(world, tenants.c1)
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    page = admin.get("/dossier/D1")
    assert page.status == 200
    assert "alleen het incassobureau wijzigt of heft hem op" in page.encoded().decode()
    assert not [f for f in forms_of(page) if 'name="standing"' in f]
