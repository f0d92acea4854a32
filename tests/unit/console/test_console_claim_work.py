"""Review console7 F4 and F9: a credit manager does in the console what the API can (a
dispute credited, withdrawn or chased on; a claim credited by a credit note, withdrawn, its
costs or interest waived from the dossier), each step that changes what is owed confirmed
first, through the API's own services and authorisation; and a person sees only the steps
the role permits (a reader: none)."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.domain.invoices import InvoiceStatus
from shared.domain.money import format_eur_nl
from shared.domain.people.authorisation import Role
from shared.domain.records import ActionStatus
from tests.unit.api.conftest import debtor_row, invoice_row
from tests.unit.console.conftest import csrf_of, desk_for, forms_of

TUESDAY_10 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam: inside contact hours


def seed(world) -> None:  # type: ignore[no-untyped-def]
    world.clock.at = TUESDAY_10
    api = world.agency_a
    assert api.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]}).status == 200
    rows = [invoice_row("F1", "D1"), invoice_row("F2", "D1")]
    assert api.call("POST", "/v1/clients/C1/invoices", {"items": rows}).status == 200


def disputed(world, tenants, number: str = "F2"):  # type: ignore[no-untyped-def]
    reply = world.agency_a.call(
        "POST", f"/v1/clients/C1/invoices/{number}/dispute", {"reason": "never came"}
    )
    assert reply.status == 200, reply.body
    (item,) = list(
        world.services.action_desk.listed(tenants.c1, kind="dispute", assignee="", resolved=False)
    )
    return item


def form_with(page, value: str) -> str:  # type: ignore[no-untyped-def]
    return next(f for f in forms_of(page) if f'name="do" value="{value}"' in f)


def offers(page, value: str) -> bool:  # type: ignore[no-untyped-def]
    return any(f'name="do" value="{value}"' in f for f in forms_of(page))


def status_of(world, tenants, number: str) -> InvoiceStatus:  # type: ignore[no-untyped-def]
    status: InvoiceStatus = world.services.repos.invoices.get(tenants.c1, number).invoice.status
    return status


def claim(world, tenants, number: str):  # type: ignore[no-untyped-def]
    (client,) = [c for c in world.services.repos.clients.list_for_agency("agency-a")[0]
                 if c.client_id == tenants.c1]  # fmt: skip
    return world.services.ledger.claim(client, number)


def test_a_dispute_is_credited_on_its_item_once_confirmed(world, tenants):
    seed(world)
    item = disputed(world, tenants)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{item.action_id}?lang=en")
    credit = form_with(page, "credit-invoice")
    assert "Credit the invoice" in credit and 'name="confirm"' in credit
    assert offers(page, "withdraw-invoice") and offers(page, "end-dispute")
    fields = {"csrf": csrf_of(page), "do": "credit-invoice", "reason": "goods returned",
              "channel": "email", "subject": "Uw bezwaar", "body": "De factuur is gecrediteerd."}  # fmt: skip
    unconfirmed = staff.post(f"/actions/{item.action_id}?lang=en", fields)
    assert unconfirmed.status == 422 and "tick the box" in unconfirmed.encoded().decode()
    assert status_of(world, tenants, "F2") is InvoiceStatus.DISPUTED  # nothing happened
    done = staff.post(f"/actions/{item.action_id}", {**fields, "confirm": "yes"})
    assert done.status == 303, done.encoded()[:600]
    assert status_of(world, tenants, "F2") is InvoiceStatus.CREDITED
    assert claim(world, tenants, "F2").open.total == 0
    resolved = world.services.repos.actions.get(tenants.c1, item.action_id)[0]
    assert resolved.status is ActionStatus.RESOLVED
    assert resolved.resolution.startswith("dispute settled by crediting F2: goods returned")
    shown = staff.get(f"/actions/{item.action_id}").encoded().decode()
    assert "betwisting afgehandeld door F2 te crediteren" in shown  # in Dutch on a Dutch page
    assert status_of(world, tenants, "F1") is InvoiceStatus.OPEN  # not the item's


def test_a_dispute_is_withdrawn_on_its_item(world, tenants):
    seed(world)
    item = disputed(world, tenants)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get(f"/actions/{item.action_id}")
    done = staff.post(f"/actions/{item.action_id}", {
        "csrf": csrf_of(page), "do": "withdraw-invoice", "confirm": "yes", "reason": "client's call",
        "channel": "email", "subject": "Uw bezwaar", "body": "Wij innen deze factuur niet meer."})  # fmt: skip
    assert done.status == 303, done.encoded()[:600]
    assert status_of(world, tenants, "F2") is InvoiceStatus.WITHDRAWN
    resolved = world.services.repos.actions.get(tenants.c1, item.action_id)[0]
    assert resolved.resolution.startswith("dispute settled by withdrawing F2")


def test_a_reader_is_offered_no_decision_and_no_work_on_the_action_pages(world, tenants):
    seed(world)
    item = disputed(world, tenants)
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    page = reader.get(f"/actions/{item.action_id}")
    assert page.status == 200
    assert forms_of(page) == [f for f in forms_of(page) if "/logout" in f]  # only sign out
    listed = reader.get("/actions")
    for do in ("resolve", "assign-me", "assign"):
        assert not offers(listed, do)
    assert 'name="id"' not in listed.encoded().decode()  # no tick boxes either
    refused = reader.post(f"/actions/{item.action_id}",
                          {"csrf": csrf_of(page), "do": "credit-invoice", "confirm": "yes"})  # fmt: skip
    assert refused.status == 403
    assert status_of(world, tenants, "F2") is InvoiceStatus.DISPUTED
    # staff see them (the same page, another role)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    assert offers(staff.get("/actions"), "resolve")


def test_the_dossier_credits_by_a_credit_note_after_showing_the_figures(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    dossier = staff.get("/dossier/D1?lang=en")
    form = form_with(dossier, "credit")
    assert 'name="reference"' in form
    fields = {"csrf": csrf_of(dossier), "do": "credit", "invoice": "F1", "amount": "21,00",
              "reference": "CN-7", "reason": "one item returned"}  # fmt: skip
    shown = staff.post("/dossier/D1?lang=en", fields)
    assert shown.status == 200
    text = shown.encoded().decode()
    assert "Credit note CN-7: EUR 21.00 of the principal of F1" in text
    assert 'name="confirm" value="yes"' in text
    assert world.services.repos.invoices.get(tenants.c1, "F1").invoice.credit_notes == ()
    done = staff.post("/dossier/D1", {**fields, "confirm": "yes"})
    assert done.status == 303 and "done=work_credit" in done.headers["Location"]
    stored = world.services.repos.invoices.get(tenants.c1, "F1").invoice
    assert stored.credit_notes == (("CN-7", 2100),)
    assert claim(world, tenants, "F1").credited.total >= 2100
    again = staff.post("/dossier/D1", {**fields, "confirm": "yes"})  # the same note books once
    assert again.status == 303
    assert world.services.repos.invoices.get(tenants.c1, "F1").invoice.credit_notes == (
        ("CN-7", 2100),
    )


def test_the_dossier_refuses_a_part_credit_without_its_number_or_amount(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    dossier = staff.get("/dossier/D1")
    refused = staff.post("/dossier/D1?lang=en", {"csrf": csrf_of(dossier), "do": "credit",
                                                 "invoice": "F1", "amount": "10", "confirm": "yes"})  # fmt: skip
    assert refused.status == 422 and "needs its number" in refused.encoded().decode()
    dutch = staff.post("/dossier/D1?lang=nl", {"csrf": csrf_of(dossier), "do": "credit",
                                               "invoice": "F1", "amount": "10,001", "reference": "CN-8"})  # fmt: skip
    assert (
        dutch.status == 422 and "is geen bedrag: schrijf het als 125,00" in dutch.encoded().decode()
    )
    assert world.services.repos.invoices.get(tenants.c1, "F1").invoice.credit_notes == ()


def test_the_dossier_withdraws_and_chases_on_a_disputed_invoice(world, tenants):
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    world.services.invoice_status.dispute(
        world.services.repos.clients.get(tenants.c1)[0], "F1", "too dear", "key:x"
    )
    # a waiting dispute item: the dossier links to its decision rather than decide past it
    dossier = staff.get("/dossier/D1")
    (item,) = list(
        world.services.action_desk.listed(tenants.c1, kind="dispute", assignee="", resolved=False)
    )
    assert f"/actions/{item.action_id}" in dossier.encoded().decode()
    for do in ("credit", "withdraw"):
        assert '<option value="F1">' not in form_with(dossier, do)
    world.services.actions.resolve(tenants.c1, item.action_id, "resolved", "key:x")
    dossier = staff.get("/dossier/D1")
    keep = form_with(dossier, "keep-chasing")
    assert '<option value="F1">' in keep
    done = staff.post("/dossier/D1", {"csrf": csrf_of(dossier), "do": "keep-chasing",
                                      "invoice": "F1"})  # fmt: skip
    assert done.status == 303
    assert status_of(world, tenants, "F1") is InvoiceStatus.OPEN
    unconfirmed = staff.post("/dossier/D1", {"csrf": csrf_of(dossier), "do": "withdraw",
                                             "invoice": "F2"})  # fmt: skip
    assert unconfirmed.status == 200 and status_of(world, tenants, "F2") is InvoiceStatus.OPEN
    done = staff.post("/dossier/D1", {"csrf": csrf_of(dossier), "do": "withdraw", "invoice": "F2",
                                      "confirm": "yes"})  # fmt: skip
    assert done.status == 303 and status_of(world, tenants, "F2") is InvoiceStatus.WITHDRAWN


def test_waiving_is_an_admins_step(world, tenants):
    seed(world)
    world.clock.at = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)  # months overdue: interest runs
    interest = claim(world, tenants, "F1").open.interest
    assert interest > 100
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    dossier = staff.get("/dossier/D1")
    assert not offers(dossier, "waive")  # the API's waive is MANAGE_SETTLEMENTS
    refused = staff.post("/dossier/D1", {"csrf": csrf_of(dossier), "do": "waive", "invoice": "F1",
                                         "component": "interest", "amount": "1", "reason": "goodwill",
                                         "confirm": "yes"})  # fmt: skip
    assert refused.status == 403
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    dossier = admin.get("/dossier/D1")
    assert offers(dossier, "waive")
    fields = {"csrf": csrf_of(dossier), "do": "waive", "invoice": "F1", "component": "interest",
              "amount": "1,00", "reason": "goodwill"}  # fmt: skip
    assert admin.post("/dossier/D1", fields).status == 200  # shown, not done
    assert claim(world, tenants, "F1").waived.total == 0
    done = admin.post("/dossier/D1", {**fields, "confirm": "yes"})
    assert done.status == 303, done.encoded()[:600]
    after = claim(world, tenants, "F1")
    assert after.waived.interest == 100 and after.open.interest == interest - 100
    # more than is open: said in the page's language, in euros (console8 #5: "only 422 cents
    # of interest are open on 2025-09-01")
    dossier = admin.get("/dossier/D1")
    too_much = {**fields, "csrf": csrf_of(dossier), "amount": "999,00", "confirm": "yes"}
    page = admin.post("/dossier/D1", too_much).encoded().decode()
    left = format_eur_nl(interest - 100).replace("\u20ac", "&#8364;")
    assert "Op 01-09-2025 staat maar" in page and "cents" not in page
    assert format_eur_nl(interest - 100) in page or left in page


def test_a_reader_sees_no_work_on_the_dossier_and_another_client_cannot_reach_it(world, tenants):
    seed(world)
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    dossier = reader.get("/dossier/D1")
    assert dossier.status == 200
    for do in ("credit", "withdraw", "keep-chasing", "waive", "create"):
        assert not offers(dossier, do)
    refused = reader.post("/dossier/D1", {"csrf": csrf_of(dossier), "do": "credit",
                                          "invoice": "F1", "confirm": "yes"})  # fmt: skip
    assert refused.status == 403
    other = desk_for(world, Role.CLIENT_STAFF, tenants.c2, "s@c2.example")
    page = other.get("/today")
    stranger = other.post("/dossier/D1", {"csrf": csrf_of(page), "do": "credit", "invoice": "F1",
                                          "confirm": "yes"})  # fmt: skip
    assert stranger.status == 404
    assert status_of(world, tenants, "F1") is InvoiceStatus.OPEN
