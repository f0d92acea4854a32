"""What a plan's timeline shows of the entries its looks wrote.

A look that took in a payment writes "Paid towards the plan: <cents> cents (total <paid>)"
before it saves the plan; a look cut off between the two (a crash, a storage outage, another
writer's save first) is done again by the next one, which takes the same payment in and writes
the entry a second time (failure31 F4). The text names the total reached, which only grows
between reversals: the same text again with no reversal between is the same step, shown once.
Since failure32 the step's entry has an id of its own (written once by the redo); this keeps
the entries written twice before it shown once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

PAYMENT = "payment"  # the entry of money taken in
REVERSAL = "reversal"  # the entry of money that came back: a total can be reached again after it


def shown_once(entries: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """``entries`` in their order, a payment entry that repeats the last one (no reversal
    between) left out."""
    out: list[Mapping[str, Any]] = []
    last: object = None
    for entry in entries:
        kind = entry.get("kind")
        if kind == REVERSAL:
            last = None
        elif kind == PAYMENT:
            if entry.get("text") == last:
                continue
            last = entry.get("text")
        out.append(entry)
    return out
