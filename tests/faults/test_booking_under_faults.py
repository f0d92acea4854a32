"""A statement booking and Mollie webhooks replayed under seeded storage faults, with the
host's retries and poison: every line booked once or on the action list (never both), the sum
of allocations equals the sum of payments, what an invoice shows as paid equals what was
allocated to it."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta

import pytest

from shared.domain.statements.mt940_writer import OutLine, write_mt940
from shared.ports.tables import all_rows
from tests.faults.checks import all_actions, listed_scopes
from tests.faults.crashes import replay_poison
from tests.faults.figures import FIGURES
from tests.faults.harness import MAX_DEQUEUE
from tests.faults.world import FaultWorld, build
from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import (
    client_iban,
    client_row,
    debtor_row,
    invoice_row,
    verify_ibans,
)

ACCOUNT = client_iban("C1")
PAYER = "NL02RABO0123456789"


def ledger(world: FaultWorld, invoices: int = 8) -> list[str]:
    a = world.api
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    verify_ibans(a, "C1")
    a.call(
        "POST",
        "/v1/clients/C1/debtors",
        {"items": [debtor_row(f"D{i}", name=f"Debtor {i}") for i in range(invoices)]},
    )
    rows = [invoice_row(f"F{i}", f"D{i}", amount=f"{100 + i}.00") for i in range(invoices)]
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["created"] == invoices
    return [
        a.call("GET", f"/v1/clients/C1/invoices/F{i}").body["payment_reference"]
        for i in range(invoices)
    ]


def statement(references: list[str]) -> bytes:
    lines = [OutLine(date(2025, 3, 3), (100 + i) * 100, "", counterparty_iban=PAYER,
                     counterparty_name=f"Debtor {i}", reference=ref, end_to_end_id=f"E{i}")
             for i, ref in enumerate(references)]  # fmt: skip
    lines.append(
        OutLine(
            date(2025, 3, 3),
            4_321,
            "gift, no invoice",
            counterparty_iban=PAYER,
            counterparty_name="X",
        )
    )
    lines.append(
        OutLine(
            date(2025, 3, 3),
            9_999,
            "unknown",
            counterparty_iban="NL91ABNA0417164300",
            counterparty_name="Y",
        )
    )
    return write_mt940(
        ACCOUNT, lines, opening=0, opening_date=date(2025, 3, 3), statement_id="S1"
    ).encode()


def ingest_as_the_host_would(world: FaultWorld, name: str, data: bytes) -> bool:
    """The blob trigger: up to five tries, then the blob trigger's poison queue."""
    for _ in range(MAX_DEQUEUE):
        try:
            with world.services.poison.watch("blob-trigger", f"statements/{name}".encode()):
                world.services.statements.ingest(name, data)
            return True
        except (Exception, SimulatedCrash):
            continue
    message = {"Type": "BlobTrigger", "FunctionId": "Host.Functions.ingest_statement",
               "ContainerName": "statements", "BlobName": name, "ETag": "1"}  # fmt: skip
    world.host.sender.send("webjobs-blobtrigger-poison", json.dumps(message))
    world.host.figures.poisoned += 1
    return False


def check_ledger(world: FaultWorld, credit_lines: int, known: str = "") -> None:
    """``known``: a known defect this run may hit; its figures are counted apart."""
    store = world.store
    payments = [r for r in all_rows(store, "Payments")]
    booked = Counter(str(r.data.get("ExternalId")) for r in payments if r.data.get("ExternalId"))
    actions = all_actions(world)
    listed = Counter(str(a.detail.get("line_id")) for a in actions if a.detail.get("line_id"))
    both = set(booked) & set(listed)
    twice = {k: v for k, v in booked.items() if v > 1} | {k: v for k, v in listed.items() if v > 1}
    lines = list(all_rows(store, "StatementLines"))
    credits = [r for r in lines if int(r.data.get("Amount", 0)) > 0]
    lost = [r.rk for r in credits if r.rk not in booked and r.rk not in listed]
    poison = [a for a in actions if a.kind == "poison"]
    unlisted = [a for a in poison if a.client_id not in listed_scopes(world)]
    svc = world.services
    client = next(iter(svc.repos.clients.all()))
    stored = svc.repos.payments.list(client.client_id, page_size=1000)[0]
    paid = sum(p.amount - p.unallocated for p in stored if not p.reversed)
    allocated = sum(a.amount for p in stored if not p.reversed for a in p.allocations)
    # the invoice shows the principal paid; costs and interest live in the claim ledger
    per_invoice: Counter[str] = Counter()
    for p in stored:
        if not p.reversed:
            for a in p.allocations:
                if a.component == "principal":
                    per_invoice[a.invoice_number] += a.amount
    found = {n: svc.repos.invoices.get(client.client_id, n) for n in per_invoice}
    shown = {n: f.invoice for n, f in found.items() if f is not None}
    mismatched = {n: (i.amount - i.open_amount, per_invoice[n]) for n, i in shown.items()
                  if i.amount - i.open_amount != per_invoice[n]}  # fmt: skip
    FIGURES["lines booked"] += len(booked)
    FIGURES["lines on the action list"] += len(listed)
    FIGURES["booked twice" + known] += sum(v - 1 for v in twice.values()) + len(both)
    FIGURES["items lost"] += len(lost)
    FIGURES["poison items on a listed action list"] += len(poison) - len(unlisted)
    FIGURES["poison items unlisted"] += len(unlisted)
    FIGURES["faults injected"] += world.plan.total
    assert len(credits) == credit_lines or lost == []
    assert both == set(), f"booked and on the action list: {sorted(both)}"
    assert twice == {}
    assert lost == []
    assert unlisted == []
    assert paid == allocated
    assert mismatched == {}
    FIGURES["messages left leased"] += len(world.host.pending)
    assert world.host.pending == []


