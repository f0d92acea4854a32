"""The restatement benchmark measures restatements: every trigger it times must really restate
the debtor's claims (an import refused, a redesignation to where the money already is, a rate
table that gives the same rates would each time a no-op and report it as cheap)."""

from __future__ import annotations

from datetime import UTC, datetime

from bench import harness, restatement
from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.memory import InMemoryTableStore
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.law.interest_rates import default_rate_table
from tests.unit.api.conftest import SETTINGS


def test_it_is_registered_with_a_default_scale():
    assert harness.BENCHMARKS["restatement"] == "bench.restatement"
    assert 0 < harness.DEFAULT_SCALES["restatement"] <= 1


def test_every_trigger_restates_and_costs_more_than_the_booking():
    services = build_services(
        SETTINGS,
        clock=FixedClock(datetime(2025, 6, 2, 9, 0, tzinfo=UTC)),
        store=InMemoryTableStore(),
        files=InMemoryFileStore(),
        queues=InMemoryQueueSender(),
        senders={},
    )
    out = restatement.measure(services, 1, sizes=(1, 3))
    assert out["corrected_designation_1_claims"] is None  # no other claim to name
    for claims in (1, 3):
        booking = out[f"booking_{claims}_claims"]
        assert booking["requests"] > 0 and booking["cpu_ms"] > 0
        for trigger in restatement.TRIGGERS:
            got = out[f"{trigger}_{claims}_claims"]
            if got is None:
                continue
            # the baseline is the booking of the same size, measured in the same run
            assert got["requests"]["baseline"] == booking["requests"]
            assert got["requests"]["value"] > booking["requests"], trigger
    # at three claims each trigger but the back-dated payment (restated claim by claim)
    # goes through the replay of the debtor's claims and changes at least one
    for trigger in ("return", "rate_table", "changed_terms", "corrected_designation"):
        assert out[f"{trigger}_3_claims"]["claims_replayed"] >= 1, trigger
    assert "return_cpu_3_to_1_claims" in out
    # each figure with its baseline where `python -m bench.report` looks for them
    assert out["figures"]["return_3_claims requests"] == out["return_3_claims"]["requests"]
    assert len(out["figures"]) == 2 * (2 * len(restatement.TRIGGERS) - 1)


def test_the_restating_table_differs_from_the_one_in_force():
    table = default_rate_table()
    assert restatement.restating_table(table) != table
