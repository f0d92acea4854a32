"""newcomer9 finding D: invoices imported before the client had an active workflow (or a
segment rule) were looked at again only a week later, after a workflow was activated, and
nobody was told they waited. Now the run record counts the debtors without a workflow, staff
get one action item, and activating a workflow or saving the rules puts their invoices in the
next run."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning import test_daily_run
from tests.unit.dunning.test_daily_run import TEMPLATES, WORKFLOW, day


def _imported_first(world):
    """C1 with debtor D1 and invoice F1 (due 2025-03-10), no workflow yet: the run of
    2025-03-20 finds it waiting."""
    test_daily_run.SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", due_date="2025-03-10")]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.clock.at = datetime(2025, 3, 20, 5, 0, tzinfo=UTC)
    return world, client


def _items(world, client):
    items, _ = world.services.repos.actions.list(client.client_id, kind="no_workflow")
    return items


def _set_up_workflow(world, *, rules: bool = True):
    a = world.agency_a
    for template_id, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/particulier", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    if rules:
        body = {"rules": [{"workflow": "particulier"}]}
        assert a.call("PUT", "/v1/clients/C1/segment-rules", body).status == 200


def test_a_run_says_which_debtors_wait_for_a_workflow_once(world):
    world, client = _imported_first(world)
    assert day(world, client) == []
    [run] = world.agency_a.call("GET", "/v1/clients/C1/runs").body["items"]
    assert run["without_workflow"] == 1  # main: no such count, nothing said
    [item] = _items(world, client)  # main: no item
    assert item.detail["debtors"] == "D1" and "no workflow is active" in item.title
    world.clock.advance(days=1)
    assert day(world, client) == []
    assert len(_items(world, client)) == 1  # told once, not every morning


def test_activating_a_workflow_picks_the_waiting_invoices_up_the_next_run(world):
    world, client = _imported_first(world)
    assert day(world, client) == []
    world.clock.advance(days=1)  # 2025-03-21
    _set_up_workflow(world)
    sent = day(world, client)
    # main: nothing till 2025-03-27, the week's re-check
    assert sent == [(date(2025, 3, 21), "email", "D1", ("F1",))]


def test_saving_the_rules_after_activating_picks_them_up_too(world):
    world, client = _imported_first(world)
    _set_up_workflow(world, rules=False)  # active, but no rule takes anybody
    assert day(world, client) == []
    [item] = _items(world, client)
    assert "no segment rule matches them" in item.title
    world.clock.advance(days=1)
    body = {"rules": [{"workflow": "particulier"}]}
    assert world.agency_a.call("PUT", "/v1/clients/C1/segment-rules", body).status == 200
    # the item is done with it (newcomer18 F5: it stayed open beside a debtor being dunned)
    [item] = _items(world, client)
    assert item.status.value == "resolved" and "segment rules saved" in str(item.resolution)
    assert [s[2] for s in day(world, client)] == ["D1"]


def test_a_debtor_still_without_a_workflow_is_told_again_after_the_item_closed(world):
    """The rules saved take some debtors, not D1 (a business rule, D1 a consumer): the item
    closed at the save, the next run tells of D1 again, once."""
    world, client = _imported_first(world)
    _set_up_workflow(world, rules=False)
    assert day(world, client) == []
    world.clock.advance(days=1)
    body = {"rules": [{"workflow": "particulier", "kind": "b2b"}]}
    assert world.agency_a.call("PUT", "/v1/clients/C1/segment-rules", body).status == 200
    assert day(world, client) == []
    items = _items(world, client)
    assert sorted(i.status.value for i in items) == ["open", "resolved"]
    world.clock.advance(days=1)
    day(world, client)
    assert len(_items(world, client)) == 2  # once, not every morning


def test_the_item_closes_when_the_save_is_retried_after_a_fault(world, monkeypatch):
    """failure19 N1: saving the rules released the waiting marks, then the item's resolve met
    a 503 (PUT answered 500). The client saved again: no debtor was marked any more, so
    nothing closed the item, which stood open for good ('nothing is sent to them') while D1
    was mailed the next morning."""
    from shared.ports.tables import StorageError

    world, client = _imported_first(world)
    _set_up_workflow(world, rules=False)
    assert day(world, client) == []
    world.clock.advance(days=1)
    actions = world.services.repos.actions
    real = actions.resolve_if_open

    def refused(*args, **kwargs):
        raise StorageError("503 ServerBusy")

    monkeypatch.setattr(actions, "resolve_if_open", refused)
    body = {"rules": [{"workflow": "particulier"}]}
    assert world.agency_a.call("PUT", "/v1/clients/C1/segment-rules", body).status == 500
    monkeypatch.setattr(actions, "resolve_if_open", real)
    assert world.agency_a.call("PUT", "/v1/clients/C1/segment-rules", body).status == 200
    assert day(world, client) == [(date(2025, 3, 21), "email", "D1", ("F1",))]
    [item] = _items(world, client)
    assert item.status.value == "resolved"  # was open


def test_a_workflow_activated_while_the_run_works_picks_them_up_the_next_run(world, monkeypatch):
    """failure19 N2: the run found D1 without a workflow; before it marked him waiting (at its
    end) staff activated a workflow and saved the rules, whose wake found nobody marked. D1's
    first reminder went on 27-03, the week's re-check, not 21-03, and the item stayed open
    beside it."""
    world, client = _imported_first(world)
    dunning = world.services.dunning
    real = dunning._without_workflow

    def meanwhile(*args, **kwargs):
        _set_up_workflow(world)  # staff, in the console, while the run works
        return real(*args, **kwargs)

    monkeypatch.setattr(dunning, "_without_workflow", meanwhile)
    assert day(world, client) == []
    monkeypatch.setattr(dunning, "_without_workflow", real)
    world.clock.advance(days=1)
    assert day(world, client) == [(date(2025, 3, 21), "email", "D1", ("F1",))]  # was []
    assert [i.status.value for i in _items(world, client)] in ([], ["resolved"])  # was open
