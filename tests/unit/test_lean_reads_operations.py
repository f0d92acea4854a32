"""What operations get from the lean table reads (shared/adapters/tables/lean.py): request ids
per attempt, failures logged with them, a dependency span per read when telemetry is on (as
the Azure SDK's tracing shaped it), the environment's proxy as requests uses it, and the
connection failures a pooled keep-alive socket meets. Local servers play the Table service
and the proxy."""

from __future__ import annotations

import logging
import os
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import pytest
from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from shared.adapters.tables.lean import LeanTableReader, SharedAccessSignature, SharedKey
from shared.adapters.tables.lean_proxy import proxy_for
from shared.telemetry import setup
from tests.support.connect_proxy import Asked, connect_proxy
from tests.support.otel import attributes
from tests.support.stand_in import Received, Reply, serve

ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
SAS = "sv=2019-02-02&tn=T&sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D"
EMPTY = Reply(200, {"value": []})


def _reader(url: str, auth: Any = None, **kw: Any) -> LeanTableReader:
    sleeps: list[float] = []
    reader = LeanTableReader(
        f"{url}/{ACCOUNT}", auth or SharedKey(ACCOUNT, KEY), sleep=sleeps.append, **kw
    )
    reader.sleeps = sleeps  # type: ignore[attr-defined]
    return reader


def _signed(received: Received) -> bool:
    date = received.headers["x-ms-date"]
    expected = SharedKey(ACCOUNT, KEY).headers("GET", received.path, {}, date)["Authorization"]
    return received.headers.get("authorization") == expected


@pytest.fixture(autouse=True)
def _no_proxy_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    # urllib (and so requests) reads every *_proxy variable, in either case
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)


# -- request ids and failure logs -----------------------------------------------------------------
def test_every_attempt_carries_its_own_client_request_id_and_asks_for_it_back():
    answers = [Reply(503), EMPTY]
    with serve(lambda r: answers.pop(0)) as table:
        reader = _reader(table.url)
        assert reader.query("T", None) == ([], None)
    ids = [r.headers["x-ms-client-request-id"] for r in table.received]
    assert [UUID(i).version for i in ids] == [4, 4]
    assert ids[0] != ids[1]  # each attempt shows apart in the storage logs
    assert {r.headers["x-ms-return-client-request-id"] for r in table.received} == {"true"}
    assert all(_signed(r) for r in table.received)  # the ids are not part of the signature


def test_request_ids_are_version_4_uuids_drawn_without_a_system_call(monkeypatch):
    import uuid

    from shared.adapters.tables import lean_trace

    # os.urandom lets go of the GIL: a read's thread then waited a switch interval for it
    monkeypatch.setattr(os, "urandom", lambda n: pytest.fail("a system call per request id"))
    ids = [lean_trace.request_id() for _ in range(2000)]
    assert len(set(ids)) == 2000
    for text in ids[:200]:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, text)


def test_failures_are_logged_with_the_request_ids_and_status_never_the_sas_or_the_keys(caplog):
    def handler(r: Received) -> Reply:
        n = len(table.received)
        return Reply(503, {"odata.error": {"code": "ServerBusy"}},
                     headers={"x-ms-request-id": f"service-{n}"})  # fmt: skip

    caplog.set_level(logging.INFO, logger="inning.storage")
    with serve(handler) as table:
        reader = _reader(table.url, SharedAccessSignature(SAS), retries=1)
        with pytest.raises(HttpResponseError):
            reader.get("Debtors", "c1", "jan.jansen@example.nl")
    records = [r for r in caplog.records if r.name == "inning.storage"]
    assert [r.levelname for r in records] == ["INFO", "WARNING"]  # retried, then given up
    for record, received in zip(records, table.received, strict=True):
        assert record.client_request_id == received.headers["x-ms-client-request-id"]  # type: ignore[attr-defined]
        assert record.status_code == 503  # type: ignore[attr-defined]
        assert record.error_code == "ServerBusy"  # type: ignore[attr-defined]
        assert record.storage_path == (  # type: ignore[attr-defined]
            f"/{ACCOUNT}/Debtors(PartitionKey='REDACTED',RowKey='REDACTED')"
        )
    assert [r.service_request_id for r in records] == ["service-1", "service-2"]  # type: ignore[attr-defined]
    text = " ".join(r.getMessage() + str(vars(r)) for r in records)
    assert "jan.jansen" not in text and "c2VjcmV0" not in text and "sig=" not in text
    assert records[1].client_request_id in records[1].getMessage()  # type: ignore[attr-defined]


