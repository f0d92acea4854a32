"""A sweep of every console page in Dutch with the demo's data, as the demo's client admin
and the agency's staff: no page shows a Dutch credit manager a raw code (an enum value, an
action kind, a channel, a language or segment code) where a word belongs, and each dossier
and action item linked from the pages is swept too (newcomer4 finding 4)."""

from __future__ import annotations

import re
from datetime import date

from shared.api.console.action_text import KINDS
from shared.api.console.code_text import GROUPS
from shared.api.console.registry import PAGES
from shared.domain.people.authorisation import Action, Role, Target
from tests.unit.console.conftest import Browser, desk_for
from tests.unit.people.conftest import make_person
from tests.unit.people.test_console_pages import _signed_in_browser
from tools.demo import AGENCY_ID, seed
from tools.demo_talk import seed_talk

LINKED = re.compile(
    r'href="/api/console(/(?:actions|agency-actions|dossier|mail|jobs)/[^"?/]+)[?"]'
)


def _codes() -> set[str]:
    """Every code whose Dutch word differs from it, and every action kind (also spelled with
    spaces, the fallback for an unknown kind): none of them may stand alone on a Dutch page."""
    dutch = {nl for words in GROUPS.values() for nl, _ in words.values()}  # "open" is Dutch too
    codes = {code for words in GROUPS.values() for code in words} - dutch
    return codes | set(KINDS) | {kind.replace("_", " ") for kind in KINDS}


def _texts(body: str) -> set[str]:
    body = re.sub(r"<(style|script)\b.*?</\1>", "", body, flags=re.S)
    return {part.strip() for part in re.split(r"<[^>]+>|·", body) if part.strip()}


def _sweep(browser: Browser, *, agency: bool = False) -> dict[str, set[str]]:
    """Each page of the navigation in Dutch, and what it links to; what raw codes it shows
    (the agency's own pages only for agency people: a client's are refused them)."""
    codes = _codes()
    shown: dict[str, set[str]] = {}
    todo = [
        f"/{name}"
        for name, spec in PAGES.items()
        if name != "dossier"
        and (agency or not spec.agency_only)
        # a page read with more than READ (Afdracht: the settlement permission) is refused
        # staff, as its API route is (attack9)
        and spec.get_action is Action.READ
    ]
    seen: set[str] = set()
    while todo:
        path = todo.pop(0)
        if path in seen or len(seen) > 60:
            continue
        seen.add(path)
        page = browser.get(f"{path}?lang=nl")
        assert page.status == 200, path
        body = page.encoded().decode()
        shown[path] = _texts(body) & codes
        todo += LINKED.findall(body)
    assert any(p.startswith("/dossier/") for p in seen) and any(
        p.startswith("/actions/") for p in seen
    )
    return shown


def test_every_page_as_the_demo_client_admin_reads_dutch(world, tmp_path):
    seed(world.services, tmp_path, date(2025, 3, 3))
    seed_talk(world.services)
    client_id = world.services.repos.clients.id_for_number(AGENCY_ID, "BAKKERIJ")
    person = make_person(
        world, Role.CLIENT_ADMIN, Target(AGENCY_ID, client_id), "a@bakkerij.example"
    )
    shown = _sweep(_signed_in_browser(world, person))
    assert {path: codes for path, codes in shown.items() if codes} == {}


def test_the_unit_world_as_agency_staff_reads_dutch(world, tenants):
    from tests.unit.console.test_dossier_in_dutch import _history

    _history(world, tenants)
    staff = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    shown = _sweep(staff, agency=True)
    assert {path: codes for path, codes in shown.items() if codes} == {}


def test_the_sweep_finds_a_code_where_a_word_belongs():
    assert _texts("<td>inbound mail</td><td>F1 · default</td>") & _codes() == {
        "inbound mail", "default"}  # fmt: skip
