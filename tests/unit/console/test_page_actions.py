"""The action list page: filters, paging on the server, assign (to me or a colleague),
resolve one or many, confirm a suggested payment by ticking invoices (booked through the
API's ActionService), and another client's actions out of reach."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.adapters.tables.banking_repo import AccountOwner
from shared.domain.invoices import InvoiceStatus
from shared.domain.people.authorisation import Role
from shared.domain.records import ActionItem, ActionStatus
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.figures.test_console_figures import seed

NOW = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


def suggestion(client_id: str, action_id: str = "a-sug") -> ActionItem:
    return ActionItem(
        client_id, action_id, "payment_suggestion", "Check payment of € 121,00", NOW,
        debtor_number="D1",
        detail={"account": "NL00TEST0000000000", "line_id": "line-1", "amount": 12100,
                "date": "2025-03-02", "payer_iban": None, "payer_name": "D1 BV",
                "suggestions": [{"invoice": "F2", "client_id": None, "amount": 12100, "score": 0.7}]},
    )  # fmt: skip


def test_filters_and_paging(world, tenants):
    actions = world.services.repos.actions
    for n in range(60):
        actions.add(ActionItem(tenants.c1, f"a{n:03d}", "dispute" if n % 2 else "staff_task",
                               f"Task {n}", NOW))  # fmt: skip
    actions.add(ActionItem(tenants.c1, "z-done", "dispute", "Done one", NOW, ActionStatus.RESOLVED))
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    first = staff.get("/actions?lang=en").encoded().decode()
    assert first.count('name="id"') == 50 and "page=1" in first and "Done one" not in first
    second = staff.get("/actions?lang=en&page=1").encoded().decode()
    assert second.count('name="id"') == 10
    disputes = staff.get("/actions?lang=en&kind=dispute").encoded().decode()
    assert disputes.count('name="id"') == 30 and "Task 0<" not in disputes
    resolved = staff.get("/actions?lang=en&status=resolved").encoded().decode()
    assert "Done one" in resolved and "Task 1<" not in resolved


def test_assign_and_bulk_resolve(world, tenants):
    actions = world.services.repos.actions
    for n in range(3):
        actions.add(ActionItem(tenants.c1, f"a{n}", "staff_task", f"Task {n}", NOW))
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "colleague@c1.example")
    token = csrf_of(staff.get("/actions"))
    me = staff.post("/actions", {"csrf": token, "do": "assign-me", "id": "a0"})
    assert me.status == 303
    assert actions.get(tenants.c1, "a0")[0].assigned_to == "s@c1.example"
    other = staff.post("/actions/a1", {"csrf": token, "do": "assign",
                                       "assignee": "colleague@c1.example"})  # fmt: skip
    assert other.status == 303
    assert actions.get(tenants.c1, "a1")[0].assigned_to == "colleague@c1.example"
    stranger = staff.post(
        "/actions/a1", {"csrf": token, "do": "assign", "assignee": "x@evil.example"}
    )
    assert stranger.status == 400
    mine = staff.get("/actions?lang=en&assignee=s@c1.example").encoded().decode()
    assert "Task 0" in mine and "Task 1" not in mine
    # the browser's form sends every ticked box: the Browser sends one value per name, so
    # post the bulk resolve the way a form with two boxes does
    from urllib.parse import urlencode

    from shared.api.http import ApiRequest

    body = urlencode([("csrf", token), ("do", "resolve"), ("id", "a0"), ("id", "a2"),
                      ("resolution", "called")]).encode()  # fmt: skip
    headers = {"cookie": "; ".join(f"{k}={v}" for k, v in staff.jar.items())}
    done = staff.app.handle(ApiRequest("POST", "/actions", headers, {}, body))
    assert done.status == 303
    for action_id in ("a0", "a2"):
        item = actions.get(tenants.c1, action_id)[0]
        assert item.status is ActionStatus.RESOLVED and item.resolution.startswith("called")
    assert actions.get(tenants.c1, "a1")[0].status is ActionStatus.ASSIGNED


def test_confirm_a_suggested_payment_by_ticking_invoices(world, tenants):
    seed(world)
    world.services.repos.actions.add(suggestion(tenants.c1))
    # the line's statement account, as ingest knew it (the booking records whose money it is)
    world.services.repos.banking.claim_account(
        AccountOwner("NL00TEST0000000000", "agency-a", tenants.c1)
    )
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/actions/a-sug?lang=en")
    body = page.encoded().decode()
    assert page.status == 200 and 'value="F2"' in body and 'value="F1"' in body  # open invoices
    assert "/api/console/dossier/D1" in body
    refused = staff.post(
        "/actions/a-sug", {"csrf": csrf_of(page), "do": "confirm", "other": "NOPE"}
    )
    assert refused.status == 422
    done = staff.post("/actions/a-sug", {"csrf": csrf_of(page), "do": "confirm", "invoice": "F2"})
    assert done.status == 303
    item = world.services.repos.actions.get(tenants.c1, "a-sug")[0]
    assert item.status is ActionStatus.RESOLVED and "F2" in (item.resolution or "")
    invoice = world.services.repos.invoices.get(tenants.c1, "F2").invoice
    assert invoice.status in (InvoiceStatus.PAID, InvoiceStatus.PARTIALLY_PAID) and invoice.payments


def test_roles_and_other_clients(world, tenants):
    world.services.repos.actions.add(suggestion(tenants.c2, "c2-action"))
    world.services.repos.actions.add(suggestion(tenants.c1, "c1-action"))
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    token = csrf_of(staff.get("/actions"))
    assert staff.get("/actions/c2-action").status == 404
    assert staff.get(f"/actions/c2-action?client={tenants.c2}").status == 404
    assert staff.post("/actions/c2-action", {"csrf": token, "do": "resolve"}).status == 404
    assert world.services.repos.actions.get(tenants.c2, "c2-action")[0].status is ActionStatus.OPEN
    reader = desk_for(world, Role.READ_ONLY, tenants.c1, "r@c1.example")
    assert reader.get("/actions/c1-action").status == 200
    refused = reader.post(
        "/actions/c1-action", {"csrf": csrf_of(reader.get("/actions")), "do": "resolve"}
    )
    assert refused.status == 403
    agency = desk_for(world, Role.AGENCY_STAFF, None, "s@agency-a.example")
    assert agency.get(f"/actions/c2-action?client={tenants.c2}").status == 200


def test_times_are_amsterdam_time_as_the_exports_are(world, tenants):
    """debtor6 #10: an item made at 23:30 UTC on 31 March is made on 1 April at 01:30 in
    Amsterdam (summer time): the list's date and the item's time say so, as the CSV does."""
    late = datetime(2025, 3, 31, 23, 30, tzinfo=UTC)
    world.services.repos.actions.add(
        ActionItem(tenants.c1, "late", "staff_task", "Late task", late)
    )
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    listed = staff.get("/actions?lang=en").encoded().decode()
    assert "<td>2025-04-01</td>" in listed and "<td>2025-03-31</td>" not in listed
    shown = staff.get("/actions/late?lang=en").encoded().decode()
    assert "<dd>2025-04-01 01:30</dd>" in shown
