"""Inning's spans and logs join the invocation the Functions host records: the host hands the
worker its trace in ``context.trace_context`` and Inning's span for the invocation hangs under
it, unless the trigger carried a parent of its own (an HTTP request's ``traceparent`` header, a
queue message's stamped context); every log line carries the invocation id. The local host
hands out the same context (tools/devhost/invoke.py)."""

from __future__ import annotations

import json
import logging
import typing
from collections.abc import Iterator
from typing import Any

import azure.functions as func
import pytest
from azure.functions.blob import InputStream
from azure.functions.queue import QueueMessage
from azure.functions.timer import TimerRequest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shared.telemetry import context, setup
from shared.telemetry.instrument import instrument_app
from tests.support.otel import attributes
from tools.devhost.index import index
from tools.devhost.invoke import LocalContext, LocalTraceContext, host_trace, invoke

log = logging.getLogger("inning.test")
CALLER = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c"


def build_app(seen: list[dict[str, Any]]) -> func.FunctionApp:
    """One function per trigger kind, each noting the operation it ran in and logging a line."""
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    def note(name: str) -> None:
        op = context.current()
        assert op is not None
        seen.append({"function": name, "operation_id": op.operation_id, **op.fields})
        log.info("working in %s", name)

    @app.function_name("page")
    @app.route(route="page")
    def page(req: func.HttpRequest, context: func.Context) -> func.HttpResponse:
        note("page")
        return func.HttpResponse("ok")

    @app.function_name("morning")
    @app.timer_trigger(arg_name="timer", schedule="0 0 6 * * *")
    def morning(timer: func.TimerRequest, context: func.Context) -> None:
        note("morning")

    @app.function_name("statement")
    @app.blob_trigger(arg_name="blob", path="statements/{name}", connection="AzureWebJobsStorage")
    def statement(blob: func.InputStream, context: func.Context) -> None:
        note("statement")

    @app.function_name("work")
    @app.queue_trigger(arg_name="msg", queue_name="work", connection="AzureWebJobsStorage")
    def work(msg: func.QueueMessage, context: func.Context) -> None:
        note("work")

    instrument_app(app)
    return app


def user_functions(app: func.FunctionApp) -> dict[str, Any]:
    return {
        str(b._function.get_function_name()): b._function.get_user_function()
        for b in app._function_builders
    }


def host_ids(ctx: LocalContext) -> tuple[str, str]:
    """(trace id, span id) of the host's span for the invocation."""
    _, trace_id, span_id, _ = ctx.trace_context.trace_parent.split("-")
    return trace_id, span_id


def span_ids(span: ReadableSpan) -> tuple[str, str | None]:
    """(trace id, parent span id) of a recorded span."""
    parent = f"{span.parent.span_id:016x}" if span.parent else None
    return f"{span.context.trace_id:032x}", parent


@pytest.fixture(autouse=True)
def _logging() -> Iterator[None]:
    setup.reset_for_tests()
    setup.ensure({})
    yield


