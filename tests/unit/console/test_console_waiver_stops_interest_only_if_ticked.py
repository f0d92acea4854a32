"""law15c F2 in the console: the dossier's waive form waives the interest open and leaves the
interest to come running (art. 6:119 BW) unless the person ticks "no interest from today on";
the confirmation says so, and the box is refused with costs."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_console_claim_work import claim, seed


def _waive_all_interest(world, tenants, stop: bool):  # type: ignore[no-untyped-def]
    world.clock.at = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)
    interest = claim(world, tenants, "F1").open.interest
    assert interest > 0
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    dossier = admin.get("/dossier/D1")
    assert 'name="stop_interest"' in dossier.encoded().decode()
    fields = {"csrf": csrf_of(dossier), "do": "waive", "invoice": "F1", "component": "interest",
              "amount": f"{interest // 100},{interest % 100:02d}", "reason": "goodwill"}  # fmt: skip
    if stop:
        fields["stop_interest"] = "yes"
    shown = admin.post("/dossier/D1", fields).encoded().decode()
    assert ('name="stop_interest" value="yes"' in shown) is stop  # carried to the confirmation
    assert ("no interest accrues" in shown or "geen rente meer" in shown) is stop, shown[-1500:]
    done = admin.post("/dossier/D1", {**fields, "confirm": "yes"})
    assert done.status == 303, done.encoded()[:600]
    assert claim(world, tenants, "F1").open.interest == 0
    world.clock.at = datetime(2025, 12, 1, 9, 0, tzinfo=UTC)
    return claim(world, tenants, "F1").open.interest


def test_waiving_all_the_interest_leaves_the_interest_to_come(world, tenants):
    seed(world)
    assert _waive_all_interest(world, tenants, stop=False) > 0  # before: 0, stopped for good


def test_the_ticked_box_stops_it(world, tenants):
    seed(world)
    assert _waive_all_interest(world, tenants, stop=True) == 0


def test_the_box_with_costs_is_refused(world, tenants):
    seed(world)
    world.clock.at = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    dossier = admin.get("/dossier/D1")
    fields = {"csrf": csrf_of(dossier), "do": "waive", "invoice": "F1", "component": "costs",
              "amount": "1,00", "reason": "goodwill", "stop_interest": "yes", "confirm": "yes"}  # fmt: skip
    page = admin.post("/dossier/D1", fields)
    assert page.status != 303
    assert claim(world, tenants, "F1").waived.total == 0
