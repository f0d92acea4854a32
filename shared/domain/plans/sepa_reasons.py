"""The reason codes a bank gives when it rejects or returns a SEPA direct debit (ISO 20022
ExternalStatusReason1Code, as the EPC SDD Core rulebook uses them in pain.002 status reports
and R-transactions), in words staff can act on."""

from __future__ import annotations

REASONS: dict[str, str] = {
    "AC01": "incorrect account number",
    "AC04": "account closed",
    "AC06": "account blocked",
    "AC13": "debtor account is a consumer account (B2B not allowed)",
    "AG01": "direct debit not allowed on this account",
    "AG02": "invalid operation code",
    "AM04": "insufficient funds",
    "AM05": "duplicate collection",
    "BE05": "creditor not recognised",
    "CNOR": "creditor bank not registered",
    "DNOR": "debtor bank not registered",
    "FF01": "invalid file format",
    "MD01": "no valid mandate",
    "MD02": "mandate data missing or incorrect",
    "MD06": "refund requested by the debtor",
    "MD07": "debtor deceased",
    "MS02": "refused by the debtor",
    "MS03": "reason not specified by the bank",
    "RC01": "incorrect bank identifier (BIC)",
    "RR01": "regulatory: debtor account or identification missing",
    "RR02": "regulatory: debtor name or address missing",
    "RR03": "regulatory: creditor name or address missing",
    "RR04": "regulatory reason",
    "SL01": "specific service of the debtor's bank (e.g. a blocked creditor)",
}


def describe(code: str) -> str:
    """The reason in words; an unknown code is said to be one, never guessed."""
    return REASONS.get(code.upper(), f"reason code {code} (not in our list)")
