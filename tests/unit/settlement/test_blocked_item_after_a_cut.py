"""A run that waited for the third-party account is finished, and the worker is cut after the
run's save, before its ``-account`` item is resolved (failure19 R1). Before the fix the job,
delivered again, found the run awaiting approval and only asked approval again: the item kept
telling ops to record an account that is on record ("needs the third-party account
(derdengeldenrekening) to pay out ... `inning agency update`"), also when a later day's job had
finished the run, and after the run was approved."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.domain.parties import Agency
from shared.domain.settlement.records import RunStatus
from shared.services.settlement import runs
from tests.unit.settlement.conftest import THIRD_PARTY
from tests.unit.settlement.test_settlement_run import MONDAY, Setup


def _cut(*_: Any, **__: Any) -> None:
    raise RuntimeError("worker cut after the run's save")


def _blocked(s: Setup) -> list[str]:
    actions, _ = s.services.repos.actions.list("@agency-a", kind="settlement_blocked")
    return [a.status.value for a in actions]


def _waiting_run(world: Any) -> Setup:
    """MONDAY's run waits for the account; then the account is recorded."""
    s = Setup(world)
    s.services.repos.agencies.save(Agency("agency-a", "Acme Incasso", None))
    s.pay(s.c1, "p1", date(2026, 11, 27))
    assert s.run(MONDAY).status is RunStatus.BUILDING
    assert _blocked(s) == ["open"]
    s.services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    return s


def test_the_same_days_job_again_resolves_the_item(world: Any, monkeypatch: Any) -> None:
    s = _waiting_run(world)
    with monkeypatch.context() as m:
        m.setattr(runs.SettlementRunner, "_ask_approval", _cut)
        with pytest.raises(RuntimeError):
            s.run(MONDAY)
    assert _blocked(s) == ["open"]  # the cut left it
    assert s.run(MONDAY).status is RunStatus.AWAITING_APPROVAL  # the job again
    assert _blocked(s) == ["resolved"]
    actions, _ = s.services.repos.actions.list("@agency-a", kind="settlement_approval")
    assert [a.status.value for a in actions] == ["open"]


def test_a_later_days_job_resolves_the_item_of_the_run_it_finished(
    world: Any, monkeypatch: Any
) -> None:
    s = _waiting_run(world)
    tuesday = date(2026, 12, 1)
    with monkeypatch.context() as m:
        m.setattr(runs.SettlementRunner, "_ask_approval", _cut)
        with pytest.raises(RuntimeError):
            s.run(tuesday)  # its unfinished loop finishes MONDAY's run, then is cut
    finished = s.services.settlements.store.run("agency-a", "R20261130")[0]
    assert finished.status is RunStatus.AWAITING_APPROVAL
    assert s.run(tuesday) is None  # nothing new was due on Tuesday
    assert _blocked(s) == ["resolved"]
    # and the run it finished has its approval item, which the cut had left unwritten
    actions, _ = s.services.repos.actions.list("@agency-a", kind="settlement_approval")
    assert [(a.action_id, a.status.value) for a in actions] == [(finished.action_id, "open")]


def test_the_item_of_a_run_dropped_meanwhile_is_resolved(world: Any) -> None:
    s = _waiting_run(world)
    store = s.services.settlements.store
    waiting, etag = store.run("agency-a", "R20261130")
    store.delete_run(waiting, etag)  # as a run found with nothing due is dropped
    s.run(date(2026, 12, 1))
    actions, _ = s.services.repos.actions.list("@agency-a", kind="settlement_blocked")
    assert [a.status.value for a in actions] == ["resolved"]
    assert "dropped" in str(actions[0].resolution)


def test_approving_the_run_resolves_the_item(world: Any, monkeypatch: Any) -> None:
    s = _waiting_run(world)
    with monkeypatch.context() as m:
        m.setattr(runs.SettlementRunner, "_ask_approval", _cut)
        with pytest.raises(RuntimeError):
            s.run(MONDAY)
    # the agency approves from the run's page before any job comes again
    approved = s.services.settlements.approve("agency-a", "R20261130", "key-1")
    assert approved.status is RunStatus.APPROVED
    assert _blocked(s) == ["resolved"]
    assert s.run(MONDAY).status is RunStatus.APPROVED
    assert _blocked(s) == ["resolved"]
