"""Someone else's words inside a sentence of ours (an action item's title naming what a
stranger's sign-up gave): quoted, so they cannot pass for the sentence's own parts, such as a
KvK number or an e-mail address that reads as checked (attack23)."""

from __future__ import annotations

import re

# control characters, line breaks and the direction marks, overrides and isolates: any of
# them makes the words read otherwise than they are (U+202E reverses what follows)
_UNSHOWN = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
# a quote mark inside would seem to close the quotation early, and what follows read as ours
_QUOTES = str.maketrans({'"': "'", "“": "'", "”": "'", "„": "'", "«": "'", "»": "'"})
LIMIT = 80


def quoted(words: str, limit: int = LIMIT) -> str:
    """``words`` between “ ”: those characters blanked, blanks folded, at most ``limit``
    characters of them (cut with …)."""
    shown = " ".join(_UNSHOWN.sub(" ", words).translate(_QUOTES).split())
    if len(shown) > limit:
        shown = shown[: limit - 1].rstrip() + "…"
    return f"“{shown}”"
