"""The local outbox page is one list, newest first, and names an agency's people's mail by the
agency's name (newcomer32 F3): it listed agency by agency and client by client, so the
invitation just sent sat below every earlier agency's and client's messages, under the store's
scope ``@agency.zuid`` in the column "Client"."""

from __future__ import annotations

import re
from typing import Any

import azure.functions as func

from shared import bootstrap
from shared.domain.parties import Agency
from shared.domain.people.authorisation import Role, Target
from shared.services.onboarding import register_agency
from tools.devhost.invoke import LocalContext


def _page(world: Any, monkeypatch: Any) -> str:
    from functions.outbox_page import outbox_page

    monkeypatch.setattr(bootstrap, "_services", world.services)
    request = func.HttpRequest("GET", "http://localhost/api/outbox", body=b"", route_params={})
    page = outbox_page.build().get_user_function()(request, context=LocalContext("outbox_page"))
    assert page.status_code == 200
    return str(page.get_body().decode())


def test_the_newest_message_is_first_whoever_it_was_for(world: Any, monkeypatch: Any) -> None:
    admin = world.services.people.admin
    register_agency(world.services.repos, Agency("noord", "Incasso Noord BV", None))
    register_agency(world.services.repos, Agency("zuid", "Incasso Zuid BV", None))
    admin.invite_into(Target("noord", None), "a@noord.example", Role.AGENCY_ADMIN, "cli")
    world.clock.advance(minutes=1)
    admin.invite_into(Target("zuid", None), "b@zuid.example", Role.AGENCY_ADMIN, "cli")
    rows = re.findall(r"<tr><td>.*?</tr>", _page(world, monkeypatch))
    assert "b@zuid.example" in rows[0] and "Incasso Zuid BV (people)" in rows[0], rows[:2]
    assert "a@noord.example" in rows[1] and "Incasso Noord BV (people)" in rows[1], rows[:2]
    assert not any("@agency." in re.sub(r"href='[^']*'", "", row) for row in rows)
