"""review31: an account written with Cyrillic or Greek letters drawn as Latin ones.

"NL91 АВNA 0417 1643 00" with a Cyrillic А and В reads as ABNA; the debtor types the Latin
letters and pays into the account, but the check read no account in it (the letters broke
the group), in a dunning text, a footer, an invoice or debtor number and a debtor's name."""

from __future__ import annotations

import pytest

from shared.domain.dunning.foreign_ibans import ibans_in
from shared.domain.shown_text import name_fault, number_fault

ACCOUNT = "NL91ABNA0417164300"


@pytest.mark.parametrize(
    "written",
    [
        "NL91 \u0410\u0412NA 0417 1643 00",  # Cyrillic А and В
        "NL91\u0391BNA0417164300",  # a Greek Α, solid
        "\u039dL91 ABNA 0417 1643 00",  # a Greek Ν
        "nl91 \u0430bna 0417 1643 00",  # a Cyrillic а, in lower case
    ],
)
def test_look_alike_letters_name_the_account(written: str) -> None:
    assert ibans_in([f"Betaal voortaan op {written} t.n.v. Incasso"]) == [ACCOUNT]
    assert number_fault(written) is not None
    assert name_fault(f"Jansen, betaal op {written}") is not None


def test_cyrillic_and_greek_words_stay_words() -> None:
    assert ibans_in(["Уважаемый Иван Петров, Κύριε Παπαδόπουλε, NL 1234 AB Utrecht"]) == []
