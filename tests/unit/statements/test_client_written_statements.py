"""A statement a client's staff upload in the console is the client's own writing
(statement_sources.py), not the bank's word (attack10 F1, F2, F5, F6, F7): it books lines on
the client's own account, but teaches no payer the agency's pooled account trusts, marks no bank
statement done, dates no payment back past costs owed to the agency and undoes no payment the
bank's file booked. And money on the agency's pooled account that two clients could claim is the
agency's to assign, never one client's staff's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from shared.domain.scopes import agency_scope
from shared.domain.statements.mt940_writer import OutLine
from shared.services.statement_sources import console_prefix
from shared.services.statements import StatementService
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.api.conftest import world as world
from tests.unit.services.test_statement_ingest import PAYER, invoice, statement
from tests.unit.services.test_statement_ingest import setup as setup
from tests.unit.statements.test_pooled_known_payers import KEES, pay, status
from tests.unit.statements.test_pooled_known_payers import pool as pool

DAY = date(2025, 3, 3)  # the tests' clock: the upload's day


def _service(world, window):
    s = world.services
    if window:
        return s.statements
    return StatementService(
        s.repos, s.files, s.payments, s.clock, open_totals=s.statements.open_totals, window=1
    )


def _upload(world, client_number, name, data, *, window=True):
    """A file the client's staff uploaded on the console's payments page."""
    cid = world.services.repos.clients.id_for_number("agency-a", client_number)
    return _service(world, window).ingest(console_prefix("agency-a", cid) + name, data)


def _agency_items(world, kind):
    items, _ = world.services.repos.actions.list(agency_scope("agency-a"))
    return [x for x in items if x.kind == kind]


# -- F1: a payer taught by the client's own file is the client's word --------------------------
@pytest.mark.parametrize("window", [True, False], ids=["window", "one-line"])
def test_a_client_written_booking_teaches_no_payer_the_pooled_account_trusts(pool, window):
    world = pool
    a = world.agency_a
    a.call("POST", "/v1/clients/C3/debtors", {"items": [debtor_row("Z9", name="X")]})
    a.call("POST", "/v1/clients/C3/invoices", {"items": [
        invoice_row("Z-0", "Z9", amount="1.00"), invoice_row("Z-1", "Z9", amount="420.00"),
    ]})  # fmt: skip
    ref0 = a.call("GET", "/v1/clients/C3/invoices/Z-0").body["payment_reference"]
    # C3 writes a statement of its own account: 1.00 from C2's debtor Kees quoting Z-0
    forged = statement(
        [OutLine(DAY, 100, ref0, counterparty_iban=KEES, counterparty_name="KEES KLANT BV")],
        account=client_iban("C3"), sid="F1",
    )  # fmt: skip
    assert _upload(world, "C3", "x-forged.sta", forged, window=window).booked == 1
    assert status(world, "C3", "Z-0") == "paid"  # its own account: booked, as before
    cid = world.services.repos.clients.id_for_number("agency-a", "C3")
    known = world.services.repos.banking.known_payers(cid, KEES)
    assert (known.paid, known.said) == (frozenset(), frozenset({"Z9"}))
    # Kees pays 420.00 for C2's H-1 on the agency's pooled account
    report = pay(world, "Bedankt", "S9", 42_000, window=window)
    assert report.booked == 0
    assert status(world, "C3", "Z-1") == "open"


def test_confirming_a_line_of_the_clients_own_upload_teaches_no_paid_payer(pool):
    world = pool
    a = world.agency_a
    a.call("POST", "/v1/clients/C3/debtors", {"items": [debtor_row("Z9", name="X")]})
    a.call("POST", "/v1/clients/C3/invoices", {"items": [
        invoice_row("Z-0", "Z9", amount="1.00"), invoice_row("Z-1", "Z9", amount="420.00"),
    ]})  # fmt: skip
    forged = statement(
        [OutLine(DAY, 100, "gift", counterparty_iban=KEES, counterparty_name="KEES KLANT BV")],
        account=client_iban("C3"), sid="F1",
    )  # fmt: skip
    assert _upload(world, "C3", "x-forged.sta", forged).unmatched == 1
    c3 = a.as_key(a.call("POST", "/v1/keys", {"scope": "client", "client": "C3"}).body["key"])
    [item] = c3.call("GET", "/v1/clients/C3/actions").body["items"]
    assert "a line of a file the client uploaded" in " ".join(item["detail"]["reasons"])
    path = f"/v1/clients/C3/actions/{item['action_id']}/confirm"
    assert c3.call("POST", path, {"invoices": ["Z-0"]}).status == 200  # its own account
    cid = world.services.repos.clients.id_for_number("agency-a", "C3")
    assert world.services.repos.banking.known_payers(cid, KEES).paid == frozenset()
    assert pay(world, "Bedankt", "S9", 42_000).booked == 0
    assert status(world, "C3", "Z-1") == "open"


def test_a_bank_delivered_booking_still_teaches_a_paid_payer(setup):
    ref = invoice(setup, "F-0001")["payment_reference"]
    line = OutLine(DAY, 12_100, ref, counterparty_iban=PAYER, counterparty_name="J de Vries")
    assert setup.services.statements.ingest("agency-a/bank/d.sta", statement([line])).booked == 1
    cid = setup.services.repos.clients.id_for_number("agency-a", "C1")
    assert setup.services.repos.banking.known_payers(cid, PAYER).paid == frozenset({"D1"})


# -- F2: the client's upload never marks the bank's statement done -----------------------------
def test_a_client_upload_with_the_bank_statements_identity_does_not_skip_the_bank_file(setup):
    w = setup
    ref = invoice(w, "F-0001")["payment_reference"]
    real = statement(
        [OutLine(DAY, 12_100, ref, counterparty_iban=PAYER, counterparty_name="J de Vries")],
        sid="S1",
    )
    # same sequence, day, balances and line count; another line
    forged = statement(
        [OutLine(DAY, 12_100, "rente spaarrekening", counterparty_iban="NL91ABNA0417164300",
                 counterparty_name="EIGEN SPAAR")],
        sid="S1",
    )  # fmt: skip
    assert _upload(w, "C1", "t-forged.sta", forged).unmatched == 1
    bank = w.services.statements.ingest("agency-a/bank/day1.sta", real)
    assert (bank.status, bank.statements_skipped, bank.booked) == ("booked", 0, 1)
    assert invoice(w, "F-0001")["status"] == "paid"
    # the bank's statement is done now, for the bank and for the client's upload of it
    again = w.services.statements.ingest("agency-a/bank/day1-again.sta", real)
    assert again.status == "skipped"
    assert _upload(w, "C1", "t-real.sta", real).status == "skipped"


def test_the_same_transaction_uploaded_by_the_client_then_delivered_is_booked_once(setup):
    w = setup
    ref = invoice(w, "F-0001")["payment_reference"]
    real = statement(
        [OutLine(DAY, 12_100, ref, counterparty_iban=PAYER, counterparty_name="J de Vries")],
        sid="S1",
    )
    assert _upload(w, "C1", "t-real.sta", real).booked == 1
    bank = w.services.statements.ingest("agency-a/bank/day1.sta", real)
    assert (bank.statements_skipped, bank.booked, bank.lines) == (0, 0, 1)
    cid = w.services.repos.clients.id_for_number("agency-a", "C1")
    payments, _ = w.services.repos.payments.list(cid)
    assert [p.amount for p in payments] == [12_100]


# -- F5: pooled money two clients could claim is the agency's to assign ------------------------
def test_a_pooled_suggestion_of_two_clients_goes_to_the_agency_not_one_client(pool):
    a = pool.agency_a
    a.call("POST", "/v1/clients/C3/debtors", {"items": [debtor_row("Z9", name="Kees Klant BV")]})
    a.call(
        "POST", "/v1/clients/C3/invoices", {"items": [invoice_row("Z-1", "Z9", amount="420.00")]}
    )
    report = pay(pool, "Bedankt", "S1", 42_000)
    assert (report.booked, report.suggested) == (0, 1)
    for n in ("C2", "C3"):
        assert a.call("GET", f"/v1/clients/{n}/actions").body["items"] == []
    [item] = _agency_items(pool, "payment_suggestion")
    clients = {s["client_id"] for s in item.detail["suggestions"]}
    assert len(clients) == 2


def test_the_agency_books_a_pooled_suggestion_of_its_list_on_the_client_it_decides(pool):
    a = pool.agency_a
    a.call("POST", "/v1/clients/C3/debtors", {"items": [debtor_row("Z9", name="Kees Klant BV")]})
    a.call(
        "POST", "/v1/clients/C3/invoices", {"items": [invoice_row("Z-1", "Z9", amount="420.00")]}
    )
    pay(pool, "Bedankt", "S1", 42_000)
    [item] = _agency_items(pool, "payment_suggestion")
    path = f"/v1/actions/{item.action_id}/confirm"
    c3 = a.as_key(a.call("POST", "/v1/keys", {"scope": "client", "client": "C3"}).body["key"])
    assert c3.call("POST", path, {"client": "C3", "invoices": ["Z-1"]}).status == 404
    done = a.call("POST", path, {"client": "C2", "invoices": ["H-1"]})
    assert done.status == 200 and done.body["status"] == "resolved", done.body
    assert (status(pool, "C2", "H-1"), status(pool, "C3", "Z-1")) == ("paid", "open")
    [paid] = a.call("GET", "/v1/clients/C2/payments").body["items"]
    assert paid["received_by"] == "third_party"


def test_a_clients_staff_cannot_confirm_money_of_the_agencys_pooled_account(pool):
    a = pool.agency_a
    # only C2's H-1 fits: the suggestion is C2's (its people and the agency's see it) ...
    report = pay(pool, "Bedankt", "S1", 42_000)
    assert report.suggested == 1
    [item] = a.call("GET", "/v1/clients/C2/actions").body["items"]
    c2 = a.as_key(a.call("POST", "/v1/keys", {"scope": "client", "client": "C2"}).body["key"])
    path = f"/v1/clients/C2/actions/{item['action_id']}/confirm"
    # ... but the money is on the agency's account: the client's own key does not book it
    refused = c2.call("POST", path, {"invoices": ["H-1"]})
    assert refused.status == 422 and refused.body["error"]["field"] == "account", refused.body
    assert status(pool, "C2", "H-1") == "open"
    assert a.call("POST", path, {"invoices": ["H-1"]}).status == 200  # the agency does
    assert status(pool, "C2", "H-1") == "paid"


def test_a_client_confirms_a_line_of_its_own_account(setup):
    a = setup.agency_a
    line = OutLine(DAY, 12_100, "betaling", counterparty_iban=PAYER, counterparty_name="X")
    assert setup.services.statements.ingest("agency-a/bank/d.sta", statement([line])).unmatched
    [item] = a.call("GET", "/v1/clients/C1/actions").body["items"]
    c1 = a.as_key(a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"])
    done = c1.call("POST", f"/v1/clients/C1/actions/{item['action_id']}/confirm",
                   {"invoices": ["F-0001"]})  # fmt: skip
    assert done.status == 200 and invoice(setup, "F-0001")["status"] == "paid"


# -- F6: a client-written line never dates a payment back --------------------------------------
@pytest.fixture
def costs_owed(world):
    """F-1 121.00 (b2c), 14-day letter 3-2: on 3-3 costs 40.00 are owed (to the agency)."""
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F-1", "D1", amount="121.00", fourteen_day_letter_on="2025-02-03")]})  # fmt: skip
    return world


@pytest.mark.parametrize("window", [True, False], ids=["window", "one-line"])
def test_a_client_written_line_dated_in_the_term_keeps_the_costs_owed(costs_owed, window):
    world = costs_owed
    a = world.agency_a
    ref = a.call("GET", "/v1/clients/C1/invoices/F-1").body["payment_reference"]
    back = date(2025, 2, 10)
    line = OutLine(back, 12_100, ref, counterparty_iban=PAYER, counterparty_name="Debtor D1")
    report = _upload(world, "C1", "t-x.sta", statement([line], day=back, sid="X1"), window=window)
    assert report.booked == 1
    claim = a.call("GET", "/v1/clients/C1/invoices/F-1/claim").body
    # booked on the upload's day: the 40.00 costs (and interest) paid first (6:44), 40.60 of
    # the principal left open, as when the line says that day (dated 10-2: 0.18 and no costs)
    assert Decimal(claim["open"]["total"]) == Decimal("40.60")
    cid = world.services.repos.clients.id_for_number("agency-a", "C1")
    [payment] = world.services.repos.payments.list(cid)[0]
    assert payment.received_on == DAY
    [item] = _agency_items(world, "client_dated_payments")
    assert item.detail["lines"] == ["2025-02-10: € 121,00 (F-1)"]
    assert item.detail["date"] == DAY.isoformat()


def test_the_bank_files_day_stands_and_a_client_line_of_the_day_tells_nobody(costs_owed):
    world = costs_owed
    a = world.agency_a
    ref = a.call("GET", "/v1/clients/C1/invoices/F-1").body["payment_reference"]
    back = date(2025, 2, 10)
    line = OutLine(back, 12_100, ref, counterparty_iban=PAYER, counterparty_name="Debtor D1")
    today = OutLine(DAY, 100, ref, counterparty_iban=PAYER, counterparty_name="Debtor D1")
    assert _upload(world, "C1", "t-y.sta", statement([today], sid="Y1")).booked == 1
    assert _agency_items(world, "client_dated_payments") == []
    # the bank's own file: its day is the day paid (6:114 BW), costs fall away in the term
    bank = world.services.statements.ingest("agency-a/bank/x.sta", statement([line], day=back))
    assert bank.booked == 1
    claim = a.call("GET", "/v1/clients/C1/invoices/F-1/claim").body
    assert Decimal(claim["open"]["total"]) < Decimal("1.00")


# -- F7: a client-written return undoes no payment the bank's file booked ----------------------
def _return(day=date(2025, 3, 4)):
    line = OutLine(day, -12_100, "", end_to_end_id="E1", return_reason="MD06",
                   counterparty_iban=PAYER, counterparty_name="J de Vries")  # fmt: skip
    return statement([line], opening=112_100, day=day, sid="S2")


def _paid_e1(ref):
    return statement([OutLine(DAY, 12_100, "", reference=ref, end_to_end_id="E1",
                              counterparty_iban=PAYER, counterparty_name="J de Vries")])  # fmt: skip


def test_a_client_written_return_does_not_undo_a_bank_booked_payment(setup):
    w = setup
    ref = invoice(w, "F-0001")["payment_reference"]
    assert w.services.statements.ingest("agency-a/bank/day1.sta", _paid_e1(ref)).booked == 1
    report = _upload(w, "C1", "t-ret.sta", _return())
    assert report.returned == 0
    assert invoice(w, "F-0001")["status"] == "paid"
    [item] = _agency_items(w, "unmatched_return")
    assert item.detail["end_to_end_id"] == "E1"
    # the bank's own delivery of that very return undoes it
    assert w.services.statements.ingest("agency-a/bank/day2.sta", _return()).returned == 1
    assert invoice(w, "F-0001")["status"] == "open"


def test_a_client_written_return_undoes_a_payment_its_own_upload_booked(setup):
    w = setup
    ref = invoice(w, "F-0001")["payment_reference"]
    assert _upload(w, "C1", "t-pay.sta", _paid_e1(ref)).booked == 1
    assert _upload(w, "C1", "t-ret.sta", _return()).returned == 1
    assert invoice(w, "F-0001")["status"] == "open"
    assert _agency_items(w, "unmatched_return") == []


def test_a_client_written_return_without_id_does_not_undo_a_bank_booked_payment(setup):
    """newcomer12 #1 on a client's upload: the return quoting no id is found by its payer, but
    a payment the bank's file booked is not undone on the client's word (attack10 F7)."""
    w = setup
    ref = invoice(w, "F-0001")["payment_reference"]
    paid = statement([OutLine(DAY, 12_100, "", reference=ref, counterparty_iban=PAYER,
                              counterparty_name="J de Vries")])  # fmt: skip
    assert w.services.statements.ingest("agency-a/bank/day1.sta", paid).booked == 1
    back = OutLine(date(2025, 3, 4), -12_100, "retour", counterparty_iban=PAYER,
                   counterparty_name="J de Vries", return_reason="AC04")  # fmt: skip
    returned = statement([back], opening=112_100, day=date(2025, 3, 4), sid="S2")
    assert _upload(w, "C1", "t-ret.sta", returned).returned == 0
    assert invoice(w, "F-0001")["status"] == "paid"
    [item] = _agency_items(w, "unmatched_return")
    assert item.detail["payer_iban"] == PAYER
    assert w.services.statements.ingest("agency-a/bank/day2.sta", returned).returned == 1
    assert invoice(w, "F-0001")["status"] == "open"
