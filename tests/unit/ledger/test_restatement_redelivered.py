"""A back-dated payment that restated a claim finishes its follow-ups when it is delivered
again after a crash (failure5 finding 1), and the overpayment items follow the ledger's
unallocated money, one per payment (failure5 finding 12).

The figures are those of ``test_restate_service.py``: F1 1,000.00 (14-day letter 10-02), F2
50.00; tr_1 100.00 online on 03-03 went to F1's costs; the bank line st_1 1,003.78 dated 24-02
restates F1 (no costs, interest to 24-02), so tr_1's 100.00 moves to F1's interest 3.78 and
principal 96.22, and st_1's last 100.00 goes on as tr_1's excess would have, on 03-03: F2
(interest 0.12, principal 50.00) and an overpayment of 49.88 (restate10).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

import shared.services.ledger.credit as credit
from shared.domain.records import PaymentSource
from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, make_world

MOVED = {("F1", "interest", 378), ("F1", "principal", 9_622)}


def _setup(world):
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [
        invoice_row("F1", "D1", amount="1000.00", fourteen_day_letter_on="2025-02-10"),
        invoice_row("F2", "D1", amount="50.00", due_date="2025-02-15"),
    ]
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["created"] == 2
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    pay = world.services.payments
    pay.book(c1, payment_id="tr_1", amount=10_000, received_on=date(2025, 3, 3),
             source=PaymentSource.MOLLIE, invoice_numbers=["F1"])  # fmt: skip
    return a, c1, pay


def _bank(pay, c1):
    return pay.book(c1, payment_id="st_1", amount=100_378, received_on=date(2025, 2, 24),
                    source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip


def _overpayments(a):
    items = a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [x for x in items if x["kind"] == "overpayment"]


@pytest.mark.parametrize("where", ["in_the_follow_ups", "after_the_ledger_write", None])
def test_a_restating_payment_delivered_again_after_a_crash_ends_as_one_delivery(
    world, monkeypatch, where
):
    a, c1, pay = _setup(world)
    if where == "in_the_follow_ups":  # after the ledger and st_1's payment row

        def dies(*args, **kw):
            raise SimulatedCrash("settle_restated")

        monkeypatch.setattr(credit, "settle_restated", dies)
    elif where == "after_the_ledger_write":  # before st_1's payment row
        real_add = pay.repos.payments.add

        def dies_on_the_row(payment):
            if payment.payment_id == "st_1":
                raise SimulatedCrash("payments.add st_1")
            return real_add(payment)

        monkeypatch.setattr(pay.repos.payments, "add", dies_on_the_row)
    if where:
        with pytest.raises(SimulatedCrash):
            _bank(pay, c1)
        monkeypatch.undo()
    _bank(pay, c1)  # the host delivers the statement line again (or the one delivery)
    _bank(pay, c1)  # and once more: nothing changes
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim").body
    assert claim["open"]["total"] == "0.00"
    f1 = a.call("GET", "/v1/clients/C1/invoices/F1").body
    assert (f1["status"], f1["open_amount"]) == ("paid", "0.00")
    assert a.call("GET", "/v1/clients/C1/invoices/F2").body["status"] == "paid"
    tr1 = pay.repos.payments.get(c1.client_id, "tr_1")
    assert {(x.invoice_number, x.component, x.amount) for x in tr1.allocations} == MOVED
    assert tr1.unallocated == 0
    over = _overpayments(a)
    assert [(x["detail"]["payment_id"], x["detail"]["unallocated"]) for x in over] == [
        ("st_1", 4_988)
    ]
    assert "49,88" in over[0]["title"]


@pytest.mark.parametrize("crash", [True, False], ids=["delivered_again_after_a_crash", "once"])
def test_a_back_dated_statement_line_delivered_again_after_a_crash(world, monkeypatch, crash):
    """Through a bank statement (the fixture of ``test_backdated_line_in_window.py``): the
    blob is delivered again after the worker died in the restatement's follow-ups."""
    from shared.domain.statements.mt940_writer import OutLine
    from tests.unit.api.conftest import client_iban, verify_ibans
    from tests.unit.services.test_statement_ingest import PAYER, statement

    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan de Vries")]})
    rows = [invoice_row("F-0001", "D1", amount="121.00")]
    a.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    access = world.services.access
    client = access.client_for(access.authenticate(a.key), "C1")
    world.services.payments.book(client, payment_id="mollie-tr_1", amount=12_100,
        received_on=date(2025, 3, 4), source=PaymentSource.MOLLIE, invoice_numbers=["F-0001"])  # fmt: skip
    f1 = a.call("GET", "/v1/clients/C1/invoices/F-0001").body
    line = OutLine(date(2025, 3, 3), 62, "", counterparty_iban=PAYER, counterparty_name="J de Vries",
                   reference=f1["payment_reference"], end_to_end_id="E2E-BACK")  # fmt: skip
    blob = statement([line], account=client_iban("C1"), day=date(2025, 3, 3))
    if crash:

        def dies(*args, **kw):
            raise SimulatedCrash("settle_restated")

        monkeypatch.setattr(credit, "settle_restated", dies)
        with pytest.raises(SimulatedCrash):
            world.services.statements.ingest("agency-a/back.sta", blob)
        monkeypatch.undo()
    world.services.statements.ingest("agency-a/back.sta", blob)  # the blob trigger again
    f1 = a.call("GET", "/v1/clients/C1/invoices/F-0001").body
    assert (f1["status"], f1["open_amount"]) == ("paid", "0.00"), f1
    later = world.services.repos.payments.get(client.client_id, "mollie-tr_1")
    assert sorted((x.component, x.amount) for x in later.allocations) == [
        ("interest", 2), ("principal", 12_098)
    ]  # fmt: skip


