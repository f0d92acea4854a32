"""The BIC (business identifier code, ISO 9362): 8 or 11 characters.

A 4-character institution code, a 2-letter country code, a 2-character location code and an
optional 3-character branch code. Since ISO 9362:2022 the institution code is four letters *or
digits* (the ISO 20022 schemas we write, pain.001.001.09 and pain.008.001.08, already allow
them: ``BICFIDec2014Identifier``), so a BIC such as ``1234NL2A`` is a BIC (settle32).
"""

from __future__ import annotations

import re

PATTERN = r"^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$"
# a payout goes to a live BIC: a location code starting 0 or 1 is a test or a passive
# participant's, and O is no second character of one (the older pain.001.001.03 pattern)
LIVE_PATTERN = r"^[A-Z0-9]{4}[A-Z]{2}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$"
_BIC = re.compile(PATTERN)
_LIVE = re.compile(LIVE_PATTERN)


def is_bic(text: str) -> bool:
    """``text`` (upper case, no spaces) has a BIC's shape."""
    return _BIC.match(text) is not None


def is_live_bic(text: str) -> bool:
    """``text`` has a BIC's shape and names a live institution (no test or passive BIC)."""
    return _LIVE.match(text) is not None
