"""Percent-encoding as ``urllib.parse.quote(value, safe="")`` writes it, for the keys and
query values of every table request.

Why: ``quote`` builds a list of one string a byte (``quote_from_bytes``); a statement line
quotes about 45 keys and values (two keys an operation of each transaction, a point read's
keys, a query's filter), 4 % of its CPU under the profiler (perf20). An ASCII string (nearly
every key: non-ASCII is ``!hh``-escaped by :mod:`shared.adapters.tables.keys`) is
translated in one call by a table made from ``quote``'s own answer for each ASCII character;
anything else is left to ``quote``, so the text is ``quote``'s in every case.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

_ASCII = str.maketrans({chr(code): quote(chr(code), safe="") for code in range(128)})


def quoted(value: str) -> str:
    """``quote(value, safe="")``."""
    if value.isascii():
        return value.translate(_ASCII)
    return quote(value, safe="")


def query_text(query: Mapping[str, str]) -> str:
    """``urlencode(query, quote_via=quote, safe="")`` for a query of strings."""
    return "&".join(f"{quoted(name)}={quoted(value)}" for name, value in query.items())
