"""Payment plans over simulated months, through the API and the daily run (fake clock,
in-memory storage and queues): every status, installment transition and payment case."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from shared.adapters.tables.plans_repo import PLAN_INVOICES, ended_partition, held_by_plan
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.plans.lapse_keys import the_lapse

BASE = "/v1/clients/C1/plans"


@pytest.fixture
def plans(world):
    return seeded(world)


def seeded(world):
    """D1 F1 200.00 + F2 100.00, D2 F3 50.00 of client C1 (no interest), on 5-1-2026."""
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    # the amounts below are principal: interest is shown apart (test_a_plan_covers_the_claim)
    a.call("POST", "/v1/clients", {"items": [
        client_row("C1", contact_email="ar@c1.example", charge_interest=False)
    ]})  # fmt: skip
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1"), debtor_row("D2")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="200.00", due_date="2025-12-01"),
        invoice_row("F2", "D1", amount="100.00", due_date="2025-12-15"),
        invoice_row("F3", "D2", amount="50.00", due_date="2025-12-15"),
    ]})  # fmt: skip
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    return world, client


def make(a, **body):
    request = {"debtor": "D1", "invoices": ["F1", "F2"], "start": "2026-01-31", "installments": 3}
    request.update(body)
    return a.call("POST", BASE, request)


def run_day(world, on: date):
    """The timer at 06:30 UTC, then every queued plan job and the messages they queue."""
    world.clock.at = datetime(on.year, on.month, on.day, 6, 30, tzinfo=UTC)
    services = world.services
    services.plans.fan_out()
    for job in services.messaging.queues.take("installments"):
        body = json.loads(job.body)
        services.plans.process(
            body["client_id"], body["plan_id"], date.fromisoformat(body["on"]),
            date.fromisoformat(body["row_on"]),
        )  # fmt: skip
    return [json.loads(m.body)["key"] for m in services.messaging.queues.take("send-email")]


def pay(world, client, payment_id, cents, on, invoices=("F1", "F2")):
    world.clock.at = datetime(on.year, on.month, on.day, 12, 0, tzinfo=UTC)
    return world.services.payments.book(
        client, payment_id=payment_id, amount=cents, received_on=on,
        source=PaymentSource.BANK, invoice_numbers=list(invoices),
    )  # fmt: skip


def status(world, plan_id):
    got = world.agency_a.call("GET", f"{BASE}/{plan_id}").body
    return got["status"], [(i["status"], i["paid"]) for i in got["installments"]]


def test_a_draft_adds_up_changes_and_is_deleted(plans):
    world, _ = plans
    a = world.agency_a
    made = make(a)
    assert made.status == 201, made.body
    plan = made.body
    assert plan["status"] == "draft" and plan["total"] == "300.00"
    assert [(i["due_date"], i["amount"]) for i in plan["installments"]] == [
        ("2026-01-31", "100.00"), ("2026-02-28", "100.00"), ("2026-03-31", "100.00"),
    ]  # fmt: skip
    assert len(plan["payment_reference"]) == 16
    changed = a.call("PUT", f"{BASE}/{plan['plan_id']}",
                     {"debtor": "D1", "invoices": ["F1", "F2"], "start": "2026-02-01",
                      "installment_amount": "120.00", "period": "week"})  # fmt: skip
    assert changed.status == 200, changed.body
    assert [i["amount"] for i in changed.body["installments"]] == ["120.00", "120.00", "60.00"]
    assert a.call("DELETE", f"{BASE}/{plan['plan_id']}").status == 204
    assert a.call("GET", f"{BASE}/{plan['plan_id']}").status == 404


def test_rules_broken_are_422_with_the_field(plans):
    world, _ = plans
    a = world.agency_a
    assert make(a, invoices=["F3"]).body["error"]["details"][0]["field"] == "invoices"
    assert make(a, start="2025-12-01").status == 422
    long = make(a, installments=6, period="quarter")
    assert long.status == 422 and "maximum term" in json.dumps(long.body)
    tiny = make(a, installments=30, period="week")
    assert tiny.status == 422 and "minimum" in json.dumps(tiny.body)
    both = a.call("POST", BASE, {"debtor": "D1", "invoices": ["F1"], "start": "2026-02-01",
                                 "installments": 2, "installment_amount": "10.00"})  # fmt: skip
    assert both.status == 422
    assert a.call("PUT", "/v1/clients/C1/plan-rules", {"reminder_channel": "sms"}).status == 422


def test_activation_freezes_and_another_tenant_sees_nothing(plans):
    world, _ = plans
    a = world.agency_a
    plan_id = make(a).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    assert a.call("PUT", f"{BASE}/{plan_id}", {"debtor": "D1", "invoices": ["F1"], "start": "2026-02-01",
                                                "installments": 2}).status == 409  # fmt: skip
    assert a.call("DELETE", f"{BASE}/{plan_id}").status == 409
    # the invoices are held: a second plan over them cannot start
    other = make(a, invoices=["F2"]).body["plan_id"]
    assert a.call("POST", f"{BASE}/{other}/activate").status == 409
    assert world.agency_b.call("GET", f"{BASE}/{plan_id}").status == 404
    assert (
        world.agency_b.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "not mine"}).status
        == 404
    )
    # the agreement went out with its schedule as a PDF
    keys = [json.loads(m.body)["key"] for m in world.services.messaging.queues.take("send-email")]
    assert keys == [f"plan|{plan_id}|agreement"]


def test_on_time_late_partial_over_and_completed(plans):
    world, client = plans
    a = world.agency_a
    a.call("PUT", "/v1/clients/C1/plan-rules", {"tolerance_amount": "50.00", "tolerance_days": 5,
                                                 "reminder_offset_days": -3})  # fmt: skip
    plan_id = make(a).body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    world.services.messaging.queues.take("send-email")
    # the reminder three days before the first installment, once
    assert run_day(world, date(2026, 1, 28)) == [f"plan|{plan_id}|remind|1@2026-01-31"]
    assert run_day(world, date(2026, 1, 29)) == []
    pay(world, client, "p1", 10_000, date(2026, 1, 30))  # on time
    run_day(world, date(2026, 1, 31))
    assert status(world, plan_id) == (
        "active",
        [("paid", "100.00"), ("open", "0.00"), ("open", "0.00")],
    )
    # installment 2: partially paid, then late within the grace days: due, no breach
    pay(world, client, "p2", 6_000, date(2026, 2, 27))
    run_day(world, date(2026, 2, 28))
    assert status(world, plan_id)[0] == "due"
    assert status(world, plan_id)[1][1] == ("partially_paid", "60.00")
    run_day(world, date(2026, 3, 6))  # grace over, 40.00 behind: overdue, within the tolerance
    assert status(world, plan_id) == (
        "overdue",
        [("paid", "100.00"), ("overdue", "60.00"), ("open", "0.00")],
    )
    run_day(world, date(2026, 4, 6))  # 140.00 behind: past the 50.00 tolerance, a breach
    state, installments = status(world, plan_id)
    assert state == "cancelled"
    assert installments == [("paid", "100.00"), ("skipped", "60.00"), ("skipped", "0.00")]


def test_overpayment_moves_on_and_completion_releases_the_invoices(plans):
    world, client = plans
    a = world.agency_a
    plan_id = make(a).body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    pay(world, client, "p1", 25_000, date(2026, 1, 31))
    run_day(world, date(2026, 1, 31))
    assert status(world, plan_id)[1] == [
        ("paid", "100.00"),
        ("paid", "100.00"),
        ("partially_paid", "50.00"),
    ]
    pay(world, client, "p2", 5_000, date(2026, 2, 10))
    run_day(world, date(2026, 2, 25))
    assert status(world, plan_id)[0] == "completed"
    assert world.services.plans.holding(client, "F1") is None


def test_early_payment_recalculates_when_the_client_allows_it(plans):
    world, client = plans
    a = world.agency_a
    a.call(
        "PUT", "/v1/clients/C1/plan-rules", {"early_recalculation": True, "early_threshold_days": 7}
    )
    plan_id = make(a, start="2026-02-28").body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    pay(world, client, "p1", 15_000, date(2026, 2, 2))  # 26 days early, 50.00 more than due
    run_day(world, date(2026, 2, 25))
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert [i["amount"] for i in got["installments"]] == ["150.00", "75.00", "75.00"]
    assert got["installments"][0]["status"] == "paid"
    assert any(e["kind"] == "recalculated" for e in got["timeline"])


def test_a_reversal_reopens_the_latest_installment_and_a_completed_plan(plans):
    world, client = plans
    a = world.agency_a
    plan_id = make(a, installments=2, start="2026-01-31").body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    pay(world, client, "p1", 15_000, date(2026, 1, 30))
    pay(world, client, "p2", 15_000, date(2026, 2, 20))
    run_day(world, date(2026, 2, 21))
    assert status(world, plan_id)[0] == "completed"
    world.services.payments.reverse(client, "p2", "MD06 refund request")
    run_day(world, date(2026, 3, 5))  # the completed plan is still watched for returns
    state, installments = status(world, plan_id)
    assert state in ("due", "overdue")
    assert installments == [("paid", "150.00"), (installments[1][0], "0.00")]
    assert world.services.plans.holding(client, "F1") == plan_id


def test_missed_timer_days_are_caught_up(plans):
    world, _ = plans
    a = world.agency_a
    plan_id = make(a).body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    world.services.messaging.queues.take("send-email")
    # no run from the 20th to the 30th: the 31st still sends the reminder it missed
    assert run_day(world, date(2026, 1, 31)) == [f"plan|{plan_id}|remind|1@2026-01-31"]


def test_pause_resume_cancel_and_the_31st(plans):
    world, client = plans
    a = world.agency_a
    plan_id = make(a, installments=3, start="2026-01-31").body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    world.services.messaging.queues.take("send-email")
    assert a.call("POST", f"{BASE}/{plan_id}/pause", {"reason": ""}).status == 422
    assert (
        a.call("POST", f"{BASE}/{plan_id}/pause", {"reason": "debtor in hospital"}).body["status"]
        == "paused"
    )
    assert run_day(world, date(2026, 3, 20)) == []  # a paused plan is not chased
    assert a.call("POST", f"{BASE}/{plan_id}/resume").status == 200
    moved = a.call(
        "POST",
        f"{BASE}/{plan_id}/installments/2/postpone",
        {"to": "2026-04-30", "shift_later": True},
    )
    assert moved.status == 200, moved.body
    assert [i["due_date"] for i in moved.body["installments"]] == [
        "2026-01-31",
        "2026-04-30",
        "2026-05-30",
    ]
    cancelled = a.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "debtor asked"})
    assert cancelled.body["status"] == "cancelled"
    assert {i["status"] for i in cancelled.body["installments"]} == {"skipped"}
    assert world.services.plans.holding(client, "F1") is None
    assert a.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "again"}).status == 409
    assert a.call("GET", BASE, status="cancelled").body["items"][0]["plan_id"] == plan_id
    assert a.call("GET", BASE, status="nonsense").status == 400


def test_a_breach_cancels_tells_debtor_and_client_and_runs_once(plans):
    world, client = plans
    a = world.agency_a
    plan_id = make(a).body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    world.services.messaging.queues.take("send-email")
    keys = run_day(world, date(2026, 2, 15))  # 100.00 behind past the 7 grace days
    assert set(the_lapse(world, client.client_id, plan_id)) <= set(keys)
    actions = a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert [x["kind"] for x in actions].count("plan_breached") == 1
    assert run_day(world, date(2026, 2, 16)) == []
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["status"] == "cancelled" and "breach" in got["reason"]
    assert world.services.plans.holding(client, "F2") is None


def _dunning_world(plans):
    from tests.unit.dunning.test_daily_run import TEMPLATES, WORKFLOW

    world, client = plans
    a = world.agency_a
    for template_id, body in TEMPLATES.items():
        a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body)
    a.call("PUT", "/v1/clients/C1/workflows/particulier", WORKFLOW)
    a.call("POST", "/v1/clients/C1/workflows/particulier/activate")
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "particulier"}]})
    plan_id = make(a).body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    world.services.messaging.queues.take("send-email")

    def dunning_day(on):
        world.clock.at = datetime(on.year, on.month, on.day, 6, 0, tzinfo=UTC)
        world.services.dunning.run_client(client.client_id, on)
        jobs = [json.loads(m.body) for m in world.services.messaging.queues.take("send-email")]
        return sorted(
            world.services.messaging.outbox.get(j["client_id"], j["key"])[0].debtor_number
            for j in jobs
        )

    assert dunning_day(date(2026, 1, 6)) == ["D2"]  # D1's invoices are in the plan
    return world, client, plan_id, dunning_day


def test_a_running_plan_holds_dunning_and_one_cancelled_in_breach_hands_back(plans):
    """Installment 1 (31-1) unpaid past its grace (7-2): staff cancel on 9-2, a breach; the
    workflow takes the invoices back the next day at the step where they stood."""
    world, _, plan_id, dunning_day = _dunning_world(plans)
    a = world.agency_a
    world.clock.at = datetime(2026, 2, 9, 9, 0, tzinfo=UTC)
    a.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "debtor stopped paying"})
    told = [json.loads(m.body)["key"] for m in world.services.messaging.queues.take("send-email")]
    assert told == [f"plan|{plan_id}|cancelled|2026-02-09"]  # the debtor hears (law16 F2)
    assert "D1" in dunning_day(date(2026, 2, 10))  # handed back at the step where it stood


def test_a_kept_plan_cancelled_by_staff_holds_dunning_until_its_granted_days_are_over(plans):
    """law16b F4: 3 x 100.00 on 31-1, 28-2, 31-3, staff cancel on 6-1 with nothing due. The
    notice tells him he may pay the 300.00 until 7-4 and nothing is asked meanwhile; before,
    the workflow took the invoices back on 7-1 (e-mail, SMS, on 19-1 a 14-day letter
    threatening 45.00 costs the ledger holds until 8-4). Now held until 8-4, then handed back;
    the invoices are free meanwhile for a new plan (not "in a plan")."""
    world, client, plan_id, dunning_day = _dunning_world(plans)
    a = world.agency_a
    a.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "client wants it with its lawyer"})
    told = [json.loads(m.body)["key"] for m in world.services.messaging.queues.take("send-email")]
    assert told == [f"plan|{plan_id}|cancelled|2026-01-06"]
    assert world.services.plans.holding(client, "F1") is None  # not in a running plan
    for day in (date(2026, 1, 7), date(2026, 1, 19), date(2026, 2, 20), date(2026, 4, 7)):
        assert "D1" not in dunning_day(day), day
    run_day(world, date(2026, 4, 8))  # the plan's look on the day his days are over
    assert "D1" in dunning_day(date(2026, 4, 8))


def test_a_new_plan_ends_an_ended_plans_dunning_hold(plans):
    """A plan staff make for the invoices after cancelling a kept one replaces its promise:
    if the new one lapses, the workflow takes the invoices back (not at the old plan's day)."""
    world, client, plan_id, _ = _dunning_world(plans)
    a = world.agency_a
    a.call("POST", f"{BASE}/{plan_id}/cancel", {"reason": "new terms"})
    world.services.messaging.queues.take("send-email")
    repo = world.services.plans.plans
    assert held_by_plan(repo.store, client.client_id, ["F1", "F2"], ended=True) == {"F1", "F2"}
    second = make(a, start="2026-02-15", installments=2).body["plan_id"]
    assert a.call("POST", f"{BASE}/{second}/activate").status == 200
    assert repo.store.get_many(PLAN_INVOICES, ended_partition(client.client_id),
                               ["F1", "F2"]) == {}  # fmt: skip


def test_direct_debit_mandate_prenotification_file_collection_return_and_retry(plans):
    from importlib.resources import files
    from pathlib import Path

    import xmlschema

    from shared.services.plans.direct_debit import CONTAINER

    world, client = plans
    a = world.agency_a
    made = make(a, method="direct_debit", start="2026-01-10", installments=2)
    plan_id = made.body["plan_id"]
    assert made.body["installments"][0]["due_date"] == "2026-01-12"  # Saturday: Monday's collection
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 409  # no mandate
    mandate = {"mandate_id": "MND-D1-1", "signed_on": "2026-01-05", "iban": "NL91 ABNA 0417 1643 00",
               "name": "Debtor D1"}  # fmt: skip
    assert a.call("PUT", f"{BASE}/{plan_id}/mandate", mandate).status == 200
    no_id = a.call("POST", f"{BASE}/{plan_id}/activate")  # no creditor id: refused until set
    assert (
        no_id.status == 409 and no_id.body["error"]["details"][0]["code"] == "plan_no_creditor_id"
    )
    assert (
        a.call("PUT", "/v1/clients/C1/plan-rules", {"creditor_id": "NL99ZZZ123456780000"}).status
        == 422
    )
    assert (
        a.call("PUT", "/v1/clients/C1/plan-rules", {"creditor_id": "NL69ZZZ123456780000"}).status
        == 200
    )
    too_soon = a.call("POST", f"{BASE}/{plan_id}/activate")
    assert too_soon.status == 422 and "14 days' notice" in json.dumps(too_soon.body)
    a.call("PUT", f"{BASE}/{plan_id}", {"debtor": "D1", "invoices": ["F1", "F2"], "start": "2026-01-26",
                                       "installments": 2, "method": "direct_debit"})  # fmt: skip
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    # five days before the date the collection is submitted, two days before the file is built
    run_day(world, date(2026, 1, 21))
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["status"] == "collection_in_progress"
    assert [(d["installment"], d["state"]) for d in got["direct_debits"]] == [(1, "submitted")]
    run_day(world, date(2026, 1, 24))
    names = world.services.files.names(CONTAINER)
    assert len(names) == 1
    xml = world.services.files.get(CONTAINER, names[0])
    xsd = Path(str(files("sepaxml"))) / "schemas" / "pain.008.001.08.xsd"
    xmlschema.XMLSchema(str(xsd)).validate(xml)
    assert b"<SeqTp>FRST</SeqTp>" in xml and b'<InstdAmt Ccy="EUR">150.00</InstdAmt>' in xml
    kinds = [x["kind"] for x in a.call("GET", "/v1/clients/C1/actions").body["items"]]
    assert "direct_debit_file" in kinds
    # the collection date: booked as paid
    run_day(world, date(2026, 1, 26))
    assert status(world, plan_id)[1][0] == ("paid", "150.00")
    # the bank returns it (an R-transaction names the end-to-end id)
    e2e = a.call("GET", f"{BASE}/{plan_id}").body["direct_debits"][0]["end_to_end_id"]
    payment_id = world.services.repos.banking.payment_for(client.client_id, e2e)
    world.clock.at = datetime(2026, 1, 29, 10, 0, tzinfo=UTC)
    world.services.payments.reverse(client, payment_id, "returned by the bank (MD06)")
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert got["installments"][0]["status"] == "failed"
    assert [d["state"] for d in got["direct_debits"]] == ["returned"]
    assert "plan_debit_failed" in [
        x["kind"] for x in a.call("GET", "/v1/clients/C1/actions").body["items"]
    ]
    # staff retry: a second attempt, recurring now that the mandate has been used
    assert a.call("POST", f"{BASE}/{plan_id}/installments/1/retry").status == 200
    run_day(world, date(2026, 1, 30))
    got = a.call("GET", f"{BASE}/{plan_id}").body
    assert [(d["installment"], d["attempt"], d["state"]) for d in got["direct_debits"]][1] == (
        1,
        2,
        "submitted",
    )


def test_a_plan_covers_the_whole_claim_or_the_principal_only(world):
    a = world.agency_a
    world.clock.at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", kind="b2b")]})
    a.call("POST", "/v1/clients/C1/invoices",
           {"items": [invoice_row("F1", "D1", amount="1000.00", due_date="2025-10-01")]})  # fmt: skip
    claim = a.call("GET", "/v1/clients/C1/invoices/F1/claim").body
    whole = make(a, invoices=["F1"], installments=2).body
    assert whole["total"] == claim["open"]["total"] != "1000.00"  # B2B: costs and interest
    principal = make(a, invoices=["F1"], installments=2, include_costs=False).body
    assert principal["total"] == "1000.00"
