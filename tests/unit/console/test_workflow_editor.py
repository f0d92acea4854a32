"""The workflow editor in the console (review debtor6, finding 12): a credit manager edits a
workflow's steps (add in a blank row, change, reorder by number, remove), saves it inactive or
saves-and-activates it through the activation checks (a running workflow an edit would break
stays as it was), activates one from the list, and edits the segment rules; the API returns
every field of a step so that what it reads can be put back."""

from __future__ import annotations

from html.parser import HTMLParser

from shared.domain.dunning.workflow import OffsetFrom, StepChannel
from shared.domain.parties import DebtorKind
from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import World
from tests.unit.console.conftest import Browser, desk_for
from tests.unit.people.conftest import Tenants

TEXT = "Beste {{ debtor.name }},\n\nU hebt {{ principal|money }} open.\nGroet, {{ client.name }}"


class _Form(HTMLParser):
    """The fields a browser would post from the page's first form with a ``rows`` field."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._in_form = False
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self._done:
            return
        if tag == "form":
            self._in_form, self.fields = True, {}
        elif tag == "input" and self._in_form and "name" in a:
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.fields[a["name"]] = a.get("value", "on")
            else:
                self.fields[a["name"]] = a.get("value", "")
        elif tag == "select" and self._in_form:
            self._select = a.get("name")
            self.fields.setdefault(self._select or "", "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form" and self._in_form:
            self._in_form = False
            self._done = "rows" in self.fields


def _form(browser: Browser, path: str) -> dict[str, str]:
    page = browser.get(path)
    assert page.status == 200, page.encoded()[:300]
    parser = _Form()
    parser.feed(page.encoded().decode())
    assert "rows" in parser.fields, "no editor form on the page"
    return parser.fields


def _seed(world: World) -> None:
    api = world.agency_a
    for tid in ("herinnering", "aanmaning"):
        body = {"language": "nl", "subject": f"{tid} van {{{{ client.name }}}}", "text": TEXT}
        assert api.call("PUT", f"/v1/clients/C1/templates/{tid}", body).status == 200
    steps = [
        {"name": "Herinnering", "channel": "email", "offset_days": 7, "templates": {"nl": "herinnering"},
         "min_open_amount": "25.00", "debtor_kinds": ["b2c"], "fallback": "letter"},
        {"name": "Aanmaning", "channel": "sms", "offset_days": 14, "offset_from": "previous_step",
         "templates": {"nl": "aanmaning"}},
    ]  # fmt: skip
    assert api.call("PUT", "/v1/clients/C1/workflows/zacht", {"name": "Zacht", "steps": steps}).status == 200  # fmt: skip
    assert api.call("POST", "/v1/clients/C1/workflows/zacht/activate").status == 200


def test_the_api_returns_every_field_of_a_step_so_a_read_can_be_put_back(
    world: World, tenants: Tenants
) -> None:
    _seed(world)
    api = world.agency_a
    (flow,) = api.call("GET", "/v1/clients/C1/workflows").body["items"]
    first = flow["steps"][0]
    assert (first["min_open_amount"], first["debtor_kinds"], first["fallback"], first["letter_by"]) == (
        "25.00", ["b2c"], "letter", "letter")  # fmt: skip
    again = api.call("PUT", "/v1/clients/C1/workflows/zacht",
                     {"name": flow["name"], "steps": flow["steps"]})  # fmt: skip
    assert again.status == 200 and again.body["steps"] == flow["steps"]


def test_edit_add_reorder_and_remove_steps_then_save_inactive(
    world: World, tenants: Tenants
) -> None:
    _seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    form = _form(staff, "/workflows/edit?id=zacht")
    assert (form["r0_name"], form["r0_min"], form.get("r0_b2b"), form["r0_b2c"]) == (
        "Herinnering", "25,00", None, "1")  # fmt: skip
    form.update({"r0_days": "10", "r1_remove": "1",  # step 1 later, step 2 gone
                 "r2_name": "Laatste", "r2_channel": "letter", "r2_days": "5", "r2_pos": "0",
                 "r2_from": "previous_step", "r2_tpl_nl": "aanmaning", "do": "save"})  # fmt: skip
    saved = staff.post("/workflows/edit", form)
    assert saved.status == 303, saved.encoded()[:400]
    flow = world.services.repos.dunning.workflows(tenants.c1)["zacht"]
    assert not flow.active  # saved as not active, as asked
    assert [(s.name, s.channel, s.offset_days, s.offset_from) for s in flow.steps] == [
        ("Laatste", StepChannel.LETTER, 5, OffsetFrom.PREVIOUS_STEP),  # position 0: first
        ("Herinnering", StepChannel.EMAIL, 10, OffsetFrom.DUE_DATE),
    ]
    kept = flow.steps[1]  # what the form did not touch stays as it was
    assert (kept.min_open_amount, kept.debtor_kinds, kept.fallback) == (
        2500, frozenset({DebtorKind.B2C}), StepChannel.LETTER)  # fmt: skip


def test_save_and_activate_runs_the_checks_and_keeps_a_running_workflow_when_they_fail(
    world: World, tenants: Tenants
) -> None:
    _seed(world)
    repo = world.services.repos.dunning
    before = repo.workflows(tenants.c1)["zacht"]
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    form = _form(staff, "/workflows/edit?id=zacht")
    # a 14-day letter on the due date itself, with a template that is no 14-day letter
    form.update({"r2_name": "Veertiendagenbrief", "r2_channel": "fourteen_day_letter",
                 "r2_days": "0", "r2_tpl_nl": "herinnering", "do": "activate"})  # fmt: skip
    refused = staff.post("/workflows/edit", form)
    assert refused.status == 422
    page = refused.encoded().decode()
    assert "niets opgeslagen" in page
    assert "het sjabloon in het Nederlands is niet gemarkeerd als 14-dagenbrief" in page
    assert 'value="Veertiendagenbrief"' in page  # what was typed is shown again
    assert repo.workflows(tenants.c1)["zacht"] == before  # still active, unchanged
    form.update({"r2_days": "3", "r2_from": "previous_step", "r2_channel": "letter"})
    done = staff.post("/workflows/edit", form)
    assert done.status == 303
    after = repo.workflows(tenants.c1)["zacht"]
    assert after.active and [s.name for s in after.steps][-1] == "Veertiendagenbrief"


def test_a_row_that_cannot_be_read_names_its_row_and_saves_nothing(
    world: World, tenants: Tenants
) -> None:
    _seed(world)
    repo = world.services.repos.dunning
    before = repo.workflows(tenants.c1)["zacht"]
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    form = _form(staff, "/workflows/edit?id=zacht")
    for change, words in (({"r1_days": "veertien"}, "Regel 2: vul het aantal dagen in"),
                          ({"r0_min": "1.250,00"}, "Regel 1: een bedrag als 250,00"),
                          ({"r1_channel": "fax"}, "Regel 2: kies een waarde uit de lijst"),
                          ({"r0_days": "400"}, "het aantal dagen ligt tussen -60 en 365"),
                          ({"r0_remove": "1", "r1_remove": "1"}, "minstens één stap")):  # fmt: skip
        refused = staff.post("/workflows/edit", {**form, **change, "do": "save"})
        assert refused.status == 422, change
        assert words in refused.encoded().decode(), change
    assert repo.workflows(tenants.c1)["zacht"] == before


def test_a_new_workflow_needs_a_name_of_its_own(world: World, tenants: Tenants) -> None:
    _seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    form = _form(staff, "/workflows/edit")
    form.update({"workflow_id": "zacht", "name": "Tweede", "r0_name": "Eén", "r0_days": "3",
                 "r0_tpl_nl": "herinnering", "do": "activate"})  # fmt: skip
    assert staff.post("/workflows/edit", form).status == 409  # never overwrites another
    assert world.services.repos.dunning.workflows(tenants.c1)["zacht"].name == "Zacht"
    form["workflow_id"] = "streng"
    assert staff.post("/workflows/edit", form).status == 303
    made = world.services.repos.dunning.workflows(tenants.c1)["streng"]
    assert made.active and made.name == "Tweede"


def test_activate_from_the_list(world: World, tenants: Tenants) -> None:
    _seed(world)
    api = world.agency_a
    steps = [{"name": "Mail", "channel": "email", "offset_days": 3, "templates": {"nl": "weg"}}]
    assert api.call("PUT", "/v1/clients/C1/workflows/kapot", {"name": "Kapot", "steps": steps}).status == 200  # fmt: skip
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/workflows")
    csrf = _form_csrf(page.encoded().decode())
    refused = staff.post("/workflows", {"csrf": csrf, "do": "activate", "workflow": "kapot"})
    assert refused.status == 422 and "sjabloon weg bestaat niet" in refused.encoded().decode()
    steps[0]["templates"] = {"nl": "herinnering"}
    api.call("PUT", "/v1/clients/C1/workflows/kapot", {"name": "Kapot", "steps": steps})
    assert staff.post("/workflows", {"csrf": csrf, "do": "activate", "workflow": "kapot"}).status == 303  # fmt: skip
    assert world.services.repos.dunning.workflows(tenants.c1)["kapot"].active


def _form_csrf(page: str) -> str:
    start = page.index('name="csrf" value="') + len('name="csrf" value="')
    return page[start : page.index('"', start)]


def test_edit_the_segment_rules(world: World, tenants: Tenants) -> None:
    _seed(world)
    repo = world.services.repos.dunning
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    form = _form(staff, "/workflows/rules")
    form.update({"r0_workflow": "zacht", "r0_kind": "b2c", "r0_segment": "vip", "r0_min": "100",
                 "r1_workflow": "zacht", "r1_max": "99,99", "r1_pos": "0"})  # fmt: skip
    assert staff.post("/workflows/rules", {**form, "do": "save"}).status == 303
    rules = repo.rules(tenants.c1)
    assert [(r.segment, r.kind, r.min_open, r.max_open) for r in rules] == [
        (None, None, None, 9999),
        ("vip", DebtorKind.B2C, 10000, None),
    ]
    forged = {**_form(staff, "/workflows/rules"), "r0_workflow": "bestaat-niet", "do": "save"}
    refused = staff.post("/workflows/rules", forged)
    assert (
        refused.status == 422 and "er is geen workflow bestaat-niet" in refused.encoded().decode()
    )
    upside_down = {
        **_form(staff, "/workflows/rules"),
        "r1_min": "500",
        "r1_max": "10",
        "do": "save",
    }
    assert staff.post("/workflows/rules", upside_down).status == 422
    assert repo.rules(tenants.c1) == rules
    # the API refuses a rule naming no workflow too
    bad = {"rules": [{"workflow": "bestaat-niet"}]}
    assert world.agency_a.call("PUT", "/v1/clients/C1/segment-rules", bad).status == 422


def test_read_only_people_see_the_steps_but_cannot_edit(world: World, tenants: Tenants) -> None:
    _seed(world)
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = reader.get("/workflows/edit?id=zacht")
    assert page.status == 200
    text = page.encoded().decode()
    assert 'value="Herinnering"' in text and 'value="activate"' not in text
    form = _form(reader, "/workflows/edit?id=zacht")
    assert reader.post("/workflows/edit", {**form, "do": "save"}).status == 403
    assert reader.post("/workflows/rules", {"csrf": form["csrf"], "do": "save"}).status == 403
    assert world.services.repos.dunning.workflows(tenants.c1)["zacht"].active


def test_a_whatsapp_steps_meta_template_survives_an_edit(world: World, tenants: Tenants) -> None:
    _seed(world)
    steps = [{"name": "WhatsApp", "channel": "whatsapp", "offset_days": 3,
              "templates": {"nl": "herinnering", "whatsapp": "betaalherinnering_v2"}}]  # fmt: skip
    assert world.agency_a.call("PUT", "/v1/clients/C1/workflows/wa", {"name": "WA", "steps": steps}).status == 200  # fmt: skip
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    form = _form(staff, "/workflows/edit?id=wa")
    assert staff.post("/workflows/edit", {**form, "r0_days": "4", "do": "save"}).status == 303
    (step,) = world.services.repos.dunning.workflows(tenants.c1)["wa"].steps
    assert step.offset_days == 4
    assert dict(step.templates) == {"nl": "herinnering", "whatsapp": "betaalherinnering_v2"}


def test_bundle_days_shown_kept_on_save_set_and_refused_as_the_api_refuses(
    world: World, tenants: Tenants
) -> None:
    """console18: the editor had no field for ``bundle_days``: staff could neither see nor set
    it. Saving keeps what the API set; a value the API refuses is refused in the same words."""
    _seed(world)
    api, repo = world.agency_a, world.services.repos.dunning
    flow = api.call("GET", "/v1/clients/C1/workflows/zacht").body
    assert api.call("PUT", "/v1/clients/C1/workflows/zacht",
                    {"name": flow["name"], "steps": flow["steps"], "bundle_days": 5}).status == 200  # fmt: skip
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    form = _form(staff, "/workflows/edit?id=zacht")
    assert form["bundle_days"] == "5"
    assert staff.post("/workflows/edit", {**form, "do": "save"}).status == 303
    assert repo.workflows(tenants.c1)["zacht"].bundle_days == 5  # saved as shown: kept
    form = _form(staff, "/workflows/edit?id=zacht")
    stale = {k: v for k, v in form.items() if k != "bundle_days"}  # a page from before the field
    assert staff.post("/workflows/edit", {**stale, "do": "save"}).status == 303
    assert repo.workflows(tenants.c1)["zacht"].bundle_days == 5
    form = _form(staff, "/workflows/edit?id=zacht")
    before = repo.workflows(tenants.c1)["zacht"]
    for typed in ("15", "-1", "drie"):
        refused = staff.post("/workflows/edit", {**form, "bundle_days": typed, "do": "save"})
        assert refused.status == 422, typed
        page = refused.encoded().decode()
        assert "Bundelen gaat van 0 (uit) tot en met 14 dagen." in page, typed
        assert f'name="bundle_days" value="{typed}"' in page  # shown again as typed
    assert repo.workflows(tenants.c1)["zacht"] == before
    assert staff.post("/workflows/edit", {**form, "bundle_days": "7", "do": "save"}).status == 303
    assert repo.workflows(tenants.c1)["zacht"].bundle_days == 7
    form = _form(staff, "/workflows/edit?id=zacht")
    assert staff.post("/workflows/edit", {**form, "bundle_days": "", "do": "save"}).status == 303
    assert repo.workflows(tenants.c1)["zacht"].bundle_days == 0  # blank: off
    assert api.call("GET", "/v1/clients/C1/workflows/zacht").body["bundle_days"] == 0


def test_the_editor_says_which_step_has_no_english_text(world: World, tenants: Tenants) -> None:
    """console18: an English-speaking debtor gets a Dutch-only step wholly in Dutch; the editor
    tells staff which steps those are (saving is not refused)."""
    _seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/workflows/edit?id=zacht").encoded().decode()
    assert ("Stap 1 (Herinnering) heeft geen tekst in het Engels: wie Engels leest, krijgt deze "
            "stap helemaal in het Nederlands.") in page  # fmt: skip
    assert "Stap 2 (Aanmaning) heeft geen tekst in het Engels" in page
    form = _form(staff, "/workflows/edit?id=zacht")
    form.update({"r0_tpl_en": "aanmaning", "r1_tpl_en": "herinnering", "do": "save"})
    assert staff.post("/workflows/edit", form).status == 303
    page = staff.get("/workflows/edit?id=zacht").encoded().decode()
    assert "geen tekst in het" not in page
