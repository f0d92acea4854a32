"""Identifiers Inning makes itself: time-ordered (so that key order is creation order) and
random enough to be unguessable by position."""

from __future__ import annotations

import secrets
from datetime import datetime


def time_ordered_id(now: datetime, prefix: str = "") -> str:
    millis = int(now.timestamp() * 1000)
    return f"{prefix}{millis:012x}{secrets.token_hex(5)}"


def random_id(prefix: str, nbytes: int = 8) -> str:
    return f"{prefix}{secrets.token_hex(nbytes)}"
