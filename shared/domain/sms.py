"""SMS text as operators count it: GSM 03.38 (7-bit) or UCS-2, in parts."""

from __future__ import annotations

import unicodedata

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")


def is_gsm7(text: str) -> bool:
    return all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text)


def sms_parts(text: str) -> int:
    """Parts billed: 160 septets (153 per part when concatenated), or 70 UCS-2 characters
    (67 per part); an extended GSM character takes two septets."""
    if is_gsm7(text):
        length = sum(2 if ch in GSM_EXTENDED else 1 for ch in text)
        single, multi = 160, 153
    else:
        length = len(text.encode("utf-16-be")) // 2
        single, multi = 70, 67
    if length <= single:
        return 1
    return -(-length // multi)


# typographic marks a pasted text brings that have a GSM-7 look-alike (one of them alone makes
# the whole SMS UCS-2: 67 characters a part instead of 153)
_GSM_LOOKALIKE = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"',
                                "–": "-", "—": "-", "…": "...", "\u00a0": " ", "\t": " "})  # fmt: skip


def fold_to_gsm(text: str) -> str:
    """``text`` with what has a GSM-7 look-alike written in it (quotes, dashes, a letter with
    an accent GSM lacks: ë -> e, ï -> i); the rest (an emoji, another script) is kept."""
    folded = []
    for ch in text.translate(_GSM_LOOKALIKE):
        if ch in GSM_BASIC or ch in GSM_EXTENDED:
            folded.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        folded.append(base if base and is_gsm7(base) else ch)
    return "".join(folded)


def longest_start(around: str, text: str, parts: int, more: str = "...") -> str:
    """The longest start of ``text`` that, put into ``around`` (the rest of the SMS as sent),
    keeps it to ``parts`` parts as :func:`sms_parts` counts them: all of it, or cut at a
    blank near the end with ``more`` after it; "" when no start fits."""
    if sms_parts(around + text) <= parts:
        return text
    low, high = 0, len(text)  # the parts only grow with the start's length: bisect
    while low < high:
        mid = (low + high + 1) // 2
        if sms_parts(around + text[:mid].rstrip() + more) <= parts:
            low = mid
        else:
            high = mid - 1
    start = text[:low]
    blank = start.rfind(" ")
    if 0 < blank > len(start) - 20:  # a word not cut in two, unless it is a long one
        start = start[:blank]
    start = start.rstrip()
    return start + more if start else ""
