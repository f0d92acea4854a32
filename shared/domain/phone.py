"""A phone number a debtor is told to call (a client's contact phone: the portal's "Bel …" and
its tel: link): one that can be dialled, stored in E.164. attack23: any 30 characters were
taken, so "bel ons!!" or another company's number in words reached the debtors."""

from __future__ import annotations

import phonenumbers

EXAMPLE = "+31301234567 or 030 123 45 67"


class PremiumRate(ValueError):
    """A number that costs its caller more than a call (0900, 0906, 0909; abroad the same
    kind; a satellite phone): a debtor told to call the client about his invoice may be asked no more than a
    basic-rate call (Directive 2011/83/EU art. 21, CJEU C-568/15 ComAir; attack25 F2: a
    0909 number was taken and shown to every debtor as "Bel …")."""


def normalise_phone(text: str) -> str:
    """``text`` in E.164: written with its country code (+32 …, 0032 …) or as a Dutch
    national number (030 123 45 67, 0800 0123); ValueError when it is no valid number."""
    try:
        number = phonenumbers.parse(text.strip(), "NL")
    except phonenumbers.NumberParseException:
        raise ValueError(f"expected a phone number such as {EXAMPLE}") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"expected a phone number such as {EXAMPLE}")
    kind = phonenumbers.number_type(number)
    # a country code of no country (+870 Inmarsat, +881 Iridium, +808 shared cost) costs the
    # caller several euros a minute, all but its freephone (+800)
    nowhere = phonenumbers.region_code_for_number(number) == "001"
    if kind == phonenumbers.PhoneNumberType.PREMIUM_RATE or (
        nowhere and kind != phonenumbers.PhoneNumberType.TOLL_FREE
    ):
        raise PremiumRate("a premium-rate number costs the debtor more than a call")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_shown(stored: str) -> str:
    """A stored number as a Dutch debtor reads it: a Dutch one nationally (030 123 4567),
    another with its country code (+32 470 12 34 56); one stored before numbers were checked,
    as it was written."""
    try:
        number = phonenumbers.parse(stored, "NL")
    except phonenumbers.NumberParseException:
        return stored
    if not stored.startswith("+") or not phonenumbers.is_valid_number(number):
        return stored
    national = phonenumbers.region_code_for_number(number) == "NL"
    style = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(number, style.NATIONAL if national else style.INTERNATIONAL)
