"""A credit over more claims than one transaction holds, crashed between its parts and
finished by its redelivery, on Azurite as on the in-memory store: the journal row (its
compressed payload in string properties, the part's transaction moving it on, the last
deleting it under its ETag) is what Table Storage accepts (ledger-rest6 item 1)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.azure import AzureTableStore
from shared.adapters.tables.ledger_repo import LEDGER, PARTS
from shared.adapters.tables.memory import InMemoryTableStore
from shared.api.app import IntegrationApi
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.access import Scope
from shared.domain.parties import Agency
from shared.domain.records import PaymentSource
from shared.ports.tables import TableStore
from tests.integration.test_ledger_on_table_storage import PrefixedStore
from tests.support.faults import SimulatedCrash
from tests.unit.api.conftest import SETTINGS, ApiClient, client_row, debtor_row, invoice_row

OTHERS = [f"F{i:02d}" for i in range(1, 56)]


@pytest.fixture(params=["memory", "azurite"])
def world(request: pytest.FixtureRequest) -> Iterator[tuple[object, ApiClient, TableStore]]:
    if request.param == "memory":
        inner: TableStore = InMemoryTableStore()
    else:
        inner = AzureTableStore.from_connection_string(
            request.getfixturevalue("storage_connection")
        )
    store = PrefixedStore(inner, "p" + uuid.uuid4().hex[:8])
    clock = FixedClock(datetime(2025, 1, 10, 10, 0, tzinfo=UTC))
    services = build_services(
        SETTINGS, clock=clock, store=store, files=InMemoryFileStore(),  # type: ignore[arg-type]
        queues=InMemoryQueueSender(), senders={},
    )  # fmt: skip
    services.repos.ensure_tables()
    services.repos.agencies.save(Agency("agency-a", "A"))
    _, key = services.access.issue(scope=Scope.AGENCY, agency_id="agency-a")
    api = ApiClient(IntegrationApi(services), key)
    api.call("POST", "/v1/clients", {"items": [client_row("C1")]})
    api.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row("D1")]})
    rows = [invoice_row("F00", "D1", amount="700.00", due_date="2025-03-31")] + [
        # (due on the day the money was received: money a credit frees goes to due claims
        # only, law15c F4)
        invoice_row(n, "D1", amount="10.00", due_date="2025-01-10")
        for n in OTHERS
    ]
    assert api.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["created"] == 56
    yield services, api, store  # type: ignore[misc]


def test_a_credit_crashed_between_its_parts_is_finished_by_its_redelivery(world, monkeypatch):
    services, api, store = world
    c1 = services.access.client_for(services.access.authenticate(api.key), "C1")
    services.payments.book(
        c1, payment_id="bank-big", amount=60_000, received_on=date(2025, 1, 10),
        source=PaymentSource.BANK, invoice_numbers=["F00"],
    )  # fmt: skip
    real = store.transact
    calls = {"n": 0}

    def crash_at_the_second_part(table, ops):  # type: ignore[no-untyped-def]
        if table == LEDGER:
            calls["n"] += 1
            if calls["n"] == 2:
                raise SimulatedCrash("between the ledger's two transactions")
        return real(table, ops)

    monkeypatch.setattr(store, "transact", crash_at_the_second_part)
    with pytest.raises(SimulatedCrash):
        services.invoice_status.credit(c1, "F00", "staff")
    monkeypatch.undo()

    def marks() -> list[str]:
        rows = store.query(LEDGER, page_size=1000).rows
        return [r.rk for r in rows if r.rk.split("|")[1:2] == [PARTS]]

    assert len(marks()) == 1  # the journal: half written
    services.invoice_status.credit(c1, "F00", "staff")  # the redelivery
    assert marks() == []
    figures = services.ledger.open_claims(c1, OTHERS)
    assert all(f.open.total == 0 and f.paid.principal == 1_000 for f in figures.values())
    row = services.repos.payments.get(c1.client_id, "bank-big")
    assert (sum(x.amount for x in row.allocations), row.unallocated) == (55_000, 5_000)
