"""Index a Python v2 function app the way the worker does: import the script, find exactly
one FunctionApp, call ``get_functions()`` once (a second call raises), and describe each
function's trigger and bindings."""

from __future__ import annotations

import importlib.util
import inspect
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import azure.functions as func


@dataclass
class Binding:
    name: str
    type: str
    direction: str
    attrs: dict[str, Any]


@dataclass
class FunctionSpec:
    name: str
    trigger: Binding
    outputs: list[Binding]
    user_function: Any
    parameters: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.trigger.type


class IndexError_(RuntimeError):
    pass


def _binding(raw: dict[str, Any]) -> Binding:
    attrs = {k: v for k, v in raw.items() if k not in ("name", "type", "direction")}
    return Binding(raw["name"], raw["type"], str(raw["direction"]).upper(), attrs)


def load_app(script: Path) -> func.FunctionApp:
    spec = importlib.util.spec_from_file_location("function_app", script)
    if spec is None or spec.loader is None:
        raise IndexError_(f"cannot import {script}")
    root = str(script.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    module = importlib.util.module_from_spec(spec)
    sys.modules["function_app"] = module
    spec.loader.exec_module(module)
    apps = [v for v in vars(module).values() if isinstance(v, func.FunctionRegister)]
    if len(apps) != 1:
        raise IndexError_(
            "Could not find top level function app instances" if not apps
            else "More than one function app instances are defined"
        )  # fmt: skip
    app = apps[0]
    assert isinstance(app, func.FunctionApp)
    return app


def index(app: func.FunctionApp) -> list[FunctionSpec]:
    specs = []
    for function in app.get_functions():
        raw = function.get_dict_repr()
        bindings = [_binding(b) for b in raw["bindings"]]
        triggers = [b for b in bindings if b.type.endswith("Trigger")]
        if len(triggers) != 1:
            raise IndexError_(f"{function.get_function_name()}: exactly one trigger expected")
        trigger = triggers[0]
        if trigger.type == "httpTrigger":
            route = str(trigger.attrs.get("route") or function.get_function_name())
            if route.strip("/").lower().startswith("admin"):
                raise IndexError_(
                    f"{function.get_function_name()}: route {route!r} conflicts with the "
                    "host's built-in admin routes"
                )
            trigger.attrs["route"] = route
        user = function.get_user_function()
        specs.append(
            FunctionSpec(
                name=str(function.get_function_name()),
                trigger=trigger,
                outputs=[b for b in bindings if b.direction == "OUT" and b.name != "$return"],
                user_function=user,
                parameters=list(inspect.signature(user).parameters),
            )
        )
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise IndexError_("function names must be unique")
    return specs
