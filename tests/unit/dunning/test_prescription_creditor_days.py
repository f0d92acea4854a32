"""Days written on the creditor's side do not revive a held claim (attack11b B4, B1): only the
debtor's own act on its real day interrupts prescription (3:318 BW), and past the date a person
decides (3:322). Hand as in test_prescription_acknowledged: B-1 800.00 prescribes on
2025-07-01; the daily run of 2-7-2025 holds it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from shared.domain.records import Payment
from tests.unit.api.conftest import invoice_row
from tests.unit.dunning.test_prescription_acknowledged import _at, _items, b2b  # noqa: F401

ROW = invoice_row("B-1", "B1", invoice_date="2020-06-01", due_date="2020-06-30", amount="800.00")
MANDATE = {"mandate_id": "M-1", "iban": "NL91ABNA0417164300", "name": "BV"}


def _held(world, client, on: date) -> set[str]:  # type: ignore[no-untyped-def]
    _at(world, client, on)
    debtor = world.services.repos.debtors.get(client.client_id, "B1")[0]
    invoice = world.services.repos.invoices.get(client.client_id, "B-1").invoice
    held: set[str] = world.services.dunning.prescriptions.held(
        client.client_id, debtor, [invoice], on
    )
    return held


def _staff(world):  # type: ignore[no-untyped-def]
    a = world.agency_a
    return a.as_key(a.call("POST", "/v1/keys", {"scope": "client", "client": "C1"}).body["key"])


def test_a_mandate_signed_before_the_date_is_refused_on_a_held_claim(b2b):  # noqa: F811
    """B4: a client staff key draws a direct-debit draft over the held B-1 and records a
    mandate 'signed' 30-6-2025: the watch counted it as the debtor's act, lifted the hold and
    moved the date to 2030. Refused as a backdated consent is; a mandate of today is taken."""
    world, client = b2b
    _at(world, client, date(2025, 5, 5))
    _at(world, client, date(2025, 7, 2))
    staff = _staff(world)
    world.clock.at = datetime(2025, 7, 3, 9, 0, tzinfo=UTC)
    plan = staff.call("POST", "/v1/clients/C1/plans", {
        "debtor": "B1", "invoices": ["B-1"], "start": "2025-08-01", "installments": 2,
        "method": "direct_debit"})  # fmt: skip
    assert plan.status == 201, plan.body
    path = f"/v1/clients/C1/plans/{plan.body['plan_id']}/mandate"
    back = staff.call("PUT", path, {**MANDATE, "signed_on": "2025-06-30"})
    assert back.status == 422, back.body
    assert [d["code"] for d in back.body["error"]["details"]] == ["plan_mandate_prescribed"]
    assert "B-1" in back.body["error"]["message"]
    assert staff.call("PUT", path, {**MANDATE, "signed_on": "2025-07-03"}).status == 200
    assert _held(world, client, date(2025, 7, 4)) == {"B-1"}
    _at(world, client, date(2030, 5, 2))
    assert not [on for on, _ in _items(world) if on >= "2030"]


def test_a_mandate_signed_before_the_date_counts_while_nothing_is_held(b2b):  # noqa: F811
    """The rule holds back only what revives a held claim: a mandate recorded in time with
    the day he signed still interrupts from that day (3:318), as before."""
    world, client = b2b
    staff = _staff(world)
    world.clock.at = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
    plan = staff.call("POST", "/v1/clients/C1/plans", {
        "debtor": "B1", "invoices": ["B-1"], "start": "2024-02-01", "installments": 2,
        "method": "direct_debit"})  # fmt: skip
    path = f"/v1/clients/C1/plans/{plan.body['plan_id']}/mandate"
    assert staff.call("PUT", path, {**MANDATE, "signed_on": "2024-01-12"}).status == 200
    assert _held(world, client, date(2025, 7, 2)) == set()


def _sync(world, client, open_amount: str, at: datetime) -> list[Payment]:  # type: ignore[no-untyped-def]
    """The client's push (a non-admin key, as its connector uses) of B-1 with its books' open
    amount; the client's receipts it booked."""
    world.clock.at = at
    reply = _staff(world).call(
        "POST", "/v1/clients/C1/invoices", {"items": [dict(ROW, open_amount=open_amount)]}
    )
    assert reply.status < 300, reply.body
    return [p for p in world.services.repos.payments.list(client.client_id)[0] if not p.reversed]


