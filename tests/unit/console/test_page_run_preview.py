"""console33: the dunning run preview in the console (the API's GET …/dunning/preview as a
page): per workflow step the debtors (linked to their dossiers), invoices, channel, principal
and costs, the go-live hold, a day bounded as the API bounds it, one part at a time. The
agency's people and the client's admins see it; its staff do not; another client's preview is
out of reach through the console's route."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from functools import partial
from html import unescape
from unittest.mock import patch
from urllib.parse import parse_qsl, urlsplit

import pytest

from shared.api.console import page_run_preview
from shared.domain.people.authorisation import Role, Target
from shared.services.dunning_preview import preview_run
from tests.unit.api.conftest import client_row
from tests.unit.console.conftest import Browser, desk_for
from tests.unit.dunning.test_daily_run import engine, simulate  # noqa: F401
from tests.unit.people.conftest import make_person
from tests.unit.people.test_console_pages import _signed_in_browser


@pytest.fixture
def clients(engine):  # noqa: F811
    """C1 of the engine (a workflow, D1 with F1 and F2, D2 with F3, due 10-3) and C2 beside
    it at agency A; B1 at agency B. Their ids: (world, c1, c2, b1)."""
    world, _ = engine
    assert world.agency_a.call("POST", "/v1/clients", {"items": [client_row("C2")]}).status == 200
    assert world.agency_b.call("POST", "/v1/clients", {"items": [client_row("B1")]}).status == 200
    ids = world.services.repos.clients
    return (world, ids.id_for_number("agency-a", "C1"), ids.id_for_number("agency-a", "C2"),
            ids.id_for_number("agency-b", "B1"))  # fmt: skip


def _text(browser: Browser, path: str, status: int = 200) -> str:
    page = browser.get(path)
    body = page.encoded().decode()
    assert page.status == status, body[-600:]
    return body


def test_the_agency_sees_each_step_with_its_debtors_and_money(clients):
    world, c1, _, _ = clients
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    page = _text(agency, f"/run-preview?client={c1}&on=2025-03-17&lang=en")
    assert "<h1>Dunning run preview</h1>" in page and "The run of 2025-03-17" in page
    [row] = re.findall(r'<tr data-step="[^"]+">.*?</tr>', page, flags=re.S)
    cells = [unescape(c) for c in re.findall(r'<td class="num">([^<]*)</td>', row)]
    assert "Herinnering" in row and "Particulier" in row and "<td>e-mail</td>" in row
    assert cells == ["2", "3", "EUR 292.00", "EUR 0.00", "EUR 0.00"]
    assert "Looked at: 2 debtors; without a workflow: 0; below the minimum amount: 0." in page
    # each debtor links to its dossier (the chosen client kept) with the invoices it is sent
    assert f'href="/api/console/dossier/D1?client={c1}&amp;lang=en">D1</a>: F1, F2' in page
    assert f'href="/api/console/dossier/D2?client={c1}&amp;lang=en">D2</a>: F3' in page
    assert 'id="runp-end"' in page and 'id="runp-more"' not in page
    dutch = _text(agency, f"/run-preview?client={c1}&on=2025-03-17&lang=nl")
    assert "Voorbeeld van de invorderingsrun" in dutch and "De run van 17-03-2025" in dutch
    assert "Herinnering: 2 debiteuren" in dutch and "€ 292,00" in dutch


def test_the_14_day_letter_shows_the_costs_it_announces(clients):
    world, c1, _, _ = clients
    client = world.services.repos.clients.get(c1)[0]
    simulate(world, client, 26)  # 3-3 to 28-3: the reminders and the SMS went
    agency = desk_for(world, Role.AGENCY_ADMIN, None, "admin@agency-a.example")
    # 29-3: today (the API's default), the letter's day
    page = _text(agency, f"/run-preview?client={c1}&on=2025-03-29&lang=en")
    assert "The run of 2025-03-29" in page and "Veertiendagenbrief" in page
    assert "<td>14-day letter</td>" in page and "EUR 80.00" in page  # 40.00 a debtor


def test_the_default_day_is_tomorrow_or_the_later_go_live_day(clients):
    world, c1, _, _ = clients
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    page = _text(agency, f"/run-preview?client={c1}&lang=en")
    assert "The run of 2025-03-04" in page and 'id="runp-nothing"' in page
    assert 'value="2025-03-04" min="2025-03-03" max="2026-03-04"' in page
    stored = world.services.repos.clients
    found, etag = stored.get(c1)
    stored.save(replace(found, dunning_starts_on=date(2025, 3, 20)), etag)
    live = _text(agency, f"/run-preview?client={c1}&lang=en")
    assert "The run of 2025-03-20" in live and 'id="runp-waiting"' not in live
    assert "Herinnering" in live
    # a day before it: the steps are what waits for the go-live day, as the API says
    before = _text(agency, f"/run-preview?client={c1}&on=2025-03-17&lang=en")
    assert 'id="runp-waiting"' in before and "before the go-live day (2025-03-20)" in before


@pytest.mark.parametrize(
    ("on", "words"),
    [
        ("2025-03-02", "earlier runs have run already"),
        ("20250317", "Give a day as YYYY-MM-DD"),
        ("2026-03-05", "up to 366 days after today"),  # today (3-3-2025) + 367
    ],
)
def test_a_day_the_api_refuses_is_refused_beside_the_form(clients, on, words):
    world, c1, _, _ = clients
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    page = _text(agency, f"/run-preview?client={c1}&on={on}&lang=en", 400)
    assert words in page and 'role="alert"' in page and 'id="runp-on"' in page
    assert 'id="runp-steps"' not in page
    assert "The run of 2026-03-04" in _text(
        agency, f"/run-preview?client={c1}&on=2026-03-04&lang=en"
    )


def test_the_parts_go_on_by_the_continuation(clients):
    world, c1, _, _ = clients
    client = world.services.repos.clients.get(c1)[0]
    simulate(world, client, 1)  # the import's row becomes a row per invoice, due on 17-3
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    small = partial(preview_run, rows=2)  # two rows a part: D1's two invoices
    with patch.object(page_run_preview, "preview_run", small):
        first = _text(agency, f"/run-preview?client={c1}&on=2025-03-17&lang=en")
        assert ">D1</a>: F1, F2" in first and ">D2</a>" not in first
        more = re.search(r'id="runp-more" href="([^"]+)">Load more \(part 2\)', first)
        assert more
        query = dict(parse_qsl(urlsplit(unescape(more.group(1))).query))
        assert query["on"] == "2025-03-17" and query["part"] == "2"
        asked = "&".join(f"{k}={v}" for k, v in query.items())
        second = _text(agency, f"/run-preview?{asked}")
    assert "(part 2)" in second and ">D2</a>: F3" in second and ">D1</a>" not in second
    assert 'id="runp-end"' in second and "To the first part" in second
    # a continuation this page never gave is refused as the API refuses it
    bad = _text(agency, f"/run-preview?client={c1}&on=2025-03-17&continuation=x&lang=en", 400)
    assert "start at the first part" in bad


def test_only_the_agency_and_the_clients_admins_see_it(clients):
    world, c1, c2, b1 = clients
    own = desk_for(world, Role.CLIENT_ADMIN, c1, "admin@c1.example")
    page = _text(own, "/run-preview?on=2025-03-17&lang=en")
    assert ">D1</a>: F1, F2" in page
    # client A's admin asking for client B's preview (the agency's other client, another
    # agency's client): the console's route answers not found and shows nothing of it
    for other in (c2, b1):
        refused = _text(own, f"/run-preview?client={other}&on=2025-03-17&lang=en", 404)
        assert "Herinnering" not in refused and 'id="runp-steps"' not in refused
    # and the other way round: C2's admin asking for C1's, which has steps that day
    theirs = desk_for(world, Role.CLIENT_ADMIN, c2, "admin@c2.example")
    assert 'id="runp-nothing"' in _text(theirs, "/run-preview?on=2025-03-17&lang=en")
    refused = _text(theirs, f"/run-preview?client={c1}&on=2025-03-17&lang=en", 404)
    assert "Herinnering" not in refused and "D1" not in refused
    staff = desk_for(world, Role.CLIENT_STAFF, c1, "staff@c1.example")
    forbidden = _text(staff, "/run-preview?on=2025-03-17&lang=en", 403)
    assert "for the agency and the client&#39;s administrators" in forbidden
    assert "Herinnering" not in forbidden
    reader = desk_for(world, Role.READ_ONLY, c1, "reader@c1.example")
    _text(reader, "/run-preview?lang=en", 403)
    # agency B's admin: client C1 is not among its clients
    person = make_person(world, Role.AGENCY_ADMIN, Target("agency-b"), "admin@agency-b.example")
    other_agency = _signed_in_browser(world, person)
    _text(other_agency, f"/run-preview?client={c1}&on=2025-03-17&lang=en", 404)


def test_settings_and_today_link_to_it_for_those_who_may_see_it(clients):
    world, c1, _, _ = clients
    link = 'href="/api/console/run-preview'
    own = desk_for(world, Role.CLIENT_ADMIN, c1, "admin@c1.example")
    for path in ("/settings?lang=en", "/today?lang=en"):
        assert link in _text(own, path), path
    assert "What will tomorrow&#39;s run send?" in _text(own, "/today?lang=en")
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    assert 'id="today-preview"' in _text(agency, f"/today?client={c1}&lang=en")
    assert 'id="set-ready-preview"' in _text(agency, f"/settings?client={c1}&lang=en")
    staff = desk_for(world, Role.CLIENT_STAFF, c1, "staff@c1.example")
    for path in ("/settings?lang=en", "/today?lang=en"):
        assert link not in _text(staff, path), path


def test_a_first_steps_limit_shows_who_waits_for_a_later_run(clients):
    world, c1, _, _ = clients
    settings = world.services.client_settings
    [client, _] = world.services.repos.clients.get(c1)
    settings.first_steps(client, 1)
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    page = _text(agency, f"/run-preview?client={c1}&on=2025-03-17&lang=en")
    # a count of one read "1 debtors wait" and "at most 1 first steps" (newcomer33): the
    # numbers stand after a colon, where no plural has to agree with them
    assert (
        "Debtors whose first step waits for a later run: 1 (first steps a day: at most 1)." in page
    )
    dutch = _text(agency, f"/run-preview?client={c1}&on=2025-03-17&lang=nl")
    assert "op een volgende run wacht: 1 (eerste stappen per dag: hoogstens 1)." in dutch
    [row] = re.findall(r'<tr data-step="[^"]+">.*?</tr>', page, flags=re.S)
    assert re.findall(r'<td class="num">([^<]*)</td>', row)[0] == "1"
