"""A payment the debtor made on a claim, and a payment plan over it he agreed to himself, are
acknowledgements that interrupt prescription (art. 3:318 BW); the new period runs from the
next day (3:319): the watch counts them as it counts a recorded one (law7 finding 3). Only
the debtor's own act counts (law10 F1, F3): money the creditor moves onto a claim later, or
a plan staff make without his recorded consent, acknowledges nothing.

Hand: business B1, B-1 800.00 due 2020-06-30: five years (3:307) from 2020-07-01, so it
prescribes on 2025-07-01 without an interruption. Acknowledged on 2024-01-15: five years from
2024-01-16, so 2029-01-16; the warning comes 60 days before, on 2028-11-17."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, WORKFLOW, day

ACKNOWLEDGED = date(2024, 1, 15)


@pytest.fixture
def b2b(world):
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2024, 1, 10, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    for tid, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{tid}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/particulier", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/particulier/activate").status == 200
    # consumers only: the business debtor gets no dunning, so no written demand interrupts
    rules = {"rules": [{"workflow": "particulier", "kind": "b2c"}]}
    assert a.call("PUT", "/v1/clients/C1/segment-rules", rules).status == 200
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("B1", name="BV", kind="b2b")]})
    created = a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "B-1", "B1", invoice_date="2020-06-01", due_date="2020-06-30", amount="800.00")]})  # fmt: skip
    assert created.body["created"] == 1, created.body
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    return world, client


def _at(world, client, on: date) -> None:
    world.clock.at = datetime(on.year, on.month, on.day, 8, 0, tzinfo=UTC)
    day(world, client)


def _items(world) -> list[tuple[str, str]]:
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    return [
        (i["detail"]["prescribes_on"], i["title"]) for i in items if i["kind"] == "prescription"
    ]


def _watched(world, client) -> list[tuple[str, str]]:
    for on in (date(2025, 5, 5), date(2025, 7, 2)):  # warning day and day after, uninterrupted
        _at(world, client, on)
    assert _items(world) == [], "an acknowledged claim is warned about or held"
    _at(world, client, date(2028, 11, 17))
    return _items(world)


def test_a_part_payment_booked_in_inning_interrupts(b2b):
    world, client = b2b
    world.clock.at = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id="bank-1", amount=30_000, received_on=ACKNOWLEDGED,
        source=PaymentSource.BANK, invoice_numbers=["B-1"],
    )  # fmt: skip
    [(on, title)] = _watched(world, client)
    assert on == "2029-01-16"
    assert "acknowledged the claim" in title and "15-01-2024" in title


def _staff_plan(world, **consent: str) -> None:
    a = world.agency_a
    world.clock.at = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
    plan = a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "B1", "invoices": ["B-1"], "start": "2024-02-15", "installments": 2, **consent})  # fmt: skip
    assert plan.status in (200, 201), plan.body
    activated = a.call("POST", f"/v1/clients/C1/plans/{plan.body['plan_id']}/activate")
    assert activated.status == 200, activated.body


def test_a_payment_plan_the_debtor_agreed_interrupts(b2b):
    world, client = b2b
    _staff_plan(world, agreed_by_debtor_on="2024-01-15", agreed_how="phone")
    [(on, _)] = _watched(world, client)
    assert on == "2029-01-16"


def test_the_plan_counts_from_the_day_he_agreed_not_its_activation(b2b):
    """He agreed by letter on 12-1-2024; staff started the plan on 15-1: five years from 13-1."""
    world, client = b2b
    _staff_plan(world, agreed_by_debtor_on="2024-01-12", agreed_how="letter")
    plan = world.agency_a.call("GET", "/v1/clients/C1/plans").body["items"][0]
    assert (plan["agreed_by_debtor_on"], plan["agreed_how"]) == ("2024-01-12", "letter")
    [(on, _)] = _watched(world, client)
    assert on == "2029-01-13"


def test_a_plan_staff_made_without_his_consent_interrupts_nothing(b2b):
    """law10 F3: the agency's key makes and starts a plan, the debtor does nothing: the plan is
    the creditor's offer, no erkenning (3:318 BW). B-1 is warned and held as it would be."""
    world, client = b2b
    _staff_plan(world)
    _at(world, client, date(2025, 5, 5))
    _at(world, client, date(2025, 7, 2))
    assert [on for on, _ in _items(world)] == ["2025-07-01", "2025-07-01"]


@pytest.mark.parametrize(
    ("consent", "field"),
    [
        ({"agreed_by_debtor_on": "2024-01-15"}, "agreed_how"),
        ({"agreed_how": "email"}, "agreed_by_debtor_on"),
        ({"agreed_by_debtor_on": "2024-01-16", "agreed_how": "email"}, "agreed_by_debtor_on"),
    ],
)
def test_a_consent_is_a_day_and_a_way_not_in_the_future(b2b, consent, field):
    world, _ = b2b
    world.clock.at = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
    r = world.agency_a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "B1", "invoices": ["B-1"], "start": "2024-02-15", "installments": 2, **consent})  # fmt: skip
    assert r.status == 422, r.body
    assert field in str(r.body)


