"""Settlement follows the ledger when money moves after a payout: a payment that came back,
a credit note that sends a paid invoice's money to the debtor's other claims (or leaves it
over), a correction that re-allocates it. Every figure is computed by hand in the comments;
commission 10%, VAT 21% on the agency's fee."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pypdf

from shared.adapters.tables.settlement_repo import Claim, SettlementRepository
from shared.domain.ledger.model import Component
from shared.domain.parties import Agency
from shared.domain.records import AllocatedAmount, PaymentSource
from shared.domain.settlement.agreement import Frequency, Recipient, SettlementAgreement
from shared.domain.settlement.records import RunStatus
from shared.domain.settlement.restate import Reason, correction
from shared.domain.settlement.statement import contribution, totals
from shared.services.settlement.runs import CONTAINER, SettledUnder, settlement_id_for
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.settlement.conftest import PAYOUT_C1, THIRD_PARTY, payment
from tests.unit.settlement.test_settlement_run import MONDAY, Setup

TERMS = SettlementAgreement("c", "a", PAYOUT_C1, "C BV", commission_bp=1000)


def _csv(world: Any, name: str) -> list[list[str]]:
    data = world.services.files.get(CONTAINER, name)
    assert data is not None
    return list(csv.reader(io.StringIO(bytes(data).decode())))


def _claim_back(world: Any) -> list[Any]:
    actions, _ = world.services.repos.actions.list("@agency-a")
    return [a for a in actions if a.kind == "settlement_claim_back"]


# -- the rule on its own -------------------------------------------------------------------
def test_a_euro_moved_from_principal_to_costs_changes_who_keeps_it() -> None:
    # p1 100.00 settled as principal (the client's): commission 10.00. The ledger now says
    # 40.00 of it paid F2's costs (the agency's) and 60.00 is an overpayment (the debtor's).
    before = contribution(payment("c", "p1", MONDAY, principal=10_000, costs=0, costs_vat=0,
                                  interest=0), TERMS)  # fmt: skip
    after = contribution(
        replace(payment("c", "p1", MONDAY, principal=0, costs=0, costs_vat=0, interest=0),
                allocations=(AllocatedAmount("F2", "costs", 4_000),)),
        TERMS,
    )  # fmt: skip
    fix = correction("p1", MONDAY, "D1", after, [before], Reason.REALLOCATED)
    assert fix is not None
    assert {(x.invoice_number, x.component, x.recipient, x.amount) for x in fix.lines} == {
        ("F1", "principal", Recipient.CLIENT, -10_000),
        ("F2", "costs", Recipient.AGENCY, 4_000),
    }
    assert fix.commission == -1_000  # no client part left: all commission given back
    assert all(x.reversal and x.reason == "reallocated" for x in fix.lines)
    # the statement: client -100.00, agency +40.00 (moved: -60.00); fee -10.00 + 40.00 kept
    # costs = 30.00, VAT 21% = 6.30; net = -100.00 + 10.00 - 6.30 = -96.30
    t = totals([fix], fee_vat_bp=2100, carried_in=0, vat_on_costs_kept=True)
    assert (t.corrected, t.reversed, t.to_client, t.to_agency) == (-6_000, 0, -10_000, 4_000)
    assert (t.commission, t.fee_vat, t.net, t.payout, t.carried_out) == (
        -1_000,
        630,
        -9_630,
        0,
        -9_630,
    )
    assert t.balanced
    # settled plus its correction is what the ledger says now: nothing more to correct
    assert correction("p1", MONDAY, "D1", after, [before, fix], Reason.REALLOCATED) is None


def test_nothing_moved_nothing_corrected_and_a_reversal_gives_back_what_was_charged() -> None:
    paid = contribution(payment("c", "p1", MONDAY), TERMS)  # 121.00 + 40.00 + 8.40 + 1.55
    assert correction("p1", MONDAY, "D1", paid, [paid], Reason.REALLOCATED) is None
    back = correction("p1", MONDAY, "D1", None, [paid], Reason.REVERSED)
    assert back is not None and back.commission == -paid.commission == -1_226
    assert sorted(x.amount for x in back.lines) == [-12_100, -4_000, -840, -155]
    assert {x.reason for x in back.lines} == {"reversed"}


# -- the run: payment rows rewritten as the ledger does -------------------------------------
def _move(s: Setup, pid: str, *allocations: AllocatedAmount) -> None:
    read = s.services.repos.payments.get_versioned(s.c1.client_id, pid)
    assert read is not None
    p, etag = read
    moved = sum(a.amount for a in allocations)
    s.services.repos.payments.save_if(
        replace(p, allocations=allocations, unallocated=p.amount - moved), etag
    )


def test_money_moved_twice_after_payout_is_corrected_once_each_time(world: Any) -> None:
    s = Setup(world)
    s.pay(s.c1, "p1", date(2026, 11, 27), principal=10_000, costs=0, costs_vat=0, interest=0)
    first = s.run(MONDAY)
    # 100.00 principal: commission 10.00, VAT 2.10, payout 87.90
    assert s.statements(first.run_id)["C1"].totals.payout == 8_790
    # a credit note moves it: 40.00 to F2's costs, 60.00 left over (overpayment)
    _move(s, "p1", AllocatedAmount("F2", "costs", 4_000))
    second = s.run(MONDAY + timedelta(days=1))
    st = s.statements(second.run_id)["C1"]
    t = st.totals
    # as in the rule's test: net -96.30 (the client was paid 87.90 and is owed -8.40: the
    # VAT on the 40.00 costs the agency keeps); no transfer, carried, claimed back
    assert (t.corrected, t.commission, t.fee_vat, t.net, t.payout) == (
        -6_000,
        -1_000,
        630,
        -9_630,
        0,
    )
    assert (st.payment_count, st.reversal_count) == (0, 1)
    assert second.transfer_file is None and second.transfer_count == 0
    assert (second.owed_total, second.owed_count) == (9_630, 1)
    [item] = _claim_back(world)
    assert item.detail["owed"] == 9_630 and item.detail["settlement_id"] == st.settlement_id
    assert "96,30" in item.title
    rows = _csv(world, st.csv)
    fixes = [r for r in rows if r[0] == "correction"]
    assert sorted((r[2], r[3], r[4], r[6], r[7]) for r in fixes) == [
        ("p1", "F1", "principal", "-100.00", "reallocated"),
        ("p1", "F2", "costs", "40.00", "reallocated"),
    ]
    # the run handled again pays nothing again and writes no second correction
    assert s.services.settlement_runs.run_agency("agency-a", MONDAY + timedelta(days=1)) == second
    history = SettlementRepository(world.store).history(s.c1.client_id)["p1"]
    assert [c.seq for c in history] == [0, 1]
    # moved a second time: 40.00 back onto F1's principal, 30.00 on F2's costs
    _move(s, "p1", AllocatedAmount("F1", "principal", 4_000), AllocatedAmount("F2", "costs", 3_000))
    third = s.run(MONDAY + timedelta(days=2))
    t3 = s.statements(third.run_id)["C1"].totals
    # client +40.00, commission +4.00; agency -10.00 costs; fee 4.00 - 10.00 = -6.00, VAT -1.26
    # net = 40.00 - 4.00 + 1.26 - 96.30 carried = -59.04
    assert (t3.to_client, t3.to_agency, t3.commission, t3.fee_vat) == (4_000, -1_000, 400, -126)
    assert (t3.carried_in, t3.net, t3.payout, t3.carried_out) == (-9_630, -5_904, 0, -5_904)
    assert t3.balanced
    # in all: 40.00 principal - 4.00 commission - VAT 21% of (4.00 + 30.00) 7.14 = 28.86 is
    # the client's; it got 87.90 and owes 59.04
    assert 8_790 - 5_904 == 4_000 - 400 - 714
    assert s.run(MONDAY + timedelta(days=3)) is None  # nothing moved since: no run


def test_a_reversal_after_payout_is_clawed_back_once(world: Any) -> None:
    s = Setup(world)
    s.pay(s.c1, "p1", date(2026, 11, 27), principal=10_000, costs=0, costs_vat=0, interest=0)
    s.pay(s.c2, "q1", date(2026, 11, 27), principal=10_000, costs=0, costs_vat=0, interest=0)
    s.run(MONDAY)
    s.reverse(s.c1, "p1")
    s.pay(s.c2, "q2", date(2026, 11, 30), principal=5_000, costs=0, costs_vat=0, interest=0)
    run = s.run(MONDAY + timedelta(days=1))
    st = s.statements(run.run_id)
    # C1: -100.00 + 10.00 commission back + 2.10 VAT back = -87.90: no transfer for C1
    assert (st["C1"].totals.reversed, st["C1"].totals.net, st["C1"].totals.payout) == (
        -10_000,
        -8_790,
        0,
    )
    # C2: 50.00 - 5.00 - 1.05 = 43.95, the only transfer in the file
    assert st["C2"].totals.payout == 4_395
    assert (run.transfer_count, run.payout_total, run.owed_total) == (1, 4_395, 8_790)
    xml = bytes(world.services.files.get(CONTAINER, run.transfer_file)).decode()
    assert st["C2"].settlement_id in xml and st["C1"].settlement_id not in xml
    rows = _csv(world, st["C1"].csv)
    assert [(r[0], r[2], r[3], r[6], r[7]) for r in rows if r[0] == "reversal"] == [
        ("reversal", "p1", "F1", "-100.00", "reversed")
    ]
    # reversed twice (a redelivered refund) and the run handled twice: taken back once
    s.reverse(s.c1, "p1")
    assert s.services.settlement_runs.run_agency("agency-a", MONDAY + timedelta(days=1)) == run
    assert s.run(MONDAY + timedelta(days=2)) is None
    assert len(_claim_back(world)) == 1
    # the next payment of C1 settles the debt first: 200.00 - 20.00 - 4.20 = 175.80 - 87.90
    s.pay(s.c1, "p2", date(2026, 12, 3), principal=20_000, costs=0, costs_vat=0, interest=0)
    later = s.statements(s.run(MONDAY + timedelta(days=3)).run_id)["C1"].totals
    assert (later.carried_in, later.payout) == (-8_790, 8_790)


def test_two_settlements_correcting_one_payment_at_once_correct_it_once(world: Any) -> None:
    s = Setup(world)
    s.pay(s.c1, "p1", date(2026, 11, 27), principal=10_000, costs=0, costs_vat=0, interest=0)
    s.run(MONDAY)
    _move(s, "p1", AllocatedAmount("F2", "principal", 10_000))
    repo = SettlementRepository(world.store)
    stale = repo.history(s.c1.client_id)["p1"]  # read by both before either wrote
    # the other settlement wins the race: it writes the payment's correction number 1
    fix = correction("p1", date(2026, 11, 27), "D1",
                     contribution(s.services.repos.payments.get(s.c1.client_id, "p1"), TERMS),
                     [c for r in stale for c in r.settled], Reason.REALLOCATED)  # fmt: skip
    assert fix is not None
    assert repo.claim(Claim(s.c1.client_id, "R20261201-elsewhere", fix, seq=1))
    runner = s.services.settlement_runs
    runner._correct(s.c1.client_id, settlement_id_for("R20261201", s.c1.client_id),
                    s.services.repos.payments.get(s.c1.client_id, "p1"), stale, SettledUnder(TERMS, True, True))  # fmt: skip
    history = repo.history(s.c1.client_id)["p1"]
    assert [(c.seq, c.settlement_id) for c in history] == [
        (0, settlement_id_for("R20261130", s.c1.client_id)),
        (1, "R20261201-elsewhere"),
    ]


# -- through the ledger: credit notes and a chargeback booked as they are in production --------
def test_credit_notes_after_payout_move_the_settlement_with_the_ledger(world: Any) -> None:
    services, a = world.services, world.agency_a
    services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row()]})
    a.call("POST", "/v1/clients/C1/invoices",
           {"items": [invoice_row("F1"), invoice_row("F2", amount="200.00")]})  # fmt: skip
    cid = services.repos.clients.id_for_number("agency-a", "C1")
    client = services.repos.clients.get(cid)[0]
    services.settlements.store.save_agreement(
        SettlementAgreement(
            cid, "agency-a", PAYOUT_C1, "C1 BV", frequency=Frequency.DAILY, commission_bp=1000
        )
    )
    for pid, cents, number in (("p1", 10_000, "F1"), ("p2", 6_000, "F2")):
        services.payments.book(client, payment_id=pid, amount=cents, received_on=date(2025, 3, 1),
                               source=PaymentSource.BANK, invoice_numbers=[number])  # fmt: skip

    def run(day: int) -> Any:
        world.clock.at = datetime(2025, 3, day, 5, tzinfo=UTC)
        found = services.settlement_runs.run_agency("agency-a", date(2025, 3, day))
        return found, (services.settlements.run("agency-a", found.run_id)[1][0] if found else None)

    _, st1 = run(3)
    # 160.00 principal: commission 16.00, VAT 3.36, payout 140.64
    assert (st1.totals.to_client, st1.totals.payout) == (16_000, 14_064)
    # F1 credited: p1's 100.00 goes to F2 (open 140.00), principal to principal
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").body["status"] == "credited"
    second, st2 = run(4)
    t2 = st2.totals
    assert (t2.corrected, t2.to_client, t2.commission, t2.net, t2.payout) == (0, 0, 0, 0, 0)
    rows = _csv(world, st2.csv)
    assert sorted((r[2], r[3], r[6], r[7]) for r in rows if r[0] == "correction") == [
        ("p1", "F1", "-100.00", "credited"),
        ("p1", "F2", "100.00", "credited"),
    ]
    pdf = services.files.get(CONTAINER, st2.pdf)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(bytes(pdf))).pages)
    assert "hoofdsom (creditnota)" in text and "Verschoven na eerdere afdracht" in text
    assert second.transfer_file is None and _claim_back(world) == []
    # F2 credited too: no other claim takes the 160.00, it is the debtor's (overpayment)
    assert a.call("POST", "/v1/clients/C1/invoices/F2/credit").body["status"] == "credited"
    third, st3 = run(5)
    t3 = st3.totals
    # -160.00 + 16.00 commission back + 3.36 VAT back = -140.64: all of the first payout
    assert (t3.corrected, t3.commission, t3.fee_vat, t3.net) == (-16_000, -1_600, -336, -14_064)
    assert third.transfer_file is None and third.status is RunStatus.AWAITING_APPROVAL
    assert [x.detail["owed"] for x in _claim_back(world)] == [14_064]
    assert st3.reversal_count == 2  # p1's second correction, p2's first
    reasons = {(r[2], r[7]) for r in _csv(world, st3.csv) if r[0] == "correction"}
    assert reasons == {("p1", "credited"), ("p2", "credited")}
    shown = a.call("GET", f"/v1/settlements/{third.run_id}").body
    assert (shown["owed_total"], shown["owing_clients"], shown["pain001"]) == ("140.64", 1, None)
    figures = shown["settlements"][0]["figures"]
    assert (figures["corrected"], figures["net"], figures["payout"]) == (
        "-160.00",
        "-140.64",
        "0.00",
    )
    # handled again and the next day: nothing more
    assert run(5)[0] == third
    assert run(6)[0] is None


def test_a_chargeback_through_the_ledger_after_payout(world: Any) -> None:
    services, a = world.services, world.agency_a
    services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row()]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1")]})
    cid = services.repos.clients.id_for_number("agency-a", "C1")
    client = services.repos.clients.get(cid)[0]
    services.settlements.store.save_agreement(
        SettlementAgreement(
            cid, "agency-a", PAYOUT_C1, "C1 BV", frequency=Frequency.DAILY, commission_bp=1000
        )
    )
    services.payments.book(client, payment_id="p1", amount=12_100, received_on=date(2025, 3, 1),
                           source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    world.clock.at = datetime(2025, 3, 3, 5, tzinfo=UTC)
    services.settlement_runs.run_agency("agency-a", date(2025, 3, 3))
    for _ in range(2):  # delivered twice
        services.payments.reverse(client, "p1", "chargeback", on=date(2025, 3, 3))
    world.clock.at = datetime(2025, 3, 4, 5, tzinfo=UTC)
    run = services.settlement_runs.run_agency("agency-a", date(2025, 3, 4))
    [st] = services.settlements.run("agency-a", run.run_id)[1]
    # 121.00 - 12.10 - 2.54 (21% of 12.10 = 2.541) = 106.36 was paid: all of it owed back
    assert (st.totals.reversed, st.totals.net, run.owed_total) == (-12_100, -10_636, 10_636)
    assert run.transfer_file is None


def test_a_waiver_or_write_off_after_payout_moves_no_settled_money(world: Any) -> None:
    """Staff letting interest go or writing the rest off change what is open, not what a
    payment paid: nothing to correct, no run."""
    services, a = world.services, world.agency_a
    services.repos.agencies.save(Agency("agency-a", "Acme Incasso", THIRD_PARTY))
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row()]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1")]})
    cid = services.repos.clients.id_for_number("agency-a", "C1")
    client = services.repos.clients.get(cid)[0]
    services.settlements.store.save_agreement(
        SettlementAgreement(
            cid, "agency-a", PAYOUT_C1, "C1 BV", frequency=Frequency.DAILY, commission_bp=1000
        )
    )
    services.payments.book(client, payment_id="p1", amount=5_000, received_on=date(2025, 3, 1),
                           source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    world.clock.at = datetime(2025, 3, 3, 5, tzinfo=UTC)
    first = services.settlement_runs.run_agency("agency-a", date(2025, 3, 3))
    assert first is not None and first.payout_total > 0
    open_interest = services.ledger.claim(client, "F1").open.interest
    assert open_interest > 0  # 6:119 since the due day: some is still open after p1
    services.ledger.waive(client, "F1", Component.INTEREST, open_interest, "goodwill", "staff")
    services.ledger.write_off(client, "F1", "debtor gone", "staff")
    world.clock.at = datetime(2025, 3, 4, 5, tzinfo=UTC)
    assert services.settlement_runs.run_agency("agency-a", date(2025, 3, 4)) is None
    assert [c.seq for c in SettlementRepository(world.store).history(cid)["p1"]] == [0]
