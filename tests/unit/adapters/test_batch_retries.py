"""A transaction sent by the lean client (perf19) is retried exactly as azure-data-tables'
``submit_transaction`` retried it through azure-core's pipeline: each scenario is played by
a local Table service to the SDK and to the store, and both must make the same attempts and
end the same way. A POST is retried on 500, 503 and 504 only (or on any status >= 400 the
service answered with a ``Retry-After``), never after a failure once it was sent: a batch
whose answer was lost may have been applied."""

from __future__ import annotations

import logging
import os
import socket
import struct
import threading
from collections.abc import Callable
from typing import Any

import pytest
from azure.core.credentials import AzureNamedKeyCredential
from azure.core.exceptions import (
    HttpResponseError,
    ResourceExistsError,
    ServiceRequestError,
    ServiceResponseError,
)
from azure.core.pipeline import PipelineContext, PipelineRequest
from azure.core.rest import HttpRequest
from azure.data.tables import TableClient, TableTransactionError
from azure.data.tables._authentication import SharedKeyCredentialPolicy
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from shared.adapters.tables.azure import AzureTableStore
from shared.ports.tables import Conflict, Op, OpKind, Row, StorageError, TransactionFailed
from shared.telemetry import setup
from tests.support.connect_proxy import connect_proxy
from tests.support.otel import attributes
from tests.support.stand_in import Received, Reply, serve

ACCOUNT = "devstoreaccount1"
# Azurite's well-known development key (public, documented by Microsoft)
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
ANSWER_TYPE = "multipart/mixed; boundary=batchresponse_1"
ETAG = "W/\"datetime'2026-12-03T04%3A00%3A00Z'\""
APPLIED = (
    b"--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_2\r\n\r\n"
    b"--changesetresponse_2\r\nContent-Type: application/http\r\n"
    b"Content-Transfer-Encoding: binary\r\n\r\nHTTP/1.1 204 No Content\r\nContent-ID: 0\r\n"
    + f"ETag: {ETAG}\r\n\r\n".encode()
    + b"--changesetresponse_2--\r\n--batchresponse_1--\r\n"
)
EXISTS = {"odata.error": {"code": "EntityAlreadyExists", "message": {"value": "exists"}}}


def _applied() -> Reply:
    return Reply(202, APPLIED, {"Content-Type": ANSWER_TYPE})


def _busy(status: int, **headers: str) -> Reply:
    code = {"odata.error": {"code": "ServerBusy", "message": {"value": "busy"}}}
    return Reply(status, code, headers)


def _connection(url: str) -> str:
    return (
        f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
        f"TableEndpoint={url}/{ACCOUNT};"
    )


def _sdk(url: str) -> int | type[BaseException]:
    """What the SDK's own ``submit_transaction`` did: the operations answered, or what it
    raised (its backoff kept short, as the store's sleeps are not waited)."""
    client = TableClient.from_connection_string(_connection(url), "T", retry_backoff_factor=0.001)
    try:
        return len(client.submit_transaction([("create", {"PartitionKey": "p", "RowKey": "r"})]))
    except Exception as exc:
        return type(exc)


def _store(url: str) -> tuple[int | type[BaseException], list[float]]:
    store = AzureTableStore.from_connection_string(_connection(url))
    sleeps: list[float] = []
    store.reader._sleep = sleeps.append
    try:
        return len(store.transact("T", [Op(OpKind.INSERT, Row("p", "r", {}))])), sleeps
    except TransactionFailed as exc:
        return type(exc.__cause__ or exc), sleeps
    except Exception as exc:
        return type(exc), sleeps


def _played(answers: list[Reply]) -> Callable[[Received], Reply]:
    queue = list(answers)

    def handler(received: Received) -> Reply:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return handler


SCENARIOS: dict[str, list[Reply]] = {
    "503 then applied": [_busy(503), _applied()],
    "500, 504, then applied": [_busy(500), _busy(504), _applied()],
    "503 four times: the last answer raised": [_busy(503)],
    "429 without Retry-After: not retried": [_busy(429), _applied()],
    "502: not retried for a POST": [_busy(502), _applied()],
    "408: not retried for a POST": [_busy(408), _applied()],
    "429 with Retry-After: retried": [_busy(429, **{"Retry-After": "0"}), _applied()],
    "409 with Retry-After: retried as the SDK retries it": [
        Reply(409, EXISTS, {"Retry-After": "0", "x-ms-error-code": "EntityAlreadyExists"}),
        _applied(),
    ],
    "409: not retried": [Reply(409, EXISTS, {"x-ms-error-code": "EntityAlreadyExists"})],
    "the answer lost after the body was sent: never sent again": [Reply(lost=True), _applied()],
}


