"""One wrapper around every function of the app: the operation context, a span per
invocation (when telemetry is on) and the ids the logs carry. ``function_app.py`` calls
:func:`instrument_app` once after registering its blueprints, so functions added later are
covered without touching their modules."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from shared.telemetry import context, setup


def instrument_app(app: Any) -> Any:
    """Wrap the user function of every registered function (idempotent)."""
    for builder in getattr(app, "_function_builders", []):
        function = builder._function
        user = function._func
        if getattr(user, "__inning_instrumented__", False):
            continue
        function._func = traced(function.get_function_name() or user.__name__)(user)
    return app


def traced(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            setup.ensure()
            parent, ids, kind = incoming([*args, *kwargs.values()])
            with invocation(name, kind, parent, ids):
                return fn(*args, **kwargs)

        wrapper.__inning_instrumented__ = True  # type: ignore[attr-defined]
        return wrapper

    return decorate


def incoming(values: list[Any]) -> tuple[str | None, dict[str, str], str]:
    """(parent traceparent, ids, kind) from a function's trigger argument."""
    import azure.functions as func

    for value in values:
        if isinstance(value, func.HttpRequest):
            return value.headers.get("traceparent"), {}, "http"
        if isinstance(value, func.QueueMessage):
            parent, ids = context.from_body(value.get_body())
            if value.id and "message_id" not in ids:
                ids["message_id"] = str(value.id)
            return parent, ids, "queue"
        if isinstance(value, func.InputStream):
            return None, {"message_id": str(value.name or "")}, "blob"
        if isinstance(value, func.TimerRequest):
            return None, {}, "timer"
    return None, {}, "other"


@contextmanager
def invocation(name: str, kind: str, parent: str | None, ids: dict[str, str]) -> Iterator[None]:
    if not setup.tracing_enabled():
        with context.operation(name, traceparent=parent, **ids):
            yield
        return
    from opentelemetry import trace
    from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

    parsed = context.parse_traceparent(parent)
    ctx = None
    if parsed:
        remote = SpanContext(int(parsed[0], 16), int(parsed[1], 16), is_remote=True,
                             trace_flags=TraceFlags(TraceFlags.SAMPLED))  # fmt: skip
        ctx = trace.set_span_in_context(NonRecordingSpan(remote))
    # INTERNAL, not SERVER/CONSUMER: the Functions host already records each invocation as a
    # request; a second request row per invocation would double the 5xx alert's denominator
    tracer = trace.get_tracer("inning")
    with tracer.start_as_current_span(
        name, context=ctx, attributes={"inning.trigger": kind}
    ) as span:
        sc = span.get_span_context()
        for key, value in ids.items():
            span.set_attribute(f"inning.{key}", value)
        own = f"00-{sc.trace_id:032x}-{sc.span_id:016x}-01"
        with context.operation(name, traceparent=own, span_id=f"{sc.span_id:016x}", **ids):
            yield
