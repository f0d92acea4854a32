"""lawyer20 L2 (notice21) on the console: a consumer's dispute ended by its item's decision
without a message to him (no channel chosen) holds the invoice, with an item "Betwisting
beëindigd, debiteur niet ingelicht"; its one choice, once the debtor was told by hand, resumes
the invoice (the API's resume, the same authorisation) and closes the item. Ended with the
decision's message (which names the day collection resumes), nothing else is held and no
second notice goes. Before: the invoice went back to
the workflow at once, untold."""

from __future__ import annotations

from datetime import date, timedelta

from shared.clock import amsterdam_date
from shared.domain.people.authorisation import Role
from shared.domain.records import ActionStatus
from shared.services.dispute_ending import resumes_words
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_action_decisions import form_with, seed, told


def _disputed(world, tenants):  # type: ignore[no-untyped-def]
    seed(world)
    reply = world.agency_a.call("POST", "/v1/clients/C1/invoices/F2/dispute", {"reason": "kapot"})
    assert reply.status == 200, reply.body
    (item,) = list(world.services.action_desk.listed(tenants.c1, kind="dispute", assignee="",
                                                     resolved=False))  # fmt: skip
    return item


def _held(world, tenants):  # type: ignore[no-untyped-def]
    return list(world.services.action_desk.listed(tenants.c1, kind="dispute_untold", assignee="",
                                                  resolved=False))  # fmt: skip


def test_ended_without_a_word_the_invoice_waits_for_a_person(world, tenants):  # type: ignore[no-untyped-def]
    item = _disputed(world, tenants)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{item.action_id}")
    done = staff.post(f"/actions/{item.action_id}",
                      {"csrf": csrf_of(page), "do": "end-dispute", "reason": "geleverd"})  # fmt: skip
    assert done.status == 303, done.encoded()
    invoices = world.services.repos.invoices
    assert invoices.get(tenants.c1, "F2").invoice.paused_until == date.max
    assert told(world, tenants.c1, "D1") == []
    (held,) = _held(world, tenants)
    assert held.invoice_numbers == ("F2",)
    page = staff.get(f"/actions/{held.action_id}")
    assert "Debiteur ingelicht: invordering hervatten" in form_with(page, "told-resume")
    done = staff.post(f"/actions/{held.action_id}", {"csrf": csrf_of(page), "do": "told-resume"})
    assert done.status == 303, done.encoded()
    assert invoices.get(tenants.c1, "F2").invoice.paused_until is None
    closed = world.services.repos.actions.get(tenants.c1, held.action_id)[0]
    assert closed.status is ActionStatus.RESOLVED and closed.resolution.startswith(
        "invoice F2 resumed"
    )
    assert _held(world, tenants) == []


def test_ended_with_the_decisions_message_nothing_is_held(world, tenants):  # type: ignore[no-untyped-def]
    item = _disputed(world, tenants)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{item.action_id}")
    done = staff.post(f"/actions/{item.action_id}", {
        "csrf": csrf_of(page), "do": "end-dispute", "reason": "geleverd",
        "channel": "email", "subject": "Uw bezwaar", "body": "De betwisting is afgesloten."})  # fmt: skip
    assert done.status == 303, done.encoded()
    # told by the message, which names the day collection resumes (notice24): held until then
    day = amsterdam_date(world.clock.now()) + timedelta(days=14)
    paused = world.services.repos.invoices.get(tenants.c1, "F2").invoice.paused_until
    assert paused == day - timedelta(days=1)
    assert told(world, tenants.c1, "D1") == [
        "De betwisting is afgesloten.\n" + resumes_words("nl", day)
    ]
    assert _held(world, tenants) == []


def test_a_reader_is_offered_no_resume(world, tenants):  # type: ignore[no-untyped-def]
    item = _disputed(world, tenants)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{item.action_id}")
    staff.post(f"/actions/{item.action_id}",
               {"csrf": csrf_of(page), "do": "end-dispute", "reason": "geleverd"})  # fmt: skip
    (held,) = _held(world, tenants)
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = reader.get(f"/actions/{held.action_id}")
    assert 'value="told-resume"' not in page.encoded().decode()


def test_keep_chasing_tells_a_consumer_and_waits_the_days_it_names(world, tenants):  # type: ignore[no-untyped-def]
    """The dossier's "keep chasing" ends the dispute as the API's default: one notice, the
    invoice paused until the day before the day it names (before: open at once, untold)."""
    item = _disputed(world, tenants)
    # its item closed by hand first: the dossier does not decide past a waiting item
    world.services.actions.resolve(tenants.c1, item.action_id, "spoken to", "key:x")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    dossier = staff.get("/dossier/D1")
    done = staff.post("/dossier/D1", {"csrf": csrf_of(dossier), "do": "keep-chasing",
                                      "invoice": "F2"})  # fmt: skip
    assert done.status == 303, done.encoded()
    (notice,) = told(world, tenants.c1, "D1")
    assert "Wij hervatten de invordering op 18-03-2025" in notice
    invoice = world.services.repos.invoices.get(tenants.c1, "F2").invoice
    assert invoice.paused_until == date(2025, 3, 17)
    assert _held(world, tenants) == []
