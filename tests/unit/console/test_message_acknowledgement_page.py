"""ack11 #1 in the console: on the dossier's timeline a message the debtor wrote links to a
page where an administrator marks it as his acknowledgement of the invoices he ticks (art.
3:318 BW), sees it marked, and takes the mark back; staff read the mark and are told an
administrator decides (attack13b G2: what is on his log is the daily work's to file). Dutch and English; refusals said in the page's language."""

from __future__ import annotations

from datetime import date, timedelta

from shared.clock import amsterdam_date
from shared.domain.people.authorisation import Role
from shared.domain.portal.tokens import PortalAccess
from tests.unit.console.conftest import csrf_of, desk_for, forms_of
from tests.unit.console.test_action_decisions import seed


def _wrote(world, tenants) -> tuple[str, date]:  # type: ignore[no-untyped-def]
    seed(world)  # D1 owes F1 and F2
    me = PortalAccess(tenants.c1, "D1", 0, world.clock.now() + timedelta(days=1))
    world.services.portal.message(me, "Ik weet dat ik F1 moet betalen, volgende maand.")
    entries, _ = world.services.repos.contacts.for_debtor(tenants.c1, "D1")
    (entry,) = [e for e in entries if e.summary.startswith("Message through the portal")]
    received = amsterdam_date(entry.at)
    world.clock.at = world.clock.now() + timedelta(days=1)
    return str(entry.entry_id), received


def _acknowledged(world, client_id: str) -> dict[str, set[date]]:  # type: ignore[no-untyped-def]
    watch = world.services.dunning.prescriptions
    found = watch._acknowledgements(client_id, "D1", amsterdam_date(world.clock.now()))
    return {n: days for n, days in found.items() if days}


def test_an_administrator_marks_the_message_for_the_invoices_he_ticks(world, tenants):
    message, received = _wrote(world, tenants)
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "admin@c1.example")
    dossier = admin.get("/dossier/D1").encoded().decode()
    link = f"/dossier/D1/acknowledgement/{message}"
    assert link in dossier and "Als erkenning markeren" in dossier
    page = admin.get(link)
    text = page.encoded().decode()
    assert "Inning leest de tekst niet zelf" in text
    assert "niet gemarkeerd: het bericht stuit de verjaring niet" in text
    (form,) = [f for f in forms_of(page) if 'value="mark"' in f]
    assert 'value="F1"' in form and 'value="F2"' in form
    none = admin.post(link, {"csrf": csrf_of(page), "do": "mark"})
    assert none.status == 422 and "Kies de facturen" in none.encoded().decode()
    done = admin.post(link, {"csrf": csrf_of(page), "do": "mark", "invoices": "F1"})
    assert done.status == 303, done.encoded()
    assert _acknowledged(world, tenants.c1) == {"F1": {received}}
    after = admin.get(link).encoded().decode()
    assert f"gemarkeerd als erkenning van F1; telt vanaf {received:%d-%m-%Y}" in after
    dossier = admin.get("/dossier/D1").encoded().decode()
    assert "Erkenning van F1" in dossier
    assert (
        "gemarkeerd als erkenning door de debiteur van F1 (verjaring)"
        in admin.get("/dossier/D1?system=1").encoded().decode()
    )
    page = admin.get(link)
    assert admin.post(link, {"csrf": csrf_of(page), "do": "unmark"}).status == 303
    assert _acknowledged(world, tenants.c1) == {}


def test_staff_read_the_mark_and_are_told_an_administrator_decides_in_english(world, tenants):
    message, _ = _wrote(world, tenants)
    world.services.message_acknowledgements.mark(
        world.services.repos.clients.get(tenants.c1)[0], "D1", message, ["F2"], "user:admin"
    )
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    link = f"/dossier/D1/acknowledgement/{message}"
    page = staff.get(link + "?lang=en")
    text = page.encoded().decode()
    assert "marked as an acknowledgement of F2" in text
    assert "An administrator marks a message" in text
    assert not [f for f in forms_of(page) if 'value="mark"' in f]
    assert staff.post(link, {"csrf": csrf_of(page), "do": "unmark"}).status == 403
    assert _acknowledged(world, tenants.c1) == {
        "F2": {amsterdam_date(world.clock.now()) - timedelta(days=1)}
    }
    # an entry that is no message of his has no such page
    entries, _ = world.services.repos.contacts.for_debtor(tenants.c1, "D1")
    mine = [e for e in entries if e.summary.startswith("Message of")]
    assert staff.get(f"/dossier/D1/acknowledgement/{mine[0].entry_id}").status == 404
