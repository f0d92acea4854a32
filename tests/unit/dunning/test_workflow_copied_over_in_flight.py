"""A workflow copied over another client's keeps that client's debtors in flight at the step
they took (money9 #3), as an edit does (failure8 #5, test_workflow_edit_in_flight.py).

C1 runs the daily-run fixture's workflow (Herinnering e-mail, SMS, 14-day letter, Bellen,
step ids 0-3); D1's reminder goes out 17-3. C2, of the same agency, made its "particulier"
with the steps in another order or without the SMS, so its own ids 0-3 name other steps.
Copied over C1's and activated, the copy's steps keep C1's ids where they are the same step
(equal, else the same name and channel); before, they kept C2's, and D1's trail named a step
it never took: the reminder was sent again, or the 14-day letter skipped."""

from __future__ import annotations

import copy
from datetime import date

from tests.unit.api.conftest import client_row
from tests.unit.dunning.test_daily_run import TEMPLATES, WORKFLOW, engine, simulate  # noqa: F401
from tests.unit.dunning.test_workflow_edit_in_flight import _d1, _one_message_per_step, _steps


def _copied_from_c2(world, steps) -> None:
    a = world.agency_a
    assert a.call("POST", "/v1/clients", {"items": [client_row("C2")]}).status == 200
    for template_id, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C2/templates/{template_id}", body).status == 200
    flow = {**copy.deepcopy(WORKFLOW), "steps": steps}
    assert a.call("PUT", "/v1/clients/C2/workflows/particulier", flow).status == 200
    assert a.call("POST", "/v1/clients/C2/workflows/particulier/copy", {"to": "C1"}).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200


def test_a_copy_with_the_steps_reordered_keeps_the_debtor_at_the_step_it_took(engine):  # noqa: F811
    world, client = engine
    simulate(world, client, 16)  # reminder 17-3
    herinnering, sms, letter, bellen = _steps()
    _copied_from_c2(world, [sms, herinnering, letter, bellen])  # C2's id 0 is the SMS
    # D1 stands at the reminder (now second): the letter next, 7 days after it; the SMS in
    # front of it is past it (main: D1 stood at the SMS and got the reminder again)
    assert _d1(simulate(world, client, 30)) == [(date(2025, 3, 24), "letter")]
    _one_message_per_step(world, client)


def test_a_copy_without_the_step_the_debtor_took_goes_on_at_the_next(engine):  # noqa: F811
    world, client = engine
    simulate(world, client, 21)  # reminder 17-3, SMS 22-3
    herinnering, _, letter, bellen = _steps()
    _copied_from_c2(world, [herinnering, letter, bellen])  # C2's id 1 is the 14-day letter
    # the SMS D1 took is gone: D1 goes on after the reminder, at the 14-day letter (main:
    # D1's trail named C2's letter as taken, and no 14-day letter was ever sent)
    assert [ch for _, ch in _d1(simulate(world, client, 20))] == ["letter"]
    _one_message_per_step(world, client)
    ids = [
        s.step_id
        for s in world.services.repos.dunning.workflows(client.client_id)["particulier"].steps
    ]
    assert ids[0] == "0" and ids[1] == "2" and ids[2] == "3"  # C1's ids of the same steps
