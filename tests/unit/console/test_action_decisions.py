"""Review debtor6 #6: a debtor's postponement request and dispute are decided on the action
item's page. Grant pauses the asked invoices until the day (as the portal's own grant does)
and tells the debtor; refuse resolves with a reason and tells the debtor; ending a dispute is
the API's resolve-dispute. A reader may not decide, another client's item is out of reach,
and a decision is made once."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.invoices import InvoiceStatus
from shared.domain.people.authorisation import Role
from shared.domain.records import ActionItem, ActionStatus
from tests.unit.api.conftest import debtor_row, invoice_row
from tests.unit.console.conftest import csrf_of, desk_for, forms_of

TUESDAY_10 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam: inside contact hours


def seed(world, client_id: str = "C1") -> None:  # type: ignore[no-untyped-def]
    world.clock.at = TUESDAY_10
    api = world.agency_a
    assert api.call("POST", f"/v1/clients/{client_id}/debtors",
                    {"items": [debtor_row("D1"), debtor_row("D2", language="en")]}).status == 200  # fmt: skip
    rows = [invoice_row("F1", "D1"), invoice_row("F2", "D1"), invoice_row("E1", "D2")]
    assert api.call("POST", f"/v1/clients/{client_id}/invoices", {"items": rows}).status == 200


def request(world, client_id: str, debtor: str, invoices: tuple[str, ...]) -> ActionItem:  # type: ignore[no-untyped-def]
    """The item the portal makes when a postponement goes to staff."""
    item = ActionItem(
        client_id, f"req-{debtor}", "postponement_request",
        f"Debtor {debtor} asks to postpone {', '.join(invoices)} until 2025-03-20", TUESDAY_10,
        debtor_number=debtor, invoice_numbers=invoices,
        detail={"until": "2025-03-20", "reason": "salaris komt later"},
    )  # fmt: skip
    world.services.repos.actions.add(item)
    return item


def form_with(page, value: str) -> str:  # type: ignore[no-untyped-def]
    return next(f for f in forms_of(page) if f'name="do" value="{value}"' in f)


def told(world, client_id: str, debtor: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The texts of the messages by hand queued for ``debtor``."""
    messaging = world.services.messaging
    return [
        messaging.content(client_id, m.key).text
        for m, _ in messaging.outbox.with_prefix(client_id, f"hand|{debtor}|")
    ]


def test_grant_pauses_the_invoices_until_the_day_and_tells_the_debtor_once(world, tenants):
    seed(world)
    item = request(world, tenants.c1, "D1", ("F1",))
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{item.action_id}")
    grant = form_with(page, "grant")
    form_with(page, "refuse")
    # the message offered in the debtor's language (D1 is Dutch), with the day asked
    assert "is toegekend" in grant and "20-03-2025" in grant and 'name="csrf"' in grant
    assert '<option value="email">' in grant
    fields = {"csrf": csrf_of(page), "do": "grant", "channel": "email",
              "subject": "Uitstel toegekend", "body": "U hoeft niet te betalen voor 20-03-2025."}  # fmt: skip
    done = staff.post(f"/actions/{item.action_id}", fields)
    assert done.status == 303 and "done=dec_done" in done.headers["Location"]
    invoices = world.services.repos.invoices
    assert invoices.get(tenants.c1, "F1").invoice.paused_until == date(2025, 3, 20)
    assert invoices.get(tenants.c1, "F2").invoice.paused_until is None  # not asked for
    resolved = world.services.repos.actions.get(tenants.c1, item.action_id)[0]
    assert resolved.status is ActionStatus.RESOLVED
    assert resolved.resolution.startswith("postponement granted until 2025-03-20")
    assert told(world, tenants.c1, "D1") == ["U hoeft niet te betalen voor 20-03-2025."]
    # decided once: the page offers no decision any more, and a second post is refused
    after = staff.get(f"/actions/{item.action_id}")
    assert not any('value="grant"' in f for f in forms_of(after))
    again = staff.post(f"/actions/{item.action_id}", fields)
    assert again.status == 409  # decided already: a conflict, nothing done
    assert len(told(world, tenants.c1, "D1")) == 1


