"""A text in the order a reader sees it where direction characters reorder it (attack33).

The account and link checks read a text in its stored order. A right-to-left override shows
its run of characters the other way round ("\u202e0034617140ANBA19LN" is seen as
NL91ABNA0417164300), a right-to-left embedding or isolate shows its run's words in the
other order ("\u202b4300 1643 0417 ABNA NL91\u202c" is seen as the account in groups): no
account or link in the stored order, one in the shown order. The checks read both.
"""

from __future__ import annotations

import re

# right-to-left override, embedding and isolate, and what ends each run (a line ends all)
_RUN = re.compile(r"([\u202b\u202e\u2067])([^\u202c\u2069\n]*)[\u202c\u2069]?")
_DIRECTION = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def as_shown(text: str) -> str | None:
    """``text`` with each right-to-left run in its shown order (an override's characters
    reversed, an embedding's or isolate's words), without the direction characters; None
    when ``text`` has no such run (nearly every text: nothing more to read)."""
    if not _RUN.search(text):
        return None

    def shown(m: re.Match[str]) -> str:
        run = _DIRECTION.sub("", m.group(2))
        return run[::-1] if m.group(1) == "\u202e" else " ".join(reversed(run.split(" ")))

    return _DIRECTION.sub("", _RUN.sub(shown, text))


def with_shown(texts: list[str]) -> list[str]:
    """``texts`` and, for each one a direction run reorders, its shown order after them."""
    return texts + [s for t in texts if (s := as_shown(t)) is not None]