def _with_the_agency(world, client) -> None:  # type: ignore[no-untyped-def]
    """The case went to the agency (any path that sets ``handed_over_to``): what the client
    receives since is booked as a receipt."""
    stored = world.services.repos.invoices.get(client.client_id, "B-1")
    world.services.repos.invoices.save(
        replace(stored.invoice, handed_over_to=client.agency_id), stored
    )


def test_a_sync_receipt_dated_on_the_sync_before_the_date_does_not_revive_a_held_claim(b2b):  # noqa: F811
    """B1: the client's books said 800.00 open on 30-6-2025 and 799.99 on 1-9: a receipt of
    0.01 booked on 30-6 (the earliest day it can have come) counted as the debtor's
    acknowledgement the day before the date, and moved it to 2030. It came between 30-6 and
    1-9: for prescription it counts on 1-9, too late; the claim stays held for a person."""
    world, client = b2b
    _with_the_agency(world, client)
    _at(world, client, date(2025, 5, 5))
    _sync(world, client, "800.00", datetime(2025, 6, 30, 20, 0, tzinfo=UTC))
    assert _held(world, client, date(2025, 7, 2)) == {"B-1"}
    [receipt] = _sync(world, client, "799.99", datetime(2025, 9, 1, 9, 0, tzinfo=UTC))
    assert (receipt.amount, receipt.received_on) == (1, date(2025, 6, 30))  # the bound, kept
    assert receipt.booked_on == date(2025, 9, 1)
    assert _held(world, client, date(2025, 9, 2)) == {"B-1"}
    _at(world, client, date(2030, 5, 2))
    assert not [on for on, _ in _items(world) if on >= "2030"]


def test_an_admin_re_dating_the_receipt_before_the_date_does_not_revive_it(b2b):  # noqa: F811
    """The admin's ``received-on`` re-dates the receipt for its money (6:44, 6:96) to 30-6:
    for prescription it counts on the day it was booked again; the act itself an admin
    records through ``POST …/prescription`` with its reason."""
    world, client = b2b
    _with_the_agency(world, client)
    _at(world, client, date(2025, 5, 5))
    _sync(world, client, "800.00", datetime(2025, 6, 1, 20, 0, tzinfo=UTC))
    assert _held(world, client, date(2025, 7, 2)) == {"B-1"}
    [receipt] = _sync(world, client, "799.99", datetime(2025, 9, 1, 9, 0, tzinfo=UTC))
    world.clock.at = datetime(2025, 9, 2, 9, 0, tzinfo=UTC)
    again = world.agency_a.call(
        "POST", f"/v1/clients/C1/payments/{receipt.payment_id}/received-on",
        {"received_on": "2025-06-30", "reason": "the client's books: paid on 30-6"},
    )  # fmt: skip
    assert again.status == 200, again.body
    assert again.body["received_on"] == "2025-06-30", again.body
    assert _held(world, client, date(2025, 9, 3)) == {"B-1"}


def test_a_sync_receipt_booked_before_the_date_still_interrupts(b2b):  # noqa: F811
    """Booked on 15-6-2025, before the date, the receipt came before it whatever its day:
    the debtor's payment interrupts (3:318), nothing is held on 2-7."""
    world, client = b2b
    _with_the_agency(world, client)
    _sync(world, client, "800.00", datetime(2025, 6, 1, 20, 0, tzinfo=UTC))
    [receipt] = _sync(world, client, "790.00", datetime(2025, 6, 15, 20, 0, tzinfo=UTC))
    assert receipt.amount == 1000
    assert _held(world, client, date(2025, 7, 2)) == set()
