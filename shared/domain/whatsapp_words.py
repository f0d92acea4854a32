"""A debtor's own WhatsApp word about consent (STOP or START), and which of two counts.

Meta delivers a webhook again when it was not answered 200 (for days), and documents
duplicates: a START handled before a later STOP can arrive once more after it. The debtor's
last word counts, by the moment he sent it (Meta's ``timestamp``), not by when it reached us
(AVG art. 7(3): a withdrawal is honoured until he himself opts in again)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ConsentWord:
    word: str  # "stop" or "start"
    at: datetime  # when the debtor sent it (Meta's timestamp)
    message_id: str = ""  # Meta's message id (wamid), "" when not known


def counts(word: ConsentWord, last: ConsentWord | None) -> bool:
    """Whether ``word`` is to be applied, ``last`` being the number's last word applied. One
    sent before the last changes nothing (a late or repeated delivery); the last one again is
    applied again, which changes nothing either but finishes what a crash cut off. Meta's
    timestamps have whole seconds: of two words in the same second, the one handled last
    counts (a person cannot type STOP and START in one second; a machine's duplicate of the
    same message repeats the same word)."""
    return last is None or word.at >= last.at
