"""What the debtor is told the interest on his claims is (law15 F2).

The name says on what basis it is charged, and a debtor or court checks the figure against it
(Besluit kwaliteit incassodienstverlening: a specification of principal, interest and costs):
a consumer's statutory interest is "wettelijke rente" (art. 6:119 BW), a business's
"wettelijke handelsrente" (art. 6:119a BW), and an agreed rate is owed instead of the
statutory one (art. 6:119 lid 3, 6:119a lid 8 BW): "overeengekomen rente", never "wettelijke
rente". Claims of different kinds together (one letter for several invoices) are "rente".
On a day the statutory rate is higher than the agreed one, that is charged, and that day's
interest is statutory (misc16 #1): a claim charged both is named by both, "overeengekomen
rente en wettelijke handelsrente"; callers pass the kinds really charged
(:mod:`shared.domain.interest_charged`), not the client's terms.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.domain.ledger.model import InterestRule

_WORDS = {
    "nl": {
        InterestRule.CONSUMER: "Wettelijke rente",
        InterestRule.COMMERCIAL: "Wettelijke handelsrente",
        InterestRule.CONTRACTUAL: "Overeengekomen rente",
    },
    "en": {
        InterestRule.CONSUMER: "Statutory interest",
        InterestRule.COMMERCIAL: "Statutory commercial interest",
        InterestRule.CONTRACTUAL: "Agreed interest",
    },
}
_ANY = {"nl": "Rente", "en": "Interest"}
# an agreed rate and the statutory one, each charged on some days (the higher of the two is
# owed, 6:119 lid 3, 6:119a lid 8 BW; misc16 #1): both are named, the agreed one first
_BOTH = {
    "nl": {
        InterestRule.CONSUMER: "Overeengekomen en wettelijke rente",
        InterestRule.COMMERCIAL: "Overeengekomen rente en wettelijke handelsrente",
    },
    "en": {
        InterestRule.CONSUMER: "Agreed and statutory interest",
        InterestRule.COMMERCIAL: "Agreed interest and statutory commercial interest",
    },
}


def _kinds(rules: Iterable[InterestRule]) -> frozenset[InterestRule]:
    return frozenset(r for r in rules if r is not InterestRule.NONE)


def _statutory_beside_agreed(kinds: frozenset[InterestRule]) -> InterestRule | None:
    """The one statutory kind charged beside an agreed rate, or None."""
    if len(kinds) == 2 and InterestRule.CONTRACTUAL in kinds:
        (other,) = kinds - {InterestRule.CONTRACTUAL}
        return other
    return None


def interest_word(rules: Iterable[InterestRule], language: str) -> str:
    """The interest charged under ``rules`` (the kinds the claims were really charged,
    :mod:`shared.domain.interest_charged`), named in ``language`` (nl, else en): the kind's
    own name when they share one, both names for an agreed rate and the statutory one that
    was higher on other days, else plain "Rente" / "Interest"."""
    lang = "nl" if language == "nl" else "en"
    kinds = _kinds(rules)
    if len(kinds) == 1:
        return _WORDS[lang].get(next(iter(kinds)), _ANY[lang])
    other = _statutory_beside_agreed(kinds)
    if other is not None:
        return _BOTH[lang][other]
    return _ANY[lang]


def interest_name(rules: Iterable[InterestRule], language: str) -> str:
    """:func:`interest_word` as a template writes it inside a sentence ("vermeerderd met de
    {{ interest_name }}"): lower case."""
    word = interest_word(rules, language)
    return word[:1].lower() + word[1:]


# the key a text table (the portal's) keeps each name under
_KEYS = {
    InterestRule.CONSUMER: "interest",
    InterestRule.COMMERCIAL: "interest_commercial",
    InterestRule.CONTRACTUAL: "interest_agreed",
}
_BOTH_KEYS = {
    InterestRule.CONSUMER: "interest_agreed_statutory",
    InterestRule.COMMERCIAL: "interest_agreed_commercial",
}
_ANY_KEY = "interest_any"


def interest_key(rules: Iterable[InterestRule]) -> str:
    """The text key of the interest of a claim charged under ``rules`` (the kinds it was
    really charged, :func:`~shared.domain.interest_charged.kinds_charged`)."""
    kinds = _kinds(rules)
    if len(kinds) == 1:
        return _KEYS.get(next(iter(kinds)), _ANY_KEY)
    other = _statutory_beside_agreed(kinds)
    return _BOTH_KEYS[other] if other is not None else _ANY_KEY


def interest_texts(language: str) -> dict[str, str]:
    """Every interest name in ``language`` under its :func:`interest_key`."""
    lang = "nl" if language == "nl" else "en"
    return {
        **{_KEYS[r]: w for r, w in _WORDS[lang].items()},
        **{_BOTH_KEYS[r]: w for r, w in _BOTH[lang].items()},
        _ANY_KEY: _ANY[lang],
    }
