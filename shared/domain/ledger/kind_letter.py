"""The letters a claim carried when its debtor was corrected from a business to a consumer.

A business's sommatie (or a 14-day letter written on a business's terms: 6:119a interest, the
client's agreed costs percentage) is no consumer's 14-day letter: 6:96 lid 6 BW asks a letter
that states the consequence of not paying (the staffel amount, 14 days from the day after
receipt), the creditor proves it (lid 6) and it cannot be departed from to the consumer's
detriment (lid 7). So a consumer owes no costs on such a letter until a person confirms it
met lid 6 (law11b F5: the staffel 625.00 charged on a business sommatie until staff cleared
it). A letter sent after the correction, to the consumer, counts as any letter."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date


@dataclass(frozen=True)
class LetterAsBusiness:
    """``letter_on``: the client's imported letter's day then; ``owed_from``: the costs term
    Inning's own letter had set then; ``confirmed``: a person confirmed it met 6:96 lid 6."""

    letter_on: date | None
    owed_from: date | None
    confirmed: bool = False

    def holds_letter(self, letter_on: date | None) -> bool:
        """The client's letter is the one sent as a business and nobody confirmed it."""
        return not self.confirmed and letter_on is not None and letter_on == self.letter_on

    def holds_term(self, owed_from: date | None) -> bool:
        """Inning's costs term is the one its letter to the business set, unconfirmed (a new
        letter to the consumer sets a term of its own)."""
        return not self.confirmed and owed_from is not None and owed_from == self.owed_from

    def confirm(self) -> LetterAsBusiness:
        return replace(self, confirmed=True)
