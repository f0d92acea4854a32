"""Someone else's words inside a sentence of ours (an action item's title naming what a
stranger's sign-up gave): quoted, so they cannot pass for the sentence's own parts, such as a
KvK number or an e-mail address that reads as checked (attack23)."""

from __future__ import annotations

import re
import unicodedata

# control characters, line breaks and the direction marks, overrides and isolates: any of
# them makes the words read otherwise than they are (U+202E reverses what follows)
_UNSHOWN = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
# a quote mark inside would seem to close the quotation early, and what follows read as ours:
# these, and every opening or closing quote Unicode names (Pi, Pf: ‟ « » ‹ › …; attack25 F4:
# 'Acme BV‟, KvK 12345678 checked' read as closed after the name)
_QUOTES = str.maketrans({'"': "'", "„": "'", "＂": "'", "〝": "'", "〞": "'", "〟": "'",
                         "″": "'", "‶": "'", "ˮ": "'", "❝": "'", "❞": "'"})  # fmt: skip
LIMIT = 80


def _shown(ch: str) -> str:
    kind = unicodedata.category(ch)
    if kind in ("Pi", "Pf"):
        return "'"
    # an invisible format character (a zero-width space, word joiner, byte-order mark)
    return " " if kind == "Cf" else ch


def quoted(words: str, limit: int = LIMIT) -> str:
    """``words`` between “ ”: those characters blanked, blanks folded, at most ``limit``
    characters of them (cut with …)."""
    plain = "".join(_shown(ch) for ch in _UNSHOWN.sub(" ", words).translate(_QUOTES))
    shown = " ".join(plain.split())
    if len(shown) > limit:
        shown = shown[: limit - 1].rstrip() + "…"
    return f"“{shown}”"
