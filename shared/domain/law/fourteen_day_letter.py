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
    # the letter gives the fourteen days, but another demand to pay gives another term
    ONE_PAYMENT_TERM = "one_payment_term"


# The term counted from receipt, in the ways letters say it: "binnen veertien dagen na
# ontvangst van deze brief", "… na de dag waarop u deze brief ontvangt", "… nadat u deze brief
# heeft ontvangen" count from the day after receipt as the law does (art. 6:96 lid 6 BW; HR
# 25-11-2016, ECLI:NL:HR:2016:2704); counted from the letter's date, its sending or today it is
# no valid letter, whatever the rest of the text says (newcomer7 #3, law9 F3, F6). Read per
# sentence: after the days the first word that says from when decides, and what was received
# must be this letter: a receipt of the payment ("na ontvangst van uw betaling") or of another
# document ("na ontvangst van onze factuur", a term that ran out long ago) is none.
#
# The term must be the one to *pay* in (law15 F4): a sentence giving the fourteen days for
# questions or contact says nothing of the payment term. So a letter passes only when a
# sentence that demands payment gives fourteen (or fifteen) days from receipt of this letter,
# and no other demand to pay gives another term: fewer days, days counted from the letter's
# date, days of another document, working days, or a fixed date ("uiterlijk op 10-02-2025").
_DAYS = {
    "nl": re.compile(
        r"\b(?P<n>\d{1,3}|een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|"
        r"dertien|veertien|vijftien|twintig|dertig)\s+(?P<kind>kalender|werk)?"
        r"(?P<unit>dagen|dag|weken|week)\b",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"\b(?P<n>\d{1,3}|one|a|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
        r"thirteen|fourteen|fifteen|twenty|thirty)\s+(?P<kind>calendar\s+|working\s+|business\s+)?"
        r"(?P<unit>days|day|weeks|week)\b",
        re.IGNORECASE,
    ),
}
_NUMBERS = {
    "nl": {"een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
           "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13,
           "veertien": 14, "vijftien": 15, "twintig": 20, "dertig": 30},
    "en": {"one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
           "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30},
}  # fmt: skip
# the days of a valid term: fourteen, or fifteen (a day more than the law asks)
_VALID_DAYS = (TERM_DAYS, TERM_DAYS + 1)
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
# a receipt said with a noun ("ontvangst", "receipt"): what was received follows it, if named
_RECEIPT_NOUN = re.compile(r"ontvangst|bezorging|receipt|delivery", re.IGNORECASE)
_RECEIVED_WHAT = re.compile(r"\s*(door\s+u\s+|by\s+you\s+)?(van|of)\s+", re.IGNORECASE)
# this letter, as a letter names itself
_THIS_LETTER = {
    "nl": re.compile(
        r"\b(deze|dit|hiervan)\b|\b(de|het)\s+(brief|aanmaning|sommatie|ingebrekestelling|"
        r"veertiendagenbrief|e-?mail|bericht|schrijven)\b",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"\b(this|hereof)\b|\bthe\s+(present\s+)?(letter|notice|e-?mail|message)\b",
        re.IGNORECASE,
    ),
}
# a sentence that demands (or speaks of) the payment: the term in it is the term to pay in
_PAYMENT = {
    "nl": re.compile(
        r"\b(betaal|betaalt|betalen|betaald|betaling|betalingstermijn|voldoe|voldoet|voldoen|"
        r"voldaan|overmaken|overmaakt|overgemaakt|overschrijven|overgeschreven|storten|gestort|"
        r"bijgeschreven)\b|\bover\s+te\s+maken\b|\bmaakt?\b.{0,80}?\bover\b"
        r"|\bop\s+(onze|de)\s+rekening\b|\b(bedrag|saldo)\b.{0,80}?\bontvangen\b",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"\b(pay|pays|paying|paid|payment|settle|settles|settled|settling|remit|remits|"
        r"remitted|transfer|transferred|credited)\b",
        re.IGNORECASE,
    ),
}
# a sentence about the past (the invoice's own term: "had binnen 30 dagen betaald moeten
# zijn") demands nothing now
_PAST = {
    "nl": re.compile(
        r"\b(had|hadden|moest|moesten|was|waren|verstreken|verlopen)\b", re.IGNORECASE
    ),
    "en": re.compile(r"\b(had|was|were|expired|lapsed)\b|\bshould\s+have\b", re.IGNORECASE),
}
# a term the days say without "from when": "binnen 5 dagen", "within a week"
_WITHIN = {
    "nl": re.compile(r"\b(binnen|in|uiterlijk)\s+(een\s+termijn\s+van\s+)?$", re.IGNORECASE),
    "en": re.compile(r"\b(within|in)\s+(a\s+term\s+of\s+|a\s+period\s+of\s+)?$", re.IGNORECASE),
}
_NL_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
)
_EN_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_NUMERIC_DATE = r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{4}-\d{2}-\d{2}"
# a fixed day to pay by: "uiterlijk (op) 10-02-2025", "vóór 10 februari", "by 10 February"
_FIXED_DAY = {
    "nl": re.compile(
        r"\b(uiterlijk|vóór|voor|tot\s+en\s+met|niet\s+later\s+dan)\s+(op\s+)?(de\s+|het\s+)?"
        r"(\w+dag\s+)?(" + _NUMERIC_DATE + r"|\d{1,2}\s+(" + _NL_MONTHS + r"))\b",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"\b(by|before|until|no\s+later\s+than|not\s+later\s+than|on\s+or\s+before)\s+(the\s+)?"
        r"(\w+day,?\s+)?("
        + _NUMERIC_DATE
        + r"|\d{1,2}(st|nd|rd|th)?\s+(of\s+)?("
        + _EN_MONTHS
        + r")|("
        + _EN_MONTHS
        + r")\s+\d{1,2})\b",
        re.IGNORECASE,
    ),
}
_SENTENCE_END = re.compile(r"[.;!?](?=\s|$)")
# A payment sentence may give days for something else in another clause: "Kunt u niet in één
# keer betalen, neem dan binnen een week contact met ons op", "Na uw betaling ontvangt u binnen
# 5 werkdagen een bevestiging" (law15b #1). Only days the debtor is told to *pay* within are a
# second payment term: in the days' clause the action nearest the days decides; a clause with
# no action of its own (", uiterlijk op 19-02-2025", ", and in any case by 10 February")
# continues the demand to pay of its sentence. But days whose part of the sentence (up to its
# commas) tells the debtor to pay are a payment term whatever other verb shares it ("Neem
# binnen 7 dagen contact met ons op of betaal …", codereview15b F4): see _told_to_pay.
_CLAUSE_END = {
    "nl": re.compile(r",|\s(?:en|maar|of)\s", re.IGNORECASE),
    "en": re.compile(r",|\s(?:and|but|or)\s", re.IGNORECASE),
}
# actions that are not paying: contact, a call, letting know, a confirmation, an objection
_NOT_PAYING = {
    "nl": re.compile(
        r"\bcontact\w*|\bbel(t|len)?\b|\bweten\b|\breageer\w*|\breageren\b|\bmeld(t|en)?\b|"
        r"\binformeer\w*|\bbevestig\w*|\bbezwaar\b|\be-?mail\w*",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"\bcontact\w*|\bcall\b|\blet\s+us\s+know\b|\binform\w*|\bnotify\b|\bconfirm\w*|"
        r"\breply\b|\brespond\b|\bobject\w*|\be-?mail\b",
        re.IGNORECASE,
    ),
}
# a clause that describes how things usually go ("een overboeking wordt doorgaans binnen 1
# werkdag bijgeschreven") or what has happened ("tot en met 3 februari hebben wij uw betaling
# niet ontvangen") demands nothing
_NO_DEMAND = {
    "nl": re.compile(
        r"\b(doorgaans|gewoonlijk|meestal|normaal\s+gesproken)\b"
        r"|\b(hebben|heeft|hebt)\b.{0,80}?\b(ontvangen|gezien|verwerkt)\b",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"\b(usually|normally|typically|generally)\b"
        r"|\b(have|has)\s+(not\s+)?(yet\s+)?(received|seen|processed)\b",
        re.IGNORECASE,
    ),
}


