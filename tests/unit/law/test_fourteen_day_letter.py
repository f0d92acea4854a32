from datetime import date

import pytest

from shared.domain.dutch_calendar import easter_sunday, extend_statutory_term, public_holidays
from shared.domain.law.fourteen_day_letter import (
    LetterChannel,
    RequiredPart,
    fourteen_day_term,
    missing_parts,
)


@pytest.mark.parametrize(
    ("sent", "channel", "received", "last_day", "owed_from"),
    [
        # e-mail on Monday 4 Nov 2024: received the same day; day 14 is Monday 18 Nov.
        (
            date(2024, 11, 4),
            LetterChannel.EMAIL,
            date(2024, 11, 4),
            date(2024, 11, 18),
            date(2024, 11, 19),
        ),
        # letter posted Monday: delivery days Tue, Wed -> received Wed 6 Nov; day 14 = Wed 20 Nov.
        (
            date(2024, 11, 4),
            LetterChannel.LETTER,
            date(2024, 11, 6),
            date(2024, 11, 20),
            date(2024, 11, 21),
        ),
        # letter posted Friday 8 Nov: Sat 9 is day 1, Sun/Mon skipped, Tue 12 day 2.
        (
            date(2024, 11, 8),
            LetterChannel.LETTER,
            date(2024, 11, 12),
            date(2024, 11, 26),
            date(2024, 11, 27),
        ),
        # e-mail Saturday 7 Dec 2024: day 14 = Sat 21 Dec -> runs on to Mon 23 Dec.
        (
            date(2024, 12, 7),
            LetterChannel.EMAIL,
            date(2024, 12, 7),
            date(2024, 12, 23),
            date(2024, 12, 24),
        ),
        # e-mail 11 Dec 2024: day 14 = Wed 25 Dec (Christmas) -> 26th holiday too -> Fri 27 Dec,
        # equated with a holiday by decree (Atw art. 3 lid 3) -> weekend -> Mon 30 Dec.
        (
            date(2024, 12, 11),
            LetterChannel.EMAIL,
            date(2024, 12, 11),
            date(2024, 12, 30),
            date(2024, 12, 31),
        ),
    ],
)
def test_term_counts_from_the_day_after_receipt(sent, channel, received, last_day, owed_from):
    term = fourteen_day_term(sent, channel)
    assert term.received_on == received
    assert term.term_starts.toordinal() == received.toordinal() + 1
    assert term.last_day == last_day
    assert term.costs_owed_from == owed_from


def test_receipt_days_are_configurable():
    term = fourteen_day_term(date(2024, 11, 4), LetterChannel.EMAIL, {LetterChannel.EMAIL: 1})
    assert term.received_on == date(2024, 11, 5)


def test_dutch_holidays():
    assert easter_sunday(2024) == date(2024, 3, 31)
    assert easter_sunday(2025) == date(2025, 4, 20)
    holidays_2025 = public_holidays(2025)
    assert date(2025, 4, 26) in holidays_2025  # Koningsdag moved: 27 April 2025 is a Sunday
    assert date(2025, 5, 29) in holidays_2025  # Ascension Day
    assert date(2025, 6, 9) in holidays_2025  # Whit Monday
    assert extend_statutory_term(date(2025, 4, 26)) == date(2025, 4, 28)


NL_GOOD = (
    "Wij verzoeken u het bedrag binnen veertien dagen vanaf de dag nadat deze brief bij u is "
    "bezorgd te betalen. Indien u niet binnen deze termijn betaalt, bent u incassokosten van "
    "€ 40,00 verschuldigd."
)
EN_GOOD = (
    "Please pay within fourteen days from the day after you received this letter. If you do "
    "not pay within that term, collection costs of EUR 40.00 will be charged."
)


def test_complete_letters_pass():
    assert missing_parts(NL_GOOD, "nl", "€ 40,00") == []
    assert missing_parts(EN_GOOD, "en", "EUR 40.00") == []


def test_letter_counting_from_the_letter_date_fails():
    text = NL_GOOD.replace("vanaf de dag nadat deze brief bij u is bezorgd", "na dagtekening")
    assert missing_parts(text, "nl", "€ 40,00") == [RequiredPart.TERM_FROM_RECEIPT]


def test_letter_without_amount_or_consequence_fails():
    text = "Betaal binnen 14 dagen na ontvangst van deze brief."
    assert missing_parts(text, "nl", "€ 40,00") == [
        RequiredPart.COSTS_AMOUNT,
        RequiredPart.CONSEQUENCE,
    ]


@pytest.mark.parametrize(
    ("sent", "channel", "country", "received", "costs_owed_from"),
    [
        # law13b F2, Brussels, posted Thu 4-12-2025: D+5 working days Fri 5, Mon 8 .. Thu 11;
        # term 12-12..25-12 (Christmas, Boxing Day, the weekend) -> Mon 29-12, costs 30-12
        (date(2025, 12, 4), LetterChannel.LETTER, "BE", date(2025, 12, 11), date(2025, 12, 30)),
        (date(2025, 12, 4), LetterChannel.LETTER, "be", date(2025, 12, 11), date(2025, 12, 30)),
        (
            date(2025, 12, 4),
            LetterChannel.REGISTERED_LETTER,
            "BE",
            date(2025, 12, 11),
            date(2025, 12, 30),
        ),
        # Germany, posted Wed 24-12-2025: Christmas, Boxing Day, the weekend, New Year's Day
        # and Fri 2-1-2026 (equated to a holiday, as for Dutch post) are no working days: Mon
        # 29, Tue 30, Wed 31, Mon 5-1, Tue 6-1; day 14 Tue 20-1, costs from Wed 21-1
        (date(2025, 12, 24), LetterChannel.LETTER, "DE", date(2026, 1, 6), date(2026, 1, 21)),
        # outside the EU/EEA (no target in law): ten working days, Fri 5 .. Thu 18-12;
        # day 14 Thu 1-1-2026 (New Year's Day; Fri 2-1 equated, the weekend) -> Mon 5-1
        (date(2025, 12, 4), LetterChannel.LETTER, "US", date(2025, 12, 18), date(2026, 1, 6)),
        (date(2025, 12, 4), LetterChannel.LETTER, "CH", date(2025, 12, 18), date(2026, 1, 6)),
        # an e-mail is received the day it is sent wherever the debtor lives
        (date(2025, 12, 4), LetterChannel.EMAIL, "BE", date(2025, 12, 4), date(2025, 12, 19)),
        # the Netherlands keeps the second delivery day (Sat 6-12)
        (date(2025, 12, 4), LetterChannel.LETTER, "NL", date(2025, 12, 6), date(2025, 12, 23)),
        (date(2025, 12, 4), LetterChannel.LETTER, None, date(2025, 12, 6), date(2025, 12, 23)),
    ],
)
def test_a_letter_abroad_is_received_by_the_cross_border_target(
    sent, channel, country, received, costs_owed_from
):
    term = fourteen_day_term(sent, channel, country=country)
    assert (term.received_on, term.costs_owed_from) == (received, costs_owed_from)
