"""IBAN syntax and check digits (ISO 13616, MOD 97-10), with the country lengths that matter
to Dutch collection (SEPA). A valid check does not prove the account exists."""

from __future__ import annotations

import re

from shared.domain.reasons import Reason

LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28,
    "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31,
    "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "VA": 22,
}  # fmt: skip

_SHAPE = re.compile(
    r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"
)  # ASCII only: int() reads other digits too


def normalise(text: str) -> str:
    return re.sub(r"\s", "", text).upper()


def iban_error(text: str) -> str | None:
    """``None`` for a valid IBAN, else what is wrong with it."""
    iban = normalise(text)
    if not _SHAPE.match(iban):
        # no sample number: a real-looking one is the first a newcomer tries, and may be taken
        return Reason(
            "not an IBAN (expected country code, two check digits and the account number)",
            code="iban_shape",
        )
    expected = LENGTHS.get(iban[:2])
    if expected is None:
        return Reason(f"IBAN country {iban[:2]} is not a SEPA country", code="iban_country",
                      params={"country": iban[:2]})  # fmt: skip
    if len(iban) != expected:
        return Reason(
            f"an IBAN from {iban[:2]} has {expected} characters, this one {len(iban)}",
            code="iban_length", params={"country": iban[:2], "expected": expected, "found": len(iban)},
        )  # fmt: skip
    rearranged = iban[4:] + iban[:4]
    if int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 != 1:
        return Reason("IBAN check digits do not match (a typo?)", code="iban_check")
    return None


def is_valid(text: str) -> bool:
    return iban_error(text) is None


def mask(text: str) -> str:
    """For logs: ``NL91ABNA0417164300`` -> ``NL91****4300``."""
    iban = normalise(text)
    return f"{iban[:4]}****{iban[-4:]}" if len(iban) > 8 else "****"


def build(country: str, bban: str) -> str:
    """An IBAN from country and national account (BBAN), with its check digits."""
    body = bban.upper() + country.upper() + "00"
    check = 98 - int("".join(str(int(ch, 36)) for ch in body)) % 97
    return f"{country.upper()}{check:02d}{bban.upper()}"