# A verb that tells the debtor to pay (or to have paid): the nouns ("betaling", "payment") are
# left out, they name a payment without demanding one ("Na uw betaling ontvangt u …").
_PAYING_VERB = {
    "nl": re.compile(
        r"\b(betaal|betaalt|betalen|betaald|voldoe|voldoet|voldoen|voldaan|overmaken|overmaakt|"
        r"overgemaakt|overschrijven|overgeschreven|storten|gestort|bijgeschreven)\b"
        r"|\bover\s+te\s+maken\b|\bmaakt?\b.{0,80}?\bover\b|\bop\s+(onze|de)\s+rekening\b",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"\b(pay|pays|paying|paid|settle|settles|settled|settling|remit|remits|remitted|"
        r"transfer|transferred|credited)\b",
        re.IGNORECASE,
    ),
}
# a condition: a paying verb inside it ("laat het ons binnen 3 dagen weten als u al heeft
# betaald") asks nothing of the debtor
_CONDITION = {
    "nl": re.compile(r"\b(als|indien|wanneer|zodra|nadat|mocht|mochten)\b", re.IGNORECASE),
    "en": re.compile(r"\b(if|when|once|after|should|unless)\b", re.IGNORECASE),
}


def _told_to_pay(sentence: str, span: tuple[int, int], language: str) -> bool:
    """Whether the part of ``sentence`` up to its commas around ``span`` tells the debtor to
    pay (or to have paid): a verb joined to another action by "en"/"of" ("Neem binnen 7 dagen
    contact met ons op of betaal", "moet u ons e-mailen en betalen") or in its object clause
    ("Bevestig binnen 5 dagen dat u het bedrag heeft overgemaakt") continues the same demand
    with the same days (codereview15b F4); a verb in a condition does not."""
    begin = sentence.rfind(",", 0, span[0]) + 1
    end = sentence.find(",", span[1])
    part = sentence[begin : end if end >= 0 else len(sentence)]
    at = (span[0] - begin, span[1] - begin)
    condition = _CONDITION[language]
    for verb in _PAYING_VERB[language].finditer(part):
        if verb.start() >= at[1]:
            conditional = condition.search(part, at[1], verb.start()) is not None
        else:
            conditional = condition.search(part, 0, verb.start()) is not None
        if not conditional:
            return True
    return False


