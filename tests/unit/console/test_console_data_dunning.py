"""The workflows and templates pages: steps in order, segment rules, the editor with its
variables, the save-time check beside its line, a preview for a real debtor (nothing saved),
copies within a client and (agency people only) to another client; per role."""

from __future__ import annotations

import re

from shared.domain.people.authorisation import Role
from shared.services.dunning_setup import template_variables
from tests.unit.api.conftest import World, debtor_row, invoice_row
from tests.unit.console.conftest import Browser, csrf_of, desk_for
from tests.unit.people.conftest import Tenants

REMINDER = (
    "Beste {{ debtor.name }},\n\nU hebt {{ principal|money }} open.\nGroet, {{ client.name }}"
)


def _seed(world: World) -> None:
    api = world.agency_a
    for client in ("C1", "C2"):
        for tid in ("herinnering", "aanmaning"):
            reply = api.call("PUT", f"/v1/clients/{client}/templates/{tid}",
                             {"language": "nl", "subject": f"{tid} van {{{{ client.name }}}}", "text": REMINDER})  # fmt: skip
            assert reply.status == 200, reply.body
    steps = [
        {"name": "Herinnering", "channel": "email", "offset_days": 7, "templates": {"nl": "herinnering"}},
        {"name": "Aanmaning", "channel": "sms", "offset_days": 14, "offset_from": "previous_step",
         "templates": {"nl": "aanmaning"}},
    ]  # fmt: skip
    reply = api.call("PUT", "/v1/clients/C1/workflows/zacht", {"name": "Zacht", "steps": steps})
    assert reply.status == 200, reply.body
    rules = {"rules": [{"workflow": "zacht", "segment": "vip", "kind": "b2c"}]}
    assert api.call("PUT", "/v1/clients/C1/segment-rules", rules).status == 200
    assert api.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Bakkerij Jansen")]}).status == 200  # fmt: skip
    assert api.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1", "D1", amount="242.00")]}).status == 200  # fmt: skip


def _text(browser: Browser, path: str, status: int = 200) -> str:
    page = browser.get(path)
    assert page.status == status, page.encoded()[:300]
    return page.encoded().decode()


def test_workflows_show_steps_in_order_and_the_rules(world: World, tenants: Tenants) -> None:
    _seed(world)
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = _text(reader, "/workflows")
    assert page.index("Herinnering") < page.index("Aanmaning")
    assert "7 dagen na de vervaldatum" in page and "14 dagen na de vorige stap" in page
    assert "vip" in page and 'href="#wf-zacht"' in page
    assert 'name="do" value="copy"' not in page  # read-only: no copy form
    assert (
        _text(reader, "/workflows", 200)
        and reader.post(
            "/workflows",
            {"csrf": csrf_of(reader.get("/account")), "do": "copy", "workflow": "zacht"},
        ).status
        == 403
    )


def test_copy_a_workflow_within_and_across_clients(world: World, tenants: Tenants) -> None:
    _seed(world)
    repo = world.services.repos.dunning
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    csrf = csrf_of(staff.get("/workflows"))
    same = {"csrf": csrf, "do": "copy", "workflow": "zacht", "new_id": "zacht"}
    assert staff.post("/workflows", same).status == 422  # within the client: a new name
    done = staff.post("/workflows", {**same, "new_id": "zacht-2"})
    assert done.status == 303
    copied = repo.workflows(tenants.c1)["zacht-2"]
    assert not copied.active and [s.name for s in copied.steps] == ["Herinnering", "Aanmaning"]
    # a client's people cannot copy to another client, whatever the form says
    assert staff.post("/workflows", {**same, "new_id": "x", "to": tenants.c2}).status == 403
    assert "x" not in repo.workflows(tenants.c2)
    agency = desk_for(world, Role.AGENCY_STAFF, None, "s@agency-a.example")
    page = _text(agency, f"/workflows?client={tenants.c1}")
    assert f'<option value="{tenants.c2}"' in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    moved = agency.post(f"/workflows?client={tenants.c1}",
                        {"csrf": csrf, "client": tenants.c1, "do": "copy", "workflow": "zacht",
                         "new_id": "zacht", "to": tenants.c2})  # fmt: skip
    assert moved.status == 303
    assert "zacht" in repo.workflows(tenants.c2) and "herinnering" in repo.templates(tenants.c2)
    # another agency's client is out of reach
    assert agency.post(f"/workflows?client={tenants.c1}",
                       {"csrf": csrf, "client": tenants.c1, "do": "copy", "workflow": "zacht",
                        "new_id": "z", "to": tenants.b1}).status == 404  # fmt: skip


