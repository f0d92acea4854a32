"""newcomer19 F8 / cm18 F6: the workflow's staff tasks (SMS by hand, the 14-day letter by post,
"Bellen") of TECH's three debtors stayed open after their invoices were handed over to the
agency: Today "Taak 9", and Sanne would have called debtors the agency collects from. The
hand-over closes the debtor's tasks that covered only what it hands over (or what was done
with before), saying to whom; a task that also covers an invoice the client still chases
stays, a task for an e-mail stays, another debtor's stays. Twice is once."""

from __future__ import annotations

import re
from dataclasses import replace

from shared.domain.people.authorisation import Role
from shared.domain.records import ActionItem, ActionStatus
from shared.domain.statements.client_code import client_code
from tests.unit.api.conftest import World, debtor_row, invoice_row
from tests.unit.console.conftest import desk_for
from tests.unit.console.test_console_claim_work import TUESDAY_10, seed
from tests.unit.people.conftest import Tenants


def _task(world: World, client_id: str, action_id: str, debtor: str, *invoices: str,
          step: str | None = "Bellen") -> None:  # fmt: skip
    """A staff task as the dunning run writes it (``step`` None: one for an e-mail)."""
    detail: dict[str, object] = {"step": step} if step else {"mail": "m1"}
    world.services.repos.actions.add(ActionItem(
        client_id, action_id, "staff_task", f"{step or 'Mail'}: debtor {debtor}", TUESDAY_10,
        debtor_number=debtor, invoice_numbers=invoices, detail=detail,
    ))  # fmt: skip


def _waiting_tasks(world: World, client_id: str) -> int:
    figures = world.services.repos.actions.figures.read(client_id)
    return figures.waiting_by_kind.get("staff_task", 0)


def _hand_over(world: World, client_id: str, *numbers: str) -> str:
    """The dunning run's hand-over step: the case, then the invoices marked handed over."""
    repos = world.services.repos
    found = repos.clients.get(client_id)
    assert found is not None
    client = found[0]
    debtor = repos.debtors.get(client_id, "D1")
    assert debtor is not None
    got = repos.invoices.get_many(client_id, list(numbers))
    case = world.services.dunning.cases.hand_over(
        client, debtor[0], [got[n].invoice for n in numbers], TUESDAY_10.date(),
        costs=0, interest=0,
    )  # fmt: skip
    for number in numbers:
        stored = repos.invoices.get(client_id, number)
        assert stored is not None
        repos.invoices.save(replace(stored.invoice, handed_over_to=client.agency_id), stored)
    return case.case_id


def test_the_hand_over_closes_the_tasks_of_what_it_hands_over(
    world: World, tenants: Tenants
) -> None:
    seed(world)  # D1: F1, F2
    api = world.agency_a
    assert api.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D2")]}).status == 200
    rows = [invoice_row("F3", "D1", open_amount="0.00"), invoice_row("G1", "D2")]
    assert api.call("POST", "/v1/clients/C1/invoices", {"items": rows}).status == 200
    c1 = tenants.c1
    _task(world, c1, "t-f1", "D1", "F1")
    _task(world, c1, "t-f1-f3", "D1", "F1", "F3", step="SMS")  # F3 paid before: nothing left
    _task(world, c1, "t-f1-f2", "D1", "F1", "F2")  # F2 stays with the client
    _task(world, c1, "t-mail", "D1", "F1", step=None)  # an e-mail to read
    _task(world, c1, "t-g1", "D2", "G1")
    world.services.actions.assign(c1, "t-f1", "user:u9")  # assigned is waiting too
    assert _waiting_tasks(world, c1) == 5

    case_id = _hand_over(world, c1, "F1")
    repos = world.services.repos
    status = {a: repos.actions.get(c1, a)[0].status  # type: ignore[index]
              for a in ("t-f1", "t-f1-f3", "t-f1-f2", "t-mail", "t-g1")}  # fmt: skip
    assert status == {
        "t-f1": ActionStatus.RESOLVED, "t-f1-f3": ActionStatus.RESOLVED,
        "t-f1-f2": ActionStatus.OPEN, "t-mail": ActionStatus.OPEN, "t-g1": ActionStatus.OPEN,
    }  # fmt: skip
    assert _waiting_tasks(world, c1) == 3  # Today's "Taak"
    done = repos.actions.get(c1, "t-f1")
    assert done is not None
    agency = repos.agencies.get("agency-a")
    assert agency is not None and agency.name
    assert done[0].resolution == f"handed over to {agency.name} (case {case_id})"

    # the run retried (cut off before it marked the invoices): nothing closed twice
    _hand_over(world, c1, "F1")
    assert _waiting_tasks(world, c1) == 3

    # the console: off the list, and the task says to whom, in Dutch
    staff = desk_for(world, Role.CLIENT_STAFF, c1, "s@c1.example")
    listed = staff.get("/actions").encoded().decode()
    assert '/actions/t-f1-f2"' in listed and '/actions/t-f1"' not in listed
    page = staff.get("/actions/t-f1").encoded().decode()
    # the case by its name, not its id of the client's internal id (cases22)
    name = re.escape(f"{client_code(c1)} D1")
    assert re.search(rf"overgedragen aan {re.escape(agency.name)} \(zaak {name}\)", page)
    assert case_id not in page


def test_tasks_of_a_hand_over_before_the_deploy_are_closed_by_the_daily_run(
    world: World, tenants: Tenants
) -> None:
    """TECH's "Taak 9": tasks of debtors handed over before the hand-over closed them. The next
    daily run closes a task whose invoices are all with the agency (or done with), not one of
    paid invoices only (a person closes that, cm18 F6) nor one with an invoice still open."""
    seed(world)  # D1: F1, F2
    api = world.agency_a
    rows = [invoice_row("F3", "D1", open_amount="0.00")]
    assert api.call("POST", "/v1/clients/C1/invoices", {"items": rows}).status == 200
    c1 = tenants.c1
    repos = world.services.repos
    stored = repos.invoices.get(c1, "F1")
    assert stored is not None  # handed over by a run before the deploy: no task closed then
    repos.invoices.save(replace(stored.invoice, handed_over_to="agency-a"), stored)
    _task(world, c1, "t-f1", "D1", "F1")
    _task(world, c1, "t-f1-f3", "D1", "F1", "F3")
    _task(world, c1, "t-f3", "D1", "F3")  # paid only
    _task(world, c1, "t-f1-f2", "D1", "F1", "F2")  # F2 still the client's
    assert _waiting_tasks(world, c1) == 4

    world.services.dunning.run_client(c1, TUESDAY_10.date())
    agency = repos.agencies.get("agency-a")
    assert agency is not None
    resolved = {a: repos.actions.get(c1, a)[0].resolution  # type: ignore[index]
                for a in ("t-f1", "t-f1-f3", "t-f3", "t-f1-f2")}  # fmt: skip
    assert resolved == {"t-f1": f"handed over to {agency.name}",
                        "t-f1-f3": f"handed over to {agency.name}",
                        "t-f3": None, "t-f1-f2": None}  # fmt: skip
    assert _waiting_tasks(world, c1) == 2
    world.services.dunning.run_client(c1, TUESDAY_10.date())
    assert _waiting_tasks(world, c1) == 2
    staff = desk_for(world, Role.CLIENT_STAFF, c1, "s@c1.example")
    assert f"overgedragen aan {agency.name}</" in staff.get("/actions/t-f1").encoded().decode()
