"""told24: money the client received itself on an invoice of an open case, by any route, is
told to the agency once per payment (cm24 F1 told only a sync's receipt): a line of a statement
of the client's own account, a payment into the client's own Mollie, and that money taken back
(a bank's return). The agency's own account's money is not told (it books it itself). Before:
none of these reached the agency, which went on asking the whole claim (or, after a return, no
longer asked money that was owed again)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shared.domain.records import PaymentSource, Receiver
from tests.unit.dunning.test_case_follows_credit import _agency_items, _agency_mail
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401

PART = 5_000  # 50.00 of F1: the invoice stays open, so no paid-in-full follow-up tells it


def _received(world):  # type: ignore[no-untyped-def]
    return [i for i in _agency_items(world, "case_invoice_lowered") if "received EUR" in i["title"]]


def _book(world, client, payment_id, received_by):  # type: ignore[no-untyped-def]
    return world.services.payments.book(
        client, payment_id=payment_id, amount=PART, received_on=date(2025, 5, 1),
        source=PaymentSource.MOLLIE, invoice_numbers=["F1"], received_by=received_by,
        external_id=f"tr_{payment_id}",
    )  # fmt: skip


def _own_account_line(world, window, cents):  # type: ignore[no-untyped-def]
    """A statement of the client's own account with the debtor's ``cents`` on F1, booked
    line by line (``window`` 1) or in a window; the statement's text, to deliver again."""
    from shared.domain.statements.mt940_writer import OutLine, write_mt940
    from tests.unit.api.conftest import client_iban, verify_ibans

    if window is not None:
        world.services.statements.window = window
    verify_ibans(world.agency_a, "C1")
    today = world.clock.now().date()
    ref = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body["payment_reference"]
    line = OutLine(today, cents, "factuur F1", "NL02RABO0123456789", "Jan de Vries", "E2E-F1", ref)
    data = write_mt940(client_iban("C1"), [line], opening=0, opening_date=today, statement_id="S1")
    assert world.services.statements.ingest("agency-a/day.sta", data.encode()).booked == 1
    payments = world.agency_a.call("GET", "/v1/clients/C1/payments").body["items"]
    [paid] = [p for p in payments if p["source"] == "bank"]
    assert paid["received_by"] == "client"
    return data


@pytest.mark.parametrize("window", [1, None], ids=["line-by-line", "window"])
def test_a_line_of_the_clients_own_account_on_a_case_invoice_is_told(engine, window):  # noqa: F811
    world, client = engine
    case_id = handed_over(world, client)
    data = _own_account_line(world, window, PART)
    world.services.statements.ingest("agency-a/day.sta", data.encode())  # delivered again

    [item] = _received(world)
    title = item["title"]
    assert f"received EUR 50.00 from the debtor itself on invoice F1 of case {case_id}" in title
    claim = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1/claim").body
    assert f"principal EUR {claim['paid']['principal']}" in title
    assert f"its principal open is now EUR {claim['open']['principal']}" in title
    assert len(_agency_mail(world, client, f"case-{case_id}-received-")) == 1


def test_a_payment_into_the_clients_own_mollie_is_told_once(engine):  # noqa: F811
    world, client = engine
    case_id = handed_over(world, client)
    _book(world, client, "own", Receiver.CLIENT)
    _book(world, client, "own", Receiver.CLIENT)  # the webhook again: the booking is retried
    [item] = _received(world)
    assert (
        f"received EUR 50.00 from the debtor itself on invoice F1 of case {case_id}"
        in item["title"]
    )
    [mail] = _agency_mail(world, client, f"case-{case_id}-received-")
    text = world.services.messaging.content(client.client_id, mail.key).text
    assert "rechtstreeks € 50,00 betaald op factuur F1" in text


def test_money_on_the_agencys_own_account_is_not_told(engine):  # noqa: F811
    world, client = engine
    handed_over(world, client)
    _book(world, client, "pooled", Receiver.THIRD_PARTY)
    assert _received(world) == []


def test_the_clients_money_taken_back_is_told_collect_it_again(engine):  # noqa: F811
    world, client = engine
    case_id = handed_over(world, client)
    _book(world, client, "own", Receiver.CLIENT)
    payments = world.services.payments
    payments.reverse(client, "own", "MD06 terugboeking", date(2025, 5, 8))
    payments.reverse(client, "own", "MD06 terugboeking", date(2025, 5, 8))  # redelivered

    back = [i for i in _agency_items(world, "case_invoice_lowered") if "taken back" in i["title"]]
    [item] = back
    open_now = world.services.repos.invoices.get(client.client_id, "F1").invoice.open_amount
    assert item["title"] == (
        f"The earlier payment of EUR 50.00 that Client C1 received on invoice F1 of case "
        f"{case_id} (debtor D1) on 2025-05-01 was taken back: collect it again; its "
        f"principal open is now EUR {open_now / 100:.2f}."
    )
    [mail] = _agency_mail(world, client, f"case-{case_id}-taken-back-")
    text = world.services.messaging.content(client.client_id, mail.key).text
    assert "is teruggedraaid: vorder dit bedrag weer" in text
    log = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert sum("received by the client taken back" in e["summary"] for e in log) == 1


