"""Corrected to a consumer, a 14-day letter sent to him as a business is held and none to the
workflow, so its 14-day step is due again: the debtor is looked at in the next run, as after an
import (law12c #2). By hand: the engine's D1 made a business, Inning's letter Sat 29-3-2025 to
F1 + F2; corrected to a consumer on Sat 5-4. Before: with the letter as the workflow's last
step nothing went out in 60 days (costs 0.00 for ever); with a call step 16 days after the
letter, the new letter waited for that step (17-4). Now the letter goes out at the next run."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.unit.api.conftest import debtor_row
from tests.unit.dunning.test_daily_run import WORKFLOW, engine, simulate  # noqa: F401


def _letters_after_the_correction(world, client):  # type: ignore[no-untyped-def]
    a = world.agency_a
    business = [debtor_row("D1", name="Jan de Vries", kind="b2b")]
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": business}).status == 200
    before = simulate(world, client, 33)  # 3-3 .. 4-4
    assert [(d, ch) for d, ch, debtor, _ in before if debtor == "D1" and ch == "letter"] == [
        (date(2025, 3, 29), "letter")
    ]
    world.clock.at = datetime(2025, 4, 5, 9, 0, tzinfo=UTC)
    consumer = [debtor_row("D1", name="Jan de Vries", kind="b2c")]
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": consumer}).body["updated"] == 1
    world.clock.at = datetime(2025, 4, 5, 10, 0, tzinfo=UTC)
    after = simulate(world, client, 10)  # 5-4 .. 14-4
    return [(d, n) for d, ch, debtor, n in after if debtor == "D1" and ch == "letter"]


@pytest.mark.parametrize("call_step", [False, True])
def test_the_held_letter_brings_a_new_one_at_the_next_run(engine, call_step):  # type: ignore[no-untyped-def]  # noqa: F811
    world, client = engine
    if not call_step:
        a = world.agency_a
        last = {**WORKFLOW, "steps": WORKFLOW["steps"][:3]}
        assert a.call("PUT", "/v1/clients/C1/workflows/particulier", last).status == 200
        assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    letters = _letters_after_the_correction(world, client)
    assert letters == [(date(2025, 4, 5), ("F1", "F2"))], letters
