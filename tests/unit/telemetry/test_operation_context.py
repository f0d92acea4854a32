"""One operation id from an HTTP request or a timer through every queue message it causes,
and in every log line: the wrapper every function of the app gets (instrument_app), the
queue adapter's stamp, and the spans when telemetry is on."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import azure.functions as func
import pytest
from azure.functions.queue import QueueMessage
from azure.functions.timer import TimerRequest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shared.telemetry import context, setup
from shared.telemetry.instrument import instrument_app
from tests.support.otel import attributes

log = logging.getLogger("inning.test")
PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def build_app(queued: list[str], seen: list[dict[str, Any]]) -> func.FunctionApp:
    """A small app: an HTTP function and a timer that queue jobs, a queue function that
    queues the next job, as the dunning fan-out does."""
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    def note() -> None:
        op = context.current()
        assert op is not None
        seen.append({"operation_id": op.operation_id, "span_id": op.span_id, **op.fields})
        log.info("working")

    @app.function_name("start")
    @app.route(route="start")
    def start(req: func.HttpRequest) -> func.HttpResponse:
        note()
        queued.append(context.stamp(json.dumps({"client_id": "C1", "key": "k1"})))
        return func.HttpResponse("ok")

    @app.function_name("morning")
    @app.timer_trigger(arg_name="timer", schedule="0 0 6 * * *")
    def morning(timer: func.TimerRequest) -> None:
        note()
        queued.append(context.stamp(json.dumps({"client_id": "C2", "date": "2026-11-30"})))

    @app.function_name("work")
    @app.queue_trigger(arg_name="msg", queue_name="work", connection="AzureWebJobsStorage")
    def work(msg: func.QueueMessage) -> None:
        note()
        queued.append(context.stamp(json.dumps({"client_id": "C1", "key": "k2"})))

    instrument_app(app)
    return app


def user_functions(app: func.FunctionApp) -> dict[str, Any]:
    return {
        str(b._function.get_function_name()): b._function.get_user_function()
        for b in app._function_builders
    }


def queue_message(body: str, message_id: str = "m-1") -> QueueMessage:
    return QueueMessage(id=message_id, body=body.encode(), dequeue_count=1)


@pytest.fixture(autouse=True)
def _logging() -> Iterator[None]:
    setup.reset_for_tests()
    setup.ensure({})
    yield


def test_an_http_request_and_every_message_it_causes_share_one_operation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    queued: list[str] = []
    seen: list[dict[str, Any]] = []
    fns = user_functions(build_app(queued, seen))
    with caplog.at_level(logging.INFO, logger="inning.test"):
        fns["start"](
            func.HttpRequest("GET", "/api/start", headers={"traceparent": PARENT}, body=b"")
        )
        first = queued.pop()
        assert json.loads(first)["traceparent"].split("-")[1] == "0af7651916cd43dd8448eb211c80319c"
        fns["work"](queue_message(first))
        fns["work"](queue_message(queued.pop(), "m-2"))
    operation = "0af7651916cd43dd8448eb211c80319c"
    assert [s["operation_id"] for s in seen] == [operation] * 3
    # each hop has its own span, and names the one before it as parent
    assert len({s["span_id"] for s in seen}) == 3
    assert seen[1]["client_id"] == "C1" and seen[1]["message_id"] == "k1"
    assert seen[2]["message_id"] == "k2"
    records = [r for r in caplog.records if r.name == "inning.test"]
    assert [getattr(r, "operation_id", None) for r in records] == [operation] * 3
    assert getattr(records[1], "client_id", None) == "C1"
    assert getattr(records[1], "message_id", None) == "k1"


def test_a_timer_starts_a_new_operation_that_its_jobs_carry() -> None:
    queued: list[str] = []
    seen: list[dict[str, Any]] = []
    fns = user_functions(build_app(queued, seen))
    fns["morning"](TimerRequest(past_due=False))
    fns["morning"](TimerRequest(past_due=False))
    second_job = queued.pop()
    fns["work"](queue_message(second_job))
    assert seen[0]["operation_id"] != seen[1]["operation_id"]  # two runs, two operations
    assert seen[2]["operation_id"] == seen[1]["operation_id"]
    assert seen[2]["client_id"] == "C2"


def test_a_message_without_a_traceparent_starts_its_own_operation() -> None:
    seen: list[dict[str, Any]] = []
    fns = user_functions(build_app([], seen))
    fns["work"](queue_message('{"client_id": "C9", "key": "k9"}'))
    fns["work"](queue_message("not json at all"))
    assert len({s["operation_id"] for s in seen}) == 2
    assert seen[0]["client_id"] == "C9" and seen[1]["message_id"] == "m-1"


def test_stamp_leaves_other_bodies_alone() -> None:
    assert context.stamp('{"a": 1}') == '{"a": 1}'  # no operation: unchanged
    with context.operation("x"):
        assert context.stamp("plain text") == "plain text"
        assert context.stamp("[1, 2]") == "[1, 2]"
        stamped = context.stamp('{"a": 1}')
        assert json.loads(stamped)["traceparent"] == context.current().traceparent  # type: ignore[union-attr]
        assert context.stamp(stamped) == stamped  # stamped once


def test_bad_traceparents_are_ignored() -> None:
    for bad in ("", "garbage", "00-" + "0" * 32 + "-b7ad6b7169203331-01", "01-xyz"):
        assert context.parse_traceparent(bad) is None
    assert context.parse_traceparent(PARENT) == (
        "0af7651916cd43dd8448eb211c80319c",
        "b7ad6b7169203331",
    )


def test_with_telemetry_on_spans_form_one_trace_across_the_queue(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(trace, "get_tracer", lambda name, *a, **k: provider.get_tracer(name))
    monkeypatch.setattr(setup, "_tracing", True)
    queued: list[str] = []
    seen: list[dict[str, Any]] = []
    fns = user_functions(build_app(queued, seen))
    fns["start"](func.HttpRequest("GET", "/api/start", headers={"traceparent": PARENT}, body=b""))
    fns["work"](queue_message(queued.pop()))
    spans = {s.name: s for s in exporter.get_finished_spans()}
    start, work = spans["start"], spans["work"]
    assert f"{start.context.trace_id:032x}" == "0af7651916cd43dd8448eb211c80319c"
    assert work.context.trace_id == start.context.trace_id
    assert work.parent is not None and work.parent.span_id == start.context.span_id
    assert seen[1]["span_id"] == f"{work.context.span_id:016x}"
    assert attributes(work)["inning.client_id"] == "C1"
