"""The daily installment run and the settlement run replayed under seeded storage faults.

Installments: every reminder due is sent exactly once (possibly late, never twice), every
payment reaches its plan (no plan keeps a stale figure once the storage is calm), the sum of
allocations equals the sum of payments, every poison item is on a listed list.
Settlement: every payment is paid out in exactly one settlement, every statement balances
(payouts, fees and the agency's share add up to what was received), no run stays half built.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.adapters.tables.keys import encode
from shared.adapters.tables.settlement_repo import SETTLED_PAYMENTS
from shared.domain.parties import Agency
from shared.domain.plans.plan import RUNNING
from shared.domain.records import PaymentSource
from shared.domain.settlement.agreement import Frequency, SettlementAgreement
from shared.domain.settlement.records import RunStatus
from shared.ports.tables import all_rows
from tests.faults.checks import all_actions, listed_scopes
from tests.faults.figures import FIGURES
from tests.faults.world import FaultWorld, build
from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.settlement.conftest import PAYOUT_C1, THIRD_PARTY, payment

PLANS = 6
FAULT_DAYS = 70
CALM_DAYS = 40
START = datetime(2026, 1, 5, 5, 0, tzinfo=UTC)


def _plans(world: FaultWorld) -> list[str]:
    a = world.api
    world.clock.at = START
    a.call("POST", "/v1/clients", {"items": [client_row("C1", charge_interest=False)]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row(f"D{i}") for i in range(PLANS)]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row(f"F{i}", f"D{i}", amount="300.00", due_date="2025-12-01") for i in range(PLANS)
    ]})  # fmt: skip
    ids = []
    for i in range(PLANS):
        made = a.call("POST", "/v1/clients/C1/plans", {
            "debtor": f"D{i}", "invoices": [f"F{i}"], "start": "2026-01-20", "installments": 3,
        })  # fmt: skip
        assert made.status == 201, made.body
        assert a.call("POST", f"/v1/clients/C1/plans/{made.body['plan_id']}/activate").status == 200
        ids.append(made.body["plan_id"])
    world.host.run_until(world.clock.now())  # the agreements go out before the faults
    return ids


def simulate_plans(seed: int, rate: float) -> tuple[FaultWorld, list[str]]:
    world = build(seed, rate)
    ids = _plans(world)
    client = next(iter(world.services.repos.clients.all()))
    world.plan.enabled = rate > 0
    for n in range(FAULT_DAYS + CALM_DAYS):
        if n == FAULT_DAYS:
            world.plan.enabled = False
        world.clock.at = START.replace(hour=5) + timedelta(days=n)
        world.host.timer(world.services.plans.fan_out)
        world.host.run_until(world.clock.now().replace(hour=12))
        today = world.clock.now().date()
        # the even debtors pay each installment on its due date (the booking may fail under
        # faults: the bank line is then booked again the next day, idempotently by its id)
        if today.day == 20 and n < FAULT_DAYS:
            for i in range(0, PLANS, 2):
                pid = f"bank-{i}-{today.isoformat()}"
                for attempt in range(20):
                    try:
                        world.services.payments.book(
                            client, payment_id=pid, amount=10_000, received_on=today,
                            source=PaymentSource.BANK, invoice_numbers=[f"F{i}"],
                        )  # fmt: skip
                        break
                    except (Exception, SimulatedCrash):
                        if attempt == 19:
                            raise
        world.host.run_until(world.clock.now().replace(hour=22))
    world.host.run_until(world.clock.now() + timedelta(days=3))
    return world, ids


def _reminders(world: FaultWorld, ids: list[str]) -> Counter[tuple[int, str]]:
    """(debtor index, installment and date) of every reminder really sent: plan ids differ
    between worlds, the debtors and dates do not."""
    out: Counter[tuple[int, str]] = Counter()
    for _, key, _ in world.channel.sends:
        if "|remind|" in key:
            _, plan_id, _, installment = key.split("|", 3)
            out[(ids.index(plan_id), installment)] += 1
    return out


@pytest.fixture(scope="module")
def calm_plans():
    world, ids = simulate_plans(0, 0.0)
    sent = _reminders(world, ids)
    assert sent and max(sent.values()) == 1
    return set(sent)


@pytest.mark.parametrize("seed", [31, 32, 33])
def test_the_installment_run_under_faults(calm_plans, seed):
    world, ids = simulate_plans(seed, 0.03)
    sent = _reminders(world, ids)
    twice = {k: v for k, v in sent.items() if v > 1}
    services = world.services
    client = next(iter(services.repos.clients.all()))
    actions = all_actions(world)
    listed_debtors = {a.debtor_number for a in actions}
    lost = [k for k in calm_plans - set(sent) if f"D{k[0]}" not in listed_debtors]
    stale = []
    for plan_id in ids:
        plan = services.plans.get(client, plan_id)
        paid = services.plans.money.paid_towards(
            client, plan.debtor_number, list(plan.invoice_numbers), plan.start
        )
        watched = plan.status in RUNNING or plan.status.value == "completed"
        if watched and plan.paid != paid:
            stale.append((plan_id, plan.paid, paid))
    payments = services.repos.payments.list(client.client_id, page_size=1000)[0]
    paid_total = sum(p.amount - p.unallocated for p in payments if not p.reversed)
    allocated = sum(a.amount for p in payments if not p.reversed for a in p.allocations)
    poison = [a for a in actions if a.kind == "poison"]
    unlisted = [a for a in poison if a.client_id not in listed_scopes(world)]
    FIGURES["faults injected"] += world.plan.total
    FIGURES["runs replayed"] += FAULT_DAYS + CALM_DAYS
    FIGURES["handler invocations"] += world.host.figures.invocations
    FIGURES["failed invocations"] += world.host.figures.failures
    FIGURES["poison messages"] += world.host.figures.poisoned
    FIGURES["installment reminders sent"] += sum(sent.values())
    FIGURES["sent twice"] += sum(v - 1 for v in twice.values())
    FIGURES["items lost"] += len(lost) + len(stale)
    FIGURES["poison items unlisted"] += len(unlisted)
    assert twice == {}
    assert lost == []
    assert stale == []
    assert paid_total == allocated
    assert unlisted == []


def _settlement_world(seed: int, rate: float) -> FaultWorld:
    world = build(seed, rate)
    services = world.services
    services.repos.agencies.save(Agency("agency-a", "A", THIRD_PARTY))
    world.api.call("POST", "/v1/clients", {"items": [client_row("C1"), client_row("C2")]})
    for client in services.repos.clients.all():
        services.settlements.store.save_agreement(SettlementAgreement(
            client.client_id, "agency-a", PAYOUT_C1, f"{client.name} BV",
            frequency=Frequency.DAILY, commission_bp=1000,
        ))  # fmt: skip
    return world


@pytest.mark.parametrize("seed", [41, 42, 43])
def test_the_settlement_run_under_faults(seed):
    world = _settlement_world(seed, 0.04)
    services = world.services
    clients = list(services.repos.clients.all())
    start = date(2026, 11, 2)
    paid: list[tuple[str, str]] = []
    world.plan.enabled = True
    for n in range(20):
        if n == 12:
            world.plan.enabled = False
        day = start + timedelta(days=n)
        world.clock.at = datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)
        if n < 10:  # payments arrive (written without faults: they are the input)
            world.plan.enabled = False
            for c in clients:
                pid = f"p-{c.number}-{n}"
                services.repos.payments.add(payment(c.client_id, pid, day - timedelta(days=1)))
                paid.append((c.client_id, pid))
            world.plan.enabled = n < 12
        world.host.timer(services.settlement_runs.fan_out)
        world.host.run_until(world.clock.now() + timedelta(hours=6))
    world.host.run_until(world.clock.now() + timedelta(days=2))
    store = world.store
    claims = Counter((r.pk, r.rk) for r in all_rows(store, SETTLED_PAYMENTS))
    unsettled = [p for c, p in paid if (encode(c), p) not in claims]
    runs = services.settlements.store.runs("agency-a")
    half_built = [r.run_id for r in runs if r.status is RunStatus.BUILDING]
    unbalanced = []
    received = 0
    for r in runs:
        for s in services.settlements.store.settlements_of_run("agency-a", r.run_id):
            if s.totals is not None:
                received += s.totals.received
                if not s.totals.balanced:
                    unbalanced.append(s.settlement_id)
    stored = [services.repos.payments.get(c, p) for c, p in paid]
    expected = sum(a.amount for p in stored if p is not None for a in p.allocations)
    actions = all_actions(world)
    unlisted = [
        a for a in actions if a.kind == "poison" and a.client_id not in listed_scopes(world)
    ]
    FIGURES["faults injected"] += world.plan.total
    FIGURES["runs replayed"] += 20
    FIGURES["settled twice"] += sum(v - 1 for v in claims.values())
    FIGURES["items lost"] += len(unsettled)
    FIGURES["poison items unlisted"] += len(unlisted)
    assert max(claims.values()) == 1
    assert unsettled == [], unsettled
    assert half_built == []
    assert unbalanced == []
    assert received == expected  # every euro received is on exactly one statement
    assert unlisted == []