def test_a_refused_connection_is_logged_by_its_kind(caplog):
    with serve(lambda r: EMPTY) as table:
        url = table.url
    caplog.set_level(logging.INFO, logger="inning.storage")
    with pytest.raises(ServiceRequestError):
        _reader(url, retries=0).query("T", None)
    (record,) = [r for r in caplog.records if r.name == "inning.storage"]
    assert record.levelname == "WARNING"
    assert record.status_code is None  # type: ignore[attr-defined]
    assert "ServiceRequestError" in record.getMessage()
    assert UUID(record.client_request_id).version == 4  # type: ignore[attr-defined]


# -- dependency spans -----------------------------------------------------------------------------
@pytest.fixture
def spans(monkeypatch: pytest.MonkeyPatch) -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(trace, "get_tracer", lambda name, *a, **k: provider.get_tracer(name))
    monkeypatch.setattr(setup, "_tracing", True)
    return exporter


def test_without_telemetry_a_read_opens_no_span_and_sends_no_trace_context(monkeypatch):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(trace, "get_tracer", lambda name, *a, **k: provider.get_tracer(name))
    monkeypatch.setattr(setup, "_tracing", False)
    with serve(lambda r: EMPTY) as table:
        _reader(table.url).query("T", None)
    assert exporter.get_finished_spans() == ()
    assert "traceparent" not in table.received[0].headers


def test_a_read_is_one_client_span_shaped_as_the_azure_sdk_shapes_its_own(spans):
    answers = [Reply(503), Reply(200, {"value": []}, headers={"x-ms-request-id": "svc-42"})]
    with serve(lambda r: answers.pop(0)) as table:
        reader = _reader(table.url, SharedAccessSignature(SAS))
        with trace.get_tracer("test").start_as_current_span("invocation") as parent:
            reader.query("Invoices", "PartitionKey eq 'c1'", top=5)
    (span,) = [s for s in spans.get_finished_spans() if s.name != "invocation"]
    port = int(table.url.rsplit(":", 1)[1])
    assert span.name == "TableClient.query_entities"
    assert span.kind is SpanKind.CLIENT  # a dependency in Application Insights
    assert span.status.status_code is StatusCode.UNSET
    assert span.parent is not None
    assert span.parent.span_id == parent.get_span_context().span_id
    got = attributes(span)
    assert got == {
        "az.namespace": "Microsoft.Storage",
        "http.request.method": "GET",
        "url.full": f"http://127.0.0.1:{port}/{ACCOUNT}/Invoices()?%24filter=REDACTED"
        "&%24top=REDACTED&sv=REDACTED&tn=REDACTED&sig=REDACTED",
        "server.address": "127.0.0.1",
        "server.port": port,
        "http.response.status_code": 200,
        "http.request.resend_count": 1,
        "az.client_request_id": table.received[1].headers["x-ms-client-request-id"],
        "az.service_request_id": "svc-42",
    }  # no error.type: the retried 503 is not the read's outcome
    # each attempt carries the span's trace context, as the SDK's tracing policy sends it
    ctx = span.get_span_context()
    for received in table.received:
        assert received.headers["traceparent"].startswith(
            f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-"
        )


def test_a_point_read_span_hides_the_keys_and_a_missing_entity_is_not_an_error(spans):
    missing = Reply(404, {"odata.error": {"code": "ResourceNotFound"}})
    with serve(lambda r: missing) as table:
        assert _reader(table.url).get("Debtors", "c1", "Jan Jansen") is None
    (span,) = spans.get_finished_spans()
    assert span.name == "TableClient.get_entity"
    assert span.status.status_code is StatusCode.UNSET  # the store answers None, as before
    got = attributes(span)
    assert got["url.full"].endswith(
        f"/{ACCOUNT}/Debtors(PartitionKey='REDACTED',RowKey='REDACTED')"
    )
    assert got["http.response.status_code"] == 404
    assert "Jansen" not in str(got)


def test_a_failed_read_ends_its_span_as_an_error_with_the_failures_type(spans):
    with serve(lambda r: EMPTY) as table:
        url = table.url
    with pytest.raises(ServiceRequestError):
        _reader(url, retries=1).query("T", None)  # refused twice
    (span,) = spans.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    got = attributes(span)
    assert got["error.type"] == "azure.core.exceptions.ServiceRequestError"
    assert got["http.request.resend_count"] == 1
    assert "http.response.status_code" not in got
    refused = Reply(403, {"odata.error": {"code": "AuthenticationFailed"}})
    with serve(lambda r: refused) as table, pytest.raises(HttpResponseError):
        _reader(table.url).query("T", None)
    span = spans.get_finished_spans()[-1]
    assert span.status.status_code is StatusCode.ERROR
    assert attributes(span)["error.type"] == "403"  # the status, as the SDK's HTTP span says it
    assert attributes(span)["http.response.status_code"] == 403


