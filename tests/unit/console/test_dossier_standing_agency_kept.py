"""attack14 A2 on the dossier: the client's admin stacked standings of its own over the
agency's clean slate through the dossier's form (the API's sequence: WSNP again, ended,
bankrupt, a mistake) and the agency's ruling was dropped; it binds now, and the agency's
ruling set again by the client is refused in the page's words."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.people.authorisation import Role
from shared.domain.standing import LiftReason, Standing
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.figures.test_console_figures import seed


def test_the_console_form_stacks_no_standing_over_the_agencys_clean_slate(world, tenants):
    seed(world)
    client = world.services.repos.clients.get(tenants.c1)[0]
    standing = world.services.debtor_standing
    world.clock.at = datetime(2025, 3, 20, 9, 0, tzinfo=UTC)
    standing.set(client, "D1", Standing.WSNP, date(2025, 3, 1), "key:agency", by_agency=True)
    world.clock.at = datetime(2025, 3, 25, 9, 0, tzinfo=UTC)
    standing.set(client, "D1", Standing.NORMAL, None, "key:agency", LiftReason.CLEAN_SLATE,
                 by_agency=True)  # fmt: skip

    def settled() -> list[str]:
        debtor = world.services.repos.debtors.get(tenants.c1, "D1")[0]
        return [i.number for i, _ in standing.not_claimable(client, debtor)]

    assert settled() == ["F1", "F2"]
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    token = csrf_of(admin.get("/dossier/D1"))
    for step in ({"standing": "wsnp", "since": "2025-03-02"},
                 {"standing": "normal", "reason": "ended"},
                 {"standing": "bankrupt", "since": "2025-03-25"},
                 {"standing": "normal", "reason": "mistake"}):  # fmt: skip
        done = admin.post("/dossier/D1", {"csrf": token, "do": "standing", **step})
        assert done.status == 303, (step, done.encoded().decode()[:300])
    assert settled() == ["F1", "F2"]
    again = admin.post("/dossier/D1", {"csrf": token, "do": "standing", "standing": "wsnp",
                                       "since": "2025-03-01"})  # fmt: skip
    assert again.status == 422
    assert (
        "Het incassobureau legde deze status (in de schuldsanering (WSNP)) vast"
        in again.encoded().decode()
    )
    assert settled() == ["F1", "F2"]
