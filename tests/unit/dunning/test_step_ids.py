"""Steps keep an id through edits; an invoice's place is the last step it took that the
workflow still has (failure8 #5). Workflows and invoices stored before ids existed read as
they were: a step's id is its place then, an invoice's trail the step number it had."""

from __future__ import annotations

import json
from datetime import date

from shared.adapters.tables.dunning_repo import WORKFLOWS, DunningRepository
from shared.adapters.tables.keys import encode
from shared.adapters.tables.memory import InMemoryTableStore
from shared.domain.dunning.workflow import (
    Step,
    StepChannel,
    Workflow,
    placed,
    trail_of,
    with_step_ids,
)
from shared.domain.invoices import Invoice
from shared.ports.tables import Row

A, B, C = (Step(n, StepChannel.EMAIL, d) for n, d in (("A", 7), ("B", 14), ("C", 21)))


def _flow(*steps: Step) -> Workflow:
    return Workflow("w", "W", steps, active=True)


def test_a_new_workflow_numbers_its_steps_and_an_edit_keeps_them() -> None:
    first = with_step_ids([A, B, C])
    assert [s.step_id for s in first] == ["0", "1", "2"]
    new = Step("N", StepChannel.SMS, 3)
    edited = with_step_ids([new, B, A], first)  # C removed, A and B swapped, N in front
    assert [s.step_id for s in edited[1:]] == ["1", "0"]
    assert edited[0].step_id not in {"0", "1", "2"}  # never the id of a removed step
    # a changed step with the same name and channel is the same step
    assert with_step_ids([Step("B", StepChannel.EMAIL, 30)], first)[0].step_id == "1"


def test_an_invoice_stands_at_the_last_step_it_took_that_is_still_there() -> None:
    steps = with_step_ids([A, B, C])
    assert placed(_flow(*steps), ["0"]) == 0
    assert placed(_flow(Step("N", StepChannel.SMS, 1, step_id="n"), *steps), ["0"]) == 1
    assert placed(_flow(*steps[1:]), ["0"]) == -1  # its step removed: from the top
    assert placed(_flow(steps[0], steps[2]), ["0", "1"]) == 0  # back to the one before
    assert placed(_flow(steps[1], steps[0], steps[2]), ["0", "1"]) == 0


def test_what_was_stored_before_ids_reads_as_it_was() -> None:
    store = InMemoryTableStore()
    repo = DunningRepository(store)
    store.ensure_tables([WORKFLOWS])
    old = [{"name": s.name, "channel": "email", "offset_days": s.offset_days} for s in (A, B)]
    store.upsert(WORKFLOWS, Row(encode("c"), "w", {"Name": "W", "Active": True,
                                                   "Steps": json.dumps(old)}))  # fmt: skip
    flow = repo.workflows("c")["w"]
    assert [s.step_id for s in flow.steps] == ["0", "1"]
    invoice = Invoice("c", "F1", "D1", date(2025, 1, 1), date(2025, 2, 1), 100, dunning_step=1)
    assert trail_of(invoice) == ("1",) and placed(flow, trail_of(invoice)) == 1