def _demands_payment(sentence: str, span: tuple[int, int], language: str) -> bool:
    """Whether the days or day at ``span`` of a payment sentence are a term to pay in."""
    starts = [0] + [cut.end() for cut in _CLAUSE_END[language].finditer(sentence)]
    begin = max(at for at in starts if at <= span[0])
    ends = [cut.start() for cut in _CLAUSE_END[language].finditer(sentence, span[1])]
    clause = sentence[begin : ends[0] if ends else len(sentence)]
    at = (span[0] - begin, span[1] - begin)
    if _NO_DEMAND[language].search(clause):
        return False
    if _told_to_pay(sentence, span, language):
        return True

    def nearest(pattern: re.Pattern[str]) -> int | None:
        gaps = [max(at[0] - found.end(), found.start() - at[1], 0)
                for found in pattern.finditer(clause)]  # fmt: skip
        return min(gaps, default=None)

    paying, not_paying = nearest(_PAYMENT[language]), nearest(_NOT_PAYING[language])
    if not_paying is None:
        return True
    return paying is not None and paying < not_paying


class _Term(StrEnum):
    """What one "N dagen" of a sentence is as a term to pay in."""

    FROM_RECEIPT = "from_receipt"  # fourteen (or fifteen) days from receipt of this letter
    OTHER = "other"  # a term, but not that one: fewer days, from the date, another document
    UNSAID = "unsaid"  # days without "from when" that need not be a term of their own


def _number(found: re.Match[str], language: str) -> int:
    said = found["n"].lower()
    count = int(said) if said.isdigit() else _NUMBERS[language][said]
    return count * 7 if found["unit"].lower().startswith("week") else count


def _received_is_this_letter(sentence: str, days_end: int, anchor: re.Match[str],
                             language: str) -> bool:  # fmt: skip
    """Whether what the receipt word ``anchor`` (found after the days) speaks of is this
    letter: after a noun ("ontvangst van deze brief") what follows "van"/"of", nothing named
    being this letter ("na ontvangst"); with a verb ("nadat u deze brief heeft ontvangen",
    "of receiving this letter") this letter named between the days and the verb or after it."""
    rest = sentence[days_end:]
    after = rest[anchor.end() :]
    this = _THIS_LETTER[language]
    if _RECEIPT_NOUN.fullmatch(anchor.group()):
        named = _RECEIVED_WHAT.match(after)
        return named is None or this.match(after[named.end() :]) is not None
    between = rest[: anchor.start()]
    return this.search(between) is not None or this.match(after.lstrip()) is not None


