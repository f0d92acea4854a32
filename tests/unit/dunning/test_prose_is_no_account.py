"""Prose around an amount is no account (review27 F1): the disguise rule (people27 F3) joined
the groups of "bedrag is € 51,79 en moet binnen veertien" into IS5179ENMOETBINNENVEERTIEN, an
Icelandic account with valid check digits, and refused the message (~1 in 100 two-digit euro
amounts in that sentence). A read across groups must have its country's BBAN shape."""

from __future__ import annotations

from shared.domain.dunning.foreign_ibans import ibans_in

SENTENCES = (
    "Het openstaande bedrag is € {e},{c:02d} en moet binnen veertien dagen worden betaald.",
    "De rente is € {e},{c:02d} tot en met de laatste dag van de termijn.",
)


def test_an_amount_in_a_sentence_is_never_an_account() -> None:
    taken = [
        text
        for sentence in SENTENCES
        for e in range(10, 100)
        for c in range(100)
        if ibans_in([text := sentence.format(e=e, c=c)])
    ]
    assert taken == []


# the registry's example of each kind of BBAN, written as a disguise: still read
EXAMPLES = {
    "DE": "DE89 3704 0044 0532 0130 00", "GB": "GB29 NWBK 6016 1331 9268 19",
    "FR": "FR14 2004 1010 0505 0001 3M02 606", "IT": "IT60 X054 2811 1010 0000 0123 456",
    "BE": "BE68 5390 0754 7034", "IS": "IS14 0159 2600 7654 5510 7303 39",
    "CH": "CH93 0076 2011 6238 5295 7", "ES": "ES91 2100 0418 4502 0005 1332",
    "MT": "MT84 MALT 0110 0001 2345 MTLC AST0 01S", "RO": "RO49 AAAA 1B31 0075 9384 0000",
    "NL": "NL91 ABNA 0417 1643 00",
}  # fmt: skip


def test_a_disguised_account_of_every_kind_is_still_read() -> None:
    for country, account in EXAMPLES.items():
        disguised = account.replace(" ", "-")
        assert ibans_in([f"Betaal naar {disguised} vandaag"]) == [account.replace(" ", "")], country
