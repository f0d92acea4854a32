"""newcomer17 F9: staff could not open the 14-day letter they sent. The dossier's timeline said
"Brief verstuurd via …: Veertiendagenbrief (F1)" with no link, and no console page or API route
served a sent letter: only the debtor could read it, in his portal. Now the line links to the
PDF as sent, and ``GET …/debtors/{debtor}/messages/{message}/letter`` serves it, each for the
client's own people only."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from shared.api.http import ApiRequest, ApiResponse
from shared.domain.people.authorisation import Role
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.console.conftest import desk_for
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, day


def _fourteen_day_letter(world, number: str = "C1"):  # type: ignore[no-untyped-def]
    """D1 of client ``number`` gets the workflow's 14-day letter on Mon 03-03 (delivered)."""
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 6, 0, tzinfo=UTC)
    base = f"/v1/clients/{number}"
    a.call("POST", "/v1/clients", {"items": [client_row(number, contact_email="f@c.example")]})
    a.call("POST", f"{base}/debtors", {"items": [debtor_row("D1", name="Jan")]})
    for tid, body in TEMPLATES.items():
        a.call("PUT", f"{base}/templates/{tid}", body)
    wf = {"name": "W", "steps": [
        {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 3,
         "templates": {"nl": "t-14"}}]}  # fmt: skip
    assert a.call("PUT", f"{base}/workflows/w", wf).status == 200
    assert a.call("POST", f"{base}/workflows/w/activate").status == 200
    a.call("PUT", f"{base}/segment-rules", {"rules": [{"workflow": "w"}]})
    row = invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2025-02-01", due_date="2025-02-28"
    )
    a.call("POST", f"{base}/invoices", {"items": [row]})
    client = world.services.access.client_for(world.services.access.authenticate(a.key), number)
    day(world, client)
    [(message, _)] = world.services.messaging.outbox.with_prefix(client.client_id, "dun|D1|")
    assert message.sent_at is not None
    pdf = next(
        x.data
        for x in world.services.messaging.content_of(message).attachments
        if x.content_type == "application/pdf"
    )
    return pdf


def _letter_row(page: str) -> str:
    rows = re.findall(r"<tr>(?:(?!</tr>).)*Brief verstuurd(?:(?!</tr>).)*</tr>", page, re.S)
    assert len(rows) == 1, rows
    return str(rows[0])


def test_the_dossier_links_the_sent_letter_and_serves_its_pdf_as_sent(world, tenants):
    pdf = _fourteen_day_letter(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D1").encoded().decode()
    row = _letter_row(page)
    (link,) = re.findall(r'href="([^"]*/dossier/D1/letter/[^"]*)"', row)
    assert "Open de brief (PDF)" in row
    served = staff.get(link.replace("&amp;", "&").removeprefix("/api/console"))
    assert served.status == 200 and served.content_type == "application/pdf"
    assert served.raw == pdf  # the letter exactly as it went out

    # a reader of the client may read it too; another client's people find nothing
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    assert "/dossier/D1/letter/" in _letter_row(reader.get("/dossier/D1").encoded().decode())
    entry = link.rsplit("/", 1)[1].split("?")[0]
    # C2 has a D1 of its own, without a letter
    world.agency_a.call("POST", "/v1/clients/C2/debtors", {"items": [debtor_row("D1")]})
    other = desk_for(world, Role.CLIENT_STAFF, tenants.c2, "s@c2.example")
    assert other.get(f"/dossier/D1/letter/{entry}").status == 404
    assert staff.get("/dossier/D1/letter/0000000000000sdeadbeef").status == 404


def test_the_api_serves_the_letter_of_a_contact_log_entry_to_its_own_client_only(world, tenants):
    pdf = _fourteen_day_letter(world)
    a = world.agency_a
    assert a.call("POST", "/v1/clients/C1/debtors/D1/notes", {"text": "belt"}).status == 201
    log = a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    (sent,) = [e for e in log if e["channel"] == "letter" and e["kind"] == "message"]
    path = f"/v1/clients/C1/debtors/D1/messages/{sent['entry_id']}/letter"

    def get(key: str, at: str = path) -> ApiResponse:
        answer: ApiResponse = world.api.handle(ApiRequest("GET", at, {"x-api-key": key}, {}))
        return answer

    answer = get(a.key)
    assert answer.status == 200 and answer.content_type == "application/pdf"
    assert answer.raw == pdf
    other = next(e for e in log if e["entry_id"] != sent["entry_id"])  # not a letter
    assert get(a.key, path.replace(sent["entry_id"], other["entry_id"])).status == 404
    # the client's own key reads it; another client's key, another agency's key: not found
    own = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"]
    assert get(own).status == 200
    a.call("POST", "/v1/clients/C2/debtors", {"items": [debtor_row("D1")]})
    key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C2"}).body["key"]
    assert get(key).status == 404
    assert get(key, path.replace("/C1/", "/C2/")).status == 404
    assert get(world.agency_b.key).status == 404
