"""PartitionKey/RowKey values.

Table Storage forbids ``/ \\ # ?`` and control characters in keys and caps them at 1 KiB; the
emulator (Azurite) refuses keys over 512 characters, so 512 is the limit Inning holds to
everywhere (a key that works locally works in Azure, and the other way round).
External numbers (invoice "2024/001", debtor "K#12") are encoded reversibly with ``!hh``
escapes, so every key Inning writes is valid and ``|`` stays free as the separator of composite
keys. :func:`checked` guards every key that reaches storage.
"""

from __future__ import annotations

import re

SEPARATOR = "|"
MAX_KEY_CHARS = 512  # Azurite's limit; Azure's is 1 KiB
# an external number (client, debtor, invoice) once escaped: two of them and a few separators
# make the longest composite key (``i|debtor|invoice``, the dunning schedule's date prefix)
MAX_NUMBER_KEY_CHARS = 250
_SAFE = re.compile(r"[A-Za-z0-9 ._:@+=,;()$'*~-]")
_ALL_SAFE = re.compile(r"[A-Za-z0-9 ._:@+=,;()$'*~-]+")  # nearly every number: kept as it is
_FORBIDDEN = re.compile(r"[/\\#?\x00-\x1f\x7f-\x9f]")


class InvalidKey(ValueError):
    pass


def encode(value: str) -> str:
    if value == "":
        raise InvalidKey("an identifier must not be empty")
    if _ALL_SAFE.fullmatch(value):
        return checked(value)
    out = []
    for ch in value:
        if _SAFE.match(ch):
            out.append(ch)
        else:
            out.extend(f"!{b:02x}" for b in ch.encode("utf-8"))
    return checked("".join(out))


def key_length(value: str) -> int:
    """How long ``encode(value)`` is: 1 per safe character, 3 per UTF-8 byte of any other."""
    return sum(
        1 if _SAFE.match(ch) else 3 * len(ch.encode("utf-8", "surrogatepass")) for ch in value
    )


def decode(key: str) -> str:
    if "!" not in key:  # nothing was escaped
        return key
    raw = bytearray()
    i = 0
    while i < len(key):
        if key[i] == "!":
            raw.append(int(key[i + 1 : i + 3], 16))
            i += 3
        else:
            raw.extend(key[i].encode("utf-8"))
            i += 1
    return raw.decode("utf-8")


def join(*parts: str) -> str:
    return checked(SEPARATOR.join(parts))


def checked(key: str) -> str:
    if _FORBIDDEN.search(key):
        raise InvalidKey(f"key contains a character Table Storage forbids: {key!r}")
    if len(key) > MAX_KEY_CHARS:
        raise InvalidKey(f"key longer than {MAX_KEY_CHARS} characters")
    return key
