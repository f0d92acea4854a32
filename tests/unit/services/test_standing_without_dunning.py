"""The debtor standing service (built by every statement booking: money booked under a
ruling) no longer builds the dunning service to hold one of its methods: a fresh worker's
first statement file loaded the letters, PDF and portal modules for it, 0.3 s of CPU
(perf20). What the standing service asks of dunning still reaches it."""

from __future__ import annotations

from typing import Any

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.memory import InMemoryTableStore
from shared.bootstrap import build_services
from tests.unit.api.conftest import SETTINGS


def _services() -> Any:
    return build_services(SETTINGS, store=InMemoryTableStore(), files=InMemoryFileStore(),
                          queues=InMemoryQueueSender(), senders={})  # fmt: skip


def test_the_standing_service_is_built_without_the_dunning_service() -> None:
    services = _services()
    assert services.debtor_standing is not None
    assert "dunning" not in vars(services)


def test_a_reschedule_still_reaches_the_dunning_service() -> None:
    services = _services()
    standing = services.debtor_standing
    asked: list[tuple[str, list[Any]]] = []

    class Dunning:
        def schedule_invoices(self, client_id: str, invoices: list[Any]) -> None:
            asked.append((client_id, invoices))

    vars(services)["dunning"] = Dunning()  # where the cached property keeps it
    standing.reschedule("C1", ["F1"])
    assert asked == [("C1", ["F1"])]