def _b2(world, due: str) -> None:
    world.clock.at = datetime(2024, 1, 10, 9, 0, tzinfo=UTC)
    r = world.agency_a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "B-2", "B1", invoice_date="2023-12-01", due_date=due, amount="100.00")]})  # fmt: skip
    assert r.body["created"] == 1, r.body


def test_money_moved_to_an_old_claim_after_a_credit_is_no_acknowledgement(b2b):
    """law10 F1: the debtor pays 100.00 on 15-1-2024 naming B-2; on 1-2 the client credits
    B-2 and the ledger puts the 100.00 on B-1 (6:43 lid 2). He recognised B-2, not B-1: B-1
    still prescribes on 1-7-2025, warned and held as if he had paid nothing."""
    world, client = b2b
    _b2(world, "2023-12-31")
    world.clock.at = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id="bank-1", amount=10_000, received_on=ACKNOWLEDGED,
        source=PaymentSource.BANK, invoice_numbers=["B-2"],
    )  # fmt: skip
    world.clock.at = datetime(2024, 2, 1, 9, 0, tzinfo=UTC)
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices/B-2/credit").status == 200
    claim = world.agency_a.call("GET", "/v1/clients/C1/invoices/B-1/claim").body
    assert claim["paid"]["interest"] == "100.00", claim  # the money is on B-1 now
    _at(world, client, date(2025, 5, 5))
    _at(world, client, date(2025, 7, 2))
    assert [on for on, _ in _items(world)] == ["2025-07-01", "2025-07-01"]


def test_the_overflow_of_a_payment_naming_another_claim_is_no_acknowledgement(b2b):
    """law10 F1: 150.00 naming B-2 (100.00 owed); the 50.00 over goes to B-1's interest."""
    world, client = b2b
    _b2(world, "2024-01-31")
    world.clock.at = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id="bank-1", amount=15_000, received_on=ACKNOWLEDGED,
        source=PaymentSource.BANK, invoice_numbers=["B-2"],
    )  # fmt: skip
    claim = world.agency_a.call("GET", "/v1/clients/C1/invoices/B-1/claim").body
    assert claim["paid"]["interest"] == "50.00", claim
    _at(world, client, date(2025, 5, 5))
    _at(world, client, date(2025, 7, 2))
    assert [on for on, _ in _items(world)] == ["2025-07-01", "2025-07-01"]


def test_without_an_acknowledgement_the_claim_is_warned_and_held(b2b):
    world, client = b2b
    _at(world, client, date(2025, 5, 5))
    _at(world, client, date(2025, 7, 2))
    assert [on for on, _ in _items(world)] == ["2025-07-01", "2025-07-01"]


def test_a_staff_consent_dated_back_over_the_prescription_date_does_not_revive_the_claim(b2b):
    """attack11 A3: B-1 is held from 2-7-2025 (prescribed 1-7); a client staff key, refused
    the admin's prescription decision, drew a plan with the debtor's consent dated 30-6: the
    hold was lifted and the claim's date moved to 1-7-2030. Refused now; an admin records
    such an act with its reason, and a consent of today is taken as the creditor's record."""
    world, client = b2b
    a = world.agency_a
    _at(world, client, date(2025, 5, 5))
    _at(world, client, date(2025, 7, 2))
    staff = a.as_key(a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"])
    world.clock.at = datetime(2025, 7, 3, 9, 0, tzinfo=UTC)
    draft = {"debtor": "B1", "invoices": ["B-1"], "start": "2025-08-01", "installments": 2,
             "agreed_how": "phone"}  # fmt: skip
    back = staff.call(
        "POST", "/v1/clients/C1/plans", {**draft, "agreed_by_debtor_on": "2025-06-30"}
    )
    assert back.status == 422
    assert [d["code"] for d in back.body["error"]["details"]] == ["plan_consent_prescribed"]
    assert "B-1" in back.body["error"]["message"]
    today = staff.call(
        "POST", "/v1/clients/C1/plans", {**draft, "agreed_by_debtor_on": "2025-07-03"}
    )
    assert today.status == 201, today.body
    assert (
        staff.call("POST", f"/v1/clients/C1/plans/{today.body['plan_id']}/activate").status == 200
    )
    _at(world, client, date(2025, 7, 4))
    debtor = world.services.repos.debtors.get(client.client_id, "B1")[0]
    invoice = world.services.repos.invoices.get(client.client_id, "B-1").invoice
    assert world.services.dunning.prescriptions.held(
        client.client_id, debtor, [invoice], date(2025, 7, 4)
    ) == {"B-1"}
