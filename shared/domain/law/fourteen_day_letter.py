"""The 14-day letter (veertiendagenbrief), art. 6:96 lid 6 BW and HR 25-11-2016
(ECLI:NL:HR:2016:2704).

A consumer owes collection costs only after a reminder that gives 14 days to pay, counted
from the day after the debtor *received* it. Receipt is assumed per channel (configurable):
electronic channels the same day; post after a number of delivery days, where Sundays, Mondays
and public holidays are no delivery days. The last day of the term runs on past a weekend or
holiday (Algemene termijnenwet art. 1). Costs are owed from the day after the last day.

The "second day" presumption is one about Dutch domestic post. A letter to an address abroad
is assumed received by the cross-border target instead: inside the EU/EEA five working days
after posting (Postal Services Directive 97/67/EC, Annex II: 97 % of cross-border mail within
D+5), Saturdays no delivery days, Sundays and the Dutch public holidays skipped (the holidays
of the country of destination are not in the code: a letter delayed by one of them may come a
day later); outside the EU/EEA no law sets a target and Inning assumes ten working days
(law13b F2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from shared.domain.dutch_calendar import extend_statutory_term, public_holidays

TERM_DAYS = 14
# a letter goes out at least this long before the costs it announces become owed (received on
# its day at the earliest, then the fourteen days): the latest day a letter can have, when
# only the day its costs became owed is known
LATEST_LETTER_BEFORE_OWED = timedelta(days=TERM_DAYS + 1)


class LetterChannel(StrEnum):
    EMAIL = "email"
    LETTER = "letter"
    REGISTERED_LETTER = "registered_letter"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    PORTAL = "portal"


# Delivery days until receipt. Post: the HR assumes ordinary mail arrives on the second day.
DEFAULT_RECEIPT_DAYS: Mapping[LetterChannel, int] = {
    LetterChannel.EMAIL: 0,
    LetterChannel.SMS: 0,
    LetterChannel.WHATSAPP: 0,
    LetterChannel.PORTAL: 0,
    LetterChannel.LETTER: 2,
    LetterChannel.REGISTERED_LETTER: 1,
}


DOMESTIC = "NL"
# Postal Services Directive 97/67/EC, Annex II (cross-border intra-Community mail): D+5 for
# 97 % of items; a receipt presumed earlier than that would cut the debtor's fourteen days
CROSS_BORDER_WORKING_DAYS = 5
# outside the EU/EEA there is no binding target (the UPU sets none a court would hold to):
# an assumption on the debtor's side of the usual times (law13b F2)
OUTSIDE_EU_WORKING_DAYS = 10
# the Directive's area: the EU member states and the EEA states that took it over
EU_EEA = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO",
})  # fmt: skip
_POST = (LetterChannel.LETTER, LetterChannel.REGISTERED_LETTER)


def abroad(country: str | None) -> bool:
    """Whether a postal address's country (ISO 3166 alpha-2; none is the Netherlands) is
    outside the Netherlands."""
    return (country or DOMESTIC).strip().upper() != DOMESTIC


def cross_border_days(country: str) -> int:
    """Working days a posted letter to ``country`` (not NL) is assumed to travel."""
    known = country.strip().upper()
    return CROSS_BORDER_WORKING_DAYS if known in EU_EEA else OUTSIDE_EU_WORKING_DAYS


@dataclass(frozen=True)
class FourteenDayTerm:
    sent_on: date
    channel: LetterChannel
    received_on: date
    term_starts: date  # the day after receipt
    last_day: date  # last day to pay, after the Algemene termijnenwet extension
    costs_owed_from: date


def _is_postal_delivery_day(day: date) -> bool:
    return day.weekday() not in (0, 6) and day not in public_holidays(day.year)


def _is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def assumed_receipt(
    sent_on: date,
    channel: LetterChannel,
    receipt_days: Mapping[LetterChannel, int] = DEFAULT_RECEIPT_DAYS,
    country: str | None = DOMESTIC,
) -> date:
    """The day a message sent on ``sent_on`` is assumed received; ``country``: where a
    posted letter goes (a letter abroad travels the cross-border days, see the module)."""
    if channel in _POST:
        if abroad(country):
            days, counts = cross_border_days(country or DOMESTIC), _is_working_day
        else:
            days, counts = receipt_days[channel], _is_postal_delivery_day
        day = sent_on
        for _ in range(days):
            day += timedelta(days=1)
            while not counts(day):
                day += timedelta(days=1)
        return day
    return sent_on + timedelta(days=receipt_days[channel])


def fourteen_day_term(
    sent_on: date,
    channel: LetterChannel,
    receipt_days: Mapping[LetterChannel, int] = DEFAULT_RECEIPT_DAYS,
    country: str | None = DOMESTIC,
) -> FourteenDayTerm:
    """The term of a 14-day letter sent on ``sent_on``; ``country``: of the postal address a
    letter by post goes to (none or NL: the Netherlands)."""
    received = assumed_receipt(sent_on, channel, receipt_days, country)
    starts = received + timedelta(days=1)
    last = extend_statutory_term(received + timedelta(days=TERM_DAYS))
    return FourteenDayTerm(sent_on, channel, received, starts, last, last + timedelta(days=1))


def term_from_receipt(received_on: date) -> FourteenDayTerm:
    """The term of a letter known to have reached the debtor on ``received_on`` (a person
    says so): fourteen days from the day after, extended past a weekend or holiday."""
    starts = received_on + timedelta(days=1)
    last = extend_statutory_term(received_on + timedelta(days=TERM_DAYS))
    return FourteenDayTerm(received_on, LetterChannel.LETTER, received_on, starts, last,
                           last + timedelta(days=1))  # fmt: skip


class RequiredPart(StrEnum):
    COSTS_AMOUNT = "costs_amount"
    TERM_FROM_RECEIPT = "term_from_receipt"
    CONSEQUENCE = "consequence"


# The term counted from receipt, in the ways letters say it: "binnen veertien dagen na
# ontvangst van deze brief", "… na de dag waarop u deze brief ontvangt", "… nadat u deze brief
# heeft ontvangen" count from the day after receipt as the law does (art. 6:96 lid 6 BW; HR
# 25-11-2016, ECLI:NL:HR:2016:2704); counted from the letter's date, its sending or today it is
# no valid letter, whatever the rest of the text says (newcomer7 #3, law9 F3, F6). Read per
# sentence: after "veertien dagen" the first word that says from when decides, and a receipt
# of the *payment* ("na ontvangst van uw betaling") is no receipt of the letter.
_TERM_DAYS = {
    "nl": re.compile(r"\b(veertien|vijftien|14|15)\s+(kalender)?dagen\b", re.IGNORECASE),
    "en": re.compile(r"\b(fourteen|fifteen|14|15)\s+(calendar\s+)?days\b", re.IGNORECASE),
}
_TERM_FROM = {
    "nl": re.compile(
        r"(?P<receipt>\bontv(ang|angst|angt|angen)\b|\bbezorg(d|ing)\b)"
        r"|(?P<date>\bdagtekening\b|\bdatum\b(?!\s+van\s+(ontvangst|bezorging))|\bheden\b|\bvandaag\b|\bverzend\w*|"
        r"\bverzonden\b|\bverstuurd\b|\bbriefdatum\b|\bpostmerk\b)",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"(?P<receipt>\breceiv(e|ed|ing)\b|\breceipt\b|\bdeliver(y|ed)\b)"
        r"|(?P<date>\bdate[ds]?\b(?!\s+of\s+(receipt|delivery))|\btoday\b|\bsen[dt]\w*|\bposted\b|\bpostmark\b)",
        re.IGNORECASE,
    ),
}
# what was received must be the letter, not the payment ("na ontvangst van uw betaling")
_RECEIPT_OF_PAYMENT = {
    "nl": re.compile(r"^\w*\s+(van\s+)?(uw\s+|de\s+|het\s+)?(betaling|bedrag)", re.IGNORECASE),
    "en": re.compile(r"^\w*\s+(of\s+)?(your\s+|the\s+)?(payment|amount)", re.IGNORECASE),
}
_SENTENCE_END = re.compile(r"[.;!?](?=\s|$)")


def _counts_from_receipt(text: str, language: str) -> bool:
    """Whether a sentence gives fourteen (or fifteen) days counted from the debtor's receipt
    of the letter: the first word after the days that says from when is a receipt."""
    for sentence in _SENTENCE_END.split(text):
        for days in _TERM_DAYS[language].finditer(sentence):
            rest = sentence[days.end() :]
            anchor = _TERM_FROM[language].search(rest)
            if anchor is None or anchor.group("receipt") is None:
                continue
            if not _RECEIPT_OF_PAYMENT[language].match(rest[anchor.start() :]):
                return True
    return False


# what happens if the debtor does not pay, in any of the usual words (the law asks for the
# consequence, not for a formula): "indien u niet … betaalt", "betaalt u niet …, dan",
# "als betaling uitblijft", "blijft betaling uit", "wanneer wij … niet hebben ontvangen"
_CONSEQUENCE_PATTERNS = {
    "nl": re.compile(
        r"(indien|als|wanneer)\s+(u\s+)?(niet|geen).{0,120}?(betaal|voldoe|voldaan|betaling)"
        r"|(betaalt|voldoet)\s+u\s+(niet|dit\s+bedrag\s+niet|het\s+bedrag\s+niet)"
        r"|(indien|als|wanneer)\s+(de\s+|uw\s+)?betaling\s+(uitblijft|niet|achterwege)"
        r"|blijft\s+(de\s+|uw\s+)?betaling.{0,80}?\buit\b"
        r"|(indien|als|wanneer)\s+wij.{0,100}?(niet|geen).{0,100}?(ontvangen|bijgeschreven)",
        re.IGNORECASE | re.DOTALL,
    ),
    "en": re.compile(
        r"(if|should)\s+(you\s+)?(do\s+not|don't|fail|not).{0,120}?(pay|payment)"
        r"|(if|should)\s+(the\s+|your\s+)?payment.{0,60}?\bnot\b"
        r"|(if|unless)\s+we.{0,100}?(receive|received)",
        re.IGNORECASE | re.DOTALL,
    ),
}
# a sentence that passes, for the refusal to show (what to write, not only what is missing)
EXAMPLE = {
    "nl": "Betaal € … binnen veertien dagen na de dag waarop u deze brief ontvangt. Betaalt u "
    "niet binnen deze termijn, dan bent u incassokosten van {{ costs|money }} verschuldigd.",
    "en": "Please pay € … within fourteen days from the day after you receive this letter. If "
    "you do not pay within this term, you owe collection costs of {{ costs|money }}.",
}


def missing_parts(rendered_text: str, language: str, costs_shown: str) -> list[RequiredPart]:
    """What a rendered 14-day letter lacks. ``costs_shown`` is the costs amount as the
    template renders it for the sample debtor (e.g. ``"€ 40,00"``): it must appear in the text,
    together with the consequence of not paying and the term counted from receipt."""
    lang = language if language in _TERM_DAYS else "nl"
    text = " ".join(rendered_text.split())
    missing = []
    if costs_shown not in text:
        missing.append(RequiredPart.COSTS_AMOUNT)
    if not _counts_from_receipt(text, lang):
        missing.append(RequiredPart.TERM_FROM_RECEIPT)
    if not _CONSEQUENCE_PATTERNS[lang].search(text):
        missing.append(RequiredPart.CONSEQUENCE)
    return missing


class VatPart(StrEnum):
    VAT_AMOUNT = "vat_amount"
    VAT_STATEMENT = "vat_statement"


# Besluit BIK art. 2 lid 3: VAT may be added to the costs only when the creditor expressly
# states that it cannot deduct it (and that the costs are raised for that reason)
_VAT_STATEMENT_PATTERNS = {
    "nl": re.compile(
        r"btw.{0,160}?(niet|geen).{0,60}?(verreken|aftrek|terugvorder|terugvrag)"
        r"|(niet|geen).{0,60}?(verreken|aftrek|terugvorder|terugvrag).{0,160}?btw",
        re.IGNORECASE | re.DOTALL,
    ),
    "en": re.compile(
        r"VAT.{0,160}?(cannot|can't|can\s+not|unable|not\s+able|not).{0,60}?"
        r"(deduct|recover|reclaim)"
        r"|(cannot|can't|can\s+not|unable|not\s+able).{0,60}?(deduct|recover|reclaim)"
        r".{0,160}?VAT",
        re.IGNORECASE | re.DOTALL,
    ),
}


def missing_vat_parts(rendered_text: str, language: str, vat_shown: str) -> list[VatPart]:
    """What the 14-day letter of a client that cannot deduct VAT lacks: the VAT amount in the
    costs, as rendered (``vat_shown``, e.g. ``"€ 8,40"``), and the express statement that the
    VAT is charged because the client cannot deduct it (Besluit BIK art. 2 lid 3)."""
    lang = language if language in _VAT_STATEMENT_PATTERNS else "nl"
    text = " ".join(rendered_text.split())
    missing = []
    if vat_shown not in text:
        missing.append(VatPart.VAT_AMOUNT)
    if not _VAT_STATEMENT_PATTERNS[lang].search(text):
        missing.append(VatPart.VAT_STATEMENT)
    return missing