@pytest.mark.parametrize("answers", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_a_transaction_is_retried_as_the_sdks_pipeline_retries_it(answers: list[Reply]) -> None:
    with serve(_played(answers)) as sdk_side:
        expected = _sdk(sdk_side.url)
    with serve(_played(answers)) as store_side:
        got, _ = _store(store_side.url)
    assert [r.method for r in store_side.received] == [r.method for r in sdk_side.received]
    assert len(store_side.received) == len(sdk_side.received)
    if isinstance(expected, int):
        assert got == expected
    else:
        assert issubclass(got, expected)  # type: ignore[arg-type]


def test_the_waits_are_the_policys_and_every_attempt_is_signed_and_counted() -> None:
    answers = [_busy(503), _busy(503, **{"Retry-After": "2"}), _busy(500), _applied()]
    with serve(_played(answers)) as table:
        store = AzureTableStore.from_connection_string(_connection(table.url))
        sleeps: list[float] = []
        store.reader._sleep = sleeps.append
        before = store.requests
        assert store.transact("T", [Op(OpKind.INSERT, Row("p", "r", {}))]) == [ETAG]
    assert store.requests - before == 4
    assert sleeps[0] == 0.0 and sleeps[1] == 2.0  # no wait at first, then the service's
    assert 0.8 * 3.2 <= sleeps[2] <= 1.2 * 3.2  # 0.8 × 2^2, jittered
    ids = {r.headers["x-ms-client-request-id"] for r in table.received}
    assert len(ids) == 4
    for received in table.received:
        assert received.path == f"/{ACCOUNT}/$batch"
        assert received.headers["authorization"].startswith(f"SharedKey {ACCOUNT}:")
        assert received.headers["x-ms-version"] == "2019-02-02"
        assert received.headers["content-type"].startswith("multipart/mixed; boundary=batch_")


def test_the_signature_is_the_sdks_for_the_same_batch() -> None:
    """The service checks the signature: the store's must be what the SDK's policy computes
    for the same request (the content type is signed)."""
    with serve(_played([_applied()])) as table:
        store = AzureTableStore.from_connection_string(_connection(table.url))
        store.transact("T", [Op(OpKind.INSERT, Row("p", "r", {}))])
    (sent,) = table.received
    request = HttpRequest(
        "POST",
        f"{table.url}/{ACCOUNT}/$batch",
        headers={k: v for k, v in sent.headers.items() if k != "authorization"},
    )
    policy = SharedKeyCredentialPolicy(AzureNamedKeyCredential(ACCOUNT, KEY))
    piped = PipelineRequest(request, PipelineContext(None))
    policy.on_request(piped)
    assert sent.headers["authorization"] == request.headers["Authorization"]


def test_refusals_are_the_store_ports_and_the_sdks() -> None:
    failed_part = (
        b"--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_2\r\n"
        b"\r\n--changesetresponse_2\r\nContent-Type: application/http\r\n\r\n"
        b"HTTP/1.1 409 Conflict\r\nContent-ID: 1\r\nContent-Type: application/json\r\n\r\n"
        b'{"odata.error":{"code":"EntityAlreadyExists","message":{"value":"1:exists"}}}'
        b"\r\n--changesetresponse_2--\r\n--batchresponse_1--\r\n"
    )
    ops = [Op(OpKind.INSERT, Row("p", "r0", {})), Op(OpKind.INSERT, Row("p", "r1", {}))]
    with serve(lambda r: Reply(202, failed_part, {"Content-Type": ANSWER_TYPE})) as table:
        store = AzureTableStore.from_connection_string(_connection(table.url))
        with pytest.raises(TransactionFailed) as raised:
            store.transact("T", ops)
    assert raised.value.index == 1
    assert isinstance(raised.value.cause, Conflict)

    too_large = {"odata.error": {"code": "RequestBodyTooLarge", "message": {"value": "big"}}}
    with serve(lambda r: Reply(413, too_large)) as table:
        store = AzureTableStore.from_connection_string(_connection(table.url))
        with pytest.raises(TransactionFailed) as too_big:
            store.transact("T", ops)
    assert isinstance(too_big.value.__cause__, TableTransactionError)
    assert isinstance(too_big.value.cause, StorageError)

    forbidden = {"odata.error": {"code": "AuthorizationFailure", "message": {"value": "no"}}}
    with serve(lambda r: Reply(403, forbidden)) as table:
        store = AzureTableStore.from_connection_string(_connection(table.url))
        with pytest.raises(HttpResponseError) as refused:
            store.transact("T", ops)
    assert refused.value.status_code == 403
    assert refused.value.error_code == "AuthorizationFailure"  # type: ignore[attr-defined]
    assert len(table.received) == 1

    with serve(lambda r: Reply(409, EXISTS)) as table:
        store = AzureTableStore.from_connection_string(_connection(table.url))
        with pytest.raises(ResourceExistsError):
            store.transact("T", ops)


def test_a_reset_after_the_body_was_sent_is_raised_and_not_sent_again() -> None:
    """The service read the whole batch (and may have applied it), then the connection was
    reset (RST, not a close): raised as azure-core raises a broken answer, one attempt."""
    received: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def reset_each() -> None:
        for _ in range(2):
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            data = b""
            while b"--batch_" not in data.split(b"\r\n\r\n", 1)[-1] or not data.endswith(b"--\r\n"):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            received.append(data)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()

    thread = threading.Thread(target=reset_each, daemon=True)
    thread.start()
    store = AzureTableStore.from_connection_string(_connection(f"http://127.0.0.1:{port}"))
    with pytest.raises(ServiceResponseError):
        store.transact("T", [Op(OpKind.INSERT, Row("p", "r", {}))])
    listener.close()
    thread.join(2)
    assert len(received) == 1
    assert received[0].startswith(f"POST /{ACCOUNT}/$batch ".encode())


def test_a_refused_connection_is_raised_at_once_as_by_the_sdk() -> None:
    with serve(lambda r: _applied()) as table:
        url = table.url  # the server is gone once left: connection refused
    assert _sdk(url) is ServiceRequestError
    got, sleeps = _store(url)
    assert got is ServiceRequestError
    assert sleeps == []


def test_a_kept_connection_the_service_closed_is_not_used_for_a_batch() -> None:
    """A batch on a kept-alive connection the service had closed would fail with nothing to
    say whether it arrived: the store sees the close first and opens a fresh one."""
    answers: list[Any] = [Reply(200, {"value": []}, {"Connection": "close"}), _applied()]

    def handler(received: Received) -> Reply:
        reply: Reply = answers.pop(0)
        return reply

    with serve(handler) as table:
        store = AzureTableStore.from_connection_string(_connection(table.url))
        store.reader.query("T", None)
        conn = store.reader._connection()  # a connection the server closes once idle
        conn.connect()
        conn.sock.shutdown(socket.SHUT_RD)  # as a server's FIN reads: at EOF
        store.reader._idle.append((conn, store.reader._clock()))
        assert store.transact("T", [Op(OpKind.INSERT, Row("p", "r", {}))]) == [ETAG]
    assert [r.method for r in table.received] == ["GET", "POST"]


# -- what operations see: the span and the failure logs --------------------------------------


@pytest.fixture
def spans(monkeypatch: pytest.MonkeyPatch) -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(trace, "get_tracer", lambda name, *a, **k: provider.get_tracer(name))
    monkeypatch.setattr(setup, "_tracing", True)
    return exporter


def test_a_transaction_is_one_client_span_named_as_the_sdks(spans: InMemorySpanExporter) -> None:
    answers = [_busy(503), _applied()]
    with serve(_played(answers)) as table:
        store = AzureTableStore.from_connection_string(_connection(table.url))
        store.reader._sleep = lambda s: None
        store.transact("T", [Op(OpKind.INSERT, Row("p", "r", {}))])
    (span,) = spans.get_finished_spans()
    assert span.name == "TableClient.submit_transaction"
    assert span.kind is SpanKind.CLIENT
    got = attributes(span)
    assert got["http.request.method"] == "POST"
    assert got["url.full"].endswith(f"/{ACCOUNT}/$batch")
    assert got["http.response.status_code"] == 202
    assert got["http.request.resend_count"] == 1
    ctx = span.get_span_context()
    assert ctx is not None
    for received in table.received:
        assert received.headers["traceparent"].startswith(f"00-{ctx.trace_id:032x}-")


def test_a_failed_attempt_is_logged_as_a_transaction_with_its_ids(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="inning.storage")
    answers = [_busy(503, **{"x-ms-request-id": "svc-1"}), _applied()]
    with serve(_played(answers)) as table:
        store = AzureTableStore.from_connection_string(_connection(table.url))
        store.reader._sleep = lambda s: None
        store.transact("T", [Op(OpKind.INSERT, Row("p", "r", {}))])
    (record,) = [r for r in caplog.records if r.name == "inning.storage"]
    assert record.levelno == logging.INFO
    assert record.getMessage().startswith("table storage transaction failed, retrying")
    assert record.service_request_id == "svc-1"  # type: ignore[attr-defined]
    assert record.client_request_id == table.received[0].headers["x-ms-client-request-id"]  # type: ignore[attr-defined]


def test_through_an_http_proxy_a_transaction_is_sent_to_its_absolute_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
    with connect_proxy(("u", "pw")) as proxy, serve(_played([_applied()])) as table:
        monkeypatch.setenv("HTTP_PROXY", proxy.url(("u", "pw")))
        store = AzureTableStore.from_connection_string(_connection(table.url))
        assert store.transact("T", [Op(OpKind.INSERT, Row("p", "r", {}))]) == [ETAG]
    assert [a.method for a in proxy.asked] == ["POST"]
    assert proxy.asked[0].target == f"{table.url}/{ACCOUNT}/$batch"
    assert proxy.asked[0].authorised
