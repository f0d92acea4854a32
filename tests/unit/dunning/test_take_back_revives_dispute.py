"""takeback27 (disputes27's open question): a take-back of the payment that ended a dispute
revives the dispute.

Consumer D-1, F1 1,000.00 due 15-11-2026, disputed 20-12 (the portal: no payment asked while it
is looked into), paid in full 10-1-2027 (the dispute item closes at the booking), charged back
1-3-2027. Before: F1 open again, its dispute item closed, nobody to answer the dispute, and
dunning went on (F1 handed over to the agency, its mail sent) on a dispute nobody
answered. A payment that came back is no payment: what it ended runs again. F1 is disputed,
one dispute item waits for a person (the chargeback delivered twice: one), the portal lists it
as disputed, nothing is sent or handed over while it is, and the costs the 14-day letter
announced are held until the dispute ends (owed 14 days after that day, never before the
take-back's fortnight: disputes27). An invoice of a case: the agency is told it is disputed
again, once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from shared.domain.records import PaymentSource
from tests.unit.dunning.test_case_follows_credit import _agency_items, _agency_mail
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401
from tests.unit.dunning.test_dispute_ended_debtor_told import END, _calls, _cases, _disputed
from tests.unit.dunning.test_dispute_ended_resumes_dunning import _days
from tests.unit.dunning.test_dispute_inside_term_holds_costs import _claim
from tests.unit.dunning.test_dispute_paid_then_taken_back import _holds, _paid_in_full


def _waiting_dispute_items(world: Any, number: str) -> list[dict[str, Any]]:
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [i for i in items if i["kind"] == "dispute" and number in i["invoice_numbers"]
            and i["status"] == "open"]  # fmt: skip


def _charged_back_twice(world: Any, client: Any, payment_id: str, on: date) -> None:
    world.clock.at = datetime(on.year, on.month, on.day, 9, 0, tzinfo=UTC)
    world.services.payments.reverse(client, payment_id, "chargeback", on=on)
    world.clock.at = datetime(on.year, on.month, on.day, 23, 30, tzinfo=UTC)  # redelivered
    world.services.payments.reverse(client, payment_id, "chargeback", on=on)


def test_a_chargeback_of_the_payment_that_ended_a_dispute_revives_it(world: Any) -> None:
    client = _disputed(world)
    _paid_in_full(world, client)
    assert _waiting_dispute_items(world, "F1") == []  # closed at the booking (money26)

    _charged_back_twice(world, client, "p-full", date(2027, 3, 1))

    invoice = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body
    assert invoice["status"] == "disputed"  # was "open"
    assert len(_waiting_dispute_items(world, "F1")) == 1  # was 0; delivered twice: one
    token = world.services.portal.links.token(client.client_id, "D-1")
    view = world.services.portal.overview(world.services.portal.enter(token, "192.0.2.1"))
    assert view.disputed == ("F1",)
    assert [i.number for i in view.disputed_invoices] == ["F1"]

    sent_before = len(world.services.messaging.outbox.list(client.client_id)[0])
    _days(world, client, date(2027, 3, 2), date(2027, 4, 10))
    assert len(world.services.messaging.outbox.list(client.client_id)[0]) == sent_before  # was +1
    assert _calls(world) == [] and _cases(world) == []  # was a case handed over (its mail)
    # its hold runs again: no costs while the dispute is looked into
    assert _holds(world, client) == [("dispute|2026-12-20", date(2026, 12, 20), None)]
    assert _claim(world, "2027-04-10")["open"]["costs"] == "0.00"

    # the client answers it on 10-4: collection resumes 24-4, the costs owed from then
    world.clock.at = datetime(2027, 4, 10, 9, 0, tzinfo=UTC)
    reply = world.agency_a.call("POST", END, {"message": "Geleverd op 3-12"})
    assert reply.status == 200, reply.body
    assert reply.body["collection_resumes_on"] == "2027-04-24"
    assert _claim(world, "2027-04-23")["open"]["costs"] == "0.00"
    assert _claim(world, "2027-04-24")["open"]["costs"] == "150.00"


def test_the_agency_of_a_case_is_told_the_dispute_runs_again_once(engine: Any) -> None:  # noqa: F811
    world, client = engine
    case_id = handed_over(world, client)
    a = world.agency_a
    assert a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": "kapot"}).status == 200
    today = world.clock.at.date()
    total = Decimal(a.call("GET", "/v1/clients/C1/invoices/F1/claim", on=today.isoformat())
                    .body["open"]["total"])  # fmt: skip
    world.services.payments.book(
        client, payment_id="p-case", amount=int(total * 100), received_on=today,
        source=PaymentSource.MOLLIE, invoice_numbers=["F1"], external_id="tr_case",
    )  # fmt: skip
    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "paid"
    assert len(_agency_items(world, "case_invoice_disputed")) == 1

    _charged_back_twice(world, client, "p-case", today)

    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "disputed"
    assert len(_agency_items(world, "case_invoice_disputed")) == 2  # was 1: told once more
    assert len(_agency_mail(world, client, f"case-{case_id}-disputed-")) == 2
