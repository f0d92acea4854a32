"""Review debtor6 #11: the dossier's timeline says who did what. A plan the debtor agreed in
the portal is shown (without the system toggle) as the debtor's, in the page's language; a
pause and resume by a person are that person's, not "systeem"; an API change shows the key's
label, or "API-sleutel <id>…" for a key without one. The stored entries are left as written."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from shared.domain.people.authorisation import Role
from shared.services.portal import PORTAL
from tests.unit.api.conftest import ApiClient, debtor_row, invoice_row
from tests.unit.console.conftest import csrf_of, desk_for

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def rows_with(page: str, text: str) -> list[str]:
    """The timeline rows (each has a kind badge) whose text contains ``text``."""
    rows = re.findall(r"<tr>.*?</tr>", page, flags=re.S)
    return [r for r in rows if text in r and 'class="badge"' in r]


def key_for(world, label: str) -> tuple[str, ApiClient]:  # type: ignore[no-untyped-def]
    reply = world.agency_a.call(
        "POST", "/v1/keys", {"scope": "client", "client": "C1", "label": label}
    )
    assert reply.status == 201, reply.body
    return reply.body["key_id"], world.agency_a.as_key(reply.body["key"])


def test_the_timeline_names_the_debtor_the_person_and_the_key(world, tenants):
    world.clock.at = NOW
    api = world.agency_a
    assert api.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]}).status == 200
    rows = [
        invoice_row(n, "D1", amount="200.00", due_date="2025-12-01") for n in ("F1", "F2", "F3")
    ]
    assert api.call("POST", "/v1/clients/C1/invoices", {"items": rows}).status == 200
    # the debtor agrees a plan (the portal activates it as PORTAL)
    plan = api.call("POST", "/v1/clients/C1/plans", {"debtor": "D1", "invoices": ["F1"],
                                                     "start": "2026-01-31", "installments": 3})  # fmt: skip
    assert plan.status == 201, plan.body
    client = world.services.repos.clients.get(tenants.c1)[0]
    world.services.plans.activate(client, plan.body["plan_id"], PORTAL)
    # API keys, one with a label and one without, each dispute an invoice
    labelled_id, labelled = key_for(world, "Boekhouding")
    bare_id, bare = key_for(world, "")
    assert (
        labelled.call("POST", "/v1/clients/C1/invoices/F2/dispute", {"reason": "te hoog"}).status
        == 200
    )
    assert (
        bare.call("POST", "/v1/clients/C1/invoices/F3/dispute", {"reason": "kwijt"}).status == 200
    )
    # a person pauses and resumes the debtor in the console
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D1")
    token = csrf_of(page)
    assert (
        staff.post("/dossier/D1", {"csrf": token, "do": "pause", "reason": "belt terug"}).status
        == 303
    )
    assert staff.post("/dossier/D1", {"csrf": token, "do": "resume"}).status == 303

    dutch = staff.get("/dossier/D1").encoded().decode()  # without "Toon ook systeemregels"
    (agreed,) = rows_with(dutch, "afgesproken") or rows_with(dutch, "agreed")
    assert "debiteur (portaal)" in agreed and "systeem" not in agreed
    for kind in ("pauze", "hervat"):
        (row,) = [r for r in rows_with(dutch, f">{kind}<")]
        assert "s@c1.example" in row and "systeem" not in row
    assert "API-sleutel Boekhouding" in rows_with(dutch, "F2")[0]
    assert f"API-sleutel {bare_id[:8]}…" in rows_with(dutch, "F3")[0]
    assert labelled_id not in dutch and bare_id not in dutch
    assert "debtor (portal)" not in dutch

    english = staff.get("/dossier/D1?lang=en").encoded().decode()
    assert "debtor (portal)" in rows_with(english, "agreed")[0]
    assert "API key Boekhouding" in english

    # what is stored stays as written: the API's log still has the key's id and no author
    stored = list(world.services.dossier.timeline(client, "D1", include_system=True))
    assert any(e.author == labelled_id for e in stored)
    assert any(e.summary.startswith("Payment plan ") and not e.author for e in stored)
