"""A rate table's restatement on its queue under faults (rates10): a worker that dies midway
through a client's debtors is finished by the message's retry; under seeded storage faults
every claim ends restated exactly as without faults (each the 9.23 interest of
tests/unit/ledger/test_rate_table_restatement.py), no payment's money lost or doubled, and a
message that fails every time is on the client's action list.

Four debtors of one client, each consumer 1,000.00 due 31-5-2026 and 300.00 paid 1-9-2026 on
the table without a 2026-07-01 row (10.08 interest); 3.50 % from 1-7-2026 put in force on
1-12-2026 gives 9.23 each."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.law.interest_rates import rate_table_csv
from shared.domain.people.audit import Event
from shared.domain.records import PaymentSource
from tests.faults.checks import all_actions, listed_scopes
from tests.faults.figures import FIGURES
from tests.faults.world import FaultWorld, build
from tests.support.faults import SimulatedCrash
from tests.support.rate_tables import table_before_july_2026
from tests.unit.api.conftest import client_row, debtor_row, invoice_row

# written for the shipped table that ended at 2026-01-01 (tests/support/rate_tables.py)
pytestmark = pytest.mark.usefixtures("shipped_before_july_2026")

DEBTORS = 4
NEWER = rate_table_csv(table_before_july_2026()) + "2026-07-01,3.50,9.65\n"
UPLOAD = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _booked(world: FaultWorld) -> None:
    a = world.api
    world.clock.at = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors",
           {"items": [debtor_row(f"D{i}") for i in range(DEBTORS)]})  # fmt: skip
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        f"F{i}", f"D{i}", amount="1000.00", invoice_date="2026-05-01", due_date="2026-05-31")
        for i in range(DEBTORS)]})  # fmt: skip
    assert a.key is not None
    principal = world.services.access.authenticate(a.key)
    assert principal is not None
    client = world.services.access.client_for(principal, "C1")
    world.clock.at = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
    for i in range(DEBTORS):
        world.services.payments.book(client, payment_id=f"p{i}", amount=30_000,
                                     received_on=date(2026, 9, 1), source=PaymentSource.BANK,
                                     invoice_numbers=[f"F{i}"])  # fmt: skip


def _paid_interest(world: FaultWorld) -> list[str]:
    return [
        world.api.call("GET", f"/v1/clients/C1/invoices/F{i}/claim", on="2026-09-01").body["paid"][
            "interest"
        ]
        for i in range(DEBTORS)
    ]


def _allocated(world: FaultWorld) -> int:
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    assert client_id is not None
    rows = [world.services.repos.payments.get(client_id, f"p{i}") for i in range(DEBTORS)]
    return sum(x.amount for r in rows if r is not None for x in r.allocations)


def test_a_worker_that_dies_midway_is_finished_by_the_retry():
    world = build(seed=0, rate=0.0)
    _booked(world)
    assert _paid_interest(world) == ["10.08"] * DEBTORS
    writes = iter(range(100))
    # the worker dies right after the second debtor's claims are written
    world.plan.rule(lambda op, t: op == "transact" and t == "Ledger" and next(writes) == 1,
                    "crash_after")  # fmt: skip
    world.plan.enabled = True
    world.clock.at = UPLOAD
    assert world.services.statutory_rates.upload(NEWER.encode(), author="t").clients_queued == 1
    world.host.run_until(UPLOAD + timedelta(minutes=5))
    assert world.plan.injected["crash_after"] == 1
    assert world.host.figures.failures == 1  # the first delivery; its retry finished the rest
    assert _paid_interest(world) == ["9.23"] * DEBTORS
    world.host.run_until(UPLOAD + timedelta(minutes=30))  # the second pass changes nothing
    assert _paid_interest(world) == ["9.23"] * DEBTORS
    assert _allocated(world) == DEBTORS * 30_000
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    audit = world.services.people.kit.people.audit.between(f"client:{client_id}", "0", "z")
    passes = [e.detail["restatement"] for e in audit if e.event is Event.STATUTORY_RATES_CHANGED]
    assert passes == ["first pass"]  # the retry wrote it; the second pass found nothing
    assert not world.host.pending


@pytest.mark.parametrize("seed", range(4))
def test_under_storage_faults_every_claim_ends_restated_once(seed):
    world = build(seed=seed, rate=0.15)
    _booked(world)
    world.plan.enabled = True
    world.clock.at = UPLOAD
    for _ in range(5):  # the operator uploads again until the upload answers (or its process died)
        try:
            world.services.statutory_rates.upload(NEWER.encode(), author="t")
            break
        except (Exception, SimulatedCrash):
            continue
    world.host.run_until(UPLOAD + timedelta(hours=2))
    world.plan.enabled = False
    FIGURES["faults injected"] += world.plan.total
    FIGURES["handler invocations"] += world.host.figures.invocations
    FIGURES["failed invocations"] += world.host.figures.failures
    poisoned = world.host.poisoned["rate-restatement"]
    FIGURES["poison messages"] += poisoned
    items = [i for i in all_actions(world) if i.kind == "poison"]
    assert all(i.client_id in listed_scopes(world) for i in items)
    if poisoned:  # set aside: on the client's list, and its replay finishes the restatement
        for item in items:
            world.services.poison.replay(item.client_id, item.action_id, "ops")
        world.host.run_until(UPLOAD + timedelta(hours=4))
    assert _paid_interest(world) == ["9.23"] * DEBTORS
    assert _allocated(world) == DEBTORS * 30_000


def test_the_audit_of_a_pass_cut_off_midway_counts_every_claim_it_restated():
    """failure11 F8: a worker dying after the second debtor's ledger write left the retry to
    finish; the client's one audit entry said 2 claims restated for the 4 the table changed
    (the retry counted only its own), the record of what the rate table did."""
    world = build(seed=0, rate=0.0)
    _booked(world)
    writes = iter(range(100))
    world.plan.rule(
        lambda op, t: op == "transact" and t == "Ledger" and next(writes) == 1, "crash_after"
    )
    world.plan.enabled = True
    world.clock.at = UPLOAD
    world.services.statutory_rates.upload(NEWER.encode(), author="t")
    world.host.run_until(UPLOAD + timedelta(minutes=30))
    assert _paid_interest(world) == ["9.23"] * DEBTORS
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    audit = world.services.people.kit.people.audit.between(f"client:{client_id}", "0", "z")
    passes = [
        (e.detail["restatement"], e.detail["claims_restated"])
        for e in audit
        if e.event is Event.STATUTORY_RATES_CHANGED
    ]
    assert passes == [("first pass", str(DEBTORS))]