@pytest.fixture
def spans(monkeypatch: pytest.MonkeyPatch) -> InMemorySpanExporter:
    """Telemetry on, spans recorded in memory."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(trace, "get_tracer", lambda name, *a, **k: provider.get_tracer(name))
    monkeypatch.setattr(setup, "_tracing", True)
    return exporter


def only_span(exporter: InMemorySpanExporter) -> ReadableSpan:
    finished = exporter.get_finished_spans()
    assert len(finished) == 1
    exporter.clear()
    return finished[0]


# -- every function takes the context, and the local host passes it --------------------------


def _repo_app() -> Any:
    """The repository's ``function_app``: the local host loads any script under that module
    name (tests of the host load small apps of their own), so the name alone may not be ours."""
    import importlib.util
    import sys
    from pathlib import Path

    from tests.support.code_scan import ROOT

    script = (ROOT / "function_app.py").resolve()
    loaded = sys.modules.get("function_app")
    if loaded is not None and Path(getattr(loaded, "__file__", "") or "").resolve() == script:
        return loaded
    spec = importlib.util.spec_from_file_location("inning_function_app", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_registered_function_takes_the_invocation_context() -> None:
    """The worker passes the invocation context only to a parameter named ``context``, and
    refuses to load a function whose ``context`` is annotated as anything but a class named
    ``Context`` (it resolves the hints as ``typing.get_type_hints`` does)."""
    app = _repo_app().app
    functions = {
        str(b._function.get_function_name()): b._function.get_user_function()
        for b in app._function_builders
    }
    assert len(functions) > 40
    missing = [name for name, fn in functions.items() if "context" not in _parameters(fn)]
    assert missing == []
    wrong = [
        n
        for n, fn in functions.items()
        if typing.get_type_hints(fn).get("context") is not func.Context
    ]
    assert wrong == []
    # and the local host's index sees it, so invoke() binds it
    specs = index(app)
    assert [s.name for s in specs if "context" not in s.parameters] == []


def _parameters(fn: Any) -> list[str]:
    import inspect

    return list(inspect.signature(fn).parameters)


def test_the_local_host_hands_each_invocation_a_context_with_a_fresh_valid_trace() -> None:
    got: list[Any] = []
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.function_name("tick")
    @app.timer_trigger(arg_name="timer", schedule="0 0 6 * * *")
    def tick(timer: func.TimerRequest, context: func.Context) -> None:
        got.append(context)

    (spec,) = index(app)
    invoke(spec, TimerRequest())
    invoke(spec, TimerRequest())
    first, second = got
    assert all(isinstance(ctx, func.Context) for ctx in got)
    for ctx in got:
        assert context.parse_traceparent(ctx.trace_context.trace_parent) is not None
        # the worker's TraceContext offers both spellings
        assert ctx.trace_context.Traceparent == ctx.trace_context.trace_parent
        assert ctx.trace_context.trace_state == ctx.trace_context.Tracestate == ""
        assert ctx.trace_context.attributes["OperationName"] == "tick"
        assert ctx.trace_context.attributes["Category"] == "Function.tick"
        assert ctx.thread_local_storage.invocation_id == ctx.invocation_id
        assert ctx.function_name == "tick"
    assert first.invocation_id != second.invocation_id
    assert host_ids(first)[0] != host_ids(second)[0]  # a timer starts a trace per invocation


def test_the_local_host_continues_an_http_requests_own_trace_as_the_functions_host_does() -> None:
    request = func.HttpRequest("GET", "/api/page", headers={"traceparent": CALLER,
                               "tracestate": "inning=1"}, body=b"")  # fmt: skip
    tc = host_trace("page", request)
    trace_id, span_id = tc.trace_parent.split("-")[1:3]
    assert trace_id == CALLER_TRACE and span_id != "b7ad6b7169203331"
    assert tc.trace_state == "inning=1"
    garbled = func.HttpRequest(
        "GET", "/", headers={"traceparent": "00-" + "0" * 32 + "-01"}, body=b""
    )
    assert host_trace("page", garbled).trace_parent.split("-")[1] != "0" * 32


# -- the span hangs under the host's span ----------------------------------------------------


@pytest.mark.parametrize(
    ("function", "trigger"),
    [
        ("morning", TimerRequest()),
        ("statement", InputStream(data=b"x", name="statements/agency-a/day.xml")),
        ("work", QueueMessage(id="m-1", body=b'{"client_id": "C1", "key": "k1"}')),
        ("work", QueueMessage(id="m-2", body=b"not json")),
        ("page", func.HttpRequest("GET", "/api/page", body=b"")),
    ],
    ids=["timer", "blob", "queue", "queue-not-json", "http-without-traceparent"],
)
def test_with_nothing_carried_in_the_span_hangs_under_the_hosts_span(
    spans: InMemorySpanExporter, function: str, trigger: Any
) -> None:
    fns = user_functions(build_app([]))
    ctx = LocalContext(function)
    fns[function](trigger, context=ctx)
    span = only_span(spans)
    assert span_ids(span) == host_ids(ctx)
    assert attributes(span)["inning.invocation_id"] == ctx.invocation_id
    assert "inning.host_operation_id" not in attributes(span)  # nothing to link: it is the parent


def test_an_http_request_with_its_own_traceparent_keeps_it(spans: InMemorySpanExporter) -> None:
    fns = user_functions(build_app([]))
    request = func.HttpRequest("GET", "/api/page", headers={"traceparent": CALLER}, body=b"")
    # a host that did not continue the caller's trace: the caller's wins, the host's is linked
    other = LocalContext("page")
    fns["page"](request, context=other)
    span = only_span(spans)
    assert span_ids(span) == (CALLER_TRACE, "b7ad6b7169203331")
    assert attributes(span)["inning.host_operation_id"] == host_ids(other)[0]
    assert [f"{link.context.span_id:016x}" for link in span.links] == [host_ids(other)[1]]
    # the Functions host continues it (as the local host does): same trace, the host's span is
    # the nearer parent
    continued = LocalContext("page", host_trace("page", request))
    fns["page"](request, context=continued)
    span = only_span(spans)
    assert span_ids(span) == (CALLER_TRACE, host_ids(continued)[1])


def test_a_queue_message_keeps_the_enqueuers_trace_and_links_the_hosts(
    spans: InMemorySpanExporter,
) -> None:
    """The enqueuer's trace is what ties a request or a timer to the work it queued; the
    host's own trace for the queue invocation is linked and named, not lost."""
    fns = user_functions(build_app([]))
    body = json.dumps({"client_id": "C1", "key": "k1", "traceparent": CALLER}).encode()
    ctx = LocalContext("work")
    fns["work"](QueueMessage(id="m-1", body=body), context=ctx)
    span = only_span(spans)
    assert span_ids(span) == (CALLER_TRACE, "b7ad6b7169203331")
    assert attributes(span)["inning.host_operation_id"] == host_ids(ctx)[0]
    (link,) = span.links
    assert (f"{link.context.trace_id:032x}", f"{link.context.span_id:016x}") == host_ids(ctx)


