"""What operations see of a lean table read (:mod:`shared.adapters.tables.lean`): the request
ids Azure's storage logs and support key on, and, with telemetry on, a dependency span per read
shaped as the Azure SDK's OpenTelemetry tracing shapes its own.

The SDK gave each call two spans: ``TableClient.get_entity`` (the method, by the convention
``ClassName.method_name``) and a CLIENT span per HTTP attempt named after the method (``GET``)
carrying ``http.request.method``, ``url.full`` (every query value but ``api-version``
replaced by ``REDACTED``), ``server.address``, ``server.port`` (when the URL names one),
``http.response.status_code``, ``error.type`` (the status from 400 up, or the exception's
qualified name), ``http.request.resend_count``, ``az.client_request_id`` and
``az.service_request_id`` (the service's ``x-ms-request-id``); storage clients add
``az.namespace = Microsoft.Storage`` (azure-core ``DistributedTracingPolicy``; the Azure SDK's
distributed tracing conventions, azure.github.io/azure-sdk/distributed_tracing_conventions).
A lean read is one span of kind CLIENT with the method's name and all of those attributes (the
last attempt's ids), so Application Insights records it as a dependency of type
``Microsoft.Storage`` named after what was read. Only :func:`shared.telemetry.setup.
tracing_enabled` opens one: with telemetry off a read pays a flag test (and the id, which the
service gets either way)."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

NAMESPACE = "Microsoft.Storage"
REQUEST_ID = "x-ms-client-request-id"
RETURN_REQUEST_ID = "x-ms-return-client-request-id"
SERVICE_REQUEST_ID = "x-ms-request-id"
TRACER = "shared.adapters.tables.lean"
REDACTED = "REDACTED"
ALLOWED_QUERY = frozenset({"api-version"})  # azure-core's allowlist: every other value goes


def request_id() -> str:
    """A new ``x-ms-client-request-id``: a version 4 UUID per attempt, so each shows apart in
    the storage logs (the SDK's ``RequestIdPolicy`` sends one uuid1 for all attempts of a
    call). Its 122 random bits come from :mod:`random` (seeded from the OS, reseeded after a
    fork), not ``os.urandom`` as ``uuid.uuid4`` takes them: that system call lets go of the
    GIL, and on a busy worker the thread waited a switch interval to get it back before its
    read began (the portal page's three waves of reads became 3.3 to 3.8 in the bench). An id
    needs to be unique, not unpredictable."""
    n = random.getrandbits(128) & ~(0xF000 << 64) & ~(0xC000 << 48)
    n |= (4 << 76) | (0x8000 << 48)  # version 4, RFC 4122 variant (as uuid.UUID sets them)
    h = f"{n:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def sanitized(url: str) -> str:
    """``url`` with every query value but ``api-version`` replaced, as azure-core's
    ``sanitize_url`` records it: a SAS's signature, and the filter's values, never reach a span."""
    base, sep, query = url.partition("?")
    if not sep:
        return url
    parts = []
    for param in query.split("&"):
        name, eq, _ = param.partition("=")
        parts.append(param if not eq or name.lower() in ALLOWED_QUERY else f"{name}={REDACTED}")
    return f"{base}?{'&'.join(parts)}"


class ReadSpan:
    """One read's span, told about each attempt by the reader; what the last attempt got is
    written when the span ends."""

    def __init__(self, span: Any, headers: dict[str, str]) -> None:
        self._span = span
        self._headers = headers  # the trace context for each attempt's request
        self.attempts = 0
        self.request_id = ""
        self.status: int | None = None  # the last attempt's answer (None: it had none)
        self.service_id: str | None = None

    def attempt(self, request_headers: dict[str, str]) -> None:
        """Before an attempt is sent: counts it and adds the W3C trace context (as the SDK's
        tracing policy puts it on each request)."""
        self.attempts += 1
        self.status = self.service_id = None
        request_headers.update(self._headers)
        self.request_id = request_headers[REQUEST_ID]

    def answered(self, status: int, headers: Mapping[str, str]) -> None:
        self.status = status
        self.service_id = headers.get(SERVICE_REQUEST_ID)

    def end(self, exc: BaseException | None) -> None:
        span = self._span
        if self.attempts > 1:
            span.set_attribute("http.request.resend_count", self.attempts - 1)
        if self.request_id:
            span.set_attribute("az.client_request_id", self.request_id)
        if self.service_id:
            span.set_attribute("az.service_request_id", self.service_id)
        if self.status is not None:
            span.set_attribute("http.response.status_code", self.status)
            if self.status >= 400:  # as the SDK's HTTP span: the status is the error's type
                span.set_attribute("error.type", str(self.status))
        if exc is not None:
            from opentelemetry.trace import Status, StatusCode

            kind = type(exc)
            if self.status is None or self.status < 400:  # refused, timed out, undecodable
                module = "" if kind.__module__ == "builtins" else f"{kind.__module__}."
                span.set_attribute("error.type", f"{module}{kind.__qualname__}")
            span.set_status(Status(StatusCode.ERROR, f"{kind.__qualname__}: {exc}"))
        span.end()


_tracers: dict[tuple[Any, Any], Any] = {}


def _tracer(trace: Any) -> Any:
    """The tracer for reads, made once per tracer provider (``get_tracer`` builds a new one on
    every call: about 20 µs)."""
    key = (trace.get_tracer, trace.get_tracer_provider())
    tracer = _tracers.get(key)
    if tracer is None:
        tracer = _tracers[key] = trace.get_tracer(TRACER)
    return tracer


@contextmanager
def read_span(
    operation: str, url: str, host: str, port: int | None, method: str = "GET"
) -> Iterator[ReadSpan]:
    """A CLIENT span named ``operation`` (``TableClient.get_entity``) around one read, its
    retries included; ended with the exception's type and an error status if the read
    raised (a point read's 404 is an answer, not an error: the store returns None)."""
    from opentelemetry import propagate, trace
    from opentelemetry.trace import SpanKind

    attributes: dict[str, Any] = {
        "az.namespace": NAMESPACE,
        "http.request.method": method,
        "url.full": sanitized(url),
        "server.address": host,
    }
    if port is not None:
        attributes["server.port"] = port
    tracer = _tracer(trace)
    span = tracer.start_span(operation, kind=SpanKind.CLIENT, attributes=attributes)
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=trace.set_span_in_context(span))
    read = ReadSpan(span, carrier)
    try:
        yield read
    except BaseException as exc:
        read.end(exc)
        raise
    read.end(None)
