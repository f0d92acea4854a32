"""SMS text as operators count it: GSM 03.38 (7-bit) or UCS-2, in parts."""

from __future__ import annotations

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
