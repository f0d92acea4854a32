"""The fault world of the people cut-off tests (failfix15b): services over a table store that
fails the n-th storage write, and the rule that picks it. Written once here; the tests had it
five times over (codereview15 F6)."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.memory import InMemoryTableStore
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.parties import Agency
from shared.services.container import Services
from tests.support.faults import FaultPlan, FaultyTableStore
from tests.unit.api.conftest import SETTINGS

# the store's operations that write (a cut after one of them: the write landed)
WRITES = ("insert", "upsert", "replace", "delete", "transact", "merge")


def fault_services(plan: FaultPlan, *agencies: str) -> tuple[Services, FixedClock]:
    """Services over a store that fails as ``plan`` says, on 3-3-2025 09:00 UTC, with the
    agencies ``agencies`` (ids; named by their last letter upper-cased)."""
    clock = FixedClock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))
    services = build_services(
        SETTINGS, clock=clock, store=FaultyTableStore(InMemoryTableStore(), plan),
        files=InMemoryFileStore(), queues=InMemoryQueueSender(), senders={},
    )  # fmt: skip
    for agency in agencies:
        services.repos.agencies.save(Agency(agency, agency[-1].upper()))
    return services, clock


def cut_at_write(plan: FaultPlan, cut: int | None, kind: str) -> list[tuple[str, str]]:
    """Fail the ``cut``-th storage write from now with ``kind`` (``timeout_after``,
    ``crash_after``; none: no cut). Returns the writes seen, in order (operation, table)."""
    log: list[tuple[str, str]] = []

    def nth(op: str, table: str) -> bool:
        if op not in WRITES:
            return False
        log.append((op, table))
        return len(log) == cut

    plan.rule(nth, kind)
    return log
