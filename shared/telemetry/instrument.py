"""One wrapper around every function of the app: the operation context, a span per
invocation (when telemetry is on) and the ids the logs carry. ``function_app.py`` calls
:func:`instrument_app` once after registering its blueprints, so functions added later are
covered without touching their modules.

The Functions host records every invocation itself (its request row and its own log lines) in
a trace it starts, and hands the worker that trace in ``context.trace_context``. Inning's span
for the invocation hangs under the host's span whenever nothing else was carried in, so the
portal shows one operation: the failed invocation and the spans and logs inside it
(:func:`parent_for` has the rule; docs/operations.md section 8 the queries)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from shared.telemetry import context, setup


@dataclass(frozen=True)
class HostInvocation:
    """What the host says about one invocation: its id and the host's span for it."""

    invocation_id: str = ""
    traceparent: str | None = None
    tracestate: str = ""


def host_invocation(values: list[Any]) -> HostInvocation:
    """The invocation ``context`` among a function's arguments (the worker passes it by the
    parameter name ``context``), read by duck typing: the worker's own class does not derive
    from ``azure.functions.Context``, and older workers name the trace fields ``Traceparent``
    and ``Tracestate``."""
    for value in values:
        trace = getattr(value, "trace_context", None)
        if trace is None or not hasattr(value, "invocation_id"):
            continue
        parent = getattr(trace, "trace_parent", None) or getattr(trace, "Traceparent", None)
        state = getattr(trace, "trace_state", None) or getattr(trace, "Tracestate", None)
        return HostInvocation(
            invocation_id=str(value.invocation_id or ""),
            traceparent=parent if isinstance(parent, str) else None,
            tracestate=state if isinstance(state, str) else "",
        )
    return HostInvocation()


def parent_for(carried: str | None, host: HostInvocation) -> str | None:
    """The span an invocation's span hangs under.

    Nothing carried in (a timer, a blob, an HTTP request without ``traceparent``, a queue
    message Inning did not stamp): the host's span, so Inning's spans and logs sit inside the
    invocation the host records. Carried in and in the host's trace (an HTTP request's own
    ``traceparent``, which the host continues): the host's span, the nearer of the two. Carried
    in from another trace (a queue message stamped by the request or timer that queued it; the
    host starts a new trace per queue invocation): the carried one. The enqueuer's trace is
    what links a request to its work: a daily run, each client's run and every message sent
    stay one operation. The host's span then becomes a link and ``inning.host_operation_id``,
    and the invocation id in every log line joins the two."""
    own = context.parse_traceparent(carried)
    hosts = context.parse_traceparent(host.traceparent)
    if own is None:
        return host.traceparent if hosts else None
    if hosts and hosts[0] == own[0]:
        return host.traceparent
    return carried


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
            values = [*args, *kwargs.values()]
            parent, ids, kind = incoming(values)
            with invocation(name, kind, parent, ids, host_invocation(values)):
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
def invocation(
    name: str,
    kind: str,
    parent: str | None,
    ids: dict[str, str],
    host: HostInvocation | None = None,
) -> Iterator[None]:
    host = host or HostInvocation()
    chosen = parent_for(parent, host)
    if host.invocation_id:  # what the host's own records carry too (InvocationId)
        ids = {**ids, "invocation_id": host.invocation_id}
    if not setup.tracing_enabled():
        with context.operation(name, traceparent=chosen, **ids):
            yield
        return
    from opentelemetry import trace
    from opentelemetry.trace import Link, NonRecordingSpan

    ctx = None
    remote = _remote(chosen, host.tracestate if chosen == host.traceparent else "")
    if remote is not None:
        ctx = trace.set_span_in_context(NonRecordingSpan(remote))
    attributes = {"inning.trigger": kind}
    links = []
    hosts = _remote(host.traceparent, host.tracestate)
    if hosts is not None and chosen != host.traceparent:
        links.append(Link(hosts, {"inning.link": "host_invocation"}))
        attributes["inning.host_operation_id"] = f"{hosts.trace_id:032x}"
    # INTERNAL, not SERVER/CONSUMER: the Functions host already records each invocation as a
    # request; a second request row per invocation would double the 5xx alert's denominator
    tracer = trace.get_tracer("inning")
    with tracer.start_as_current_span(
        name, context=ctx, attributes=attributes, links=links
    ) as span:
        sc = span.get_span_context()
        for key, value in ids.items():
            span.set_attribute(f"inning.{key}", value)
        own = f"00-{sc.trace_id:032x}-{sc.span_id:016x}-01"
        with context.operation(name, traceparent=own, span_id=f"{sc.span_id:016x}", **ids):
            yield


def _remote(traceparent: str | None, tracestate: str) -> Any:
    """A remote ``SpanContext`` for a valid traceparent, None otherwise. Flagged sampled
    whatever the caller's flag says: what is kept is Application Insights' sampler's decision
    (by trace id), not an outside flag's."""
    from opentelemetry.trace import SpanContext, TraceFlags, TraceState

    parsed = context.parse_traceparent(traceparent)
    if parsed is None:
        return None
    state = TraceState.from_header([tracestate]) if tracestate else None
    return SpanContext(int(parsed[0], 16), int(parsed[1], 16), is_remote=True,
                       trace_flags=TraceFlags(TraceFlags.SAMPLED), trace_state=state)  # fmt: skip
