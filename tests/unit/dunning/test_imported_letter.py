"""A claim whose 14-day letter the client sent itself (imported with ``fourteen_day_letter_on``;
the claim ledger charges its costs from the end of that letter's term) enters the workflow
after its 14-day step: no principal-only reminders, no second 14-day letter threatening costs
that are owed already; the steps after it count from the end of the letter's term, and show
the whole claim. A 14-day step is never taken for a claim whose costs are owed."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from shared.domain.dunning.workflow import (
    DunningState,
    OffsetFrom,
    Step,
    StepChannel,
    Workflow,
    entered,
    next_check,
    next_due_step,
)
from shared.domain.invoices import Invoice
from shared.domain.law.fourteen_day_letter import LetterChannel, fourteen_day_term
from shared.domain.parties import Debtor, DebtorKind
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, WORKFLOW, simulate

STEPS = (
    Step("Herinnering", StepChannel.EMAIL, 7, templates={"nl": "r"}),
    Step("SMS", StepChannel.SMS, 5, OffsetFrom.PREVIOUS_STEP, templates={"nl": "s"}),
    Step("Veertiendagenbrief", StepChannel.FOURTEEN_DAY_LETTER, 7, OffsetFrom.PREVIOUS_STEP,
         templates={"nl": "v"}),
    Step("Aanmaning", StepChannel.EMAIL, 10, OffsetFrom.PREVIOUS_STEP, templates={"nl": "a"}),
    Step("Bellen", StepChannel.STAFF_TASK, 16, OffsetFrom.PREVIOUS_STEP),
)  # fmt: skip
FLOW = Workflow("w", "Particulier", STEPS, active=True)
INVOICE = Invoice("C1", "F1", "D1", date(2025, 1, 1), date(2025, 1, 31), 12_100)
CONSUMER = Debtor("C1", "D1", DebtorKind.B2C, "Jan", ("jan@example.nl",))
LETTER = date(2025, 2, 10)
TERM_END = fourteen_day_term(LETTER, LetterChannel.LETTER).last_day


def test_the_clients_letter_counts_as_the_14_day_step_taken_at_its_terms_end():
    state = entered(FLOW, DunningState(letter_sent_on=LETTER, costs_owed_from=date(2025, 2, 27)))
    assert (state.last_step, state.last_step_on) == (2, TERM_END)
    assert date(2025, 2, 26) == TERM_END  # costs owed from the 27th, as the ledger says
    # nothing before the 14-day step, and nothing before the next step is due
    day = date(2025, 3, 7)
    assert next_due_step(FLOW, INVOICE, state, CONSUMER, 12_100, day) is None
    assert next_check(FLOW, INVOICE, state, CONSUMER, 12_100, day) == date(2025, 3, 8)
    due = next_due_step(FLOW, INVOICE, state, CONSUMER, 12_100, date(2025, 3, 8))
    assert due is not None and (due.step.name, due.due_on) == ("Aanmaning", date(2025, 3, 8))


def test_an_invoice_dunned_before_the_letter_date_came_is_moved_past_the_14_day_step():
    reminded = DunningState(0, date(2025, 2, 7), letter_sent_on=LETTER)
    assert entered(FLOW, reminded).last_step == 2
    later = DunningState(3, date(2025, 3, 8), letter_sent_on=LETTER)
    assert entered(FLOW, later) == later  # past it already: as it stands
    # without a 14-day step in the workflow the claim walks it from the start
    no_letter = Workflow("w2", "Zonder brief", (STEPS[0], STEPS[3]), active=True)
    assert entered(no_letter, DunningState(letter_sent_on=LETTER)).last_step == -1


def test_a_14_day_step_is_passed_over_while_the_costs_are_owed():
    business = Debtor("C1", "D1", DebtorKind.B2B, "BV", ("bv@example.nl",))
    owed = DunningState(1, date(2025, 2, 12), costs_owed_from=date(2025, 2, 1))
    due = next_due_step(FLOW, INVOICE, owed, business, 12_100, date(2025, 3, 1))
    # the 14-day step is not taken; the next one counts from the last step taken
    assert due is not None and (due.index, due.due_on) == (3, date(2025, 2, 22))
    assert next_check(FLOW, INVOICE, owed, business, 12_100, date(2025, 2, 13)) == date(2025, 2, 22)
    open_costs = DunningState(1, date(2025, 2, 12))
    due = next_due_step(FLOW, INVOICE, open_costs, business, 12_100, date(2025, 3, 1))
    assert due is not None and due.index == 2  # costs not owed: the letter is due


AFTER_LETTER = {
    **WORKFLOW,
    "steps": [
        *WORKFLOW["steps"][:3],
        {"name": "Aanmaning", "channel": "email", "offset_days": 10, "offset_from": "previous_step",
         "templates": {"nl": "t-aanmaning"}},
        WORKFLOW["steps"][3],
    ],
}  # fmt: skip
AANMANING = {
    "language": "nl",
    "subject": "Aanmaning",
    "text": "Openstaand: {{ total|money }} (hoofdsom {{ principal|money }}, incassokosten "
    "{{ costs|money }}, rente {{ interest|money }}){% if costs_owed_from %}, kosten verschuldigd "
    "sinds {{ costs_owed_from|date }}{% endif %}",
}


@pytest.fixture
def imported(world):
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 2, 20, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan de Vries")]})
    for tid, body in {**TEMPLATES, "t-aanmaning": AANMANING}.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{tid}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/particulier", AFTER_LETTER).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    rules = {"rules": [{"workflow": "particulier"}]}
    assert a.call("PUT", "/v1/clients/C1/segment-rules", rules).status == 200
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", due_date="2025-01-31", fourteen_day_letter_on="2025-02-10"),
        invoice_row("F2", "D1", due_date="2025-01-31", amount="50.00"),
    ]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    return world, client


def _messages(world) -> list[dict[str, str]]:
    out = []
    for (container, _), blob in sorted(world.services.files.blobs.items()):
        if container == "messages":
            raw = blob if isinstance(blob, (bytes, str)) else getattr(blob, "data", blob)
            out.append(json.loads(raw))
    return out


def test_an_imported_letter_is_not_sent_again_and_the_next_step_shows_the_whole_claim(imported):
    world, client = imported
    log = simulate(world, client, 45)
    f1 = [(d, ch) for d, ch, _, numbers in log if "F1" in numbers]
    f2 = [(d, ch) for d, ch, _, numbers in log if "F2" in numbers]
    # F1: no reminder, no SMS, no second 14-day letter: the Aanmaning, ten days after the
    # letter's term ended (2025-02-26)
    assert f1 == [(date(2025, 3, 8), "email")]
    # F2 (no letter of the client's) walks the workflow from the start, in messages of its own
    assert [ch for _, ch in f2] == ["email", "sms", "letter", "email"]
    assert all(numbers in (("F1",), ("F2",)) for _, _, _, numbers in log)
    claim = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-03-08").body
    assert claim["open"]["costs"] != "0.00"
    shown = f"Openstaand: € {claim['open']['total'].replace('.', ',')} (hoofdsom € 121,00, "
    aanmaning = [m["text"] for m in _messages(world) if shown in m["text"]]
    # F2 (50.00) was due and open when F1's letter went out, so Inning's own later 14-day
    # letter for it joins F1's notice (6:96 lid 7 BW, law8 finding 2): one staffel over
    # 171.00, the 40.00 minimum, F1's share 40.00 x 121 / 171 = 28.30 (was 40.00 + 40.00)
    assert len(aanmaning) == 1 and "incassokosten € 28,30" in aanmaning[0]
    assert "kosten verschuldigd sinds 27-02-2025" in aanmaning[0]  # the letter's, from the ledger
    # the staff task follows 16 days after the Aanmaning, for F1
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    tasks = [i for i in items if i["kind"] == "staff_task" and "F1" in i["invoice_numbers"]]
    assert len(tasks) == 1
