"""A retried write that met itself: told apart from another writer's by the stored row.

Why: the storage client retries a write whose answer was lost (a reset after the request went
out) or that was answered 500/503/504 (the service's "OperationTimedOut": it may have been
applied). When the first attempt was applied, the retry meets that very write: a 412 on its
If-Match (the ETag moved on), a 409 on an insert (the row exists), a 404 on a delete. Raised
as they were, a caller takes its own write for another worker's and skips what came after
(failure20's O1, O2, I1, C1, D1). So after such a refusal of a *retried* request, the row is
read: its properties exactly what this write sent (a delete: the row gone) -> it was this
write. A first attempt's refusal is never looked at: two workers writing the same content must
not both win.

"Exactly" is compared in the wire's terms, each property as (Edm type, value) decoded the same
way on both sides: an Int64 is not an Int32 nor a string of digits, a datetime is compared to
the microsecond in UTC, binary as bytes, and a value split over ``name``, ``name_1``, … is
its parts, each compared, none missing nor extra (the writes replace whole rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.adapters.tables.lean import typed_value

_KEYS = ("PartitionKey", "RowKey", "Timestamp")


def _edm_of(value: Any) -> str:
    """An unannotated JSON value's type, as the service's minimal metadata leaves it out."""
    if isinstance(value, bool):
        return "Edm.Boolean"
    if isinstance(value, int):
        return "Edm.Int32"
    if isinstance(value, float):
        return "Edm.Double"
    return "Edm.String"


def typed(entity: Mapping[str, Any]) -> dict[str, tuple[str, Any]]:
    """An entity's properties in JSON (as sent, or as read with minimal metadata), each as
    (Edm type, decoded value); keys, timestamp and OData metadata left out."""
    out: dict[str, tuple[str, Any]] = {}
    for name, value in entity.items():
        if name in _KEYS or name.startswith("odata.") or "@odata." in name:
            continue
        edm = entity.get(f"{name}@odata.type")
        kind = edm if isinstance(edm, str) else _edm_of(value)
        out[name] = (kind, typed_value(value, kind))
    return out


def same_row(sent: Mapping[str, Any], stored: Mapping[str, Any] | None) -> bool:
    """Whether the stored entity holds exactly the properties ``sent`` wrote."""
    return stored is not None and typed(sent) == typed(stored)


class Attempts:
    """A ``raw_response_hook`` for one SDK call, asked once the call returned or raised
    whether the answer it ended with was a retry's. The hook sees each attempt's answer (it
    runs inside the retry policy) and keeps the call's pipeline context; the retry policy
    leaves its attempts there when it hands the last answer back (``history``: one entry
    for each failed attempt, none when the first was answered)."""

    def __init__(self) -> None:
        self._context: Mapping[str, Any] | None = None

    def __call__(self, response: Any) -> None:
        self._context = response.context

    @property
    def retried(self) -> bool:
        return self._context is not None and bool(self._context.get("history"))
