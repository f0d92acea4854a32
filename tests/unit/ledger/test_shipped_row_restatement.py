"""A rate row shipped in the code (a deploy) restates the claims booked on the table before, as
an upload does (newcomer14b #1). rates14 shipped 2026-07-01 at 4 % / 10.40 %; B2B F1 1,000.00
due 31-5-2026 had 300.00 booked on 1-9-2026 at the old table's 10.15 %: 93 days, 25.86 interest
and 274.14 principal. With the row in force the payment pays 1,000.00 x (30 x 10.15 % + 63 x
10.40 %) / 365 = 26.29 interest and 273.71 principal, the interest F2 (no payment) shows to 1-9."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.law.interest_rates import RateTable, parse_rate_table, rate_table_csv
from shared.domain.records import PaymentSource
from shared.services.rate_restatement import RESTATE_QUEUE
from shared.services.rates import IN_FORCE, RESTATED_TABLE
from tests.support.code_scan import ROOT
from tests.unit.api.conftest import World, client_row, debtor_row, invoice_row
from tests.unit.ledger.test_rate_table_restatement import deliver

pytestmark = pytest.mark.usefixtures("shipped_before_july_2026")


def _shipped_now() -> RateTable:
    text = (ROOT / "shared" / "domain" / "law" / "statutory_rates.csv").read_text(encoding="utf-8")
    return parse_rate_table(text.splitlines())


def _booked(world: World) -> None:
    a = world.agency_a
    world.clock.at = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    a.call("POST", "/v1/clients/C1/debtors",
           {"items": [debtor_row("D1", kind="b2b"), debtor_row("D2", kind="b2b")]})  # fmt: skip
    a.call("POST", "/v1/clients/C1/invoices", {"items": [
        invoice_row("F1", "D1", amount="1000.00", invoice_date="2026-05-01", due_date="2026-05-31"),
        invoice_row("F2", "D2", amount="1000.00", invoice_date="2026-05-01", due_date="2026-05-31"),
    ]})  # fmt: skip
    assert a.key is not None
    principal = world.services.access.authenticate(a.key)
    assert principal is not None
    client = world.services.access.client_for(principal, "C1")
    world.clock.at = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
    world.services.payments.book(client, payment_id="p1", amount=30_000,
                                 received_on=date(2026, 9, 1), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip


def _paid(world: World, number: str = "F1") -> tuple[str, str]:
    body = world.agency_a.call("GET", f"/v1/clients/C1/invoices/{number}/claim",
                               on="2026-09-01").body  # fmt: skip
    return body["paid"]["interest"], body["paid"]["principal"]


def _deploy(world: World) -> None:
    """A new release: its workers start with the newer shipped table."""
    rates = world.services.statutory_rates
    assert _shipped_now().newest.effective_from == date(2026, 7, 1)
    rates.shipped = _shipped_now()
    rates._cached = None
    world.clock.at = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


def test_the_daily_run_after_the_deploy_restates_the_claims_booked_on_the_old_row(world):
    _booked(world)
    assert _paid(world) == ("25.86", "274.14")
    _deploy(world)
    assert world.services.statutory_rates.settle() == 1  # one client, one message
    assert deliver(world) == 1
    assert _paid(world) == ("26.29", "273.71")
    f2 = world.agency_a.call("GET", "/v1/clients/C1/invoices/F2/claim", on="2026-09-01").body
    assert f2["interest"] == "26.29"  # the same days at the same rates, without a payment
    # once: the next day's run finds the table remembered, and queues nothing
    assert world.services.statutory_rates.settle() == 0
    assert deliver(world) == 0


def test_a_table_remembered_before_the_deploy_is_the_one_restated_from(world):
    _booked(world)
    rates = world.services.statutory_rates
    assert rates.settle() == 0  # the old release's daily run: its table is the one remembered
    assert len(world.store.query(RESTATED_TABLE, pk=IN_FORCE).rows) == 1
    _deploy(world)
    assert rates.settle() == 1
    deliver(world)
    assert _paid(world) == ("26.29", "273.71")


def test_the_operators_upload_of_the_shipped_table_restates_when_the_run_did_not_yet(world):
    _booked(world)
    _deploy(world)
    answer = world.services.statutory_rates.upload(
        rate_table_csv(_shipped_now()).encode(), author="operator"
    )
    assert (answer.version, answer.clients_queued) == ("shipped", 1)
    deliver(world)
    assert _paid(world) == ("26.29", "273.71")
    # the daily run after it has nothing left to restate
    assert world.services.statutory_rates.settle() == 0
    left = world.services.queues.take(RESTATE_QUEUE)  # type: ignore[attr-defined]
    assert [m for m in left if not m.delay_seconds] == []  # the upload's second pass only


def test_a_second_delivery_of_the_deploys_restatement_changes_nothing(world):
    _booked(world)
    _deploy(world)
    world.services.statutory_rates.settle()
    messages = world.services.queues.take(RESTATE_QUEUE)  # type: ignore[attr-defined]
    world.services.queues.sent.extend(messages + messages)  # type: ignore[attr-defined]
    assert deliver(world) == 2
    assert _paid(world) == ("26.29", "273.71")
