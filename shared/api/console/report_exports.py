"""The month's exports for the client's own books, from the Reports page: the statement of
what was collected for the client on the agency's third-party account (MT940) and the list of
payments received ("Ontvangen betalingen", PDF), the files ``GET …/exports/mt940`` and
``…/exports/report.pdf`` answer (cm18 F5: a client working only in the console had no way to
them). The same service, the same permission and the same refusals as those routes."""

from __future__ import annotations

from datetime import date

from shared.api.console.permits import allows, client_path, require
from shared.api.console.shell import Desk
from shared.api.http import ApiResponse
from shared.services.errors import NotFound

ROUTES = {"mt940": "exports/mt940", "pdf": "exports/report.pdf"}


def offered(desk: Desk) -> list[str]:
    """The exports this person may download (as the API's routes allow them)."""
    return [what for what, route in ROUTES.items() if allows(desk, "GET", client_path(desk, route))]


def export(desk: Desk, what: str, start: date, end: date) -> ApiResponse:
    """The file asked for over ``start`` .. ``end`` (inclusive); the service's refusal
    (``export_no_third_party_account``) is raised as the API raises it."""
    route = ROUTES.get(what)
    if route is None:
        raise NotFound("no such export")
    require(desk, "GET", client_path(desk, route))
    client = desk.client
    exports = desk.services.exports
    name = f"inning-{client.number}-{start.isoformat()}-{end.isoformat()}"
    if what == "mt940":
        text = exports.mt940(client, start, end)
        return desk.download(text.encode("ascii", "replace"), f"{name}.sta", "text/plain")
    return desk.download(exports.report_pdf(client, start, end), f"{name}.pdf", "application/pdf")
