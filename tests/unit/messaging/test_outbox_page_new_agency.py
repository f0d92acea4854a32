"""The local outbox page shows a new agency's first admin's invitation before the agency has a
client (newcomer26): the page listed the people's mail only of agencies that had clients, so
the README's "every mail is on the outbox page" did not hold for the first step."""

from __future__ import annotations

from typing import Any

import azure.functions as func

from shared import bootstrap
from shared.domain.parties import Agency
from shared.domain.people.authorisation import Role, Target
from shared.services.onboarding import register_agency
from tools.devhost.invoke import LocalContext


def test_a_new_agencys_invitation_is_on_the_outbox_page(world: Any, monkeypatch: Any) -> None:
    from functions.outbox_page import outbox_page

    register_agency(world.services.repos, Agency("noord", "Incasso Noord BV", None))
    world.services.people.admin.invite_into(
        Target("noord", None), "beheer@incassonoord.example", Role.AGENCY_ADMIN, "cli"
    )
    monkeypatch.setattr(bootstrap, "_services", world.services)
    request = func.HttpRequest("GET", "http://localhost/api/outbox", body=b"", route_params={})
    page = outbox_page.build().get_user_function()(request, context=LocalContext("outbox_page"))
    assert page.status_code == 200
    assert "beheer@incassonoord.example" in page.get_body().decode()
