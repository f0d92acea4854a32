"""attack8 #3: the console's template editor refuses a change that an active workflow using
the template would fail its checks with (a 14-day letter swapped for a plain reminder), with
the reasons; the template stays as it was."""

from __future__ import annotations

from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.dunning.test_daily_run import FOURTEEN
from tests.unit.people.conftest import Tenants


def test_a_template_an_active_fourteen_day_step_uses_keeps_its_checks(
    world: World, tenants: Tenants
) -> None:
    api = world.agency_a
    letter = {"language": "nl", "subject": "Veertiendagenbrief", "text": FOURTEEN,
              "fourteen_day_letter": True}  # fmt: skip
    assert api.call("PUT", "/v1/clients/C1/templates/veertien", letter).status == 200
    steps = [{"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 7,
              "letter_by": "email", "templates": {"nl": "veertien"}}]  # fmt: skip
    assert (
        api.call("PUT", "/v1/clients/C1/workflows/w", {"name": "W", "steps": steps}).status == 200
    )
    assert api.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    csrf = csrf_of(staff.get("/templates/edit?id=veertien"))
    form = {"csrf": csrf, "template_id": "veertien", "language": "nl", "subject": "Laatste kans",
            "text": "Beste {{ debtor.name }}, betaal vandaag {{ total|money }}.", "do": "save"}  # fmt: skip
    answer = staff.post("/templates/edit", form)
    assert answer.status == 422
    page = answer.encoded().decode()
    assert (
        "Actieve workflow w: Stap 1 (Veertiendagenbrief): het sjabloon in het Nederlands is niet "
        "gemarkeerd als 14-dagenbrief." in page
    )
    kept = world.services.repos.dunning.templates(tenants.c1)["veertien"]
    assert kept.fourteen_day_letter and kept.text == FOURTEEN
    # marked and with its legal parts, the change is kept
    done = staff.post("/templates/edit", {**form, "text": FOURTEEN, "fourteen_day_letter": "1"})
    assert done.status == 303