def test_refuse_needs_a_reason_tells_the_debtor_and_pauses_nothing(world, tenants):
    seed(world)
    item = request(world, tenants.c1, "D2", ("E1",))
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{item.action_id}")
    refuse = form_with(page, "refuse")
    assert "we cannot grant your request" in refuse  # D2 reads English
    fields = {"csrf": csrf_of(page), "do": "refuse", "channel": "email",
              "subject": "Your request", "body": "We cannot grant it."}  # fmt: skip
    missing = staff.post(f"/actions/{item.action_id}?lang=en", fields)
    assert missing.status == 422 and "Say why" in missing.encoded().decode()
    assert (
        world.services.repos.actions.get(tenants.c1, item.action_id)[0].status
        is not ActionStatus.RESOLVED
    )
    done = staff.post(f"/actions/{item.action_id}", {**fields, "reason": "already late twice"})
    assert done.status == 303
    resolved = world.services.repos.actions.get(tenants.c1, item.action_id)[0]
    assert resolved.resolution.startswith("postponement refused: already late twice")
    assert world.services.repos.invoices.get(tenants.c1, "E1").invoice.paused_until is None
    assert told(world, tenants.c1, "D2") == ["We cannot grant it."]


def test_end_dispute_is_the_apis_resolve_dispute_and_resolves_the_item(world, tenants):
    seed(world)
    reply = world.agency_a.call(
        "POST", "/v1/clients/C1/invoices/F2/dispute", {"reason": "never came"}
    )
    assert reply.status == 200, reply.body
    listed = world.services.action_desk.listed(
        tenants.c1, kind="dispute", assignee="", resolved=False
    )
    (item,) = list(listed)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    # the dossier offers to record a dispute only on an invoice not disputed already
    dossier = staff.get("/dossier/D1")
    record = form_with(dossier, "dispute")
    assert '<option value="F1">' in record and '<option value="F2">' not in record
    page = staff.get(f"/actions/{item.action_id}?lang=en")
    form = form_with(page, "end-dispute")
    assert "Keep chasing (end the dispute)" in form and not any(
        'value="grant"' in f for f in forms_of(page)
    )
    done = staff.post(f"/actions/{item.action_id}", {
        "csrf": csrf_of(page), "do": "end-dispute", "reason": "delivered, signed for",
        "channel": "email", "subject": "Uw bezwaar", "body": "De betwisting is afgesloten."})  # fmt: skip
    assert done.status == 303, done.encoded()
    assert (
        world.services.repos.invoices.get(tenants.c1, "F2").invoice.status
        is not InvoiceStatus.DISPUTED
    )
    resolved = world.services.repos.actions.get(tenants.c1, item.action_id)[0]
    assert resolved.resolution.startswith("dispute ended: delivered, signed for")
    (text,) = told(world, tenants.c1, "D1")
    assert text.startswith("De betwisting is afgesloten.\nWij hervatten de invordering op ")


def test_a_reader_cannot_decide_and_another_client_cannot_reach_the_item(world, tenants):
    seed(world)
    item = request(world, tenants.c1, "D1", ("F1",))
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = reader.get(f"/actions/{item.action_id}")
    refused = reader.post(f"/actions/{item.action_id}", {"csrf": csrf_of(page), "do": "grant"})
    assert refused.status == 403
    other = desk_for(world, Role.CLIENT_STAFF, tenants.c2, "s@c2.example")
    page = other.get("/actions")
    stranger = other.post(f"/actions/{item.action_id}", {"csrf": csrf_of(page), "do": "grant"})
    assert stranger.status == 404
    assert world.services.repos.invoices.get(tenants.c1, "F1").invoice.paused_until is None
    assert (
        world.services.repos.actions.get(tenants.c1, item.action_id)[0].status is ActionStatus.OPEN
    )
