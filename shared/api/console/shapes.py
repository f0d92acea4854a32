"""Text the services write in English (titles, reasons, contact-log summaries: integrations
read them through the API), shown on the console's Dutch pages: translated shape by shape, and
a text of a shape no table knows shown as it is rather than guessed at."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

Render = Callable[[re.Match[str]], str]
Shapes = tuple[tuple[re.Pattern[str], Render], ...]


def shapes(pairs: Iterable[tuple[str, Render]], flags: int = 0) -> Shapes:
    """A table of (pattern, how its Dutch reads) pairs, the patterns compiled once."""
    return tuple((re.compile(pattern, flags), render) for pattern, render in pairs)


def in_language(text: str, table: Shapes, lang: str) -> str:
    """``text`` in Dutch on a Dutch page when a shape of ``table`` matches it, else as it is."""
    if lang == "nl":
        for pattern, render in table:
            if found := pattern.match(text):
                return render(found)
    return text
