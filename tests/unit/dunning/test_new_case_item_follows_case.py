"""The agency's ``new_case`` item follows its case (agency21 N3): a case withdrawn, by the
client or the agency, or paid in full (at the booking, booked24's
test_paid_case_closed_at_booking.py; here an invoice written paid without one, as a booking whose
closing storage cut off: found by the daily run), leaves nothing to take up, so its item is resolved with a note saying why; once."""

from __future__ import annotations

from dataclasses import replace

from shared.domain.invoices import InvoiceStatus
from shared.domain.records import ActionStatus
from shared.domain.scopes import agency_scope
from tests.unit.dunning.test_case_follow_after_crash import _daily_run
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401


def _case_item(world, case_id):  # type: ignore[no-untyped-def]
    repos = world.services.repos
    items, _ = repos.actions.list(agency_scope("agency-a"), kind="new_case")
    [item] = [i for i in items if i.detail.get("case_id") == case_id]
    return item


def test_the_client_withdrawing_its_case_resolves_the_agencys_item(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    assert _case_item(world, case_id).status is ActionStatus.OPEN
    key = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body
    c1 = a.as_key(key["key"])
    assert (
        c1.call("POST", f"/v1/cases/{case_id}/withdraw", {"reason": "zelf geregeld"}).status == 200
    )
    item = _case_item(world, case_id)
    assert item.status is ActionStatus.RESOLVED
    assert item.resolution is not None
    assert item.resolution.startswith(f"case withdrawn by {client.name} (key:")


def test_the_agency_withdrawing_resolves_it_and_the_daily_run_leaves_it(engine):  # noqa: F811
    world, client = engine
    a = world.agency_a
    case_id = handed_over(world, client)
    assert a.call("POST", f"/v1/cases/{case_id}/withdraw", {"reason": "onvindbaar"}).status == 200
    item = _case_item(world, case_id)
    assert item.status is ActionStatus.RESOLVED
    assert item.resolution is not None and item.resolution.startswith(
        "case withdrawn by the agency"
    )
    _daily_run(world, client)
    assert _case_item(world, case_id) == item  # not resolved again


def test_a_case_paid_in_full_without_a_hook_is_closed_by_the_daily_run(engine):  # noqa: F811
    world, client = engine
    case_id = handed_over(world, client)
    repos = world.services.repos
    [case] = [
        c for c in repos.cases.of_client("agency-a", client.client_id) if c.case_id == case_id
    ]
    paid = list(case.invoice_numbers)
    # a booking path that tells no case: the first invoice paid, the case still collects
    stored = repos.invoices.get(client.client_id, paid[0])
    repos.invoices.save(replace(stored.invoice, status=InvoiceStatus.PAID, paid=stored.invoice.amount), stored)  # fmt: skip
    _daily_run(world, client)
    assert _case_item(world, case_id).status is ActionStatus.OPEN
    for number in paid[1:]:
        stored = repos.invoices.get(client.client_id, number)
        repos.invoices.save(replace(stored.invoice, status=InvoiceStatus.PAID, paid=stored.invoice.amount), stored)  # fmt: skip
    _daily_run(world, client)
    item = _case_item(world, case_id)
    assert item.status is ActionStatus.RESOLVED and item.resolution == "case paid"
    _daily_run(world, client)
    assert _case_item(world, case_id) == item
    listed = world.agency_a.call("GET", "/v1/actions").body["items"]
    [shown] = [i for i in listed if i["action_id"] == item.action_id]
    assert shown["status"] == "resolved" and shown["resolution"] == "case paid"


def test_the_notes_read_dutch_on_the_console():
    from shared.api.console.action_text import resolution

    names = {"user:u1": "Anna de Vries"}.get
    assert resolution("case paid", "nl", names) == "zaak betaald"
    assert resolution("case withdrawn by the agency (user:u1)", "nl", names) == (
        "zaak ingetrokken door het incassobureau (Anna de Vries)"
    )
    assert resolution("case withdrawn by Tulp B.V. (key:k1)", "nl", names) == (
        "zaak ingetrokken door Tulp B.V. (een API-sleutel)"
    )
    assert resolution("case paid", "en", names) == "case paid"


def test_the_agencys_withdrawal_mail_names_it_in_dutch(engine):  # noqa: F811
    world, client = engine
    case_id = handed_over(world, client)
    assert world.agency_a.call("POST", f"/v1/cases/{case_id}/withdraw", {"reason": "onvindbaar"}).status == 200  # fmt: skip
    messaging = world.services.messaging
    told = [m for m in messaging.outbox.list(client.client_id)[0] if m.key == f"case-{case_id}-withdrawn"]  # fmt: skip
    text = messaging.content(client.client_id, told[0].key).text
    assert "teruggetrokken door het incassobureau" in text and "the agency" not in text


def test_a_withdrawal_cut_off_before_its_item_is_closed_by_the_daily_run(engine, monkeypatch):  # noqa: F811
    world, client = engine
    case_id = handed_over(world, client)
    from shared.services import cases

    with monkeypatch.context() as m:
        m.setattr(cases, "close_case_item", lambda *_, **__: False)  # the host stopped there
        assert world.agency_a.call("POST", f"/v1/cases/{case_id}/withdraw", {"reason": "onvindbaar"}).status == 200  # fmt: skip
    assert _case_item(world, case_id).status is ActionStatus.OPEN
    _daily_run(world, client)
    item = _case_item(world, case_id)
    assert (
        item.status is ActionStatus.RESOLVED and item.resolution == "case withdrawn by the agency"
    )
