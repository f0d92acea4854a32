"""The Belgian structured communication (OGM/VCS): ``+++123/4567/89012+++``.
Twelve digits; the last two are the first ten mod 97 (97 when that is 0)."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"^\d{12}$")


def check_digits(first10: str) -> str:
    return f"{(int(first10) % 97) or 97:02d}"


def normalise(text: str) -> str:
    return re.sub(r"[+*/\s.]", "", text)


def is_valid(text: str) -> bool:
    digits = normalise(text)
    return bool(_DIGITS.match(digits)) and check_digits(digits[:10]) == digits[10:]


def generate(first10: str) -> str:
    if len(first10) != 10 or not first10.isdigit():
        raise ValueError(f"need exactly 10 digits, got {first10!r}")
    return display(first10 + check_digits(first10))


def display(digits: str) -> str:
    d = normalise(digits)
    return f"+++{d[:3]}/{d[3:7]}/{d[7:]}+++"
