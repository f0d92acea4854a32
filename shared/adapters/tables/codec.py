"""Property encodings shared by the repositories: dates as ISO strings (they sort), small
structures as JSON strings (Table Storage has no nested types)."""

from __future__ import annotations

import json
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
