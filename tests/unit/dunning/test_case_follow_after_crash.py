"""failure9 #3: a credit or withdrawal whose agency follow-up a storage fault or a stopped
host cut off. The invoice stays marked handed over until the agency is told, so the retry of
the same request, or the daily run, finishes it: the invoice out of the case (or the case
withdrawn), the agency's item and e-mail, the contact-log line, each once."""

from __future__ import annotations

from shared.clock import amsterdam_date
from tests.unit.dunning.test_case_follows_credit import _agency_items, _agency_mail
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401


def _left_lines(world, case_id):  # type: ignore[no-untyped-def]
    log = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    return [e for e in log if f"left case {case_id}" in e["summary"]]


def _daily_run(world, client):  # type: ignore[no-untyped-def]
    return world.services.dunning.run_client(client.client_id, amsterdam_date(world.clock.now()))


def test_an_api_retry_tells_the_agency_a_stop_after_the_case_save_left_untold(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    repos = world.services.repos
    actions, real_add = repos.actions, repos.actions.add
    crashed: list[object] = []

    def add(item):  # the host stops right after the case was saved without F1
        if item.kind == "case_invoice_left" and not crashed:
            crashed.append(item)
            raise TimeoutError("host stopped after the case save")
        return real_add(item)

    actions.add = add
    assert a.call("POST", "/v1/clients/C1/invoices/F1/withdraw").status == 503
    assert repos.cases.get("agency-a", case_id)[0].invoice_numbers == ("F2",)
    assert repos.invoices.get(client.client_id, "F1").invoice.handed_over_to == "agency-a"
    assert a.call("POST", "/v1/clients/C1/invoices/F1/withdraw").status == 200  # the retry
    assert a.call("POST", "/v1/clients/C1/invoices/F1/withdraw").status == 200  # and again
    [item] = _agency_items(world, "case_invoice_left")
    assert "F1" in item["title"] and "Still in the case: F2" in item["title"]
    assert len(_agency_mail(world, client, "-left-F1")) == 1
    assert len(_left_lines(world, case_id)) == 1
    assert repos.invoices.get(client.client_id, "F1").invoice.handed_over_to is None
    log = a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert len([e for e in log if e["summary"] == "Invoice F1 withdrawn"]) == 1  # no repeat line


def test_the_daily_run_takes_a_credited_invoice_out_of_its_case_once(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    repos = world.services.repos
    status = world.services.invoice_status
    real = status.case_listener

    def down(*args):  # storage throttled while the case follows; nobody retries
        raise TimeoutError("storage 503 while following")

    status.case_listener = down
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").status == 503
    status.case_listener = real
    assert repos.cases.get("agency-a", case_id)[0].invoice_numbers == ("F1", "F2")
    assert not _agency_items(world, "case_invoice_left")

    _daily_run(world, client)
    case = repos.cases.get("agency-a", case_id)[0]
    assert case.status == "open" and case.invoice_numbers == ("F2",)
    [item] = _agency_items(world, "case_invoice_left")
    assert "F1" in item["title"] and "credited" in item["title"]
    assert repos.invoices.get(client.client_id, "F1").invoice.handed_over_to is None

    world.clock.advance(days=1)
    _daily_run(world, client)  # told once
    assert len(_agency_items(world, "case_invoice_left")) == 1
    assert len(_agency_mail(world, client, "-left-F1")) == 1
    assert len(_left_lines(world, case_id)) == 1


def test_the_daily_run_tells_a_case_withdrawal_a_stop_left_untold(engine):  # noqa: F811
    """The last invoice withdrawn: the case is withdrawn, and the host stops before the
    agency's e-mail; nobody retries. The daily run tells both sides, once, and releases."""
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    repos = world.services.repos
    assert a.call("POST", "/v1/clients/C1/invoices/F1/credit").status == 200
    messaging = world.services.dunning.cases.messaging
    real = messaging.enqueue
    crashed: list[object] = []

    def enqueue(message, content):  # type: ignore[no-untyped-def]
        if message.key.endswith("-withdrawn-agency") and not crashed:
            crashed.append(message.key)
            raise TimeoutError("host stopped before the agency's e-mail")
        return real(message, content)

    messaging.enqueue = enqueue
    assert a.call("POST", "/v1/clients/C1/invoices/F2/withdraw").status == 503
    assert repos.cases.get("agency-a", case_id)[0].status == "withdrawn"
    assert repos.invoices.get(client.client_id, "F2").invoice.handed_over_to == "agency-a"

    _daily_run(world, client)
    world.clock.advance(days=1)
    _daily_run(world, client)
    assert len(_agency_mail(world, client, f"case-{case_id}-withdrawn-agency")) == 1
    assert len([i for i in _agency_items(world, "case_withdrawn") if case_id in i["title"]]) == 1
    assert repos.invoices.get(client.client_id, "F2").invoice.handed_over_to is None
    log = a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]
    assert len([e for e in log if e["summary"].startswith(f"Case {case_id} withdrawn")]) == 1
