"""What the code names, read from its source (no import, no Functions host): triggers in
``functions/*.py`` and storage names in ``shared/``. The infra tests compare it with the Bicep."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class Trigger:
    function: str
    kind: str  # queue_trigger, blob_trigger, timer_trigger, route, ...
    args: dict[str, str]  # string-valued keyword arguments, enums as their attribute name


def _value(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Attribute):
        return node.attr  # func.BlobSource.EVENT_GRID -> "EVENT_GRID"
    return None


def triggers(folder: Path | None = None) -> list[Trigger]:
    found: list[Trigger] = []
    for path in sorted((folder or ROOT / "functions").glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            name = fn.name
            kinds: list[tuple[str, dict[str, str]]] = []
            for deco in fn.decorator_list:
                if not isinstance(deco, ast.Call) or not isinstance(deco.func, ast.Attribute):
                    continue
                attr = deco.func.attr
                args = {k.arg: v for k in deco.keywords if k.arg and (v := _value(k.value))}
                if attr == "function_name" and deco.args:
                    name = _value(deco.args[0]) or name
                elif attr.endswith("_trigger") or attr == "route":
                    kinds.append((attr, args))
            found += [Trigger(name, kind, args) for kind, args in kinds]
    return found


def string_constants(pattern: str, folder: Path | None = None) -> dict[str, str]:
    """Module-level ``NAME = "value"`` in ``shared/`` whose NAME matches ``pattern``."""
    wanted = re.compile(pattern)
    out: dict[str, str] = {}
    for path in sorted((folder or ROOT / "shared").rglob("*.py")):
        for node in ast.parse(path.read_text(), filename=str(path)).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name) and wanted.search(target.id):
                    value = _value(node.value)
                    if value is not None and isinstance(node.value, ast.Constant):
                        out[f"{path.relative_to(ROOT)}:{target.id}"] = value
    return out