def test_the_editor_lists_the_variables_and_saves(world: World, tenants: Tenants) -> None:
    _seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = _text(staff, "/templates/edit?id=herinnering")
    csrf = csrf_of(staff.get("/templates/edit?id=herinnering"))
    for variable in ("debtor.name", "client.iban", "invoices[].due_date", "betalingskenmerk"):
        assert "{{ " + variable + " }}" in page
    assert "debtor.name" in template_variables("nl")
    form = {"csrf": csrf, "template_id": "herinnering", "language": "nl",
            "subject": "Herinnering", "text": "Beste {{ debtor.name }},\r\nbetaal {{ total|money }}.",
            "do": "save"}  # fmt: skip
    saved = staff.post("/templates/edit", form)
    assert saved.status == 303
    kept = world.services.repos.dunning.templates(tenants.c1)["herinnering"]
    assert kept.text == "Beste {{ debtor.name }},\nbetaal {{ total|money }}."


def test_a_failed_check_is_shown_beside_its_line(world: World, tenants: Tenants) -> None:
    _seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    csrf = csrf_of(staff.get("/templates/edit?id=herinnering"))
    text = "Beste {{ debtor.name }},\n\nU betaalt {{ debtor.iban }} graag.\nGroet"
    form = {"csrf": csrf, "template_id": "herinnering", "language": "nl", "subject": "S",
            "text": text, "do": "save"}  # fmt: skip
    answer = staff.post("/templates/edit", form)
    assert answer.status == 422
    body = answer.encoded().decode()
    line = re.search(
        r'<li id="tpl-line" class="problem"><code>(.*?)</code> <strong class="red">(.*?)</strong>',
        body,
    )
    assert line, body[-2000:]
    assert "debtor.iban" in line.group(1) and "regel 3" in line.group(2) and "iban" in line.group(2)
    assert 'aria-describedby="tpl-problem" aria-invalid="true"' in body
    assert world.services.repos.dunning.templates(tenants.c1)["herinnering"].text == REMINDER
    syntax = staff.post("/templates/edit", {**form, "text": "a\nb\n{% if %}"})
    assert syntax.status == 422 and "regel 3" in syntax.encoded().decode()
    letter = staff.post("/templates/edit", {**form, "text": "Betaal.", "fourteen_day_letter": "1"})
    assert letter.status == 422 and "veertiendagenbrief moet noemen" in letter.encoded().decode()


def test_a_preview_for_a_debtor_saves_nothing(world: World, tenants: Tenants) -> None:
    _seed(world)
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = _text(reader, "/templates/edit?id=herinnering")
    assert 'value="save"' not in page  # read-only people preview, they do not save
    form = {"csrf": csrf_of(reader.get("/templates")), "template_id": "herinnering", "language": "nl", "subject": "Voor {{ debtor.name }}",
            "text": "Open: {{ principal|money }}", "debtor": "D1", "do": "preview"}  # fmt: skip
    answer = reader.post("/templates/edit", form)
    body = answer.encoded().decode()
    assert answer.status == 200 and "Voor Bakkerij Jansen" in body and "242,00" in body
    assert world.services.repos.dunning.templates(tenants.c1)["herinnering"].text == REMINDER
    assert reader.post("/templates/edit", {**form, "do": "save"}).status == 403
    sample = reader.post("/templates/edit", {**form, "debtor": ""})
    assert sample.status == 200 and "Voor J. de Vries" in sample.encoded().decode()
    unknown = reader.post("/templates/edit", {**form, "debtor": "nobody"})
    assert unknown.status == 404
    # another client's debtor is not previewed
    other = desk_for(world, Role.CLIENT_STAFF, tenants.c2, "s@c2.example")
    csrf = csrf_of(other.get("/templates"))
    assert other.post("/templates/edit", {**form, "csrf": csrf}).status == 404


def test_copy_a_template(world: World, tenants: Tenants) -> None:
    _seed(world)
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    page = _text(admin, "/templates")
    assert "herinnering" in page and "aanmaning" in page
    csrf = csrf_of(admin.get("/templates"))
    assert admin.post("/templates", {"csrf": csrf, "do": "copy", "template": "aanmaning",
                                     "new_id": "aanmaning-2"}).status == 303  # fmt: skip
    assert "aanmaning-2" in world.services.repos.dunning.templates(tenants.c1)
    assert admin.post("/templates", {"csrf": csrf, "do": "copy", "template": "nope",
                                     "new_id": "x"}).status == 404  # fmt: skip
    assert _text(admin, "/templates/edit?id=nope", 404)
