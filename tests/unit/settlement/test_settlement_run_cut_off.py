"""A settlement run or its approval cut off after a storage write (failure15 F1, F5, F6): the
retry finishes what the cut left. Cut after a client's settlement completed and before the
run's list of held money (settlement_held): the resumed run lists it as the uncut run does.
Cut after the run's save, before its approval item: the redelivery asks for approval. An
approval cut off after its save: the retry resolves the item.

Consumer D1, F1 (test_standing_ruling_claims' world). p0 100.00 received 5-2, before the
bankruptcy of 10-2; p1 500.00 received 20-2, after it (held until staff decide the filing
item). Run of 2-3: p0 settles, p1 is held and listed. Cut off at the list: the run resumes
after the lease and finishes awaiting approval with no settlement_held item at all."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from shared.domain.parties import Agency
from shared.domain.records import PaymentSource
from shared.services.settlement.runs import SettlementRunner
from tests.unit.settlement.conftest import THIRD_PARTY
from tests.unit.standing.test_standing_ruling_claims import _at, _filing, _set, _world

AGREEMENT = {"payout_iban": "NL44 RABO 0123 4567 89", "payout_name": "Bakkerij Client One",
             "frequency": "weekly", "starts_on": "2020-01-01", "commission_percent": "10"}  # fmt: skip


def _paid_before_and_after() -> Any:
    w: Any = _world()
    w.services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    assert w.agency_a.call("PUT", "/v1/clients/C1/settlement-agreement", AGREEMENT).status == 200
    client = w.services.access.client_for(w.services.access.authenticate(w.agency_a.key), "C1")
    _at(w, date(2026, 2, 6))
    w.services.payments.book(client, payment_id="p0", amount=100_00,
                             received_on=date(2026, 2, 5), source=PaymentSource.BANK,
                             invoice_numbers=["F1"])  # fmt: skip
    _at(w, date(2026, 2, 12))
    _set(w, {"standing": "bankrupt", "since": "2026-02-10"})
    _at(w, date(2026, 2, 20))
    w.services.payments.book(client, payment_id="p1", amount=500_00,
                             received_on=date(2026, 2, 20), source=PaymentSource.BANK,
                             invoice_numbers=["F1"])  # fmt: skip
    _at(w, date(2026, 2, 21))
    w.services._left_over(client)
    assert [x["payment"] for x in _filing(w)["detail"]["paid_after_ruling"]] == ["p1"]
    return w


def _held_items(w: Any) -> list[dict[str, Any]]:
    items = w.agency_a.call("GET", "/v1/actions").body["items"]
    return [x for x in items if x["kind"] == "settlement_held"]


def test_uncut_the_run_lists_the_held_money() -> None:
    w = _paid_before_and_after()
    _at(w, date(2026, 3, 2))
    run = w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 2))
    assert run is not None and len(run.settlement_ids) == 1
    assert [[h["payment"] for h in x["detail"]["held"]] for x in _held_items(w)] == [["p1"]]


def test_a_run_cut_off_before_its_held_list_lists_the_held_money_when_resumed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w = _paid_before_and_after()
    _at(w, date(2026, 3, 2))

    def cut_off(*args: Any, **kw: Any) -> None:  # the worker dies at the list's write
        raise RuntimeError("cut off")

    with monkeypatch.context() as m:
        m.setattr(SettlementRunner, "_tell_held", cut_off)
        with pytest.raises(RuntimeError):
            w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 2))
    w.clock.at += timedelta(minutes=10)  # the lease ran out: the host's retry continues it
    run = w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 2))
    assert run is not None and len(run.settlement_ids) == 1, run
    assert [[h["payment"] for h in x["detail"]["held"]] for x in _held_items(w)] == [["p1"]]


def test_the_next_run_lists_it_again_as_after_an_uncut_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The money is still held a week later: the next run lists it on its own item, whether
    or not the run before was cut off."""
    w = _paid_before_and_after()
    _at(w, date(2026, 3, 2))
    with monkeypatch.context() as m:
        m.setattr(
            SettlementRunner, "_tell_held", lambda *a, **k: (_ for _ in ()).throw(RuntimeError())
        )
        with pytest.raises(RuntimeError):
            w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 2))
    w.clock.at += timedelta(minutes=10)
    w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 2))
    _at(w, date(2026, 3, 9))
    w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 9))
    assert [[h["payment"] for h in x["detail"]["held"]] for x in _held_items(w)] == [["p1"], ["p1"]]


def test_a_run_cut_off_after_its_save_asks_for_approval_when_redelivered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The run is saved awaiting approval, then the worker dies at the approval item's write:
    the redelivery finds the run done and writes the item (the urgent item the console
    approves the run from), with the figures the uncut run gives it."""
    w = _paid_before_and_after()
    _at(w, date(2026, 3, 2))
    real = SettlementRunner._agency_action

    def cut_at_approval(self: Any, agency: Any, action_id: str, kind: str, *a: Any) -> None:
        if kind == "settlement_approval":
            raise RuntimeError("cut off")
        real(self, agency, action_id, kind, *a)

    with monkeypatch.context() as m:
        m.setattr(SettlementRunner, "_agency_action", cut_at_approval)
        with pytest.raises(RuntimeError):
            w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 2))
    w.clock.at += timedelta(minutes=10)
    run = w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 2))  # redelivered
    assert run is not None and run.status.value == "awaiting_approval", run
    items = w.agency_a.call("GET", "/v1/actions").body["items"]
    asked = [x["title"] for x in items if x["kind"] == "settlement_approval"]
    uncut = _paid_before_and_after()
    _at(uncut, date(2026, 3, 2))
    uncut.services.settlement_runs.run_agency("agency-a", date(2026, 3, 2))
    told = uncut.agency_a.call("GET", "/v1/actions").body["items"]
    assert asked == [x["title"] for x in told if x["kind"] == "settlement_approval"], asked
    assert len(asked) == 1 and "awaiting approval" in asked[0], asked


def test_an_approval_cut_off_after_its_save_resolves_the_item_on_retry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """POST .../approve saves the run approved, then the worker dies before the item is
    resolved: the retried request finds the run approved and resolves the item still open."""
    from shared.services.settlement.service import SettlementService

    w = _paid_before_and_after()
    _at(w, date(2026, 3, 2))
    run = w.services.settlement_runs.run_agency("agency-a", date(2026, 3, 2))
    assert run is not None

    def cut_off(*args: Any, **kw: Any) -> None:
        raise RuntimeError("cut off")

    with monkeypatch.context() as m:
        m.setattr(SettlementService, "_resolve_action", cut_off)
        first = w.agency_a.call("POST", f"/v1/settlements/{run.run_id}/approve")
    assert first.status == 500
    again = w.agency_a.call("POST", f"/v1/settlements/{run.run_id}/approve")
    assert again.status == 200, again.body
    items = w.agency_a.call("GET", "/v1/actions").body["items"]
    approval = [(x["kind"], x["status"]) for x in items if x["kind"] == "settlement_approval"]
    assert approval == [("settlement_approval", "resolved")], approval
