"""cm18 F6: a workflow's staff tasks ("SMS: debiteur D-3", "Bellen: debiteur D-3") stood on the
action list unchanged after D-3 paid all of F-1004 (604,45 by bank statement on 27-03); the
task's page said "Facturen F-1004" and nothing else, so Sanne would have called a debtor who
paid. The list and the task now say what became of the task's invoices (paid, credited,
withdrawn, handed over); a task with an invoice still open says nothing new."""

from __future__ import annotations

import re
from dataclasses import replace

from shared.domain.invoices import InvoiceStatus
from shared.domain.people.authorisation import Role
from shared.domain.records import ActionItem
from tests.unit.api.conftest import World, invoice_row
from tests.unit.console.conftest import Browser, desk_for
from tests.unit.console.test_console_claim_work import TUESDAY_10, seed
from tests.unit.people.conftest import Tenants


def _task(world: World, client_id: str, action_id: str, *invoices: str) -> None:
    """A staff task as the dunning run writes it."""
    world.services.repos.actions.add(ActionItem(
        client_id, action_id, "staff_task", "Bellen: debtor D1", TUESDAY_10,
        debtor_number="D1", invoice_numbers=invoices, detail={"step": "Bellen"},
    ))  # fmt: skip


def _list_row(browser: Browser, action_id: str) -> str:
    page = browser.get("/actions").encoded().decode()
    (row,) = re.findall(rf"<tr>(?:(?!</tr>).)*/actions/{action_id}\".*?</tr>", page, re.S)
    return str(row)


def test_a_task_whose_invoices_are_paid_or_handed_over_says_so(
    world: World, tenants: Tenants
) -> None:
    seed(world)
    _task(world, tenants.c1, "t-f1", "F1")
    _task(world, tenants.c1, "t-f2", "F2")
    _task(world, tenants.c1, "t-both", "F1", "F2")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    for action_id in ("t-f1", "t-f2", "t-both"):  # all open: nothing new said
        assert "Sinds deze taak" not in _list_row(staff, action_id)

    # the client's books say F1 is paid (the import's open amount 0)
    paid = invoice_row("F1", "D1", open_amount="0.00")
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [paid]}).status == 200
    stored = world.services.repos.invoices.get(tenants.c1, "F1")
    assert stored is not None and stored.invoice.status is InvoiceStatus.PAID
    assert "Sinds deze taak: F1 betaald" in _list_row(staff, "t-f1")
    assert "Sinds deze taak" not in _list_row(staff, "t-f2")
    assert "Sinds deze taak" not in _list_row(staff, "t-both")  # F2 still open
    one = staff.get("/actions/t-f1").encoded().decode()
    assert "Sinds deze taak: F1 betaald. Voor deze taak valt niets meer te innen" in one
    assert "Sinds deze taak" not in staff.get("/actions/t-f2").encoded().decode()

    # F2 goes to the agency: both of t-both's invoices are out of the client's hands
    f2 = world.services.repos.invoices.get(tenants.c1, "F2")
    assert f2 is not None
    world.services.repos.invoices.save(replace(f2.invoice, handed_over_to="agency-a"), f2)
    both = _list_row(staff, "t-both")
    assert "Sinds deze taak: F1 betaald, F2 overgedragen aan het incassobureau" in both
    english = staff.get("/actions/t-f2?lang=en").encoded().decode()
    assert "Since this task: F2 handed over to the collection agency." in english

    # resolved, it is history: nothing added
    world.services.actions.resolve(tenants.c1, "t-f1", "called", "user", None)
    assert "Sinds deze taak" not in staff.get("/actions/t-f1").encoded().decode()
