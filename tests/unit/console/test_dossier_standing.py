"""law11 #5 on the dossier: the debtor's standing shown in the page's language, set by whom
the API route allows (an admin: it stops dunning and a ruling's interest), refused in words
when its day is missing."""

from __future__ import annotations

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.figures.test_console_figures import seed


def test_an_admin_sets_the_standing_on_the_dossier_staff_only_see_it(world, tenants):
    seed(world)
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    assert 'name="standing"' not in staff.get("/dossier/D1").encoded().decode()
    token = csrf_of(admin.get("/dossier/D1"))
    refused = admin.post("/dossier/D1", {"csrf": token, "do": "standing", "standing": "bankrupt"})
    assert refused.status == 422
    assert "Geef de dag waarop de status inging" in refused.encoded().decode()
    done = admin.post("/dossier/D1", {"csrf": token, "do": "standing", "standing": "bankrupt",
                                      "since": "2025-03-01"})  # fmt: skip
    assert done.status == 303
    debtor = world.services.repos.debtors.get(tenants.c1, "D1")[0]
    assert debtor.standing is not None and debtor.standing.standing.value == "bankrupt"
    page = staff.get("/dossier/D1").encoded().decode()
    assert "Dien de vordering in bij de curator" in page
    english = staff.get("/dossier/D1?lang=en").encoded().decode()
    assert "File the claim with the curator" in english
    staff_token = csrf_of(staff.get("/dossier/D1"))
    lifted = staff.post(
        "/dossier/D1", {"csrf": staff_token, "do": "standing", "standing": "normal"}
    )
    assert lifted.status == 403  # not theirs: the standing holds
    assert world.services.repos.debtors.get(tenants.c1, "D1")[0].standing.in_force


def test_an_admin_lifts_a_ruling_saying_why_and_staff_read_what_is_left_in_dutch(world, tenants):
    seed(world)
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    token = csrf_of(admin.get("/dossier/D1"))
    form = {"csrf": token, "do": "standing"}
    assert (
        admin.post("/dossier/D1", {**form, "standing": "bankrupt", "since": "2025-03-01"}).status
        == 303
    )
    held = admin.get("/dossier/D1").encoded().decode()
    (item,) = [
        x for x in world.services.repos.actions.list(tenants.c1)[0] if x.kind == "debtor_standing"
    ]
    # cents kept, shown in Dutch notation (newcomer13 #3: it read "€ 242.16")
    assert item.detail["to_file"] == 24216
    assert "In te dienen (de vorderingen op de dag van het vonnis): € 242,16" in held
    silent = admin.post("/dossier/D1", {**form, "standing": "normal"})
    assert silent.status == 422  # a ruling is not lifted without saying why
    assert "Zeg waarom het faillissement of de WSNP wordt opgeheven" in silent.encoded().decode()
    wrong = admin.post("/dossier/D1", {**form, "standing": "normal", "reason": "clean_slate"})
    assert wrong.status == 422  # a clean slate is the WSNP's
    assert world.services.repos.debtors.get(tenants.c1, "D1")[0].standing.in_force
    done = admin.post("/dossier/D1", {**form, "standing": "normal", "reason": "akkoord"})
    assert done.status == 303
    page = admin.get("/dossier/D1").encoded().decode()
    assert "geëindigd met een akkoord" in page
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    listed = staff.get("/actions?lang=nl").encoded().decode()
    assert "Faillissement of WSNP geëindigd" in listed
    assert "boek wat het akkoord op de vorderingen van het vonnis betaalt" in listed


def test_a_standing_the_agency_recorded_is_not_the_client_admins_to_change(world, tenants):
    """newcomer13b #5/#6: the client's admin saw the full form on a standing the agency
    recorded, and the refusal named it by the API's code in a Dutch sentence ("(bankrupt)")."""
    from datetime import date

    from shared.domain.standing import Standing
    from shared.services.errors import Invalid

    seed(world)
    client = world.services.repos.clients.get(tenants.c1)[0]
    world.services.debtor_standing.set(
        client, "D1", Standing.BANKRUPT, date(2025, 3, 1), "key:agency", by_agency=True
    )
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    page = admin.get("/dossier/D1").encoded().decode()
    assert "alleen het incassobureau wijzigt of heft hem op" in page
    assert 'name="standing"' not in page
    english = admin.get("/dossier/D1?lang=en").encoded().decode()
    assert "only the agency changes or lifts it" in english
    token = csrf_of(admin.get("/dossier/D1"))
    refused = admin.post("/dossier/D1", {"csrf": token, "do": "standing", "standing": "normal",
                                         "reason": "mistake"})  # fmt: skip
    assert refused.status == 422
    assert "Het incassobureau legde deze status (failliet) vast" in refused.encoded().decode()
    try:
        world.services.debtor_standing.set(client, "D1", Standing.NORMAL, None, "key:c1")
    except Invalid as exc:
        from shared.api.console.refusal_text import refusal

        assert refusal(exc, "en") == (
            "The agency recorded this standing (bankrupt): only the agency changes or lifts it."
        )
    else:
        raise AssertionError("a client lifted the agency's standing")
