"""A half-year's statutory rate put in force late restates the interest both ways (law9 F4).

Consumer F1 1,000.00 due 31-5-2026 (no 14-day letter, no costs), 300.00 paid 1-9-2026 while
the table in force had no 2026-07-01 row. Stale table: 92 d x 4 % = 10.08 interest, principal
289.92, open 710.08. Put in force on 1-12-2026 with 3.50 % from 1-7 (the hypothetical row of
test_statutory_rates.py): 30 d x 4 % (3.29) + 62 d x 3.5 % (5.95) = 9.23, so the payment pays
principal 290.77 and 709.23 is open; with 5.00 %: 3.29 + 8.49 = 11.78, open 711.78."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.law.interest_rates import rate_table_csv
from shared.domain.people.audit import Event
from shared.domain.records import PaymentSource
from tests.support.rate_tables import table_before_july_2026
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row

# written for the shipped table that ended at 2026-01-01 (tests/support/rate_tables.py)
pytestmark = pytest.mark.usefixtures("shipped_before_july_2026")


def _booked(world: World) -> None:
    a = world.agency_a
    world.clock.at = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    a.call("POST", "/v1/clients/C1/invoices", {"items": [invoice_row(
        "F1", "D1", amount="1000.00", invoice_date="2026-05-01", due_date="2026-05-31")]})  # fmt: skip
    assert a.key is not None
    principal = world.services.access.authenticate(a.key)
    assert principal is not None
    client = world.services.access.client_for(principal, "C1")
    world.clock.at = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
    world.services.payments.book(client, payment_id="p1", amount=30_000,
                                 received_on=date(2026, 9, 1), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip


def deliver(world: World, *, later: bool = False) -> int:
    """What the host does with the rate-restatement queue: each message visible now (with
    ``later``, also the delayed second passes) handed to the queue function's body; the number
    handed over."""
    from shared.services.queue_jobs import restate_client_rates
    from shared.services.rate_restatement import RESTATE_QUEUE

    queues = world.services.queues
    handed = 0
    for message in queues.take(RESTATE_QUEUE):  # type: ignore[attr-defined]
        if message.delay_seconds and not later:
            queues.sent.append(message)  # type: ignore[attr-defined]
            continue
        restate_client_rates(world.services, message.body.encode())
        handed += 1
    return handed


def _put_in_force(world: World, consumer: str, commercial: str) -> None:
    world.clock.at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    csv = rate_table_csv(table_before_july_2026()) + f"2026-07-01,{consumer},{commercial}\n"
    world.services.statutory_rates.upload(csv.encode(), author="test")
    assert deliver(world) == 1  # C1's first pass


def _claim(world: World, on: str) -> dict[str, dict[str, str]]:
    body = world.agency_a.call("GET", "/v1/clients/C1/invoices/F1/claim", on=on).body
    return {k: body[k] for k in ("paid", "open", "credited")}


def test_a_lower_rate_put_in_force_late_lowers_the_interest_the_payment_paid(world):
    _booked(world)
    stale = _claim(world, "2026-09-01")
    assert (stale["paid"]["interest"], stale["open"]["principal"]) == ("10.08", "710.08")
    _put_in_force(world, "3.50", "9.65")
    claim = _claim(world, "2026-09-01")
    assert claim["paid"]["interest"] == "9.23"
    assert claim["paid"]["principal"] == "290.77"
    assert claim["open"]["principal"] == "709.23"
    assert claim["open"]["total"] == "709.23"
    assert claim["credited"]["interest"] == "0.00"  # lowered, not a credit note
    # later: 709.23 x 3.5 % x 91/365 (1-9..30-11) = 6.19, the 0.85 not lost on the way
    later = _claim(world, "2026-12-01")
    assert (later["open"]["principal"], later["open"]["interest"]) == ("709.23", "6.19")
    row = world.services.repos.payments.get(
        world.services.repos.clients.ids_for_numbers("agency-a", ["C1"])["C1"], "p1"
    )
    assert row is not None  # the payment's row follows the ledger
    assert sorted((x.component, x.amount) for x in row.allocations) == [
        ("interest", 923),
        ("principal", 29_077),
    ]
    audit = world.services.people.kit.people.audit
    events = [e for e in audit.between("agency:agency-a", "0", "z")
              if e.event is Event.STATUTORY_RATES_CHANGED]  # fmt: skip
    assert [(e.detail["differs_from"], e.detail["clients_queued"]) for e in events] == [
        ("2026-07-01", "1")
    ]
    client_id = world.services.repos.clients.id_for_number("agency-a", "C1")
    events = [e for e in audit.between(f"client:{client_id}", "0", "z")
              if e.event is Event.STATUTORY_RATES_CHANGED]  # fmt: skip
    assert [(e.detail["claims_restated"], e.detail["restatement"]) for e in events] == [
        ("1", "first pass")
    ]


def test_a_higher_rate_put_in_force_late_raises_it(world):
    _booked(world)
    _put_in_force(world, "5.00", "11.15")
    claim = _claim(world, "2026-09-01")
    assert (claim["paid"]["interest"], claim["paid"]["principal"]) == ("11.78", "288.22")
    assert claim["open"]["total"] == "711.78"


def test_the_same_table_again_changes_nothing(world):
    _booked(world)
    _put_in_force(world, "3.50", "9.65")
    world.clock.at = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    csv = rate_table_csv(table_before_july_2026()) + "2026-07-01,3.50,9.65\n"
    assert world.services.statutory_rates.upload(csv.encode(), author="test").clients_queued == 1
    deliver(world)
    claim = _claim(world, "2026-12-01")
    assert (claim["open"]["principal"], claim["open"]["interest"]) == ("709.23", "6.19")


def test_uploading_it_again_finishes_a_restatement_cut_short(world):
    """The table stored but its restatement never queued (the process died after the blob
    was written): the same file uploaded again queues the claims from the version before."""
    from shared.services.rates import StatutoryRates

    _booked(world)
    world.clock.at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    csv = rate_table_csv(table_before_july_2026()) + "2026-07-01,3.50,9.65\n"
    cut_short = StatutoryRates(world.services.files, world.services.repos, world.clock)
    cut_short.upload(csv.encode(), author="test")
    world.clock.at = datetime(2026, 12, 1, 9, 15, tzinfo=UTC)  # every cache read it again
    assert _claim(world, "2026-09-01")["paid"]["interest"] == "10.08"
    world.services.statutory_rates.upload(csv.encode(), author="test")
    assert deliver(world) == 1
    claim = _claim(world, "2026-09-01")
    assert (claim["paid"]["interest"], claim["open"]["principal"]) == ("9.23", "709.23")