def run_statement(seed: int, rate: float) -> FaultWorld:
    world = build(seed, rate)
    references = ledger(world)
    data = statement(references)
    world.files.put("statements", "agency-a/day.sta", data)
    world.plan.enabled = True
    ingest_as_the_host_would(world, "agency-a/day.sta", data)
    world.plan.enabled = False
    world.host.run_until(world.clock.now())  # the poison drain
    for item in [a for a in all_actions(world) if a.kind == "poison"]:
        world.services.poison.replay(item.client_id, item.action_id, "operator")
        ingest_as_the_host_would(world, "agency-a/day.sta", data)  # the blob announced again
    FIGURES["runs replayed"] += 1
    FIGURES["poison messages"] += world.host.figures.poisoned
    return world


# seeds 11, 14 and 15 hit #12 item 4 (a line booked, its settlement lost) before it was fixed
SEEDS = [11, 12, 13, 14, 15, 16]


@pytest.mark.parametrize("seed", SEEDS)
def test_a_statement_booking_under_random_faults(seed):
    world = run_statement(seed, 0.04)
    check_ledger(world, credit_lines=10)


def test_a_line_booked_just_before_a_fault_is_not_booked_again_nor_listed():
    world = build(0, 0.0)
    references = ledger(world)
    data = statement(references)
    # the first line's settlement fails right after its payment was booked
    world.plan.rule(lambda op, table: op == "upsert" and table == "StatementLines", "reset")
    world.plan.enabled = True
    ingest_as_the_host_would(world, "agency-a/day.sta", data)
    world.plan.enabled = False
    check_ledger(world, credit_lines=10)


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_mollie_webhooks_under_faults_book_each_payment_once(seed):
    world = build(seed, 0.05)
    a = world.api
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1"), debtor_row("D2")]})
    rows = [
        invoice_row("F1", "D1"),
        invoice_row("F2", "D1", amount="50.00"),
        invoice_row("F3", "D2"),
    ]
    a.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    svc = world.services
    client = next(iter(svc.repos.clients.all()))
    online = svc.online_payments
    started = [online.start(client, "D1", ["F1", "F2"], "https://x.example/back"),
               online.start(client, "D2", ["F3"], "https://x.example/back")]  # fmt: skip
    for payment in started:
        online.settle_simulated(payment.payment_id, "paid")
        for _ in range(2):  # Mollie calls again when it likes
            online.webhook(payment.payment_id)
    world.plan.enabled = True
    world.host.run_until(world.clock.now() + timedelta(hours=2))
    world.plan.enabled = False
    world.host.run_until(world.clock.now() + timedelta(hours=1))
    replay_poison(world)
    FIGURES["runs replayed"] += 1
    FIGURES["handler invocations"] += world.host.figures.invocations
    FIGURES["failed invocations"] += world.host.figures.failures
    FIGURES["poison messages"] += world.host.figures.poisoned
    check_ledger(world, credit_lines=0)
    statuses = {
        n: a.call("GET", f"/v1/clients/C1/invoices/{n}").body["status"] for n in ("F1", "F2", "F3")
    }
    assert statuses == {"F1": "paid", "F2": "paid", "F3": "paid"}
    booked = [p for p in svc.repos.payments.list(client.client_id)[0] if not p.reversed]
    assert sorted(p.payment_id for p in booked) == sorted(f"mollie-{p.payment_id}" for p in started)
