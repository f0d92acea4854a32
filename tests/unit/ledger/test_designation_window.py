"""A back-dated bank line in a statement window whose restatement releases a later payment's
money: that money goes to the other invoice the later payment named (6:43 lid 1), not to the
debtor's oldest claim, in a window (booked there, not handed to the one-line path) as one
line at a time (ledger-rest6 item 2).

F1 1,000.00 (due 01-31, 14-day letter 02-10: costs 150.00 owed after the term), F2 5,000.00
(due 02-20), F3 2,000.00 (due 03-31). bank-Q 1,100.00 received 03-05 naming F1 and F3 pays
F1's costs, interest and part of its principal. The statement of 03-12 has a line of
1,003.12 booked on 02-20 with F1's reference: paid inside the term it pays F1 whole (interest
3.12, principal 1,000.00, no costs), so bank-Q keeps its place on F1 but pays more than the
claim asked: its 96.88 beyond what this line would have taken goes to F3, which bank-Q
named, not to F2 (older); the line's own money bank-Q kept on F1 goes on as bank-Q's excess
would have, had the two been booked in the order received: to F3 too, from 03-05 (restate10:
it went to F2 by 6:43 from 02-20, an invoice neither payment named)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.records import PaymentSource
from shared.domain.statements.mt940_writer import OutLine, write_mt940
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row, verify_ibans
from tests.unit.services.test_statement_window import service

BASE = "/v1/clients/C1/invoices"


def _setup(world):  # type: ignore[no-untyped-def]
    world.clock.at = datetime(2025, 3, 5, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", BASE, {"items": [
        invoice_row("F1", "D1", amount="1000.00", fourteen_day_letter_on="2025-02-10"),
        invoice_row("F2", "D1", amount="5000.00", due_date="2025-02-20"),
        invoice_row("F3", "D1", amount="2000.00", due_date="2025-03-31"),
    ]})  # fmt: skip
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    world.services.payments.book(
        c1, payment_id="bank-Q", amount=110_000, received_on=date(2025, 3, 5),
        source=PaymentSource.BANK, invoice_numbers=["F1", "F3"],
    )  # fmt: skip
    world.clock.at = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)
    ref = a.call("GET", f"{BASE}/F1").body["payment_reference"]
    line = OutLine(date(2025, 2, 20), 100_312, "", counterparty_iban="NL02RABO0123456789",
                   counterparty_name="J de Vries", reference=ref, end_to_end_id="E1")  # fmt: skip
    data = write_mt940(client_iban("C1"), [line], opening=0, opening_date=date(2025, 2, 20),
                       statement_id="S1")  # fmt: skip
    return c1, data.encode()


def _check(world, c1) -> None:  # type: ignore[no-untyped-def]
    pay = world.services.payments
    q = pay.repos.payments.get(c1.client_id, "bank-Q")
    held: dict[str, int] = {}
    for x in q.allocations:
        held[x.invoice_number] = held.get(x.invoice_number, 0) + x.amount
    assert held == {"F1": 100_312, "F3": 9_688}  # F3, as bank-Q named it; not F2
    assert q.unallocated == 0
    f1 = world.agency_a.call("GET", f"{BASE}/F1/claim", on="2025-03-12").body
    assert (f1["open"]["total"], f1["paid"]["costs"]) == ("0.00", "0.00")
    rows = pay.repos.payments.list(c1.client_id)[0]
    assert len(rows) == 2
    line_payment = next(p for p in rows if p.payment_id != "bank-Q")
    assert [(x.invoice_number, x.amount) for x in line_payment.allocations] == [("F3", 100_312)]
    invoices = pay.repos.invoices.get_many(c1.client_id, ["F1", "F2", "F3"])
    assert [invoices[n].invoice.open_amount for n in ("F1", "F2", "F3")] == [
        0, 500_000, 200_000 - 9_688 - 100_312,
    ]  # fmt: skip


@pytest.mark.parametrize("window", [1, 50])
def test_money_a_window_line_releases_goes_where_its_payment_named(world, monkeypatch, window):  # type: ignore[no-untyped-def]
    c1, data = _setup(world)
    if window > 1:  # the window books it itself, not on the one-line path (PaymentService.book)
        monkeypatch.setattr(world.services.payments, "book", lambda *a, **k: pytest.fail("1-line"))
    report = service(world, window).ingest("agency-a/day.sta", data)
    assert report.booked == 1
    _check(world, c1)


@pytest.mark.parametrize("where", ["Ledger", "Payments", "Invoices", "follow"])
def test_a_window_that_died_before_the_moved_payments_followed_is_finished_by_redelivery(
    world, monkeypatch, where
):  # type: ignore[no-untyped-def]
    import shared.services.ledger.credit as credit

    c1, data = _setup(world)
    store = world.services.repos.store
    real = store.transact

    def crashing(name, ops):  # type: ignore[no-untyped-def]
        if name == where:
            raise ConnectionError(f"the worker died writing {where}")
        return real(name, ops)

    def dies(*a, **k):  # type: ignore[no-untyped-def]
        raise ConnectionError("the worker died before the moved payments followed")

    if where == "follow":
        monkeypatch.setattr(credit, "settle_restated", dies)
    else:
        monkeypatch.setattr(store, "transact", crashing)
    with pytest.raises(ConnectionError):
        service(world, 50).ingest("agency-a/day.sta", data)
    monkeypatch.undo()
    service(world, 50).ingest("agency-a/day.sta", data)  # the blob trigger's next delivery
    _check(world, c1)
