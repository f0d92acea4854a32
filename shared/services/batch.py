"""The result of a bulk request: what was stored, and each rejected row by index and field."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RowError:
    index: int
    field: str | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"index": self.index, "field": self.field, "message": self.message}


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # rows stored (or unchanged) with something the sender should know: not errors
    notes: list[RowError] = field(default_factory=list)

    def reject(self, index: int, field_name: str | None, message: str) -> None:
        self.errors.append(RowError(index, field_name, message))

    def as_dict(self) -> dict[str, object]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            # rows, not errors: a row with three faults is one row rejected (newcomer7 #5)
            "rejected": len({e.index for e in self.errors}),
            "errors": [e.as_dict() for e in sorted(self.errors, key=lambda e: e.index)],
            "notes": [e.as_dict() for e in sorted(self.notes, key=lambda e: e.index)],
        }


def duplicates(keys: list[tuple[int, str]]) -> dict[int, int]:
    """index -> index of the first row with the same key, for every row whose key repeats
    (the first occurrence included: nobody can tell which of two rows is the right one)."""
    first: dict[str, int] = {}
    counts: dict[str, int] = {}
    for index, key in keys:
        first.setdefault(key, index)
        counts[key] = counts.get(key, 0) + 1
    return {index: first[key] for index, key in keys if counts[key] > 1}
