"""A day as a debtor reads it: one form per language in every mail, SMS, portal page, letter
and plan agreement (debtor24 D8: English messages mixed ISO, "02 November 2026" and
"02-11-2026", the last read as 11 February by a US reader).

Dutch writes ``02-11-2026`` (the form the letters and docs/law.md use); English writes
``2 November 2026``, which a UK and a US reader both read the same way. The month's name is
ours, not the process locale's (``%B`` would follow whatever locale the host runs). Machines,
CSV exports, the API and staff pages keep ISO: this is for the debtor only.
"""

from __future__ import annotations

from datetime import date

_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def day_nl(on: date) -> str:
    """``date(2026, 11, 2)`` -> ``"02-11-2026"``."""
    return f"{on.day:02d}-{on.month:02d}-{on.year:04d}"


def day_en(on: date) -> str:
    """``date(2026, 11, 2)`` -> ``"2 November 2026"``."""
    return f"{on.day} {_EN_MONTHS[on.month - 1]} {on.year}"


def day_shown(on: date, language: str) -> str:
    """``on`` as a debtor writing ``language`` reads it; a language without its own form reads
    the Dutch one, as the texts fall back to Dutch."""
    return day_en(on) if language == "en" else day_nl(on)
