"""cm24 F2: a dispute on a handed-over invoice (the client's, or the debtor's in the portal, both
through ``InvoiceStatusService.dispute``) is told to the agency that collects the case outside
Inning (its action list, an e-mail, the contact log): stop collecting it; and the dispute's end:
it may be collected again. Each once, also on a retry. Before: only the client's own `dispute`
item; the agency, asked by nobody to stop, went on pressing a debtor who said "nooit geleverd"."""

from __future__ import annotations

from tests.unit.dunning.test_case_follows_credit import _agency_items, _agency_mail
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401


def test_the_agency_is_told_of_a_dispute_on_its_case_and_of_its_end(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    why = {"reason": "nooit geleverd"}
    assert a.call("POST", "/v1/clients/C1/invoices/F1/dispute", why).status == 200
    assert a.call("POST", "/v1/clients/C1/invoices/F1/dispute", why).status in (200, 422)  # again

    [item] = _agency_items(world, "case_invoice_disputed")
    assert item["title"] == (
        f"Invoice F1 of case {case_id} (debtor D1) is disputed: nooit geleverd. "
        "Stop collecting it until Client C1 ends the dispute."
    )
    [mail] = _agency_mail(world, client, f"case-{case_id}-disputed-")
    text = world.services.messaging.content(client.client_id, mail.key).text
    assert "wordt betwist: nooit geleverd" in text and "Int haar niet verder" in text
    assert _agency_items(world, "case_invoice_dispute_ended") == []

    assert a.call("POST", "/v1/clients/C1/invoices/F1/resolve-dispute").status == 200
    assert a.call("POST", "/v1/clients/C1/invoices/F1/resolve-dispute").status == 422  # a retry
    [ended] = _agency_items(world, "case_invoice_dispute_ended")
    assert ended["title"] == (
        f"Client C1 ended the dispute on invoice F1 of case {case_id} (debtor D1): "
        "it may be collected again."
    )
    assert len(_agency_mail(world, client, f"case-{case_id}-dispute-ended-")) == 1
    log = a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert (
        sum(f"Invoice F1 of case {case_id} disputed; the agency" in e["summary"] for e in log) == 1
    )
    assert sum(f"Dispute on invoice F1 of case {case_id} ended" in e["summary"] for e in log) == 1


def test_an_end_asked_of_an_invoice_never_disputed_tells_the_agency_nothing(engine):  # noqa: F811
    world, client = engine
    handed_over(world, client)
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices/F1/resolve-dispute").status == 422
    assert _agency_items(world, "case_invoice_dispute_ended") == []


def test_a_dispute_on_an_invoice_not_handed_over_tells_no_agency(engine):  # noqa: F811
    world, _ = engine
    why = {"reason": "nooit geleverd"}
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices/F1/dispute", why).status == 200
    assert _agency_items(world, "case_invoice_disputed") == []
