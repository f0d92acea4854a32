"""The claim ledger on the in-memory store and on Azurite alike: a payment books once over the
whole claim, a lost race on a claim's header is refused (ETag), and one client's partition
never shows another's claims."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.azure import AzureTableStore
from shared.adapters.tables.ledger_repo import ClaimWrite, LedgerRepository
from shared.adapters.tables.memory import InMemoryTableStore
from shared.api.app import IntegrationApi
from shared.bootstrap import build_services
from shared.clock import FixedClock
from shared.domain.access import Scope
from shared.domain.ledger.model import Component, EventKind, LedgerEvent
from shared.domain.parties import Agency
from shared.domain.records import PaymentSource
from shared.ports.tables import TableStore, TransactionFailed
from tests.unit.api.conftest import SETTINGS, ApiClient, client_row, debtor_row, invoice_row


class PrefixedStore:
    """Every table name gets a per-test prefix, so tests on one Azurite never meet."""

    def __init__(self, inner: TableStore, prefix: str) -> None:
        self.inner, self.prefix = inner, prefix

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        method = getattr(self.inner, name)
        if name == "ensure_tables":
            return lambda names: method([self.prefix + n for n in names])
        return lambda table, *a, **kw: method(self.prefix + table, *a, **kw)


@pytest.fixture(params=["memory", "azurite"])
def setup(request: pytest.FixtureRequest) -> Iterator[tuple[object, ApiClient, TableStore]]:
    if request.param == "memory":
        inner: TableStore = InMemoryTableStore()
    else:
        inner = AzureTableStore.from_connection_string(
            request.getfixturevalue("storage_connection")
        )
    store = PrefixedStore(inner, "l" + uuid.uuid4().hex[:8])
    clock = FixedClock(datetime(2025, 3, 20, 10, 0, tzinfo=UTC))
    services = build_services(
        SETTINGS, clock=clock, store=store, files=InMemoryFileStore(),  # type: ignore[arg-type]
        queues=InMemoryQueueSender(), senders={},
    )  # fmt: skip
    services.repos.ensure_tables()
    services.repos.agencies.save(Agency("agency-a", "A"))
    _, key = services.access.issue(scope=Scope.AGENCY, agency_id="agency-a")
    api = ApiClient(IntegrationApi(services), key)
    api.call("POST", "/v1/clients", {"items": [client_row("C1"), client_row("C2")]})
    for c in ("C1", "C2"):
        api.call("POST", f"/v1/clients/{c}/debtors", {"items": [debtor_row("D1")]})
        r = api.call("POST", f"/v1/clients/{c}/invoices", {"items": [invoice_row("F1", "D1", fourteen_day_letter_on="2025-02-10")]})  # fmt: skip
        assert r.body["created"] == 1, r.body
    yield services, api, store  # type: ignore[misc]


def client(services, api, number):
    return services.access.client_for(services.access.authenticate(api.key), number)


def test_a_payment_books_once_over_the_whole_claim(setup):
    services, api, _ = setup
    c1 = client(services, api, "C1")
    owed = api.call("GET", "/v1/clients/C1/invoices/F1/claim").body["open"]
    total = int(owed["total"].replace(".", ""))
    for _ in range(2):  # a redelivery changes nothing
        payment = services.payments.book(
            c1, payment_id="bank-1", amount=total, received_on=date(2025, 3, 20),
            source=PaymentSource.BANK, invoice_numbers=["F1"],
        )  # fmt: skip
        assert payment.unallocated == 0
    after = api.call("GET", "/v1/clients/C1/invoices/F1/claim").body
    assert after["open"]["total"] == "0.00" and after["paid"]["costs"] == "40.00"
    stored = LedgerRepository(services.repos.store).for_debtor(c1.client_id, "D1")["F1"]
    assert stored.header.payments == ("bank-1",)
    assert [e.kind for e in stored.events].count(EventKind.ALLOCATED) == 3
    assert stored.header.summary["open"]["principal"] == 0


def test_a_stale_header_loses_the_race_and_partitions_stay_apart(setup):
    services, api, _ = setup
    c1, c2 = client(services, api, "C1"), client(services, api, "C2")
    ledger = LedgerRepository(services.repos.store)
    services.ledger.waive(c1, "F1", Component.COSTS, 1_000, "goodwill", author="test")
    stale = ledger.for_debtor(c1.client_id, "D1")["F1"]
    services.ledger.waive(c1, "F1", Component.COSTS, 1_000, "more goodwill", author="test")
    event = LedgerEvent(
        stale.header.next_seq, EventKind.WAIVER, Component.COSTS, 100, date(2025, 3, 20)
    )
    with pytest.raises(TransactionFailed):
        ledger.write([ClaimWrite(stale.header, (event,))])
    assert api.call("GET", "/v1/clients/C1/invoices/F1/claim").body["waived"]["costs"] == "20.00"
    # C2 has the same debtor and invoice numbers: its claim is untouched and its own
    assert ledger.for_debtor(c2.client_id, "D1")["F1"].events == ()
    assert api.call("GET", "/v1/clients/C2/invoices/F1/claim").body["waived"]["costs"] == "0.00"
