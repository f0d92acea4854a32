"""Property encodings shared by the repositories: dates as ISO strings (they sort), small
structures as JSON strings (Table Storage has no nested types), and JSON that may grow past
one string property's limit (64 KiB: about 32,000 characters) split over numbered properties
(an entity holds 1 MiB)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any


def put_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def get_date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def need_date(value: Any) -> date:
    parsed = get_date(value)
    if parsed is None:
        raise ValueError("stored row lacks a required date")
    return parsed


def put_json(value: Any) -> str | None:
    if value in (None, (), [], {}):
        return None
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def get_json(value: Any, default: Any) -> Any:
    return json.loads(value) if value else default


# a property holds 64 KiB of UTF-16 (32,768 units): parts are cut by units, not characters,
# since a character outside the BMP (an emoji) takes two (failure8 finding 9)
PART_UNITS = 32_000


def put_json_parts(name: str, value: Any) -> dict[str, str | None]:
    """``{name: part 0, name_1: part 1, …}``: a list of a debtor's hundreds of invoices, or a
    message's bookkeeping for each of them, never fails the write on one property's size
    (newcomer7 finding 2). Small values keep the single property they always had."""
    text = put_json(value)
    if text is None or _units(text) <= PART_UNITS:
        return {name: text}
    parts = _cut(text)
    return {name: parts[0], **{f"{name}_{n}": part for n, part in enumerate(parts[1:], 1)}}


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str) -> list[str]:
    parts: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + PART_UNITS)
        while (units := _units(text[start:end])) > PART_UNITS:
            end = start + (end - start) * PART_UNITS // units  # strictly shorter each time
        parts.append(text[start:end])
        start = end
    return parts


def get_json_parts(data: Mapping[str, Any], name: str, default: Any) -> Any:
    text = data.get(name)
    if not text:
        return default
    n = 1
    while (more := data.get(f"{name}_{n}")) is not None:
        text += more
        n += 1
    return json.loads(text)
