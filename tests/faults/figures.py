"""The figures the issue asks for, gathered over the fault suite and printed at its end."""

from __future__ import annotations

from collections import Counter

FIGURES: Counter[str] = Counter()
ORDER = (
    "faults injected",
    "runs replayed",
    "handler invocations",
    "failed invocations",
    "poison messages",
    "poison items on a listed action list",
    "poison items unlisted",
    "messages sent",
    "sent twice",
    "lines booked",
    "lines on the action list",
    "booked twice",
    "items lost",
    "messages left leased",
)
