"""HTTP route templates as the Functions host reads them (ASP.NET Core routing subset):
``{name}``, ``{name:int}`` and other constraints, optional ``{name?}``, catch-all ``{*name}``."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CONSTRAINTS = {
    "int": r"-?\d+",
    "long": r"-?\d+",
    "alpha": r"[A-Za-z]+",
    "bool": r"(?i:true|false)",
    "guid": r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}",
    "datetime": r"[^/]+",
    "decimal": r"-?\d+(?:\.\d+)?",
    "double": r"-?\d+(?:\.\d+)?",
    "float": r"-?\d+(?:\.\d+)?",
}


@dataclass(frozen=True)
class RouteTemplate:
    template: str
    regex: re.Pattern[str]

    @classmethod
    def compile(cls, prefix: str, template: str) -> RouteTemplate:
        parts = [p for p in (prefix.strip("/"), template.strip("/")) if p]
        pattern = "^"
        for segment in "/".join(parts).split("/"):
            match = re.fullmatch(r"\{(\*)?(\w+)(?::(\w+))?(\?)?\}", segment)
            if not match:
                pattern += "/" + re.escape(segment)
                continue
            star, name, constraint, optional = match.groups()
            if star:
                pattern += f"(?:/(?P<{name}>.*))?"
                continue
            body = _CONSTRAINTS.get(constraint or "", r"[^/]+")
            piece = f"/(?P<{name}>{body})"
            pattern += f"(?:{piece})?" if optional else piece
        return cls(template, re.compile(pattern + "/?$"))

    def match(self, path: str) -> dict[str, str] | None:
        found = self.regex.match(path)
        if not found:
            return None
        return {k: v for k, v in found.groupdict().items() if v is not None}
