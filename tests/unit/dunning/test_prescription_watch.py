"""The prescription watch of the daily run (law4 findings 3 and 5): the warning comes for a
claim whose workflow has ended and for a debtor without a workflow, and a claim past its
prescription date is held (no 14-day letter, no costs, no hand-over) until a person records
an interruption or releases it. Dates by hand in each test (art. 7:28, 3:307, 3:317, 3:319)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, WORKFLOW, day

# a decision on prescription says why (attack6 finding 6)
REASON = "checked with the client: no payment since"


@pytest.fixture
def engine(world):
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)  # Monday
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1", name="Jan")]})
    for tid, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{tid}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/particulier", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    rules = {"rules": [{"workflow": "particulier"}]}
    assert a.call("PUT", "/v1/clients/C1/segment-rules", rules).status == 200
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    return world, client


def at(world, client, day_: date):
    world.clock.at = datetime(day_.year, day_.month, day_.day, 8, 0, tzinfo=UTC)
    return day(world, client)


def warnings(world):
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [
        (i["detail"]["prescribes_on"], i["title"]) for i in items if i["kind"] == "prescription"
    ]


def test_the_warning_comes_after_the_workflow_has_ended(engine):
    world, client = engine
    a = world.agency_a
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", invoice_date="2025-02-01", due_date="2025-03-10", amount="500.00",
        claim_kind="consumer_sale")]})  # fmt: skip
    sent = []
    for n in range(60):
        sent += at(world, client, date(2025, 3, 3) + timedelta(days=n))
    # e-mail Mon 03-17 (received that day), SMS, 14-day letter posted Sat 03-29 (received
    # Wed 04-02: no delivery on Sunday and Monday), then the staff task: the workflow is done
    assert [ch for _, ch, _, _ in sent] == ["email", "sms", "letter"]
    # Hand: 2 years (7:28) from 03-11 -> 2027-03-11 without demands (proven); from the letter's
    # receipt, 04-03 -> 2027-04-03 (Inning's count). On main no run looked at F1 again.
    assert at(world, client, date(2027, 1, 9)) == [] and warnings(world) == []
    at(world, client, date(2027, 1, 10))  # 60 days before 2027-03-11
    assert [w for w, _ in warnings(world)] == ["2027-03-11"]
    assert "letter of 02-04-2025" in warnings(world)[0][1]
    at(world, client, date(2027, 2, 2))  # 60 days before 2027-04-03
    assert sorted(w for w, _ in warnings(world)) == ["2027-03-11", "2027-04-03"]
    at(world, client, date(2027, 4, 3))  # the day itself: held, an item of its own
    found = warnings(world)
    assert len(found) == 3
    [held] = [t for _, t in found if "may have prescribed on 03-04-2027" in t]
    assert "cannot revive it" in held and "Dunning holds it" in held
    for n in range(1, 30):  # nothing more: no row left, one item per date
        at(world, client, date(2027, 4, 3) + timedelta(days=n))
    assert len(warnings(world)) == 3


def test_a_debtor_without_a_workflow_is_warned_too(engine):
    world, client = engine
    a = world.agency_a
    # a business debtor no rule gives a workflow: 5 years (3:307) from 2020-07-01
    assert a.call("PUT", "/v1/clients/C1/segment-rules",
                  {"rules": [{"workflow": "particulier", "kind": "b2c"}]}).status == 200  # fmt: skip
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("B1", name="BV", kind="b2b")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "B-1", "B1", invoice_date="2020-06-01", due_date="2020-06-30", amount="800.00")]})  # fmt: skip
    at(world, client, date(2025, 5, 5))  # 2025-07-01 is 57 days away; on main: no item
    assert [w for w, _ in warnings(world)] == ["2025-07-01"]


def test_a_claim_prescribed_before_import_is_held_until_a_person_decides(engine):
    world, client = engine
    a = world.agency_a
    # a consumer sale due 2022-06-30: 2 years (7:28) from 2022-07-01 -> prescribed 2024-07-01
    reply = a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "OLD", "D1", invoice_date="2022-06-01", due_date="2022-06-30", amount="1000.00",
        claim_kind="consumer_sale")]})  # fmt: skip
    assert reply.body["created"] == 1
    sent = []
    for n in range(45):
        sent += at(world, client, date(2025, 3, 3) + timedelta(days=n))
    # on main: e-mail 03-03, SMS 03-08, 14-day letter 03-15, costs 150.00 from 2025-04-03
    assert sent == []
    [(when, title)] = warnings(world)
    assert when == "2024-07-01"
    assert "may have prescribed on 01-07-2024" in title and "cannot revive it" in title
    claim = a.call("GET", "/v1/clients/C1/invoices/OLD/claim", on="2025-04-20").body
    assert claim["open"]["costs"] == "0.00" and claim.get("costs_owed_from") is None

    # the client had sent its own demand, received 2024-05-20: 2 years again from 05-21
    # (3:319 lid 2) -> 2026-05-21; dunning resumes with the next run
    watch = world.services.dunning.prescriptions
    watch.record(client, "OLD", interrupted_on=date(2024, 5, 20), release=False, author="staff@a")
    watch.record(client, "OLD", interrupted_on=date(2024, 5, 20), release=False, author="staff@a")
    sent = at(world, client, date(2025, 4, 17))
    assert [ch for _, ch, _, _ in sent] == ["email"]


def test_a_release_lets_dunning_go_on(engine):
    world, client = engine
    a = world.agency_a
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "OLD", "D1", invoice_date="2022-06-01", due_date="2022-06-30", amount="1000.00",
        claim_kind="consumer_sale")]})  # fmt: skip
    assert at(world, client, date(2025, 3, 3)) == []
    url = "/v1/clients/C1/invoices/OLD/prescription"
    assert a.call("POST", url, {}).status == 422  # neither a date nor a release
    refused = a.call(
        "POST", url, {"interrupted_on": "2022-06-30", "reason": REASON}
    )  # the due date
    assert refused.status == 422
    assert refused.body["error"]["details"][0]["field"] == "interrupted_on"
    assert (
        a.call(
            "POST", "/v1/clients/C1/invoices/NONE/prescription", {"release": True, "reason": REASON}
        ).status
        == 404
    )
    reply = a.call("POST", url, {"release": True, "reason": REASON})
    assert reply.status == 200
    assert reply.body == {"invoice": "OLD", "interruptions": [], "released_on": "2025-03-03"}
    assert [ch for _, ch, _, _ in at(world, client, date(2025, 3, 4))] == ["email"]


def test_a_release_given_before_the_date_is_refused_and_decides_nothing(engine):
    """A release is the person's decision on a claim that is held; one given years before the
    claim can prescribe was kept for good and the claim never held (attack5 finding 4)."""
    world, client = engine
    a = world.agency_a
    rows = [invoice_row(n, "D1", invoice_date="2025-02-01", due_date="2025-03-10",
                        amount="500.00", claim_kind="consumer_sale") for n in ("F1", "F2")]  # fmt: skip
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["created"] == 2
    early = a.call(
        "POST", "/v1/clients/C1/invoices/F1/prescription", {"release": True, "reason": REASON}
    )
    assert early.status == 422 and early.body["error"]["details"][0]["field"] == "release"
    # stored by an older version all the same: it decides nothing for a later date
    from shared.adapters.tables.prescription_repo import PrescriptionDecisions

    PrescriptionDecisions(world.services.repos.store).record(
        client.client_id, "D1", "F1", interrupted_on=None, release_on=date(2025, 3, 3),
        by="old", at=world.clock.now(),
    )  # fmt: skip
    for n in range(60):
        at(world, client, date(2025, 3, 3) + timedelta(days=n))
    at(world, client, date(2027, 4, 3))  # both prescribe (4-3 from the 14-day letter's receipt)
    titles = [t for _, t in warnings(world)]
    held = {n: any(f"{n} " in t and "Dunning holds it" in t for t in titles) for n in ("F1", "F2")}
    assert held == {"F1": True, "F2": True}
    # released now, on the held claim: dunning goes on
    assert (
        a.call(
            "POST", "/v1/clients/C1/invoices/F1/prescription", {"release": True, "reason": REASON}
        ).status
        == 200
    )


def test_a_reminder_planned_before_the_hold_does_not_go_out_after_it(engine):
    """A consumer sale due Fri 2023-03-03 prescribes, by Inning's count, two years from
    2023-03-04 (7:28 BW): on Tue 2025-03-04. The run of Mon 03-03 plans the e-mail reminder
    (the claim is not held yet: one day to go); the send job waits until 03-04, when the hold
    has begun: the send-time re-check closes it unsent (on main it went out)."""
    import json

    world, client = engine
    a = world.agency_a
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F9", "D1", invoice_date="2023-02-01", due_date="2023-03-03", amount="300.00",
        claim_kind="consumer_sale")]})  # fmt: skip
    services = world.services
    services.dunning.fan_out()
    for job in services.messaging.queues.take("dunning-run"):
        body = json.loads(job.body)
        services.dunning.run_client(body["client_id"], date.fromisoformat(body["date"]))
    jobs = [json.loads(j.body) for j in services.messaging.queues.take("send-email")]
    assert len(jobs) == 1  # planned on 03-03
    world.clock.at = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)
    services.messaging.deliver(jobs[0]["client_id"], jobs[0]["key"])
    record, _ = services.messaging.outbox.get(jobs[0]["client_id"], jobs[0]["key"])
    assert record.status.value == "failed" and record.sent_at is None
    assert record.error == "niet verstuurd: F9 verjaringstermijn verstreken sinds het plannen"
    # and the next run holds it: nothing goes out
    assert at(world, client, date(2025, 3, 5)) == []
