"""Call a user function the way the Python worker does: arguments bound by parameter name,
``func.Out`` objects for output bindings, a ``context`` argument, async functions awaited.
Outputs are handed back only when the function succeeded."""

from __future__ import annotations

import asyncio
import inspect
import uuid
from dataclasses import dataclass, field
from typing import Any

import azure.functions as func

from tools.devhost.index import FunctionSpec


class OutValue(func.Out):  # type: ignore[misc,type-arg]
    def __init__(self) -> None:
        self.value: Any = None

    def set(self, val: Any) -> None:
        self.value = val

    def get(self) -> Any:
        return self.value


@dataclass
class LocalContext:
    function_name: str
    invocation_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_directory: str = "."
    trace_context: Any = None
    retry_context: Any = None
    thread_local_storage: Any = None


@dataclass
class Outcome:
    result: Any
    outputs: dict[str, Any]


def invoke(spec: FunctionSpec, trigger_value: Any) -> Outcome:
    outs = {b.name: OutValue() for b in spec.outputs}
    kwargs: dict[str, Any] = {}
    for name in spec.parameters:
        if name == spec.trigger.name:
            kwargs[name] = trigger_value
        elif name in outs:
            kwargs[name] = outs[name]
        elif name == "context":
            kwargs[name] = LocalContext(spec.name)
    result = spec.user_function(**kwargs)
    if inspect.isawaitable(result):
        result = asyncio.run(_await(result))
    return Outcome(result, {name: out.value for name, out in outs.items()})


async def _await(awaitable: Any) -> Any:
    return await awaitable