# -- proxies --------------------------------------------------------------------------------------
def test_https_reads_go_through_the_proxys_connect_tunnel_with_its_credentials(
    tmp_path, monkeypatch
):
    from tests.support.tls import self_signed

    cert, key = self_signed(tmp_path)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    credentials = ("inning", "p@ss:w/rd")  # percent-encoded in the URL, decoded for the proxy
    with connect_proxy(credentials) as proxy, serve(lambda r: EMPTY, tls=(cert, key)) as table:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url(credentials))
        endpoint = table.url.replace("127.0.0.1", "localhost")  # the name the cert carries
        reader = _reader(endpoint)
        for _ in range(3):
            assert reader.query("T", None) == ([], None)
        port = endpoint.rsplit(":", 1)[1]
        # one tunnel, kept alive for all three reads; TLS ran through it to the stand-in
        assert proxy.asked == [Asked("CONNECT", f"localhost:{port}", True)]
        assert proxy.tunnelled_bytes > 1000
        assert len(table.received) == 3 and all(_signed(r) for r in table.received)
        assert "proxy-authorization" not in table.received[0].headers  # only the proxy saw it


@pytest.mark.parametrize("given", [None, ("inning", "wrong")])
def test_a_proxy_refusing_the_credentials_fails_the_read_with_its_407(tmp_path, monkeypatch, given):
    from tests.support.tls import self_signed

    cert, key = self_signed(tmp_path)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    with (
        connect_proxy(("inning", "secret")) as proxy,
        serve(lambda r: EMPTY, tls=(cert, key)) as table,
    ):
        monkeypatch.setenv("https_proxy", proxy.url(given))
        reader = _reader(table.url.replace("127.0.0.1", "localhost"), retries=0)
        with pytest.raises(ServiceRequestError, match="407"):
            reader.query("T", None)
        assert [a.authorised for a in proxy.asked] == [False]
        assert table.received == []


def test_http_reads_go_to_the_proxy_as_absolute_urls(monkeypatch):
    with connect_proxy(("u", "pw")) as proxy, serve(lambda r: EMPTY) as table:
        monkeypatch.setenv("HTTP_PROXY", proxy.url(("u", "pw")))
        reader = _reader(table.url)
        assert reader.query("T", "PartitionKey eq 'c1'") == ([], None)
        assert reader.query("T", None) == ([], None)  # a new connection: the proxy closed it
        assert [a.method for a in proxy.asked] == ["GET", "GET"]
        assert all(a.authorised for a in proxy.asked)
        assert proxy.asked[0].target.startswith(f"{table.url}/{ACCOUNT}/T()?%24filter=")
        assert len(table.received) == 2 and all(_signed(r) for r in table.received)


@pytest.mark.parametrize("no_proxy", ["localhost", ".localhost", "127.0.0.0/8", "*"])
def test_no_proxy_hosts_are_read_directly(monkeypatch, no_proxy):
    with connect_proxy() as proxy, serve(lambda r: EMPTY) as table:
        monkeypatch.setenv("HTTP_PROXY", proxy.url())
        monkeypatch.setenv("NO_PROXY", no_proxy)
        host = "127.0.0.1" if "/" in no_proxy or no_proxy == "*" else "localhost"
        reader = _reader(table.url.replace("127.0.0.1", host))
        assert reader.query("T", None) == ([], None)
        assert proxy.asked == []
        assert len(table.received) == 1


@pytest.mark.parametrize(
    ("env", "url", "expected"),
    [
        ({}, "https://acct.table.core.windows.net/", None),
        (
            {"HTTPS_PROXY": "proxy.corp:3128"},
            "https://acct.table.core.windows.net/",
            ("proxy.corp", 3128),
        ),
        ({"HTTPS_PROXY": "http://a:1", "https_proxy": "http://b:2"}, "https://x/", ("b", 2)),
        ({"HTTP_PROXY": "http://h:8080"}, "https://x/", None),  # only for http URLs
        ({"HTTP_PROXY": "http://h:8080"}, "http://x:10002/", ("h", 8080)),
        ({"ALL_PROXY": "http://all:9"}, "https://x/", ("all", 9)),
        ({"HTTPS_PROXY": "http://p"}, "https://x/", ("p", 80)),
        (
            {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "core.windows.net"},
            "https://acct.table.core.windows.net/",
            None,
        ),
        ({"HTTPS_PROXY": "http://p:1", "no_proxy": "x:443"}, "https://x:443/", None),
    ],
)
def test_the_proxy_is_the_one_requests_would_take(monkeypatch, env, url, expected):
    import requests

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    found = proxy_for(url)
    assert (None if found is None else (found.host, found.port)) == expected
    # and what requests itself (the SDK's writes) resolves for the same URL
    theirs = requests.Session().merge_environment_settings(url, {}, None, None, None)["proxies"]
    chosen = requests.utils.select_proxy(url, theirs)
    assert (chosen is None) == (expected is None)


