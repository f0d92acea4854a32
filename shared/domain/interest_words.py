"""What the debtor is told the interest on his claims is (law15 F2).

The name says on what basis it is charged, and a debtor or court checks the figure against it
(Besluit kwaliteit incassodienstverlening: a specification of principal, interest and costs):
a consumer's statutory interest is "wettelijke rente" (art. 6:119 BW), a business's
"wettelijke handelsrente" (art. 6:119a BW), and an agreed rate is owed instead of the
statutory one (art. 6:119 lid 3, 6:119a lid 8 BW): "overeengekomen rente", never "wettelijke
rente". Claims of different kinds together (one letter for several invoices) are "rente".
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


def interest_word(rules: Iterable[InterestRule], language: str) -> str:
    """The interest of claims charged under ``rules``, named in ``language`` (nl, else en):
    the kind's own name when they share one, else plain "Rente" / "Interest"."""
    lang = "nl" if language == "nl" else "en"
    kinds = {r for r in rules if r is not InterestRule.NONE}
    if len(kinds) == 1:
        return _WORDS[lang].get(kinds.pop(), _ANY[lang])
    return _ANY[lang]


# the key a text table (the portal's) keeps each name under
_KEYS = {
    InterestRule.CONSUMER: "interest",
    InterestRule.COMMERCIAL: "interest_commercial",
    InterestRule.CONTRACTUAL: "interest_agreed",
}
_ANY_KEY = "interest_any"


def interest_key(rule: InterestRule) -> str:
    """The text key of the interest of a claim charged under ``rule``."""
    return _KEYS.get(rule, _ANY_KEY)


def interest_texts(language: str) -> dict[str, str]:
    """Every interest name in ``language`` under its :func:`interest_key`."""
    lang = "nl" if language == "nl" else "en"
    return {**{_KEYS[r]: w for r, w in _WORDS[lang].items()}, _ANY_KEY: _ANY[lang]}
