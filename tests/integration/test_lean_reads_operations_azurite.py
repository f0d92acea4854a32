"""The lean reads' operations side against Azurite: behind a proxy from the environment reads
and the SDK's writes both go through it, and with telemetry on a read's span carries the ids
the storage service gave it."""

from __future__ import annotations

import os
import uuid

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shared.adapters.tables.azure import AzureTableStore
from shared.ports.tables import Row
from shared.telemetry import setup
from tests.support.connect_proxy import connect_proxy
from tests.support.otel import attributes

pytestmark = pytest.mark.azurite


@pytest.fixture(autouse=True)
def _no_proxy_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)


def test_reads_and_the_sdks_writes_both_take_the_environments_proxy(
    storage_connection, monkeypatch
):
    with connect_proxy(("inning", "s3cret")) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url(("inning", "s3cret")))
        store = AzureTableStore.from_connection_string(storage_connection)
        table = "leanproxy" + uuid.uuid4().hex[:10]
        store.ensure_tables([table])
        store.insert(table, Row("c1", "r1", {"Cents": 12_100}))
        row = store.get(table, "c1", "r1")
        assert row is not None and row.data == {"Cents": 12_100}
        assert [r.rk for r in store.query(table, pk="c1").rows] == ["r1"]
        methods = [a.method for a in proxy.asked]
        assert "POST" in methods  # the SDK's writes (requests) went through it
        assert methods.count("GET") == 2  # and both lean reads
        assert all(a.authorised for a in proxy.asked)
        assert all(a.target.startswith("http://127.0.0.1:") for a in proxy.asked)


def test_a_reads_span_carries_the_services_request_id(storage_connection, monkeypatch):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(trace, "get_tracer", lambda name, *a, **k: provider.get_tracer(name))
    store = AzureTableStore.from_connection_string(storage_connection)
    table = "leanspan" + uuid.uuid4().hex[:10]
    store.ensure_tables([table])
    # a key no random table name (hex) nor the account's URL can hold: the span keeps keys out
    store.insert(table, Row("zqxpart", "r1", {"N": 1}))
    monkeypatch.setattr(setup, "_tracing", True)
    assert store.get(table, "zqxpart", "r1") is not None
    (span,) = [s for s in exporter.get_finished_spans() if s.name == "TableClient.get_entity"]
    got = attributes(span)
    assert got["az.namespace"] == "Microsoft.Storage"
    assert got["http.response.status_code"] == 200
    assert got["az.service_request_id"]  # Azurite's x-ms-request-id
    assert uuid.UUID(got["az.client_request_id"]).version == 4
    assert "sig=" not in got["url.full"] and "zqxpart" not in got["url.full"]
