"""Two people editing one workflow (failure8 #7), and steps that keep their id through edits
(failure8 #5): the console's editor and the API's PUT save only over the version they read
(the form's ETag, ``If-Match``); the later save is refused and shown, not silently winning.
A step keeps its id through the editor's rows and a PUT that leaves ids out."""

from __future__ import annotations

import json
from typing import Any

from shared.api.http import ApiRequest, ApiResponse
from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import desk_for
from tests.unit.console.test_workflow_editor import _form, _seed
from tests.unit.people.conftest import Tenants

PATH = "/v1/clients/C1/workflows/zacht"


def _call(world: World, method: str, path: str, body: object = None, **headers: str) -> ApiResponse:
    head = {
        "x-api-key": world.agency_a.key or "",
        **{k.lower().replace("_", "-"): v for k, v in headers.items()},
    }
    data = b"" if body is None else json.dumps(body).encode()
    return world.api.handle(ApiRequest(method, path, head, {}, data))  # fmt: skip


def _body(response: ApiResponse) -> Any:
    return json.loads(response.encoded())


def _names(world: World, tenants: Tenants) -> list[str]:
    return [s.name for s in world.services.repos.dunning.workflows(tenants.c1)["zacht"].steps]


def test_the_second_editor_is_shown_the_newer_version_and_keeps_its_rows(
    world: World, tenants: Tenants
) -> None:
    _seed(world)
    a = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "a@c1.example")
    b = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "b@c1.example")
    form_a = _form(a, "/workflows/edit?id=zacht")
    form_b = _form(b, "/workflows/edit?id=zacht")
    form_a.update({"r2_name": "Laatste", "r2_channel": "letter", "r2_days": "5",
                   "r2_from": "previous_step", "r2_tpl_nl": "aanmaning", "do": "activate"})  # fmt: skip
    assert a.post("/workflows/edit", form_a).status == 303
    form_b.update({"r0_days": "9", "do": "activate"})
    refused = b.post("/workflows/edit", form_b)
    assert refused.status == 409
    # nothing of B's saved over A's; B sees the version now stored and its own rows as typed
    assert _names(world, tenants) == ["Herinnering", "Aanmaning", "Laatste"]
    again = _form_page(refused)
    assert again["r0_days"] == "9" and "r2_name" in again and again["r2_name"] == ""
    page = refused.encoded().decode()
    assert "Iemand anders heeft deze workflow intussen opgeslagen" in page and "Laatste" in page
    # saving again from that page is a choice made with the newer version in view
    again.update({"do": "activate"})
    assert b.post("/workflows/edit", again).status == 303
    flow = world.services.repos.dunning.workflows(tenants.c1)["zacht"]
    assert [(s.name, s.offset_days) for s in flow.steps] == [("Herinnering", 9), ("Aanmaning", 14)]


def _form_page(page: ApiResponse) -> dict[str, str]:
    from tests.unit.console.test_workflow_editor import _Form

    parser = _Form()
    parser.feed(page.encoded().decode())
    return parser.fields


def test_the_editor_keeps_each_steps_id_when_steps_are_moved_and_added(
    world: World, tenants: Tenants
) -> None:
    _seed(world)
    before = {
        s.name: s.step_id for s in world.services.repos.dunning.workflows(tenants.c1)["zacht"].steps
    }
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    form = _form(staff, "/workflows/edit?id=zacht")
    # a new first step, and the two old ones swapped
    form.update({"r2_name": "Eerst", "r2_channel": "email", "r2_days": "1", "r2_pos": "0",
                 "r2_tpl_nl": "herinnering", "r0_pos": "3", "r1_pos": "2", "do": "activate"})  # fmt: skip
    assert staff.post("/workflows/edit", form).status == 303
    steps = world.services.repos.dunning.workflows(tenants.c1)["zacht"].steps
    assert [s.name for s in steps] == ["Eerst", "Aanmaning", "Herinnering"]
    assert {s.name: s.step_id for s in steps[1:]} == before
    assert steps[0].step_id and steps[0].step_id not in before.values()


def test_the_api_saves_only_over_the_version_read(world: World, tenants: Tenants) -> None:
    _seed(world)
    read = _call(world, "GET", PATH)
    assert read.status == 200
    etag = read.headers["ETag"]
    flow = _body(read)
    assert flow["etag"] == etag
    steps = flow["steps"]
    assert isinstance(steps, list)
    # someone else saves in between
    other = _call(world, "PUT", PATH, {"name": "Zacht", "steps": [*steps, {
        "name": "Laatste", "channel": "letter", "offset_days": 5, "templates": {"nl": "aanmaning"}}]})  # fmt: skip
    assert other.status == 200 and other.headers["ETag"] != etag
    stale = _call(world, "PUT", PATH, {"name": "Zacht", "steps": steps}, If_Match=etag)
    assert stale.status == 412
    assert _body(stale)["error"]["code"] == "precondition_failed"
    assert _call(world, "POST", PATH + "/activate", If_Match=etag).status == 412
    assert _names(world, tenants) == ["Herinnering", "Aanmaning", "Laatste"]
    # with the version now stored it goes through, and answers the next one
    fresh = other.headers["ETag"]
    saved = _call(world, "PUT", PATH, {"name": "Zacht", "steps": steps}, If_Match=fresh)
    assert saved.status == 200 and saved.headers["ETag"] not in (etag, fresh)
    assert _names(world, tenants) == ["Herinnering", "Aanmaning"]


def test_a_put_without_ids_keeps_the_id_of_each_same_step(world: World, tenants: Tenants) -> None:
    _seed(world)
    old = {
        s.name: s.step_id for s in world.services.repos.dunning.workflows(tenants.c1)["zacht"].steps
    }
    steps = _body(_call(world, "GET", PATH))["steps"]
    assert isinstance(steps, list)
    bare = [{k: v for k, v in s.items() if k != "id"} for s in steps]
    bare[1]["offset_days"] = 20  # changed, but the same step (name and channel)
    new = {
        "name": "Eerst",
        "channel": "email",
        "offset_days": 1,
        "templates": {"nl": "herinnering"},
    }
    answer = _call(world, "PUT", PATH, {"name": "Zacht", "steps": [new, bare[1], bare[0]]})
    assert answer.status == 200
    ids = {s["name"]: s["id"] for s in _body(answer)["steps"]}
    assert ids["Herinnering"] == old["Herinnering"] and ids["Aanmaning"] == old["Aanmaning"]
    assert ids["Eerst"] not in old.values()
