"""A Dutch bank's own account number in an MT940 ``:25:``, turned into the account's IBAN.

ABN AMRO (classic and its 2015 SEPA "structured" export), Triodos's older export, Van Lanschot,
Knab and ING's older exports write the bank's account number (``555555555``,
``TRIODOSBANK/0454545454``), not the IBAN a client registers. A Dutch IBAN is ``NL``, two
check digits, the bank's four-letter code and the account number zero-padded to ten digits
(ISO 13616, check digits mod 97), so the IBAN follows from the number once the bank is known.

The bank is taken only from what the file itself says: the SWIFT header of the message
(``ABNANL2A``, ``0000 01INGBNL2AXXXX00001``, ``{1:F01KNABNL2HAXXX...}``), ABN AMRO's
``:20:ABN AMRO BANK NV``, Triodos's ``TRIODOSBANK/`` prefix. A bare number in a file that
names no bank stays as written (and the statement is quarantined as nobody's): the same
number at another bank is another account, so a bank is never guessed.
"""

from __future__ import annotations

import re

from shared.domain.references import iban as iban_check

# Dutch banks whose exports are known to carry the bare account number, by the bank code
# their BIC and their IBANs share (Betaalvereniging's BIC/bank-code list)
DUTCH_BANK_CODES = frozenset(
    {"ABNA", "INGB", "RABO", "TRIO", "FVLB", "KNAB", "SNSB", "ASNB", "RBRB"}
)
_HEADER_BIC = re.compile(r"(?:^|\{1:F01|^\d{4} \d{2})([A-Z]{4})NL[A-Z0-9]{2}")
_NUMBER = re.compile(r"^\d[\d.]{0,12}$")  # 555555555, 0001234567, 51.78.52.257
TRIODOS_PREFIX = "TRIODOSBANK/"


def bank_named_in(preamble: list[str], reference: str | None) -> str | None:
    """The bank code the file names: in the header lines before the first tag, or ABN AMRO's
    ``:20:`` (``ABN AMRO BANK NV``). ``None`` when the file does not say."""
    for line in preamble:
        m = _HEADER_BIC.search(line.strip())
        if m is not None and m.group(1) in DUTCH_BANK_CODES:
            return m.group(1)
    if reference and reference.strip().upper().startswith("ABN AMRO"):
        return "ABNA"
    return None


def bare_number(account: str) -> bool:
    """Whether ``account`` is a bank's own account number as Dutch MT940 exports write it in
    ``:25:`` (``123456789``, ``51.78.52.257``): no IBAN, and without its bank no account."""
    return _NUMBER.match(account.strip()) is not None


def iban_for(account: str, bank: str | None) -> str | None:
    """The IBAN of a bare Dutch account number at ``bank`` (``TRIODOSBANK/...`` names its
    own bank), or ``None`` when ``account`` is no such number or the bank is unknown."""
    number = account.strip()
    if number.upper().startswith(TRIODOS_PREFIX):
        number, bank = number[len(TRIODOS_PREFIX) :], "TRIO"
    if bank is None or bank not in DUTCH_BANK_CODES or not _NUMBER.match(number):
        return None
    digits = number.replace(".", "")
    if len(digits) > 10 or int(digits) == 0:
        return None
    derived = iban_check.build("NL", bank + digits.zfill(10))
    return derived if iban_check.is_valid(derived) else None
