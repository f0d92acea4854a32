"""Days written on the creditor's side do not revive a held claim (attack11b B4, B1): only the
debtor's own act on its real day interrupts prescription (3:318 BW), and past the date a person
decides (3:322). Hand as in test_prescription_acknowledged: B-1 800.00 prescribes on
2025-07-01; the daily run of 2-7-2025 holds it."""

from __future__ import annotations

from datetime import UTC, date, datetime

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

