"""The words of a page, for tests that look for a short string in it (an invoice number "F1",
a debtor number "D9").

A page carries random tokens (a CSP nonce, a CSRF token, a signed link's): ``secrets``'
``token_urlsafe`` and ``token_hex`` draw from ``A-Za-z0-9_-``, so "F1" turns up inside one about
once in two hundred pages, and a test that looks for it in the whole page then fails (or passes)
by chance. Split into maximal runs of that alphabet, a token is always a run of its own of 11
characters or more (anything next to it in a page is a quote, ``=``, ``/``, ``.``, ``&`` or
space, or makes the run longer still), so a short word is never one by chance; what a person
reads (``Factuur F1,``) or a link names (``/api/portal/invoice/F1``) still gives the word.
"""

from __future__ import annotations

import re

_RUN = re.compile(r"[A-Za-z0-9_-]+")
# an inline image's base64 uses "/" and "+" inside it, which would cut it into short runs
_DATA_URI = re.compile(r"data:[^\"'\s)]*")


def words(page: str | bytes) -> set[str]:
    """Every word of ``page`` (its text, its tags, its attributes' values)."""
    text = page.decode() if isinstance(page, bytes) else page
    return set(_RUN.findall(_DATA_URI.sub(" ", text)))
