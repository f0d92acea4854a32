"""standing13 #1, #2 on the dossier: a ruling that ended and still binds its claims is shown
after a later standing was lifted as a mistake, with every lift (who, when, why), and the
claims it left natural obligations (art. 6:3 BW), in nl and en."""

from __future__ import annotations

import re

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.figures.test_console_figures import seed


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_dossier_shows_a_kept_ruling_its_claims_and_every_lift(world, tenants):
    seed(world)  # D1: F1 121.00 and F2 121.00 invoiced 1-2-2025; today 3-3-2025
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    form = {"csrf": csrf_of(admin.get("/dossier/D1")), "do": "standing"}
    for step in (
        {"standing": "wsnp", "since": "2025-03-01"},
        {"standing": "normal", "reason": "clean_slate"},
        {"standing": "bankrupt", "since": "2025-03-02"},  # the wrong debtor
        {"standing": "normal", "reason": "mistake"},
    ):
        assert admin.post("/dossier/D1", {**form, **step}).status == 303, step
    by = world.services.repos.debtors.get(tenants.c1, "D1")[0].standing.lifts[0].by
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    dutch = _text(staff.get("/dossier/D1?lang=nl").encoded().decode())
    assert "Normaal, maar een geëindigde uitspraak bindt nog vorderingen" in dutch
    assert (
        "Geëindigde uitspraken die nog gelden In de schuldsanering (WSNP) · sinds 2025-03-01 · "
        "opgeheven op 2025-03-03: schone lei (art. 358 Fw). Wat overblijft is een natuurlijke "
        "verbintenis" in dutch
    ), dutch
    assert "Niet meer te vorderen (natuurlijke verbintenis) F1: Wat overblijft" in dutch
    assert "F2: Wat overblijft" in dutch
    assert (
        "Geschiedenis van opheffingen 2025-03-03 · In de schuldsanering (WSNP) sinds 2025-03-01 "
        f"· schone lei (art. 358 Fw) · door {by} 2025-03-03 · Failliet sinds 2025-03-02 · "
        f"vergissing: alsof nooit gezet · door {by}" in dutch
    ), dutch
    english = _text(staff.get("/dossier/D1?lang=en").encoded().decode())
    assert "Rulings that ended and still bind" in english
    assert "No longer claimable (natural obligation) F1: What remains" in english
    assert f"Bankrupt since 2025-03-02 · a mistake: as if never set · by {by}" in english
