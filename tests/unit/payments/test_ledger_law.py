"""The claim ledger's law, through the real API and services (review law3, findings 1, 3, 4
and 9). Amounts in cents; the hand computations are in the comments."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row


def _setup(world, at: datetime, invoices: list[dict[str, object]], **client_kw):
    world.clock.at = at
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1", **client_kw)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1"), debtor_row("D2")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": invoices})
    access = world.services.access
    return a, access.client_for(access.authenticate(a.key), "C1")


def _pay(
    world, client, pid: str, amount: int, on: date, numbers: list[str], source=PaymentSource.BANK
):
    return world.services.payments.book(
        client, payment_id=pid, amount=amount, received_on=on, source=source,
        invoice_numbers=numbers,
    )  # fmt: skip


def _lines(payment):
    return [(x.invoice_number, x.component, x.amount) for x in payment.allocations]


def test_a_back_dated_payment_is_booked_on_its_received_day_not_on_another_invoices_event(world):
    # law3 finding 1. F1 121.00 due 2025-01-31, 14-day letter Mon 2025-02-10: term to 02-26,
    # costs owed from 02-27. The debtor pays F1 in full by bank on 02-20 (day 8 of the term);
    # his online payment of F2 on 03-01 is booked first (the statement comes later).
    # Hand: interest 02-01 -> 02-20 = 121.00 x 6 % x 19/365 = 0.3779 -> 0.38; 121.38 in all;
    # no costs (paid within the term, art. 6:96 lid 6). Before the fix: booked on 03-01,
    # [costs 4000, interest 56, principal 8082] and 40.20 left open.
    a, client = _setup(world, datetime(2025, 3, 5, 10, 0, tzinfo=UTC), [
        invoice_row("F1", "D1", fourteen_day_letter_on="2025-02-10"),
        invoice_row("F2", "D1", amount="50.00", invoice_date="2025-02-01", due_date="2025-03-03"),
    ])  # fmt: skip
    _pay(world, client, "mollie-tr_1", 5_000, date(2025, 3, 1), ["F2"], PaymentSource.MOLLIE)
    p = _pay(world, client, "bank-1", 12_138, date(2025, 2, 20), ["F1"])
    assert _lines(p) == [("F1", "interest", 38), ("F1", "principal", 12_100)]
    assert p.unallocated == 0
    f1 = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-03-05").body
    assert f1["open"]["total"] == "0.00"
    assert f1["paid"]["costs"] == "0.00"
    # the statement first gives the same figures (the order the law assumes)
    ledger = world.services.ledger.claim(client, "F2", date(2025, 3, 5))
    assert ledger.open.total == 0


def test_a_back_dated_payment_on_a_claim_with_later_events_of_its_own_is_restated(world):
    # F1 itself had an online part payment on 03-01 (costs fixed then: 15 % of 121.00 =
    # 18.15 -> the 40.00 minimum, the 10.00 on costs); the bank line of 02-20 (within the
    # term to 02-26) comes in later: booked on 03-01 (append-only) as if booked on 02-20
    # (docs/law.md, back-dated payments). Hand: on 02-20 F1 owed interest 121.00 x 6 % x
    # 19/365 = 0.378 -> 0.38 and 121.00: the bank's 121.38 pays it all, within the term, so
    # no costs. The online 10.00 keeps its amount on F1 (now interest 0.38, principal 9.62)
    # and the bank payment takes 10.00 less: principal 111.38, 10.00 an overpayment.
    a, client = _setup(world, datetime(2025, 3, 5, 10, 0, tzinfo=UTC), [
        invoice_row("F1", "D1", fourteen_day_letter_on="2025-02-10"),
    ])  # fmt: skip
    _pay(world, client, "mollie-tr_1", 1_000, date(2025, 3, 1), ["F1"], PaymentSource.MOLLIE)
    p = _pay(world, client, "bank-1", 12_138, date(2025, 2, 20), ["F1"])
    assert _lines(p) == [("F1", "principal", 11_138)] and p.unallocated == 1_000
    c = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-03-05").body
    assert c["open"]["total"] == "0.00" and c["paid"]["costs"] == "0.00"
    assert c["paid"]["interest"] == "0.38" and c["paid"]["principal"] == "121.00"


def test_paying_within_the_term_what_the_letter_asks_owes_no_costs(world):
    # law3 finding 3. F1 (D1) and F2 (D2) 121.00 due 2025-01-31, letter 2025-02-10, term to
    # 02-26. On 02-26 D1 pays 121.00 (the letter's principal), D2 121.18 (the claim on the
    # letter's day). Hand: interest 02-01 -> 02-26 = 121 x 6 % x 25/365 = 0.4973 -> 0.50;
    # 6:44 puts the payment on it first: principal 120.50 (120.68) paid. Paid within the term
    # against the principal demanded: 121.00 (121.18) >= 121.00, so no costs (6:96 lid 6);
    # the 0.50 (0.32) of principal left is owed, without the EUR 40 minimum (was 40.50/40.32).
    a, client = _setup(world, datetime(2025, 3, 10, 10, 0, tzinfo=UTC), [
        invoice_row("F1", "D1", fourteen_day_letter_on="2025-02-10"),
        invoice_row("F2", "D2", fourteen_day_letter_on="2025-02-10"),
    ])  # fmt: skip
    for pid, n, amount, left in (
        ("bank-1", "F1", 12_100, "0.50"),
        ("bank-2", "F2", 12_118, "0.32"),
    ):
        p = _pay(world, client, pid, amount, date(2025, 2, 26), [n])
        assert _lines(p) == [(n, "interest", 50), (n, "principal", amount - 50)]
        c = a.call("GET", f"/v1/clients/C1/invoices/{n}/claim", on="2025-03-10").body
        assert c["open"]["costs"] == "0.00"
        assert c["open"]["principal"] == left


def test_paying_less_than_the_principal_within_the_term_still_owes_costs_on_the_rest(world):
    # the lid-6 test still charges costs on what was not paid: 100.00 on 02-26 on 121.00
    # (interest 0.50 first, principal 99.50): unpaid against the principal 21.00 ->
    # staffel 15 % = 3.15 -> the 40.00 minimum.
    a, client = _setup(world, datetime(2025, 3, 10, 10, 0, tzinfo=UTC), [
        invoice_row("F1", "D1", fourteen_day_letter_on="2025-02-10"),
    ])  # fmt: skip
    _pay(world, client, "bank-1", 10_000, date(2025, 2, 26), ["F1"])
    c = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-03-10").body
    assert c["open"]["costs"] == "40.00"


def test_a_designated_payments_surplus_goes_to_the_debtors_other_claims_oldest_first(world):
    # law3 finding 9. F1 121.00 and F2 50.00 (no interest, no costs yet), 200.00 designating
    # F1: F1 121.00, the rest 79.00 by art. 6:43 to F2 50.00; 29.00 left is the overpayment
    # (was: F1 only, 79.00 overpaid while F2 stayed open).
    a, client = _setup(world, datetime(2025, 3, 5, 10, 0, tzinfo=UTC), [
        invoice_row("F1", "D1"), invoice_row("F2", "D1", amount="50.00"),
    ], charge_interest=False)  # fmt: skip
    p = _pay(world, client, "bank-1", 20_000, date(2025, 3, 5), ["F1"])
    assert _lines(p) == [("F1", "principal", 12_100), ("F2", "principal", 5_000)]
    assert p.unallocated == 2_900
    f2 = a.call("GET", "/v1/clients/C1/invoices/F2").body
    assert f2["status"] == "paid"
    acts = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [x["kind"] for x in acts] == ["overpayment"]


def test_crediting_a_partly_paid_invoice_moves_its_money_to_the_debtors_other_claims(world):
    # law3 finding 4. F1 121.00 (letter 2025-02-10, costs owed from 02-27) and F2 50.00 due
    # 2025-03-20. 100.00 on F1 on 03-20: costs 40.00 (minimum), interest 121 x 6 % x 47/365 =
    # 0.9348 -> 0.93, principal 59.07. F1 is credited: nothing of it was owed, so all 100.00
    # is freed and goes by 6:43 to F2 on 03-20 (principal 50.00, due that day: no interest or
    # costs yet); 50.00 is left: an overpayment item. Before the fix F1 kept the 100.00 (costs,
    # interest and principal of an annulled invoice), F2 stayed open, no item.
    a, client = _setup(world, datetime(2025, 3, 20, 10, 0, tzinfo=UTC), [
        invoice_row("F1", "D1", fourteen_day_letter_on="2025-02-10"),
        invoice_row("F2", "D1", amount="50.00", due_date="2025-03-20"),
    ])  # fmt: skip
    p = _pay(world, client, "bank-1", 10_000, date(2025, 3, 20), ["F1"])
    assert _lines(p) == [("F1", "costs", 4_000), ("F1", "interest", 93), ("F1", "principal", 5_907)]
    r = a.call("POST", "/v1/clients/C1/invoices/F1/credit")
    assert r.status == 200
    f1 = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-04-10").body
    assert [f1["paid"][k] for k in ("principal", "costs", "costs_vat", "interest")] == ["0.00"] * 4
    assert f1["open"]["total"] == "0.00"
    f2 = a.call("GET", "/v1/clients/C1/invoices/F2/claim", on="2025-04-10").body
    assert f2["open"]["total"] == "0.00"
    assert a.call("GET", "/v1/clients/C1/invoices/F2").body["status"] == "paid"
    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "credited"
    pays = a.call("GET", "/v1/clients/C1/payments").body["items"]
    assert [(x["payment_id"], x["unallocated"]) for x in pays] == [("bank-1", 5_000)]
    row = world.services.repos.payments.get(client.client_id, "bank-1")
    assert [(x.invoice_number, x.component, x.amount) for x in row.allocations] == [
        ("F2", "principal", 5_000)
    ]
    acts = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [x["kind"] for x in acts] == ["overpayment"]
    # a credit handled twice moves the money once
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").status == 200
    assert world.services.ledger.claim(client, "F2", date(2025, 4, 10)).paid.principal == 5_000
    assert len(a.call("GET", "/v1/clients/C1/actions").body["items"]) == 1
    assert world.services.repos.payments.get(client.client_id, "bank-1").unallocated == 5_000


def test_the_14_day_letter_says_what_paid_within_the_term_owes_no_costs(world):
    # law3 finding 3, the letter's side: F1 121.00 due 2025-01-31, 14-day letter on
    # 2025-02-10 (posted: costs owed from 02-27, the term's last day 02-26). Hand: interest
    # 02-01 -> 02-26 = 121 x 6 % x 25/365 = 0.4973 -> 0.50; pay_within_term = 121.50. Paid on
    # 02-26 it settles the claim (interest 0.50, principal 121.00) without costs.
    a, client = _setup(world, datetime(2025, 2, 10, 10, 0, tzinfo=UTC), [invoice_row("F1", "D1")])
    debtor = world.services.repos.debtors.get(client.client_id, "D1")[0]
    invoice = world.services.repos.invoices.get(client.client_id, "F1").invoice
    context = world.services.dunning.context(
        client, debtor, [invoice], date(2025, 2, 10), date(2025, 2, 27)
    )
    assert context.variables()["pay_within_term"] == 12_150
    assert context.costs == 4_000  # what the letter announces if the term passes unpaid
    world.clock.at = datetime(2025, 3, 10, 10, 0, tzinfo=UTC)
    world.services.ledger.set_imported_dates(client.client_id, "D1", "F1", date(2025, 2, 10), None)
    p = _pay(world, client, "bank-1", 12_150, date(2025, 2, 26), ["F1"])
    assert _lines(p) == [("F1", "interest", 50), ("F1", "principal", 12_100)]
    c = a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-03-10").body
    assert c["open"]["total"] == "0.00"


def test_crediting_a_paid_invoice_keeps_the_money_off_a_claim_not_yet_due(world):
    # law15c F4 for the whole credit: F2 falls due on 03-31, after the money was received
    # (03-20): the debtor need not pay it yet and the creditor may set off only against a claim
    # it can enforce (6:127 lid 2 BW), so all 100.00 is an overpayment item and F2 stays open.
    # Before: F2 took 50.00 eleven days before its due date.
    a, client = _setup(world, datetime(2025, 3, 20, 10, 0, tzinfo=UTC), [
        invoice_row("F1", "D1", fourteen_day_letter_on="2025-02-10"),
        invoice_row("F2", "D1", amount="50.00", due_date="2025-03-31"),
    ])  # fmt: skip
    _pay(world, client, "bank-1", 10_000, date(2025, 3, 20), ["F1"])
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").status == 200
    assert a.call("GET", "/v1/clients/C1/invoices/F2").body["status"] == "open"
    row = world.services.repos.payments.get(client.client_id, "bank-1")
    assert (row.allocations, row.unallocated) == ((), 10_000)
    acts = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [x["kind"] for x in acts] == ["overpayment"]