def test_a_timers_jobs_carry_the_hosts_trace_on(spans: InMemorySpanExporter) -> None:
    """A daily run, its per-client runs and their messages stay one operation: the host's
    trace of the timer invocation."""
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
    queued: list[str] = []

    @app.function_name("fan_out")
    @app.timer_trigger(arg_name="timer", schedule="0 0 6 * * *")
    def fan_out(timer: func.TimerRequest, context: func.Context) -> None:
        queued.append(context_stamp({"client_id": "C1"}))

    @app.function_name("client_run")
    @app.queue_trigger(arg_name="msg", queue_name="runs", connection="AzureWebJobsStorage")
    def client_run(msg: func.QueueMessage, context: func.Context) -> None:
        pass

    instrument_app(app)
    fns = user_functions(app)
    timer_ctx = LocalContext("fan_out")
    fns["fan_out"](TimerRequest(), context=timer_ctx)
    fns["client_run"](QueueMessage(id="m", body=queued[0].encode()), context=LocalContext("r"))
    by_name = {s.name: s for s in spans.get_finished_spans()}
    assert span_ids(by_name["fan_out"]) == host_ids(timer_ctx)
    assert span_ids(by_name["client_run"]) == (
        host_ids(timer_ctx)[0],
        f"{by_name['fan_out'].context.span_id:016x}",
    )


def context_stamp(job: dict[str, str]) -> str:
    return context.stamp(json.dumps(job))


def test_an_older_workers_trace_context_spelling_is_read_too(spans: InMemorySpanExporter) -> None:
    class OldTrace:  # azure-functions-python-worker before trace_parent existed
        Traceparent = "00-1bf7651916cd43dd8448eb211c80319c-c7ad6b7169203331-01"
        Tracestate = ""

    class OldContext:
        invocation_id = "inv-old"
        trace_context = OldTrace()

    fns = user_functions(build_app([]))
    fns["morning"](TimerRequest(), context=OldContext())
    span = only_span(spans)
    assert span_ids(span) == ("1bf7651916cd43dd8448eb211c80319c", "c7ad6b7169203331")
    assert attributes(span)["inning.invocation_id"] == "inv-old"


def test_the_hosts_tracestate_goes_with_its_span(spans: InMemorySpanExporter) -> None:
    fns = user_functions(build_app([]))
    parent = "00-2cf7651916cd43dd8448eb211c80319c-d7ad6b7169203331-01"
    ctx = LocalContext("morning", LocalTraceContext(parent, "az=abc", {}))
    fns["morning"](TimerRequest(), context=ctx)
    span = only_span(spans)
    assert dict(span.context.trace_state) == {"az": "abc"}


# -- logs ------------------------------------------------------------------------------------


def test_logs_carry_the_invocation_id_and_without_telemetry_the_hosts_operation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[dict[str, Any]] = []
    fns = user_functions(build_app(seen))
    timer_ctx, queue_ctx = LocalContext("morning"), LocalContext("work")
    body = json.dumps({"client_id": "C1", "key": "k1", "traceparent": CALLER}).encode()
    with caplog.at_level(logging.INFO, logger="inning.test"):
        fns["morning"](TimerRequest(), context=timer_ctx)
        fns["work"](QueueMessage(id="m-1", body=body), context=queue_ctx)
    timer_line, queue_line = [r for r in caplog.records if r.name == "inning.test"]
    assert getattr(timer_line, "invocation_id", None) == timer_ctx.invocation_id
    assert getattr(timer_line, "operation_id", None) == host_ids(timer_ctx)[0]
    # the queue job stays in its enqueuer's operation; its invocation id joins it to the host's
    assert getattr(queue_line, "invocation_id", None) == queue_ctx.invocation_id
    assert getattr(queue_line, "operation_id", None) == CALLER_TRACE
    assert seen[1]["client_id"] == "C1"


def test_the_local_host_logs_a_failed_invocations_id_and_trace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
    ran: list[tuple[str, str]] = []

    @app.function_name("broken")
    @app.timer_trigger(arg_name="timer", schedule="0 0 6 * * *")
    def broken(timer: func.TimerRequest, context: func.Context) -> None:
        op = context_current()
        ran.append((op.operation_id, op.fields["invocation_id"]))
        log.error("could not do it")
        raise RuntimeError("broken")

    instrument_app(app)
    (spec,) = index(app)
    with caplog.at_level(logging.INFO), pytest.raises(RuntimeError):
        invoke(spec, TimerRequest())
    operation_id, invocation_id = ran[0]
    host_line = next(r for r in caplog.records if r.name == "devhost")
    assert host_line.getMessage() == (
        f"Executed 'Functions.broken' (Failed, Id={invocation_id}, Trace={operation_id})"
    )
    ours = next(r for r in caplog.records if r.name == "inning.test")
    assert (ours.operation_id, ours.invocation_id) == (operation_id, invocation_id)  # type: ignore[attr-defined]


def context_current() -> context.Operation:
    op = context.current()
    assert op is not None
    return op
