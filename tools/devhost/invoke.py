"""Call a user function the way the Python worker does: arguments bound by parameter name,
``func.Out`` objects for output bindings, a ``context`` argument, async functions awaited.
Outputs are handed back only when the function succeeded.

The ``context`` is what the Functions host gives the worker per invocation: an invocation id
and the host's trace for it (``trace_context``), so that a function's own spans and logs join
the invocation locally as they do in Azure (``shared/telemetry/instrument.py``)."""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import re
import secrets
import threading
import uuid
from dataclasses import dataclass
from typing import Any

import azure.functions as func
from azure.functions._abc import RetryContext, TraceContext  # not re-exported by the package

from tools.devhost.index import FunctionSpec

log = logging.getLogger("devhost")

_TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
HOST_INSTANCE_ID = str(uuid.uuid4())  # one per host process, as the Functions host's


class OutValue(func.Out):  # type: ignore[misc,type-arg]
    def __init__(self) -> None:
        self.value: Any = None

    def set(self, val: Any) -> None:
        self.value = val

    def get(self) -> Any:
        return self.value


class LocalTraceContext(TraceContext):
    """The host's trace for one invocation, as the worker's ``TraceContext`` carries it: W3C
    ``traceparent`` and ``tracestate`` and the host's attributes, under both the current names
    and the deprecated capitalised ones the worker still offers."""

    def __init__(self, trace_parent: str, trace_state: str, attributes: dict[str, str]) -> None:
        self._trace_parent = trace_parent
        self._trace_state = trace_state
        self._attributes = attributes

    @property
    def trace_parent(self) -> str:
        return self._trace_parent

    @property
    def trace_state(self) -> str:
        return self._trace_state

    @property
    def attributes(self) -> dict[str, str]:
        return self._attributes

    Traceparent = trace_parent
    Tracestate = trace_state
    Attributes = attributes


class LocalRetryContext(RetryContext):
    """No retry policy runs locally (queues retry by dequeue count, as in Azure)."""

    @property
    def retry_count(self) -> int:
        return 0

    @property
    def max_retry_count(self) -> int:
        return 0

    @property
    def exception(self) -> Any:
        return None


class LocalContext(func.Context):
    def __init__(
        self,
        function_name: str,
        trace_context: LocalTraceContext | None = None,
        invocation_id: str | None = None,
    ) -> None:
        self._function_name = function_name
        self._invocation_id = invocation_id or str(uuid.uuid4())
        self._trace_context = trace_context or host_trace(function_name, None)
        self._local = threading.local()
        self._local.invocation_id = self._invocation_id  # as the worker sets it

    @property
    def function_name(self) -> str:
        return self._function_name

    @property
    def invocation_id(self) -> str:
        return self._invocation_id

    @property
    def function_directory(self) -> str:
        return "."

    @property
    def trace_context(self) -> LocalTraceContext:
        return self._trace_context

    @property
    def retry_context(self) -> LocalRetryContext:
        return LocalRetryContext()

    @property
    def thread_local_storage(self) -> Any:
        return self._local


def host_trace(function_name: str, trigger_value: Any) -> LocalTraceContext:
    """A fresh span of the host's for this invocation. Like the Functions host, an HTTP
    request's own valid ``traceparent`` is continued (same trace, the host's span under the
    caller's); every other trigger starts a new trace. The attributes are the ones the host
    adds when Application Insights is on."""
    trace_id, trace_state = "", ""
    if isinstance(trigger_value, func.HttpRequest):
        caller = _TRACEPARENT.match(trigger_value.headers.get("traceparent", "").strip().lower())
        if caller and set(caller.group(1)) != {"0"} and set(caller.group(2)) != {"0"}:
            trace_id = caller.group(1)
            trace_state = trigger_value.headers.get("tracestate", "")
    while not trace_id.strip("0"):  # all-zero ids are invalid
        trace_id = secrets.token_hex(16)
    span_id = ""
    while not span_id.strip("0"):
        span_id = secrets.token_hex(8)
    attributes = {
        "OperationName": function_name,
        "Category": f"Function.{function_name}",
        "HostInstanceId": HOST_INSTANCE_ID,
        "ProcessId": str(os.getpid()),
    }
    return LocalTraceContext(f"00-{trace_id}-{span_id}-01", trace_state, attributes)


@dataclass
class Outcome:
    result: Any
    outputs: dict[str, Any]


def invoke(spec: FunctionSpec, trigger_value: Any) -> Outcome:
    outs = {b.name: OutValue() for b in spec.outputs}
    kwargs: dict[str, Any] = {}
    context = LocalContext(spec.name, host_trace(spec.name, trigger_value))
    for name in spec.parameters:
        if name == spec.trigger.name:
            kwargs[name] = trigger_value
        elif name in outs:
            kwargs[name] = outs[name]
        elif name == "context":
            kwargs[name] = context
    try:
        result = spec.user_function(**kwargs)
        if inspect.isawaitable(result):
            result = asyncio.run(_await(result))
    except BaseException:
        # the host's own line for a failed invocation: its id and trace lead to the function's
        # spans and log lines (docs/operations.md section 8)
        log.warning("Executed 'Functions.%s' (Failed, Id=%s, Trace=%s)", spec.name,
                    context.invocation_id, context.trace_context.trace_parent.split("-")[1])  # fmt: skip
        raise
    return Outcome(result, {name: out.value for name, out in outs.items()})


async def _await(awaitable: Any) -> Any:
    return await awaitable
