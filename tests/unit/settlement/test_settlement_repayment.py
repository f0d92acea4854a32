"""A client repays a negative settlement by bank transfer: recorded once per reference (the
same reference and amount again books nothing more, another amount is refused with 409), the
claim-back item closes when nothing is owed, the next settlement takes the repayment in as
``repaid`` (the negative balance it carries in is met, not set off again), and the CSV and PDF
show it. Figures by hand: commission 10%, VAT 21% on the commission."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pypdf
import pytest

from shared.domain.settlement.repayment import Repayment, RepaymentError, owed, reference_of
from shared.domain.settlement.statement import totals
from tests.unit.settlement.test_settlement_follows_ledger import _claim_back
from tests.unit.settlement.test_settlement_run import MONDAY, Setup

PATH = "/v1/clients/C1/settlement-repayments"


def _owing(world: Any) -> tuple[Setup, Any]:
    """C1 was paid 100.00 - 10.00 - 2.10 = 87.90; the payment then came back: it owes 87.90."""
    s = Setup(world)
    s.pay(s.c1, "p1", date(2026, 11, 27), principal=10_000, costs=0, costs_vat=0, interest=0)
    s.run(MONDAY)
    s.reverse(s.c1, "p1")
    run = s.run(MONDAY + timedelta(days=1))
    assert s.statements(run.run_id)["C1"].totals.carried_out == -8_790
    assert [a.status.value for a in _claim_back(world)] == ["open"]
    return s, run


def _repay(world: Any, amount: str, ref: str = "NL-REPAY-1", **more: Any) -> Any:
    # recorded once it arrived: a received_on in the future is refused (attack6 finding 5)
    world.clock.at = max(world.clock.at, datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    body = {"reference": ref, "amount": amount, "received_on": "2026-12-02", **more}
    return world.agency_a.call("POST", PATH, body)


# -- the rules on their own ----------------------------------------------------------------
def test_the_repayment_meets_the_balance_carried_in() -> None:
    t = totals([], fee_vat_bp=2100, carried_in=-8_790, repaid=8_790)
    assert (t.net, t.payout, t.carried_out, t.repaid) == (0, 0, 0, 8_790) and t.balanced
    part = totals([], fee_vat_bp=2100, carried_in=-8_790, repaid=5_000)
    assert (part.net, part.payout, part.carried_out) == (-3_790, 0, -3_790) and part.balanced
    more = totals([], fee_vat_bp=2100, carried_in=-8_790, repaid=9_000)  # too much: paid out
    assert (more.payout, more.carried_out) == (210, 0) and more.balanced
    with pytest.raises(ValueError):
        totals([], fee_vat_bp=2100, carried_in=0, repaid=-1)


def test_references_and_what_is_owed() -> None:
    assert reference_of("  NOTPROVIDED/2026-12  ") == "NOTPROVIDED/2026-12"
    for bad in ("", " ", "x" * 36, "ref\nnext", "=cmd()", "ré"):
        with pytest.raises(RepaymentError):
            reference_of(bad)
    r = Repayment("a", "c", "R1", 5_000, date(2026, 12, 2), None, "k")  # type: ignore[arg-type]
    assert owed(-8_790, [r]) == 3_790
    assert owed(-8_790, [Repayment(**{**r.__dict__, "settled_in": "S1"})]) == 8_790
    assert owed(0, [r]) == -5_000  # repaid what it did not owe: paid out next time


# -- recorded through the API, settled by the next run -----------------------------------
def test_a_repayment_closes_the_claim_back_and_the_next_settlement_sets_nothing_off(
    world: Any,
) -> None:
    s, _ = _owing(world)
    first = _repay(world, "87.90")
    assert first.status == 201, first.body
    assert (first.body["created"], first.body["owed"], first.body["settled_in"]) == (
        True,
        "0.00",
        None,
    )
    assert [a.status.value for a in _claim_back(world)] == ["resolved"]
    again = _repay(world, "87.90")  # a retried request: the same repayment, booked once
    assert again.status == 201 and again.body["created"] is False
    assert len(world.agency_a.call("GET", PATH).body["items"]) == 1
    other = _repay(world, "80.00")
    assert other.status == 409, other.body
    # a rule, not a race: its code says retrying never helps (codereview14 F3)
    (detail,) = other.body["error"]["details"]
    assert detail["code"] == "repayment_reference_other_amount"
    assert "EUR 87.90" in detail["message"]  # English money in the English message
    # the next payment of C1 is paid out in full: 200.00 - 20.00 - 4.20 = 175.80
    s.pay(s.c1, "p2", date(2026, 12, 3), principal=20_000, costs=0, costs_vat=0, interest=0)
    run = s.run(MONDAY + timedelta(days=3))
    st = s.statements(run.run_id)["C1"]
    t = st.totals
    assert (t.carried_in, t.repaid, t.payout, t.carried_out) == (-8_790, 8_790, 17_580, 0)
    assert t.balanced and run.payout_total == 17_580 and run.owed_total == 0
    listed = world.agency_a.call("GET", PATH).body
    assert listed["owed"] == "0.00" and listed["items"][0]["settled_in"] == st.settlement_id
    rows = list(csv.reader(io.StringIO(s.blob(st.csv).decode())))
    assert [r[:3] + r[6:8] for r in rows if r[0] == "repayment"] == [
        ["repayment", "2026-12-02", "NL-REPAY-1", "87.90", "repaid by the client"]
    ]
    assert ["repaid", "", "", "", "", "", "87.90", "", "", "", "", ""] in rows
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(s.blob(st.pdf))).pages)
    assert "Terugbetaald door opdrachtgever" in text and "87,90" in text
    # a later run takes it in no more
    s.pay(s.c1, "p3", date(2026, 12, 4), principal=10_000, costs=0, costs_vat=0, interest=0)
    later = s.statements(s.run(MONDAY + timedelta(days=4)).run_id)["C1"].totals
    assert (later.carried_in, later.repaid, later.payout) == (0, 0, 8_790)


def test_a_repayment_alone_is_settled_and_a_part_leaves_the_item_open(world: Any) -> None:
    s, _ = _owing(world)
    part = _repay(world, "50.00", ref="PART-1")
    assert part.body["owed"] == "37.90"
    assert [a.status.value for a in _claim_back(world)] == ["open"]  # 37.90 still owed
    run = s.run(MONDAY + timedelta(days=3))  # no payment: the repayment is the settlement
    st = s.statements(run.run_id)["C1"]
    assert (st.totals.repaid, st.totals.net, st.totals.payout) == (5_000, -3_790, 0)
    assert run.transfer_file is None and run.owed_total == 3_790
    assert world.agency_a.call("GET", PATH).body["owed"] == "37.90"
    rest = _repay(world, "37.90", ref="PART-2")
    assert rest.body["owed"] == "0.00"
    assert {a.status.value for a in _claim_back(world)} == {"resolved"}


def test_refusals(world: Any) -> None:
    _owing(world)
    assert _repay(world, "0.00").status == 422
    assert _repay(world, "10.00", ref="bad\u00e9ref").status == 422
    assert _repay(world, "10.00", settlement="R20261130-nope").status == 404
    # another agency's key does not reach C1; a client's own key learns nothing (404)
    assert world.agency_b.call("POST", PATH, {"reference": "X", "amount": "1.00",
                                              "received_on": "2026-12-02"}).status == 404  # fmt: skip
    key = world.agency_a.call(
        "POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True}
    ).body["key"]
    as_client = world.agency_a.as_key(key)
    assert as_client.call("POST", PATH, {"reference": "X", "amount": "1.00",
                                         "received_on": "2026-12-02"}).status == 404  # fmt: skip
    assert as_client.call("GET", PATH).status == 404
    assert world.agency_a.call("GET", PATH).body["items"] == []


def test_a_settlement_named_must_be_the_clients(world: Any) -> None:
    s, run = _owing(world)
    sid = s.statements(run.run_id)["C1"].settlement_id
    ok = _repay(world, "87.90", settlement=sid)
    assert ok.status == 201 and ok.body["settlement"] == sid
    s.pay(s.c2, "q1", date(2026, 12, 2), principal=10_000, costs=0, costs_vat=0, interest=0)
    other = s.statements(s.run(MONDAY + timedelta(days=2)).run_id)["C2"].settlement_id
    assert _repay(world, "1.00", ref="C2-REF", settlement=other).status == 404  # C2's


def test_recording_a_repayment_is_an_agency_finance_act() -> None:
    """MANAGE_SETTLEMENTS (not a plain WRITE): staff and read-only people cannot; a client's
    own principals are refused by the route itself (agency only, as test_refusals shows)."""
    from shared.domain.people.authorisation import GRANTS, Action, Role, action_for_request

    for method in ("POST", "GET"):
        got = action_for_request(method, "/v1/clients/C1/settlement-repayments")
        assert got is Action.MANAGE_SETTLEMENTS
    for role in (Role.AGENCY_STAFF, Role.CLIENT_STAFF, Role.READ_ONLY):
        assert Action.MANAGE_SETTLEMENTS not in GRANTS[role]


# -- the payout file never pays a negative net (brief item 3) -------------------------------
def test_the_payout_file_never_pays_a_negative_or_zero_net(world: Any) -> None:
    """Three guards, each tested: the figures (payout = max(net, 0)), the run's choice of
    payouts (payout > 0 only) and the pain.001 writer (refuses an amount <= 0)."""
    from dataclasses import replace as copy
    from datetime import UTC, datetime

    from shared.domain.settlement.pain001 import (
        Transfer,
        TransferBatch,
        TransferFileError,
        pain001,
    )
    from shared.services.settlement.runs import payouts_of

    s, owing = _owing(world)  # C1 alone, its net -87.90: a run without any transfer file
    st = s.statements(owing.run_id)["C1"]
    assert (st.totals.net, st.totals.payout) == (-8_790, 0)
    assert (owing.transfer_file, owing.transfer_count, owing.payout_total) == (None, 0, 0)
    # repaid exactly: the next statement nets 0, and 0 is no transfer either
    _repay(world, "87.90")
    zero = s.run(MONDAY + timedelta(days=3))
    assert s.statements(zero.run_id)["C1"].totals.net == 0 and zero.transfer_file is None
    # a settlement whose figures were tampered with to a negative payout is still left out
    bad = copy(st, totals=copy(st.totals, payout=-8_790))
    assert payouts_of([bad, copy(st, totals=None)]) == []
    batch = TransferBatch("M1", datetime(2026, 12, 1, 6, tzinfo=UTC), date(2026, 12, 1),
                          "Acme", "NL91ABNA0417164300",
                          (Transfer("E1", -8_790, "C BV", "NL44RABO0123456789", "x"),))  # fmt: skip
    for amount in (-8_790, 0):
        one = (Transfer("E1", amount, "C BV", "NL44RABO0123456789", "x"),)
        with pytest.raises(TransferFileError):
            pain001(copy(batch, transfers=one))
