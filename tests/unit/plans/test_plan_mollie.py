"""A direct-debit plan collected through Mollie, over simulated months, against a local Mollie
that enforces the documented API (tests/support/mollie_stand_in.py): the first payment signs
the mandate, one recurring payment per installment (one, however often the run or the webhook
comes), a failed payment fails its installment with the bank's reason, staff retry, a
chargeback (the payment stays ``paid``) reopens it, and the plan completes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.mollie import MollieClient, MollieError
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.memory import InMemoryTableStore
from shared.api.app import IntegrationApi
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.access import Scope
from shared.domain.parties import Agency
from shared.services.plans.mollie_collection import COLLECTIONS
from shared.settings import Settings
from tests.support.mollie_stand_in import MollieWorld, mollie_world
from tests.unit.api.conftest import ApiClient, World, client_row, debtor_row, invoice_row
from tests.unit.plans.test_plan_service import BASE, make, run_day, status


@pytest.fixture
def mollie():
    with mollie_world() as m:
        yield m


@pytest.fixture
def world(mollie: MollieWorld) -> World:
    settings = Settings.from_env({"AzureWebJobsStorage": "UseDevelopmentStorage=true",
                                  "MOLLIE_KEY_C1": mollie.api_key, "MOLLIE_API_URL": mollie.url})  # fmt: skip
    store = InMemoryTableStore()
    clock = FixedClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    services = build_services(settings, clock=clock, store=store, files=InMemoryFileStore(),
                              queues=InMemoryQueueSender(), senders={})  # fmt: skip
    api = IntegrationApi(services)
    keys = []
    for agency_id in ("agency-a", "agency-b"):
        services.repos.agencies.save(Agency(agency_id, agency_id.upper()))
        keys.append(services.access.issue(scope=Scope.AGENCY, agency_id=agency_id)[1])
    w = World(api, services, clock, store, ApiClient(api, keys[0]), ApiClient(api, keys[1]))
    a = w.agency_a
    a.call(
        "POST",
        "/v1/clients",
        {"items": [client_row("C1", contact_email="ar@c1.example", charge_interest=False)]},
    )
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="200.00", due_date="2025-12-01"),
        invoice_row("F2", "D1", amount="100.00", due_date="2025-12-15"),
    ]})  # fmt: skip
    assert a.call("PUT", "/v1/clients/C1/plan-rules", {"direct_debit_via": "mollie"}).status == 200
    return w


def webhook(world, payment_id, times=1):
    """Mollie calls ``POST /api/mollie/webhook`` with ``id=...``; the queued handler acts."""
    online = world.services.online_payments
    outcomes = []
    for _ in range(times):
        assert online.webhook(payment_id)
        for m in world.services.messaging.queues.take("mollie-webhook"):
            outcomes.append(online.process(json.loads(m.body)["id"]))
    return outcomes


def plan_of(world: World, plan_id: str) -> dict[str, Any]:
    body: dict[str, Any] = world.agency_a.call("GET", f"{BASE}/{plan_id}").body
    return body


def actions(world: World, kind: str) -> list[dict[str, Any]]:
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [x for x in items if x["kind"] == kind]


def the_client(world):
    access = world.services.access
    return access.client_for(access.authenticate(world.agency_a.key), "C1")


def booked(world: World, payment_id: str) -> Any:
    return world.services.repos.payments.get(the_client(world).client_id, f"mollie-{payment_id}")


def test_first_payment_mandate_recurring_failure_retry_chargeback_and_completion(world, mollie):
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    active = a.call("POST", f"{BASE}/{plan_id}/activate")
    assert active.status == 200, active.body
    # the first payment: installment 1 through the checkout, on a new Mollie customer
    (first,) = mollie.posted("first")
    assert (
        first["amount"] == {"currency": "EUR", "value": "100.00"}
        and first["customerId"] in mollie.customers
    )
    assert active.body["direct_debits"][0] | {"end_to_end_id": "x"} == {
        "installment": 1, "attempt": 1, "collection_date": "2026-01-05", "amount": "100.00",
        "end_to_end_id": "x", "state": "submitted", "reason": None, "via": "mollie", "first": True,
    }  # fmt: skip
    mails = [json.loads(m.body) for m in world.services.messaging.queues.take("send-email")]
    assert f"plan|{plan_id}|first-payment|1|1" in [m["key"] for m in mails]
    # the debtor pays; Mollie calls the webhook twice: booked once, the mandate is recorded
    mollie.settle(first["id"], "paid")
    assert webhook(world, first["id"], times=2) == ["paid", "paid"]
    got = plan_of(world, plan_id)
    assert (
        got["mandate"]["mandate_id"] == first["mandateId"] and got["mandate"]["status"] == "valid"
    )
    assert (
        got["installments"][0]["status"] == "paid"
        and got["direct_debits"][0]["state"] == "collected"
    )
    assert booked(world, first["id"]).amount == 10_000 and not booked(world, first["id"]).reversed
    # installment 2 (28 February 2026 is a Saturday: a direct debit moves to Monday 2 March):
    # one recurring payment on its due date, however often the run comes
    assert got["installments"][1]["due_date"] == "2026-03-02"
    run_day(world, date(2026, 2, 28))
    assert mollie.posted("recurring") == []
    run_day(world, date(2026, 3, 2))
    run_day(world, date(2026, 3, 2))
    (second,) = mollie.posted("recurring")
    assert second["mandateId"] == first["mandateId"] and second["amount"]["value"] == "100.00"
    assert status(world, plan_id)[0] == "collection_in_progress"
    # it fails at the bank: the installment fails with the reason, staff are told
    mollie.settle(second["id"], "failed", "AM04")
    assert webhook(world, second["id"]) == ["failed"]
    got = plan_of(world, plan_id)
    assert got["installments"][1]["status"] == "failed"
    assert got["direct_debits"][1]["state"] == "returned" and got["direct_debits"][1][
        "reason"
    ].startswith("AM04")
    assert len(actions(world, "plan_debit_failed")) == 1
    # staff retry: a new recurring payment (a new Idempotency-Key), paid this time
    world.clock.at = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    retried = a.call("POST", f"{BASE}/{plan_id}/installments/2/retry")
    assert retried.status == 200, retried.body
    assert len(mollie.posted("recurring")) == 2
    third = mollie.posted("recurring")[1]
    mollie.settle(third["id"], "paid")
    webhook(world, third["id"])
    assert status(world, plan_id)[1][:2] == [("paid", "100.00"), ("paid", "100.00")]
    # a chargeback: the payment stays paid, the booking is reversed, the installment reopens
    mollie.chargeback(third["id"])
    assert webhook(world, third["id"], times=2) == ["chargeback", "chargeback"]
    got = plan_of(world, plan_id)
    assert got["installments"][1] == got["installments"][1] | {"status": "failed", "paid": "0.00"}
    assert "chargeback" in got["direct_debits"][2]["reason"]
    assert booked(world, third["id"]).reversed
    client = the_client(world)
    assert world.services.online_payments.chargebacks_this_year(client.client_id, "D1", 2026) == 1
    # retried and paid; installment 3 on its date; the plan completes
    world.clock.at = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
    assert a.call("POST", f"{BASE}/{plan_id}/installments/2/retry").status == 200
    fourth = mollie.posted("recurring")[2]
    mollie.settle(fourth["id"], "paid")
    webhook(world, fourth["id"])
    run_day(world, date(2026, 3, 31))
    fifth = mollie.posted("recurring")[3]
    assert fifth["amount"]["value"] == "100.00"
    mollie.settle(fifth["id"], "paid")
    webhook(world, fifth["id"])
    assert status(world, plan_id) == ("completed", [("paid", "100.00")] * 3)
    assert mollie.created == 5  # one first and four recurring payments, none twice
    # a chargeback after completion reopens the plan: the installment is failed again
    mollie.chargeback(fifth["id"])
    assert webhook(world, fifth["id"]) == ["chargeback"]
    state, installments = status(world, plan_id)
    assert state != "completed" and installments[2] == ("failed", "0.00")
    assert world.services.plans.holding(the_client(world), "F1") == plan_id  # held again


def test_a_lost_webhook_is_caught_by_the_run_and_an_expired_first_payment_fails(world, mollie):
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    (first,) = mollie.posted("first")
    mollie.settle(first["id"], "expired")  # the debtor never paid; the webhook is lost
    run_day(world, date(2026, 1, 6))  # the run asks Mollie about the payment under way
    got = plan_of(world, plan_id)
    assert (
        got["installments"][0]["status"] == "failed"
        and got["direct_debits"][0]["reason"] == "expired"
    )
    assert len(actions(world, "plan_debit_failed")) == 1
    run_day(world, date(2026, 1, 7))  # asked once: an expired payment is not asked about again
    # staff retry installment 1: a new first payment, its link mailed to the debtor
    world.services.messaging.queues.take("send-email")
    world.clock.at = datetime(2026, 1, 8, 10, 0, tzinfo=UTC)
    assert a.call("POST", f"{BASE}/{plan_id}/installments/1/retry").status == 200
    assert len(mollie.posted("first")) == 2
    keys = [json.loads(m.body)["key"] for m in world.services.messaging.queues.take("send-email")]
    assert f"plan|{plan_id}|first-payment|1|2" in keys
    client = the_client(world)
    assert world.services.plans.first_payment_url(client, plan_id).startswith(
        "https://www.mollie.com/"
    )


def test_a_revoked_mandate_fails_the_installment_with_an_action_item(world, mollie):
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    (first,) = mollie.posted("first")
    mollie.settle(first["id"], "paid")
    webhook(world, first["id"])
    mollie.revoke(first["mandateId"])
    run_day(world, date(2026, 3, 2))
    assert mollie.posted("recurring") == []
    got = plan_of(world, plan_id)
    assert got["installments"][1]["status"] == "failed" and got["mandate"]["status"] == "invalid"
    (item,) = actions(world, "plan_mandate_invalid")
    assert "no longer valid" in item["title"]


def test_a_crash_between_mollie_and_our_record_makes_one_payment(world, mollie):
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    (first,) = mollie.posted("first")
    mollie.settle(first["id"], "paid")
    webhook(world, first["id"])
    services = world.services
    client = the_client(world)
    plan = services.plans.get(client, plan_id)
    collections = services.plans.mollie
    made = collections.collect(
        client, plan, number=2, attempt=1, amount=10_000, first=False, debtor=None
    )
    # the crash: Mollie made the payment, our row never got its id
    pk = f"{client.client_id}|{plan_id}"
    row = services.repos.store.get(COLLECTIONS, pk, "002|01")
    assert row is not None
    row.data.pop("PaymentId")
    services.repos.store.upsert(COLLECTIONS, row)
    again = collections.collect(
        client, plan, number=2, attempt=1, amount=10_000, first=False, debtor=None
    )
    assert again.payment_id == made.payment_id and len(mollie.posted("recurring")) == 1


def test_the_mollie_client_against_the_stand_in(mollie):
    client = MollieClient(mollie.api_key, base_url=mollie.url, http=httpx.Client())
    customer = client.create_customer(name="D1", email=None, metadata={}, idempotency_key="k-c")
    with pytest.raises(MollieError) as refused:  # recurring without a mandate
        client.create_payment(amount=1_000, description="x", redirect_url=None, webhook_url=None,
                              metadata={}, customer_id=customer, sequence_type="recurring")  # fmt: skip
    assert refused.value.status == 422 and "mandate" in str(refused.value)
    first = client.create_payment(amount=1_000, description="x", redirect_url="https://x/r", webhook_url=None,
                                  metadata={}, customer_id=customer, sequence_type="first", idempotency_key="k1")  # fmt: skip
    same = client.create_payment(amount=1_000, description="x", redirect_url="https://x/r", webhook_url=None,
                                 metadata={}, customer_id=customer, sequence_type="first", idempotency_key="k1")  # fmt: skip
    assert same.payment_id == first.payment_id and mollie.created == 1
    with pytest.raises(MollieError) as reused:
        client.create_payment(amount=2_000, description="x", redirect_url="https://x/r", webhook_url=None,
                              metadata={}, customer_id=customer, sequence_type="first", idempotency_key="k1")  # fmt: skip
    assert reused.value.status == 400 and "Idempotency-Key" in str(reused.value)
    mollie.settle(first.payment_id, "paid")
    paid = client.get_payment(first.payment_id)
    assert paid is not None and paid.mandate_id and paid.sequence_type == "first"
    mandate = client.get_mandate(customer, paid.mandate_id)
    assert mandate is not None and mandate.status == "valid" and mandate.consumer_account
    recurring = client.create_payment(amount=1_000, description="x", redirect_url=None, webhook_url=None,
                                      metadata={}, customer_id=customer, sequence_type="recurring",
                                      mandate_id=paid.mandate_id, idempotency_key="k2")  # fmt: skip
    mollie.settle(recurring.payment_id, "failed", "AM04")
    failed = client.get_payment(recurring.payment_id)
    assert failed is not None and failed.failure_reason and failed.failure_reason.startswith("AM04")
    bad = MollieClient("test_wrong", base_url=mollie.url, http=httpx.Client())
    with pytest.raises(MollieError) as denied:
        bad.get_payment(first.payment_id)
    assert denied.value.status == 401


def test_the_debtor_chooses_direct_debit_in_the_portal_and_pays_the_first_installment(
    world, mollie
):
    from shared.api.portal_app import PortalApp
    from tests.unit.plans.test_portal_plans import accept, enter

    app = PortalApp(world.services)
    browser = enter(world, app)
    page = browser.page("/portal/plan")
    assert 'value="direct_debit"' in page  # offered through Mollie, without a creditor id
    preview = browser.page(
        "/portal/plan/preview", method="direct_debit", by="count", installments="3"
    )
    assert "via Mollie" in preview and 'name="iban"' not in preview
    done = accept(browser, method="direct_debit", by="count", installments="3")
    (first,) = mollie.posted("first")
    assert done.status == 303 and done.headers["Location"] == (
        f"https://www.mollie.com/checkout/test-mode?method=ideal&token={first['id']}"
    )
    client = the_client(world)
    (plan,) = world.services.plans.of_client(client)
    assert plan.status.value == "active" and plan.mandate is None
    mollie.settle(first["id"], "paid")
    webhook(world, first["id"])
    plan = world.services.plans.get(client, plan.plan_id)
    assert plan.mandate is not None and plan.mandate.mandate_id == first["mandateId"]
    assert plan.mandate.iban == "NL55INGB0000000000"


def test_a_refunded_plan_payment_reopens_its_installment(world, mollie):
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    (first,) = mollie.posted("first")
    mollie.settle(first["id"], "paid")
    webhook(world, first["id"])
    assert status(world, plan_id)[1][0] == ("paid", "100.00")
    mollie.refund(first["id"])
    assert webhook(world, first["id"]) == ["refund"]
    assert status(world, plan_id)[1][0] == ("failed", "0.00")
    assert booked(world, first["id"]).reversed
    client = the_client(world)
    assert world.services.online_payments.refunds_this_year(client.client_id, "D1", 2026) == 1


def test_mollie_out_of_reach_at_activation_leaves_the_first_payment_to_the_run(world, mollie):
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    mollie.down = True
    active = a.call("POST", f"{BASE}/{plan_id}/activate")
    assert active.status == 200 and active.body["direct_debits"] == []
    assert any(e["kind"] == "debit_failed" for e in plan_of(world, plan_id)["timeline"])
    mollie.down = False
    run_day(world, date(2026, 1, 6))  # looked at the next day: the first payment is made
    (first,) = mollie.posted("first")
    assert plan_of(world, plan_id)["direct_debits"][0]["end_to_end_id"] == first["id"]