def _corrections(world):  # type: ignore[no-untyped-def]
    return [i["title"] for i in _agency_items(world, "case_invoice_lowered")
            if i["title"].startswith("Corrected:")]  # fmt: skip


def _taken_back(world):  # type: ignore[no-untyped-def]
    return [i["title"] for i in _agency_items(world, "case_invoice_lowered")
            if "taken back:" in i["title"]]  # fmt: skip


def test_a_receipt_re_dated_is_told_as_one_correction(engine):  # noqa: F811
    """money26: staff book a sync's receipt again on the day the client's books give. The
    agency heard 'taken back: collect it again' and 'received' (two items, as if the debtor's
    100.00 bounced); now one correction: the same payment, its new day, nothing to collect."""
    from tests.unit.dunning.test_case_told_of_direct_receipt import _sync

    world, client = engine
    case_id = handed_over(world, client)
    _sync(world, "21.00")  # 100.00 of 121.00 paid to the client
    [first] = _received(world)
    [payment_id] = [p.payment_id for p in world.services.repos.payments.list(client.client_id)[0]]
    was = world.services.repos.payments.get(client.client_id, payment_id).received_on
    day = was - timedelta(days=2)
    for _ in range(2):  # the same request again (a retry): nothing told twice
        reply = world.agency_a.call(
            "POST", f"/v1/clients/C1/payments/{payment_id}/received-on",
            {"received_on": day.isoformat(), "reason": "the client's books"},
        )  # fmt: skip
        assert reply.status == 200, reply.body
    assert [i["title"] for i in _received(world)] == [first["title"]]
    assert _taken_back(world) == []
    [corrected] = _corrections(world)
    assert corrected == (
        f"Corrected: the payment of EUR 100.00 that Client C1 received itself on invoice F1 of "
        f"case {case_id} (debtor D1), told as received on {was.isoformat()}: it is booked again "
        f"on {day.isoformat()}, the day Client C1's books give. The same payment: nothing was "
        "taken back, do not collect it again."
    )
    mails = _agency_mail(world, client, f"case-{case_id}-received-")
    texts = [world.services.messaging.content(client.client_id, m.key).text for m in mails]
    [text] = [t for t in texts if "is gecorrigeerd" in t]
    assert len(texts) == 2 and "vorder dit bedrag niet opnieuw" in text
    assert _agency_mail(world, client, f"case-{case_id}-taken-back-") == []


def test_a_receipt_the_bank_line_replaces_is_told_as_one_correction(engine):  # noqa: F811
    """money26: the client's sync reported 100.00 paid on F1 (told 'received'); the bank's
    statement of the client's own account then books that money, and its line takes the
    receipt's place. Before: 'taken back: collect it again' and 'received' again (3 items on the
    agency's list for one payment); now the one received and one correction (2)."""
    from tests.unit.dunning.test_case_told_of_direct_receipt import _sync

    world, client = engine
    case_id = handed_over(world, client)
    _sync(world, "21.00")
    [first] = _received(world)
    [receipt] = world.services.repos.payments.list(client.client_id)[0]
    data = _own_account_line(world, None, 10_000)
    world.services.statements.ingest("agency-a/day.sta", data.encode())  # delivered again

    assert world.services.repos.payments.get(client.client_id, receipt.payment_id).reversed
    assert [i["title"] for i in _received(world)] == [first["title"]]
    assert _taken_back(world) == []
    [corrected] = _corrections(world)
    today = world.clock.now().date()
    assert corrected.startswith(
        f"Corrected: the payment of EUR 100.00 that Client C1 received itself on invoice F1 of "
        f"case {case_id} (debtor D1), told as received on {receipt.received_on.isoformat()}: "
        f"the bank's statement of Client C1's own account books it on {today.isoformat()}."
    )
    assert len(_agency_items(world, "case_invoice_lowered")) == 2


@pytest.mark.parametrize("window", [1, None], ids=["line-by-line", "window"])
def test_money_the_644_order_gives_to_costs_alone_is_told(engine, window):  # noqa: F811
    """review24: 1.00 the client received itself on F1 (28.30 costs open) went to costs
    alone, changed no invoice and was never told: the agency would ask it again."""
    world, client = engine
    case_id = handed_over(world, client)
    _own_account_line(world, window, 100)

    [item] = _received(world)
    assert (
        f"received EUR 1.00 from the debtor itself on invoice F1 of case {case_id}" in item["title"]
    )
    assert "booked to costs EUR 1.00" in item["title"]
    assert "principal EUR 0.00" in item["title"]
    assert len(_agency_mail(world, client, f"case-{case_id}-received-")) == 1


def test_a_mollie_payment_on_costs_alone_is_told(engine):  # noqa: F811
    world, client = engine
    case_id = handed_over(world, client)
    world.services.payments.book(
        client, payment_id="costs", amount=100, received_on=date(2025, 5, 1),
        source=PaymentSource.MOLLIE, invoice_numbers=["F1"], received_by=Receiver.CLIENT,
        external_id="tr_costs",
    )  # fmt: skip
    [item] = _received(world)
    assert (
        f"received EUR 1.00 from the debtor itself on invoice F1 of case {case_id}" in item["title"]
    )
