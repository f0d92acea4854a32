"""A client's code on the agency's pooled (third-party) account (newcomer17b F5).

Debtor and invoice numbers are unique within a client only: "D-1001 F-0001" quoted on the
agency's account can be an invoice of any client of the agency. What the portal asks a debtor
to quote there starts with this code, which names the client, so the matcher looks only at
that client's invoices. Derived from the client's id (nothing stored, the same on every page),
letters only: no digit of it is ever looked up as an invoice number's tail. Its last letter is
a check letter, so a word of the debtor's own is almost never read as a code, and a code typed
wrong names nobody (the line is then matched as if it carried none).
"""

from __future__ import annotations

import hashlib
import re

# consonants only: a code never spells a word, and reads the same in any font
_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
_BODY = 6  # 20**6 = 64 million codes: two clients of one agency sharing one book nothing
_SHAPE = re.compile(rf"[{_ALPHABET}]{{{_BODY + 1}}}")
_RAW = re.compile(r"[0-9A-Z][0-9A-Z./_-]*[0-9A-Z]|[0-9A-Z]")


def _check(body: str) -> str:
    weighted = sum((n + 2) * _ALPHABET.index(ch) for n, ch in enumerate(body))
    return _ALPHABET[weighted % len(_ALPHABET)]


def client_code(client_id: str) -> str:
    """The client's code: six letters of its id's hash, then the check letter."""
    seed = hashlib.sha256(f"pooled-code\x1f{client_id}".encode()).digest()[:8]
    digest = int.from_bytes(seed, "big")
    body = ""
    for _ in range(_BODY):
        digest, n = divmod(digest, len(_ALPHABET))
        body += _ALPHABET[n]
    return body + _check(body)


def codes_in(text: str) -> set[str]:
    """The client codes a statement line's text carries (upper or lower case, a hyphen or
    dot inside allowed); a word of the right shape whose check letter fails is none."""
    found = set()
    for token in _RAW.findall(text.upper()):
        bare = re.sub(r"[^A-Z]", "", token) if not re.search(r"\d", token) else ""
        if _SHAPE.fullmatch(bare) and _check(bare[:_BODY]) == bare[_BODY]:
            found.add(bare)
    return found
