"""Review console8 #4: an invoice handed over to the agency and then credited or withdrawn by
the client leaves the case at once; the agency is told (its action list and an e-mail) so it
stops collecting it, and a case with nothing left to collect is withdrawn as when the client
withdraws it. A credit note for part of the invoice keeps it in the case, the agency told
how much less is open."""

from __future__ import annotations

from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401


def _agency_items(world, kind):  # type: ignore[no-untyped-def]
    return [i for i in world.agency_a.call("GET", "/v1/actions").body["items"] if i["kind"] == kind]


def _agency_mail(world, client, marker):  # type: ignore[no-untyped-def]
    outbox = world.services.messaging.outbox.list(client.client_id)[0]
    return [m for m in outbox if marker in m.key and m.to == "zaken@agency-a.example"]


def test_a_credited_invoice_leaves_the_case_and_the_agency_is_told(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    repos = world.services.repos
    assert a.call("GET", f"/v1/cases/{case_id}").body["invoice_numbers"] == ["F1", "F2"]
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").status == 200

    case = repos.cases.get("agency-a", case_id)[0]
    assert case.status == "open" and case.invoice_numbers == ("F2",)
    assert [e["number"] for e in case.dossier["left"]] == ["F1"]
    assert repos.invoices.get(client.client_id, "F1").invoice.handed_over_to is None
    [item] = _agency_items(world, "case_invoice_left")
    assert "F1" in item["title"] and "stop collecting it" in item["title"]
    [mail] = _agency_mail(world, client, "-left-F1")
    text = world.services.messaging.content(client.client_id, mail.key).text
    assert "gecrediteerd" in text and "Nog in de zaak: F2" in text
    log = a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert any(f"Invoice F1 left case {case_id}" in e["summary"] for e in log)

    # the last invoice withdrawn: nothing left to collect, the case is withdrawn, both told
    assert a.call("POST", "/v1/clients/C1/invoices/F2/withdraw").status == 200
    case = repos.cases.get("agency-a", case_id)[0]
    assert case.status == "withdrawn" and "invoice F2 withdrawn" in (case.withdrawn_reason or "")
    assert repos.invoices.get(client.client_id, "F2").invoice.handed_over_to is None
    assert any(case_id in i["title"] for i in _agency_items(world, "case_withdrawn"))
    assert len(_agency_mail(world, client, f"case-{case_id}-withdrawn")) == 1


def test_a_credit_note_lowers_the_invoice_in_the_case_and_the_agency_is_told_once(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    note = {"amount": "20.00", "reference": "CN-7"}
    assert a.call("POST", "/v1/clients/C1/invoices/F2/credit", note).status == 200
    assert a.call("POST", "/v1/clients/C1/invoices/F2/credit", note).status == 200  # a retry
    case = world.services.repos.cases.get("agency-a", case_id)[0]
    assert case.status == "open" and case.invoice_numbers == ("F1", "F2")
    [item] = _agency_items(world, "case_invoice_lowered")
    assert "credit note CN-7" in item["title"] and "EUR 30.00" in item["title"]
    assert len(_agency_mail(world, client, f"case-{case_id}-lowered-")) == 1
