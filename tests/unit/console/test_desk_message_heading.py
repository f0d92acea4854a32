"""A console refusal page (``Desk.message``: 403, 404, 400, 422) printed its sentence twice,
as the heading and again as the notice (newcomer33). Now a short heading for the kind of
answer, in the page's language, and the sentence once, as the notice; the status stays."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shared.api.console.shell import PAGES, Desk, page
from shared.api.http import ApiResponse
from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import Browser, desk_for


def _shown(browser: Browser, path: str, status: int) -> tuple[str, str, list[str]]:
    """The page's <title> words, its <h1> and its notices."""
    answer = browser.get(path)
    body = answer.encoded().decode()
    assert answer.status == status, body[-400:]
    title = body.split("<title>", 1)[1].split(" - Inning</title>", 1)[0]
    heading = body.split("<h1>", 1)[1].split("</h1>", 1)[0]
    notices = [n.split(">", 1)[1].split("</p>", 1)[0] for n in body.split('<p class="notice')[1:]]
    return title, heading, notices


def test_a_client_out_of_reach_is_page_not_found_said_once(world, tenants):
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "staff@c1.example")
    title, heading, notices = _shown(staff, f"/today?client={tenants.c2}&lang=en", 404)
    assert (title, heading) == ("Page not found", "Page not found")
    assert notices == ["This does not exist (any more), or is not yours to see."]
    _, heading, notices = _shown(staff, f"/today?client={tenants.c2}&lang=nl", 404)
    assert heading == "Pagina niet gevonden"
    assert notices == ["Dit bestaat niet (meer), of is niet voor u zichtbaar."]


@pytest.fixture
def refusing() -> Iterator[None]:
    """A page registered for the test only: it answers ``?status=`` with a desk message."""

    def handler(desk: Desk, rest: list[str]) -> ApiResponse:
        return desk.message(int(desk.query("status", "400")), "De reden, in een zin.")

    page("refusing", nav="account")(handler)
    try:
        yield
    finally:
        PAGES.pop("refusing")


@pytest.mark.parametrize(
    ("status", "nl", "en"),
    [
        (400, "Ongeldig verzoek", "Invalid request"),
        (403, "Geen toegang", "No access"),
        (404, "Pagina niet gevonden", "Page not found"),
        (422, "Niet gelukt", "Not done"),
    ],
)
def test_each_status_has_its_heading_and_the_sentence_once(
    world, tenants, refusing, status, nl, en
):
    staff = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    for lang, words in (("nl", nl), ("en", en)):
        title, heading, notices = _shown(staff, f"/refusing?status={status}&lang={lang}", status)
        assert title == heading == words
        assert notices == ["De reden, in een zin."]


def test_a_refused_role_reads_no_access_over_the_reason(world, tenants):
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "reader@c1.example")
    _, heading, notices = _shown(reader, "/upload?lang=en", 403)
    assert heading == "No access"
    assert notices == ["You have no access to this page or action."]
