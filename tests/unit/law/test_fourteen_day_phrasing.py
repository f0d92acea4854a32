"""newcomer7 finding 3: the 14-day letter check refused five of six ordinary Dutch ways to say
what happens if the debtor does not pay, two ways to count the term from receipt, and said
only "must state: costs_amount, term_from_receipt, consequence". The law asks for the
consequence and a term from receipt (art. 6:96 lid 6 BW), in any words; a term counted from
the letter's date stays refused (HR 25-11-2016)."""

from __future__ import annotations

import pytest

from shared.domain.dunning.templates import MessageTemplate, TemplateError, validate
from shared.domain.law.fourteen_day_letter import EXAMPLE, RequiredPart, missing_parts

TERM = ("Wij geven u de gelegenheid dit bedrag binnen veertien dagen, te rekenen vanaf de dag "
        "na ontvangst van deze brief, te betalen. ")  # fmt: skip
COSTS = "€ 40,00"


@pytest.mark.parametrize(
    "consequence",
    [
        "Betaalt u niet binnen deze termijn, dan bent u incassokosten verschuldigd van € 40,00.",
        "Als betaling uitblijft, bent u incassokosten verschuldigd van € 40,00.",
        "Wanneer wij uw betaling niet binnen deze termijn hebben ontvangen, bent u € 40,00 "
        "aan incassokosten verschuldigd.",
        "Indien wij het bedrag niet binnen deze termijn hebben ontvangen, worden incassokosten "
        "van € 40,00 in rekening gebracht.",
        "Blijft betaling binnen deze termijn uit, dan bent u € 40,00 aan buitengerechtelijke "
        "incassokosten verschuldigd.",
        "Indien u niet binnen deze termijn betaalt, bent u incassokosten verschuldigd van € 40,00.",
    ],
)
def test_the_usual_ways_to_state_the_consequence(consequence: str) -> None:
    assert missing_parts(TERM + consequence, "nl", COSTS) == []


@pytest.mark.parametrize(
    "term",
    [
        "U dient het bedrag binnen veertien dagen nadat u deze brief heeft ontvangen te betalen.",
        "Wij verzoeken u binnen 14 dagen na de dag van ontvangst van deze brief te betalen.",
        "Betaal binnen 14 dagen na ontvangst van deze brief.",
    ],
)
def test_the_usual_ways_to_count_the_term_from_receipt(term: str) -> None:
    text = term + " Indien u niet betaalt, bent u € 40,00 verschuldigd."
    assert missing_parts(text, "nl", COSTS) == []


def test_a_term_from_the_letters_date_is_still_refused() -> None:
    text = "Betaal binnen 14 dagen na dagtekening van deze brief. Indien u niet betaalt, € 40,00."
    assert missing_parts(text, "nl", COSTS) == [RequiredPart.TERM_FROM_RECEIPT]


def test_the_refusal_says_what_is_missing_in_words_and_gives_an_example() -> None:
    with pytest.raises(TemplateError) as refused:
        validate(MessageTemplate("nl", "Brief", "Betaal {{ total|money }}.", None, True))
    message = str(refused.value)
    assert "what happens if the debtor does not pay" in message
    assert "For example: Betaal € … binnen veertien dagen" in message
    assert "costs_amount" not in message


@pytest.mark.parametrize(
    "term",
    [
        EXAMPLE["nl"].split(". ")[0] + ".",  # the very sentence the refusal proposes (law9 F6)
        "Betaal binnen veertien dagen na de dag waarop u deze brief ontvangt.",
        "Betaal binnen 14 dagen na de datum van ontvangst van deze brief.",
        "Betaal binnen 15 dagen nadat deze brief bij u is bezorgd.",
        "Wij verzoeken u € 1.250,00 binnen 14 dagen na ontvangst van deze aanmaning te betalen.",
    ],
)
def test_more_ways_to_count_the_term_from_receipt(term: str) -> None:
    text = term + " Indien u niet betaalt, bent u € 40,00 verschuldigd."
    assert missing_parts(text, "nl", COSTS) == []


@pytest.mark.parametrize(
    "term",
    [
        # law9 F3: each counts from the letter's date, its sending or today; the receipt a
        # later word speaks of is the creditor's receipt of the payment
        "Betaal binnen 14 dagen na de datum van deze brief. Na ontvangst van uw betaling "
        "sluiten wij het dossier.",
        "Wij dienen het bedrag binnen 15 dagen na dagtekening van deze brief te hebben ontvangen.",
        "Wij moeten uw betaling binnen 14 dagen nadat deze brief is verzonden hebben ontvangen.",
        "Betaal binnen 14 dagen na heden. Na ontvangst van uw betaling is de zaak afgedaan.",
        "Betaal binnen 14 dagen na ontvangst van uw betaling.",
        "Betaal binnen 14 dagen.",
    ],
)
def test_a_term_not_counted_from_the_debtors_receipt_is_refused(term: str) -> None:
    text = term + " Indien u niet betaalt, bent u € 40,00 verschuldigd."
    assert missing_parts(text, "nl", COSTS) == [RequiredPart.TERM_FROM_RECEIPT]


@pytest.mark.parametrize(
    ("term", "counts_from_receipt"),
    [
        (EXAMPLE["en"].split(". ")[0] + ".", True),
        ("Please pay within 14 days of receiving this letter.", True),
        ("Please pay within 14 days of the date of receipt of this letter.", True),
        (
            "Please pay within 14 days of the date of this letter. On receipt we close the file.",
            False,
        ),
        ("Please pay within 14 days after this letter was sent, upon receipt of payment.", False),
        ("Please pay within 14 days of receipt of your payment.", False),
    ],
)
def test_the_term_in_english(term: str, counts_from_receipt: bool) -> None:
    text = term + " If you do not pay, you owe € 40,00."
    missing = [] if counts_from_receipt else [RequiredPart.TERM_FROM_RECEIPT]
    assert missing_parts(text, "en", COSTS) == missing
