"""ISO 11649 RF creditor reference: ``RF`` + 2 check digits + 1..21 alphanumerics
(ISO 7064 MOD 97-10, the IBAN check)."""

from __future__ import annotations

import re

_BODY = re.compile(r"^[0-9A-Z]{1,21}$")


def _numeric(text: str) -> int:
    return int("".join(str(int(ch, 36)) for ch in text))


def normalise(text: str) -> str:
    return re.sub(r"\s", "", text).upper()


def is_valid(text: str) -> bool:
    ref = normalise(text)
    if not re.match(r"^RF\d{2}[0-9A-Z]{1,21}$", ref):
        return False
    return _numeric(ref[4:] + ref[:4]) % 97 == 1


def generate(body: str) -> str:
    clean = normalise(body)
    if not _BODY.match(clean):
        raise ValueError(f"RF reference body must be 1-21 letters or digits, got {body!r}")
    check = 98 - _numeric(clean + "RF00") % 97
    return f"RF{check:02d}{clean}"


def display(ref: str) -> str:
    r = normalise(ref)
    return " ".join(r[i : i + 4] for i in range(0, len(r), 4))