@pytest.mark.parametrize("scheme", ["https", "socks5"])
def test_a_proxy_the_reader_cannot_speak_is_refused_not_bypassed(monkeypatch, scheme):
    monkeypatch.setenv("HTTPS_PROXY", f"{scheme}://proxy:1080")
    with pytest.raises(ValueError, match=f"not {scheme}://"):
        LeanTableReader("https://acct.table.core.windows.net", SharedKey(ACCOUNT, KEY))


# -- pooled connections the server gave up on ------------------------------------------------------
BODY = b'{"value": []}'
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
    len(BODY),
    BODY,
)


@contextmanager
def _raw_server(behaviour: str) -> Iterator[tuple[str, list[int]]]:
    """Answers one request per connection and then: 'fin' closes it, 'rst' resets it (both
    without a ``Connection: close``, so the client pools it), 'silent' never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[int] = []
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve_one(conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            if behaviour == "silent":
                held.append(conn)
                stop.wait(10)
                return
            conn.sendall(ANSWER)
            if behaviour == "rst":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        finally:
            conn.close()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(1)
            threading.Thread(target=serve_one, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    finally:
        stop.set()
        listener.close()


@pytest.mark.parametrize("behaviour", ["fin", "rst"])
def test_a_pooled_socket_the_server_closed_is_replaced_without_a_retry(behaviour):
    counted: list[Any] = []
    with _raw_server(behaviour) as (url, accepted):
        reader = _reader(url, on_request=counted.append)
        assert reader.query("T", None) == ([], None)
        assert len(reader._idle) == 1  # kept: the answer did not say it would close
        time.sleep(0.1)  # the server's FIN or RST arrives
        assert reader.query("T", None) == ([], None)
        assert len(accepted) == 2  # a fresh connection replaced the dead one
        assert reader.sleeps == []  # type: ignore[attr-defined]  # not a failure: no backoff
        assert len(counted) == 2  # one storage request per read


def test_a_server_that_never_answers_is_a_read_timeout_retried_then_raised():
    with _raw_server("silent") as (url, accepted):
        reader = _reader(url, timeout=0.3, retries=1)
        started = time.monotonic()
        with pytest.raises(ServiceResponseError, match="timed out"):
            reader.get("T", "p", "r")
        took = time.monotonic() - started
        assert len(accepted) == 2  # the first try and one retry, each on a fresh connection
        assert len(reader.sleeps) == 1  # type: ignore[attr-defined]
        assert 0.5 <= took < 3.0  # two timeouts of 0.3 s, not the 60 s default


# -- credentials rotated through the SDK client's credential ---------------------------------------
def test_a_key_or_sas_rotated_on_the_sdk_credential_reaches_the_reads():
    import base64

    from azure.core.credentials import AzureNamedKeyCredential, AzureSasCredential

    from shared.adapters.tables.lean import authorizer_for

    new_key = base64.b64encode(b"rotated-account-key").decode()
    current = {"key": KEY}

    def handler(r: Received) -> Reply:
        expected = SharedKey(ACCOUNT, current["key"]).headers(
            "GET", r.path, {}, r.headers["x-ms-date"]
        )["Authorization"]
        if r.headers.get("authorization") != expected:
            return Reply(403, {"odata.error": {"code": "AuthenticationFailed"}})
        return EMPTY

    credential = AzureNamedKeyCredential(ACCOUNT, KEY)
    with serve(handler) as table:
        reader = _reader(table.url, authorizer_for(credential))
        assert reader.query("T", None) == ([], None)
        current["key"] = new_key  # the account key is rotated ...
        with pytest.raises(HttpResponseError):
            reader.query("T", None)
        credential.update(ACCOUNT, new_key)  # ... and the app updates its credential
        assert reader.query("T", None) == ([], None)

    sas = AzureSasCredential("?sv=2019-02-02&sig=old")
    with serve(lambda r: EMPTY) as table:
        reader = _reader(table.url, authorizer_for(sas))
        reader.query("T", None)
        sas.update("sv=2019-02-02&sig=new")
        reader.query("T", None)
    assert [r.query["sig"] for r in table.received] == [["old"], ["new"]]
