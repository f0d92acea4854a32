"""The letters on the dossier's timeline: a "Brief verstuurd …" line links to the letter's PDF
as it was sent (``/dossier/<debtor>/letter/<entry>``), so the people who sent it can read what
the debtor reads in his portal (newcomer17 F9; 6:96 lid 6 BW puts the 14-day letter's content
on the creditor). Shown to whom the API route ``GET …/debtors/{debtor}/messages/{message}/letter``
lets read it (:func:`action_for_request`), of the chosen client only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from shared.api.console.permits import allows, client_path, require
from shared.api.console.shell import Desk, words
from shared.api.http import ApiResponse
from shared.domain.records import ContactEntry
from shared.services.errors import NotFound


def _route(desk: Desk, number: str, entry: str = "x") -> str:
    return client_path(
        desk, f"debtors/{quote(number, safe='')}/messages/{quote(entry, safe='')}/letter"
    )


def timeline_context(desk: Desk, number: str, entries: Iterable[ContactEntry]) -> dict[str, Any]:
    """The timeline entries (of the page shown) whose letter this person may open."""
    if not allows(desk, "GET", _route(desk, number)):
        return {"letter_ids": set()}
    found = desk.services.sent_letters.with_letter(desk.client.client_id, number, entries)
    return {"letter_ids": found}


def page(desk: Desk, number: str, entry: str) -> ApiResponse:
    """The letter's PDF, or "not found" for an entry that is not one of his sent letters."""
    require(desk, "GET", _route(desk, number, entry))
    try:
        letter = desk.services.sent_letters.letter(desk.client.client_id, number, entry)
    except NotFound:
        return desk.message(404, desk.t["not_found"])
    return desk.download(letter.pdf, letter.name, "application/pdf")


words(
    nl={"dos_open_letter": "Open de brief (PDF)"},
    en={"dos_open_letter": "Open the letter (PDF)"},
)
