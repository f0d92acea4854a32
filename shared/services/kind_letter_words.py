"""The words a ``kind_letter_check`` item is resolved with when its letter is confirmed
(shared/services/debtor_kind.py): only the confirm route (an administrator's act, 6:96 lid 6
BW) writes them, and the daily run reads them. A person's free text on the generic resolve
may not begin with them (attack14b K1: a client's staff key typed them and the run's pass over
an earlier version's confirms made the consumer owe 625.00 costs nobody with the right
confirmed)."""

from __future__ import annotations

CONFIRMED_WORDS = "confirmed as a 14-day letter (6:96 lid 6); costs owed from: "
CONFIRMING_WORDS = (
    "being confirmed as a 14-day letter (6:96 lid 6), not finished: its retry or the daily "
    "run finishes it; the costs stay held until then"
)


def reads_as_confirm(text: str) -> bool:
    """Whether a person's resolution would read as the confirm route's own words (any case,
    any leading blanks): those are refused on the generic resolve."""
    said = " ".join(text.split()).lower()
    return any(
        said.startswith(words.split("(")[0].strip())
        for words in (CONFIRMED_WORDS, CONFIRMING_WORDS)
    )
