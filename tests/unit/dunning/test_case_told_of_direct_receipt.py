"""cm24 F1: a debtor of a handed-over invoice pays the client itself; the client's sync reports
it (a lower ``open_amount``) and Inning books it as received by the client by 6:44. The agency,
which collects the case outside Inning, is told (its action list, an e-mail, the contact log)
how the money was booked and what principal is open now, once however often the sync comes.
Before: only the client's own ``client_receipt`` item; the agency went on asking the whole
claim of a debtor who had paid (consumer 1,000.00 + 150.00 costs, 500.00 paid to the client:
asked 920.00 + interest where 425.70 was owed)."""

from __future__ import annotations

from tests.unit.api.conftest import invoice_row
from tests.unit.dunning.test_case_follows_credit import _agency_items, _agency_mail
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401


def _sync(world, open_amount):  # type: ignore[no-untyped-def]
    row = invoice_row("F1", "D1", due_date="2025-03-10", open_amount=open_amount)
    reply = world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [row]})
    assert reply.status == 200 and not reply.body["errors"], reply.body


def test_money_paid_to_the_client_on_a_case_is_told_to_the_agency_once(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim").body
    assert claim["open"]["costs"] != "0.00"  # costs owed: 6:44 puts money on them first

    _sync(world, "21.00")  # the client's books: 100.00 of 121.00 paid to it
    _sync(world, "21.00")  # the next night's sync, the same figure: nothing new

    paid = a.call("GET", "/v1/clients/C1/invoices/F1/claim").body["paid"]
    [item] = _agency_items(world, "case_invoice_lowered")
    title = item["title"]
    assert f"received EUR 100.00 from the debtor itself on invoice F1 of case {case_id}" in title
    assert f"costs EUR {paid['costs']}, interest EUR {paid['interest']}, " in title
    assert (
        f"principal EUR {paid['principal']}" in title and "do not collect this money again" in title
    )
    [mail] = _agency_mail(world, client, f"case-{case_id}-received-")
    text = world.services.messaging.content(client.client_id, mail.key).text
    assert (
        "rechtstreeks € 100,00 betaald op factuur F1" in text
        and "Vorder dit geld niet nog eens" in text
    )
    log = a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert (
        sum(
            f"Invoice F1 of case {case_id}: EUR 100.00 paid to the client" in e["summary"]
            for e in log
        )
        == 1
    )


def test_an_invoice_not_handed_over_tells_no_agency(engine):  # noqa: F811
    world, _ = engine
    _sync(world, "21.00")
    assert _agency_items(world, "case_invoice_lowered") == []
