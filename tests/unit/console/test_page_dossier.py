"""The debtor's dossier: details, the claims from the claim ledger, the timeline with system
entries behind a toggle, the portal link; pause, resume, promise, dispute and a note through
the API's services; a read-only person sees but cannot act; another client's debtor is 404."""

from __future__ import annotations

from shared.domain.invoices import InvoiceStatus
from shared.domain.people.authorisation import Role
from tests.support.page_words import words
from tests.unit.console.conftest import csrf_of, desk_for, forms_of
from tests.unit.figures.test_console_figures import seed


def test_the_dossier_shows_claims_timeline_and_portal_link(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D1?lang=en")
    body = page.encoded().decode()
    assert page.status == 200
    # another debtor's invoice is nowhere, as a word: "F3" turns up in the page's random
    # tokens (CSRF, nonces) about one run in eight
    assert "Debtor D1" in body and {"F1", "F2"} <= words(body) and "F3" not in words(body)
    assert "Principal" in body and "Interest" in body and "/dossier/D1/portal" in body
    assert "HAND MESSAGE" not in body  # the marked place is a template comment
    for form in forms_of(page):
        assert 'name="csrf"' in form
        assert "/logout" in form or 'name="client"' in form


def test_pause_note_promise_dispute_and_resume(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    token = csrf_of(staff.get("/dossier/D1"))

    def do(**fields: str):  # type: ignore[no-untyped-def]
        return staff.post("/dossier/D1", {"csrf": token, **fields})

    assert do(do="pause", reason="called, pays Friday").status == 303
    debtor = world.services.repos.debtors.get(tenants.c1, "D1")[0]
    assert debtor.pause is not None and debtor.pause.reason == "called, pays Friday"
    assert do(do="note", text="Spoke to the owner").status == 303
    assert do(do="promise", invoice="F1", until="2025-03-20").status == 303
    assert world.services.repos.invoices.get(tenants.c1, "F1").invoice.promise_until is not None
    assert do(do="dispute", invoice="F2", reason="never delivered").status == 303
    assert (
        world.services.repos.invoices.get(tenants.c1, "F2").invoice.status is InvoiceStatus.DISPUTED
    )
    assert do(do="dispute", invoice="F3", reason="not D1's").status == 422  # another debtor's
    assert do(do="promise", invoice="F1", until="soon").status == 422
    assert do(do="note", text="   ").status == 422  # a note has words
    assert do(do="pause", reason="").status == 422  # a pause has a reason
    page = staff.get("/dossier/D1?lang=en").encoded().decode()
    assert "Spoke to the owner" in page and "never delivered" in page and "Resume dunning" in page
    # pauses and promises are logged as system entries, yet they are what happened: shown
    assert "Paused: called, pays Friday" in page and "Promise to pay invoice F1" in page
    assert do(do="resume").status == 303
    assert world.services.repos.debtors.get(tenants.c1, "D1")[0].pause is None


def test_system_entries_behind_a_toggle(world, tenants):
    from shared.domain.records import ContactEntry, ContactKind

    seed(world)
    now = world.clock.now()
    world.services.repos.contacts.add(
        ContactEntry(
            tenants.c1, "D1", "e-sys", now, ContactKind.STATUS, "Recomputed by the run", system=True
        )
    )
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    assert "Recomputed by the run" not in staff.get("/dossier/D1?lang=en").encoded().decode()
    assert "Recomputed by the run" in staff.get("/dossier/D1?lang=en&system=1").encoded().decode()


def test_roles_and_other_clients(world, tenants):
    seed(world)
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = reader.get("/dossier/D1")
    assert page.status == 200 and b'value="pause"' not in page.encoded()
    assert (
        reader.post("/dossier/D1", {"csrf": csrf_of(page), "do": "note", "text": "x"}).status == 403
    )
    other = desk_for(world, Role.CLIENT_STAFF, tenants.c2, "s@c2.example")
    assert other.get("/dossier/D1").status == 404
    assert other.get(f"/dossier/D1?client={tenants.c1}").status == 404
    token = csrf_of(other.get("/today"))
    assert other.post("/dossier/D1", {"csrf": token, "do": "pause", "reason": "x"}).status == 404
    assert world.services.repos.debtors.get(tenants.c1, "D1")[0].pause is None
