"""The claim ledger through the API and the services: the contract, import fields, every
payment path (PaymentService, the Mollie webhook, the portal), reversals, waivers,
write-offs, and the Mollie webhook regressions of issue 12 (item 8)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from shared.domain.law.fourteen_day_letter import LetterChannel, fourteen_day_term
from shared.domain.records import PaymentSource
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

LETTER = "2025-02-10"
OWED = fourteen_day_term(date(2025, 2, 10), LetterChannel.LETTER).costs_owed_from
CLAIM_KEYS = {
    "invoice", "on", "principal", "costs", "costs_vat", "interest", "paid", "waived",
    "written_off", "credited", "open", "costs_owed_from", "interest_from", "interest_rule", "warnings",
    "contract_date", "commercial_margin", "paid_before_handover", "written_off_claim",
}  # fmt: skip
PARTS = {"principal", "costs", "costs_vat", "interest"}


def cents(text: str) -> int:
    return int(text.replace(".", ""))


@pytest.fixture
def ledger(world):
    world.clock.at = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("C1"), client_row("C2", charge_interest=False, vat_deductible=False)]})  # fmt: skip
    a.call(
        "POST",
        "/v1/clients/C1/debtors",
        {"items": [debtor_row("D1"), debtor_row("B1", kind="b2b")]},
    )
    a.call("POST", "/v1/clients/C2/debtors", {"items": [debtor_row("D1")]})
    r = a.call(
        "POST",
        "/v1/clients/C1/invoices",
        {
            "items": [
                invoice_row("F1", "D1", fourteen_day_letter_on=LETTER),
                invoice_row("F2", "D1", amount="50.00", due_date="2025-02-15"),
                invoice_row("G1", "B1", amount="1000.00", fourteen_day_letter_on="2025-03-01"),
            ]
        },
    )
    assert r.body["created"] == 3, r.body
    r = a.call("POST", "/v1/clients/C2/invoices", {"items": [invoice_row("F1", "D1", fourteen_day_letter_on=LETTER)]})  # fmt: skip
    assert r.body["created"] == 1, r.body
    access = world.services.access
    c1 = access.client_for(access.authenticate(a.key), "C1")
    c2 = access.client_for(access.authenticate(a.key), "C2")
    return world, c1, c2


def claim(world, number, client="C1", **query):
    reply = world.agency_a.call("GET", f"/v1/clients/{client}/invoices/{number}/claim", **query)
    assert reply.status == 200, reply.body
    return reply.body


def received_logs(world, debtor="D1", client="C1"):
    items = world.agency_a.call("GET", f"/v1/clients/{client}/debtors/{debtor}/contacts").body[
        "items"
    ]
    return [x["summary"] for x in items if "received" in x["summary"]]


# -- the contract -----------------------------------------------------------------------------
def test_consumer_claim_contract_and_costs_only_after_the_term(ledger):
    world, _, _ = ledger
    body = claim(world, "F1")
    assert set(body) == CLAIM_KEYS
    assert set(body["paid"]) == set(body["waived"]) == PARTS and set(body["open"]) == PARTS | {
        "total"
    }
    assert body["on"] == "2025-03-20" and body["principal"] == "121.00" and body["costs"] == "40.00"
    assert body["costs_owed_from"] == OWED.isoformat() and body["interest_from"] == "2025-02-01"
    assert body["interest_rule"] == "6:119" and body["costs_vat"] == "0.00"
    assert cents(body["interest"]) > 0
    total = sum(cents(body["open"][p]) for p in PARTS)
    assert cents(body["open"]["total"]) == total == 12_100 + 4_000 + cents(body["interest"])
    before = claim(world, "F1", on=(OWED.replace(day=OWED.day - 1)).isoformat())
    assert before["costs"] == "0.00" and before["open"]["costs"] == "0.00"
    assert (
        world.agency_a.call("GET", "/v1/clients/C1/invoices/F1/claim", on="2025-13-01").status
        == 400
    )
    assert world.agency_a.call("GET", "/v1/clients/C1/invoices/NOPE/claim").status == 404


def test_commercial_claim_owes_costs_from_the_sommatie_and_6_119a_interest(ledger):
    world, _, _ = ledger
    body = claim(world, "G1")
    assert body["costs"] == "150.00" and body["costs_owed_from"] == "2025-03-01"
    assert body["interest_rule"] == "6:119a"
    assert claim(world, "G1", on="2025-02-28")["costs"] == "0.00"


def test_vat_on_costs_when_the_client_cannot_deduct_and_no_interest_when_not_charged(ledger):
    world, _, _ = ledger
    body = claim(world, "F1", client="C2")
    assert body["costs"] == "40.00" and body["costs_vat"] == "8.40" and body["interest"] == "0.00"
    assert body["interest_rule"] == "none" and body["open"]["total"] == "169.40"


def test_debtor_claim_sums_the_open_claims(ledger):
    world, _, _ = ledger
    reply = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/claim")
    assert reply.status == 200
    body = reply.body
    assert [c["invoice"] for c in body["claims"]] == ["F1", "F2"] and body["debtor"] == "D1"
    assert cents(body["open"]["total"]) == sum(cents(c["open"]["total"]) for c in body["claims"])
    assert body["principal"] == "171.00" and body["costs"] == "40.00"
    assert world.agency_a.call("GET", "/v1/clients/C1/debtors/NOPE/claim").status == 404
    assert world.agency_b.call("GET", "/v1/clients/C1/debtors/D1/claim").status == 404


def test_import_fields_are_kept_validated_and_isolated(ledger):
    world, _, _ = ledger
    a = world.agency_a
    again = a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F1", "D1")]})
    assert again.body["errors"] == []
    assert claim(world, "F1")["costs_owed_from"] == OWED.isoformat()  # omitted: unchanged
    moved = a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F2", "D1", amount="50.00", due_date="2025-02-15", interest_from="2025-03-01")]})  # fmt: skip
    assert moved.body["errors"] == [] and claim(world, "F2")["interest_from"] == "2025-03-01"
    bad = a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row("F3", "D1", fourteen_day_letter_on="2025-01-02")]})  # fmt: skip
    assert (
        bad.body["errors"][0]["index"] == 0
        and "fourteen_day_letter_on" in bad.body["errors"][0]["message"]
    )


def test_openapi_documents_the_ledger_routes(ledger):
    world, _, _ = ledger
    paths = world.agency_a.call("GET", "/v1/openapi.json").body["paths"]
    assert "get" in paths["/v1/clients/{client}/invoices/{invoice}/claim"]
    assert "get" in paths["/v1/clients/{client}/debtors/{debtor}/claim"]
    assert "post" in paths["/v1/clients/{client}/invoices/{invoice}/waive"]
    assert "post" in paths["/v1/clients/{client}/invoices/{invoice}/write-off"]


# -- payments -------------------------------------------------------------------------------------
def test_bank_payment_of_principal_and_costs_is_exact_not_an_overpayment(ledger):
    """The issue's case: EUR 121 with EUR 40 costs owed (and VAT, no interest), paid in full."""
    world, _, c2 = ledger
    owed = cents(claim(world, "F1", client="C2")["open"]["total"])
    payment = world.services.payments.book(
        c2, payment_id="bank-1", amount=owed, received_on=date(2025, 3, 20),
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip
    assert payment.unallocated == 0
    assert {(a.component, a.amount) for a in payment.allocations} == {
        ("costs", 4_000), ("costs_vat", 840), ("principal", 12_100),
    }  # fmt: skip
    assert claim(world, "F1", client="C2")["open"]["total"] == "0.00"
    assert world.agency_a.call("GET", "/v1/clients/C2/invoices/F1").body["status"] == "paid"
    kinds = [x["kind"] for x in world.agency_a.call("GET", "/v1/clients/C2/actions").body["items"]]
    assert "overpayment" not in kinds


def test_partial_bank_payment_goes_costs_interest_principal_and_reverses_exactly(ledger):
    world, c1, _ = ledger
    before = claim(world, "F1")
    payment = world.services.payments.book(
        c1, payment_id="bank-2", amount=6_000, received_on=date(2025, 3, 20),
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip
    interest = cents(before["open"]["interest"])
    assert [(a.component, a.amount) for a in payment.allocations] == [
        ("costs", 4_000), ("interest", interest), ("principal", 2_000 - interest),
    ]  # fmt: skip
    after = claim(world, "F1")
    assert (
        after["paid"]["costs"] == "40.00"
        and cents(after["open"]["principal"]) == 12_100 - 2_000 + interest
    )
    assert (
        world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "partially_paid"
    )
    reversed_ = world.services.payments.reverse(c1, "bank-2", "bank return")
    assert (
        reversed_ is not None and reversed_.reversed and reversed_.reversed_on == date(2025, 3, 20)
    )
    again = claim(world, "F1")
    assert again["open"] == before["open"] and again["paid"] == {p: "0.00" for p in PARTS}
    assert world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "open"


def test_one_payment_over_two_claims_oldest_first_within_the_designation(ledger):
    world, c1, _ = ledger
    f1, f2 = claim(world, "F1"), claim(world, "F2")
    total = cents(f1["open"]["total"]) + cents(f2["open"]["total"])
    payment = world.services.payments.book(
        c1, payment_id="bank-3", amount=total, received_on=date(2025, 3, 20),
        source=PaymentSource.BANK, invoice_numbers=["F2", "F1"],
    )  # fmt: skip
    assert payment.unallocated == 0 and payment.allocations[0].invoice_number == "F1"
    assert claim(world, "F1")["open"]["total"] == claim(world, "F2")["open"]["total"] == "0.00"


# -- staff ----------------------------------------------------------------------------------------
def test_waiver_and_write_off_with_their_reason_on_the_contact_log(ledger):
    world, _, _ = ledger
    a = world.agency_a
    r = a.call("POST", "/v1/clients/C1/invoices/F1/waive", {"component": "costs", "amount": "15.00", "reason": "settled for less"})  # fmt: skip
    assert (
        r.status == 200
        and r.body["waived"]["costs"] == "15.00"
        and r.body["open"]["costs"] == "25.00"
    )
    too_much = a.call("POST", "/v1/clients/C1/invoices/F1/waive", {"component": "costs", "amount": "99.00", "reason": "x" * 5})  # fmt: skip
    assert too_much.status == 422
    bad = a.call("POST", "/v1/clients/C1/invoices/F1/waive", {"component": "principal", "amount": "1.00", "reason": "nope"})  # fmt: skip
    assert bad.status == 422
    off = a.call("POST", "/v1/clients/C1/invoices/F1/write-off", {"reason": "debtor emigrated"})
    assert off.status == 200 and off.body["open"]["total"] == "0.00"
    assert (
        off.body["written_off"]["principal"] == "121.00"
        and off.body["written_off"]["costs"] == "25.00"
    )
    assert a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "withdrawn"
    log = [x["summary"] for x in a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]]
    assert any("settled for less" in s for s in log) and any("debtor emigrated" in s for s in log)
    assert (
        a.call("POST", "/v1/clients/C1/invoices/F1/write-off", {"reason": "again!"}).status == 422
    )
    assert (
        world.agency_b.call(
            "POST", "/v1/clients/C1/invoices/F2/write-off", {"reason": "hostile"}
        ).status
        == 404
    )


# -- Mollie and the portal ---------------------------------------------------------------------------
def deliver(world):
    online = world.services.online_payments
    return [
        online.process(json.loads(j.body)["id"])
        for j in world.services.messaging.queues.take("mollie-webhook")
    ]


def paid_online(world, c1, numbers=("F1",)):
    online = world.services.online_payments
    started = online.start(c1, "D1", list(numbers), "https://x/return")
    online.simulation.settle(started.payment_id, "paid")
    assert online.webhook(started.payment_id)
    assert deliver(world) == ["paid"]
    return started.payment_id


def test_mollie_asks_and_books_the_whole_claim(ledger):
    world, c1, _ = ledger
    owed = claim(world, "F1")["open"]
    payment_id = paid_online(world, c1)
    assert world.services.online_payments.simulation.get_payment(payment_id).amount == cents(
        owed["total"]
    )
    after = claim(world, "F1")
    assert after["open"]["total"] == "0.00" and after["paid"]["costs"] == owed["costs"]
    assert after["paid"]["interest"] == owed["interest"]


def test_after_a_refund_later_webhooks_never_book_the_payment_again(ledger):
    world, c1, _ = ledger
    before = claim(world, "F1")["open"]
    payment_id = paid_online(world, c1)
    online = world.services.online_payments
    online.simulation.settle(payment_id, "refunded")
    online.webhook(payment_id)
    assert deliver(world) == ["refund"]
    logs = len(world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"])
    for _ in range(3):
        online.webhook(payment_id)
    assert deliver(world) == ["refund"] * 3
    assert len(received_logs(world)) == 1
    assert (
        len(world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts").body["items"]) == logs
    )
    assert claim(world, "F1")["open"] == before
    assert world.agency_a.call("GET", "/v1/clients/C1/invoices/F1").body["status"] == "open"


def test_chargebacks_are_counted_apart_from_refunds(ledger):
    world, c1, _ = ledger
    online = world.services.online_payments
    first = paid_online(world, c1, ("F1",))
    online.simulation.settle(first, "charged_back")
    online.webhook(first)
    assert deliver(world) == ["chargeback"]
    assert online.chargebacks_this_year(c1.client_id, "D1") == 1
    assert online.refunds_this_year(c1.client_id, "D1") == 0
    second = paid_online(world, c1, ("F2",))
    online.simulation.settle(second, "refunded")
    online.webhook(second)
    assert deliver(world) == ["refund"]
    debtor = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1").body
    assert debtor["refunds_this_year"] == 1 and debtor["chargebacks_this_year"] == 1


def test_the_14_day_letter_states_the_costs_the_ledger_will_charge(ledger):
    """F2 has no letter yet: the letter announces what its term's expiry will make owed, with
    the client's VAT and minimum, the same figure the claim shows once the term is over."""
    world, c1, _ = ledger
    dunning = world.services.dunning
    debtor = world.services.repos.debtors.get(c1.client_id, "D1")[0]
    f2 = world.services.repos.invoices.get(c1.client_id, "F2").invoice
    owed_from = date(2025, 4, 7)
    letter = dunning.context(c1, debtor, [f2], date(2025, 3, 20), announce_costs_from=owed_from)
    assert letter.costs == 4_000
    stingy = replace(c1, costs_minimum_principal=10_000)  # no costs below EUR 100
    assert (
        dunning.context(
            stingy, debtor, [f2], date(2025, 3, 20), announce_costs_from=owed_from
        ).costs
        == 0
    )
    vat = replace(c1, vat_deductible=False)
    assert (
        dunning.context(vat, debtor, [f2], date(2025, 3, 20), announce_costs_from=owed_from).costs
        == 4_840
    )
