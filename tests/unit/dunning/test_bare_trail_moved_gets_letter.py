"""An invoice whose trail was written before steps named their workflow (bare ids "0", "1",
"2": three e-mails of workflow groot) and that a payment moves to workflow klein after the
deploy (e-mail "0", 14-day letter "1", SMS "2", hand-over "3") was placed at klein's SMS: the
letter lay behind its place, the next step was the hand-over, and a consumer was handed over
with costs 0.00 and no 14-day letter (codereview16b F1, art. 6:96 lid 6 BW). Whatever the
trail says, a step after the 14-day letter waits for it while the invoice has none."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from shared.domain.dunning.workflow import (
    DunningState,
    Step,
    StepChannel,
    Workflow,
    next_check,
    next_due_step,
    placed,
    taken_in,
)
from shared.domain.invoices import Invoice
from shared.domain.parties import Debtor, DebtorKind
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, world  # noqa: F401
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, simulate
from tests.unit.dunning.test_workflow_move_keeps_steps_apart import GROOT

KLEIN = {"name": "Klein", "steps": [
    {"name": "Herinnering", "channel": "email", "offset_days": 7, "templates": {"nl": "t-reminder"}},
    {"name": "Veertiendagenbrief", "channel": "fourteen_day_letter", "offset_days": 7, "offset_from": "previous_step", "templates": {"nl": "t-14"}},
    {"name": "SMS", "channel": "sms", "offset_days": 16, "offset_from": "previous_step", "templates": {"nl": "t-sms"}},
    {"name": "Overdracht", "channel": "handover", "offset_days": 20, "offset_from": "previous_step"},
]}  # fmt: skip


def _klein() -> Workflow:
    channels = (StepChannel.EMAIL, StepChannel.FOURTEEN_DAY_LETTER, StepChannel.SMS,
                StepChannel.HANDOVER)  # fmt: skip
    steps = tuple(
        Step(
            f"s{n}",
            c,
            7 * (n + 1),
            templates={} if c is StepChannel.HANDOVER else {"nl": "t"},
            step_id=str(n),
        )
        for n, c in enumerate(channels)
    )
    return Workflow("klein", "klein", steps, active=True)


def test_a_bare_trail_placed_past_the_letter_gets_the_letter_before_the_handover() -> None:
    klein = _klein()
    trail = taken_in(klein, ("0", "1", "2"), has_letter=False)
    state = DunningState(placed(klein, trail), date(2025, 3, 27), taken=frozenset(trail))
    assert state.last_step == 2  # the trail alone places it past the letter
    invoice = Invoice("C1", "F1", "D1", date(2025, 1, 1), date(2025, 3, 10), 90000)
    debtor = Debtor("C1", "D1", DebtorKind.B2C, "Jan")
    # the run looks again no later than the letter's day, and the letter is what is due
    assert next_check(klein, invoice, state, debtor, 90000, date(2025, 3, 28)) is not None
    due = next_due_step(klein, invoice, state, debtor, 90000, date(2025, 8, 1))
    assert due is not None and due.step.channel is StepChannel.FOURTEEN_DAY_LETTER
    # once it has the letter (a costs term), it goes on after it
    sent = DunningState(due.index, date(2025, 8, 1), costs_owed_from=date(2025, 8, 16),
                        taken=state.taken | {"1"})  # fmt: skip
    later = next_due_step(klein, invoice, sent, debtor, 90000, date(2025, 8, 1) + timedelta(60))
    assert later is not None and later.step.channel is StepChannel.HANDOVER


def test_a_trail_written_before_the_deploy_moved_after_it_gets_the_letter(world):  # noqa: F811
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    a.call(
        "POST", "/v1/clients", {"items": [client_row("C1", contact_email="facturen@c1.example")]}
    )
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan de Vries")]})
    for template_id, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body).status == 200
    for wid, wf in (("groot", GROOT), ("klein", KLEIN)):
        assert a.call("PUT", f"/v1/clients/C1/workflows/{wid}", wf).status == 200, wid
        assert a.call("POST", f"/v1/clients/C1/workflows/{wid}/activate").status == 200
    rules = {"rules": [{"workflow": "groot", "min_open": "1000.00"}, {"workflow": "klein"}]}
    assert a.call("PUT", "/v1/clients/C1/segment-rules", rules).status == 200
    a.call("POST", "/v1/clients/C1/invoices",
           {"items": [invoice_row("F1", "D1", due_date="2025-03-10", amount="1200.00")]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    repo = world.services.repos.invoices

    def hook(today: date) -> None:
        if today == date(2025, 3, 28):
            # the row as the code before dunfix16 stored it: bare step ids
            stored = repo.get(client.client_id, "F1")
            assert stored is not None
            bare = tuple(s.split("|")[-1] for s in stored.invoice.dunning_trail)
            assert bare == ("0", "1", "2")
            repo.save(replace(stored.invoice, dunning_trail=bare), stored)
            # the deploy; then 300.00 paid, 900.00 open: segment klein
            a.call("POST", "/v1/clients/C1/invoices", {"items": [
                invoice_row("F1", "D1", due_date="2025-03-10", amount="1200.00", open_amount="900.00")]})  # fmt: skip

    log = simulate(world, client, 90, hook)
    d1 = [(d.isoformat(), ch) for d, ch, debtor, _ in log if debtor == "D1"]
    cases = [c for c in a.call("GET", "/v1/cases").body["items"] if c["debtor_number"] == "D1"]
    stored = repo.get(client.client_id, "F1")
    assert stored is not None
    costs = [
        a.call("GET", f"/v1/cases/{c['case_id']}").body["dossier"]["amounts"]["costs"]
        for c in cases
    ]
    # klein's 14-day letter 7 days after groot's last e-mail, once; the case after its term
    assert d1[3:] == [("2025-04-03", "letter")], d1
    assert stored.invoice.costs_owed_from is not None
    # the trail records the letter as klein's step (the run advanced it, though its bare ids
    # placed it past the letter): the steps after it count from the letter's day
    assert stored.invoice.dunning_trail == ("0", "1", "2", "klein|1", "klein|3")
    assert len(cases) == 1 and costs == ["135.00"], (cases, costs)