def test_a_credit_between_the_restatement_and_its_follow_ups_counts_each_cent_once(
    world, monkeypatch
):
    """Staff credit F1 (its row still 'partially paid') right after st_1's restating booking,
    before its follow-ups: one overpayment item per payment, each stating what its row (the
    ledger) leaves unallocated, together no more than the debtor paid beyond F2."""
    a, c1, pay = _setup(world)
    real = credit.settle_restated

    def credit_first(*args, **kw):
        assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").status == 200
        return real(*args, **kw)

    monkeypatch.setattr(credit, "settle_restated", credit_first)
    _bank(pay, c1)
    monkeypatch.undo()
    rows = {pid: pay.repos.payments.get(c1.client_id, pid) for pid in ("st_1", "tr_1")}
    assert sum(r.unallocated for r in rows.values()) == 100_378 + 10_000 - 5_007
    over = _overpayments(a)
    assert sorted((x["detail"]["payment_id"], x["detail"]["unallocated"]) for x in over) == [
        (pid, rows[pid].unallocated) for pid in ("st_1", "tr_1")
    ]
    assert "953,71" in next(x["title"] for x in over if x["detail"]["payment_id"] == "st_1")


def _bk_2(pay, c1):
    return pay.book(c1, payment_id="bk_2", amount=2_500, received_on=date(2025, 2, 20),
                    source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip


def _figures(world, a, c1):
    claims = [
        a.call("GET", f"/v1/clients/C1/invoices/{n}/claim", on="2025-03-20").body
        for n in ("F1", "F2")
    ]
    pays = world.services.repos.payments.list(c1.client_id)[0]
    booked = sorted((p.payment_id, p.unallocated, tuple(sorted(
        (x.invoice_number, x.component, x.amount) for x in p.allocations))) for p in pays)  # fmt: skip
    events = sum(len(r.events) for r in world.services.ledger.debtor_claims(c1, "D1").records)
    return [(c["paid"], c["open"]["total"]) for c in claims], booked, events


def test_a_payment_whose_money_all_stands_in_is_not_restated_again_by_its_redelivery(
    world, monkeypatch
):
    """failure11 F6: bk_2 (25.00, back-dated 20-02, after st_1) holds no event of its own, as
    st_1 keeps money on F1 in its place; a crash after the ledger write and before its payment
    row made every redelivery restate the claims again (F1's interest paid 3.77 -> 3.75 ->
    3.73, 11 more ledger events each time)."""
    uncut = make_world()
    ua, uc1, upay = _setup(uncut)
    _bank(upay, uc1)
    _bk_2(upay, uc1)
    want = _figures(uncut, ua, uc1)

    a, c1, pay = _setup(world)
    _bank(pay, c1)
    real = world.store.transact

    def ledger_then_crash(table, *args, **kwargs):
        result = real(table, *args, **kwargs)
        if table == "Ledger":
            raise SimulatedCrash("after the ledger write")
        return result

    monkeypatch.setattr(world.store, "transact", ledger_then_crash)
    with pytest.raises(SimulatedCrash):
        _bk_2(pay, c1)
    monkeypatch.undo()
    _bk_2(pay, c1)
    _bk_2(pay, c1)
    assert _figures(world, a, c1) == want