def _term(sentence: str, days: re.Match[str], language: str) -> _Term:
    """What the days ``days`` of ``sentence`` are as a term to pay in."""
    rest = sentence[days.end() :]
    anchor = _TERM_FROM[language].search(rest)
    calendar_days = days["kind"] is None or days["kind"].lower().startswith(
        ("kalender", "calendar")
    )
    valid = _number(days, language) in _VALID_DAYS and calendar_days
    if anchor is not None and anchor.group("receipt") is not None:
        if valid and _received_is_this_letter(sentence, days.end(), anchor, language):
            return _Term.FROM_RECEIPT
        return _Term.OTHER
    if anchor is not None:  # the letter's date, its sending, today
        return _Term.OTHER
    said_as_term = _WITHIN[language].search(sentence[: days.start()]) is not None
    return _Term.OTHER if said_as_term and not valid else _Term.UNSAID


def _payment_terms(text: str, language: str) -> tuple[bool, bool]:
    """Whether a sentence demanding payment gives fourteen days from receipt of this letter,
    and whether one gives another term to pay in."""
    from_receipt = other = False
    for sentence in _SENTENCE_END.split(text):
        if not _PAYMENT[language].search(sentence):
            continue
        terms = [_term(sentence, days, language) for days in _DAYS[language].finditer(sentence)]
        from_receipt = from_receipt or _Term.FROM_RECEIPT in terms
        if _PAST[language].search(sentence):
            continue
        other_days = [
            days.span()
            for days in _DAYS[language].finditer(sentence)
            if _term(sentence, days, language) is _Term.OTHER
        ]
        fixed_days = [day.span() for day in _FIXED_DAY[language].finditer(sentence)]
        if any(_demands_payment(sentence, span, language) for span in other_days + fixed_days):
            other = True
    return from_receipt, other


# what happens if the debtor does not pay, in any of the usual words (the law asks for the
# consequence, not for a formula): "indien u niet … betaalt", "betaalt u niet …, dan",
# "als betaling uitblijft", "blijft betaling uit", "wanneer wij … niet hebben ontvangen",
# "indien u het bedrag niet … betaalt", "indien het bedrag niet … is voldaan" (in one sentence)
_IN_SENTENCE = r"(?:(?![.!?](?:\s|$)).)"
_CONSEQUENCE_PATTERNS = {
    "nl": re.compile(
        r"(indien|als|wanneer)\s+(u\s+)?(niet|geen).{0,120}?(betaal|voldoe|voldaan|betaling)"
        r"|(betaalt|voldoet)\s+u\s+(niet|dit\s+bedrag\s+niet|het\s+bedrag\s+niet)"
        r"|(indien|als|wanneer)\s+(de\s+|uw\s+)?betaling\s+(uitblijft|niet|achterwege)"
        r"|blijft\s+(de\s+|uw\s+)?betaling.{0,80}?\buit\b"
        r"|(indien|als|wanneer)\s+wij.{0,100}?(niet|geen).{0,100}?(ontvangen|bijgeschreven)"
        r"|(indien|als|wanneer)\s+(u\s+)?(het|dit|dat|uw|de)\s+"
        + _IN_SENTENCE
        + r"{0,80}?\bniet\b"
        + _IN_SENTENCE
        + r"{0,120}?(betaal|voldoe|voldaan|betaald|overgemaakt|bijgeschreven)",
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
    together with the consequence of not paying and the term counted from receipt, given
    as the term to pay in and contradicted by no other term to pay in."""
    lang = language if language in _DAYS else "nl"
    text = " ".join(rendered_text.split())
    missing = []
    if costs_shown not in text:
        missing.append(RequiredPart.COSTS_AMOUNT)
    from_receipt, other_term = _payment_terms(text, lang)
    if not from_receipt:
        missing.append(RequiredPart.TERM_FROM_RECEIPT)
    elif other_term:
        missing.append(RequiredPart.ONE_PAYMENT_TERM)
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
