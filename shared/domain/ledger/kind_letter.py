"""The letters a claim carried when its debtor was corrected from a business to a consumer.

A business's sommatie (or a 14-day letter written on a business's terms: 6:119a interest, the
client's agreed costs percentage) is no consumer's 14-day letter: 6:96 lid 6 BW asks a letter
that states the consequence of not paying (the staffel amount, 14 days from the day after
receipt), the creditor proves it (lid 6) and it cannot be departed from to the consumer's
detriment (lid 7). So a consumer owes no costs on such a letter until a person confirms it
met lid 6 (law11b F5: the staffel 625.00 charged on a business sommatie until staff cleared
it). A letter sent after the correction, to the consumer, counts as any letter.

A claim of the letter that the consumer paid in full as he was told while it was held keeps
what he paid when the letter is confirmed (``forgone``): its share of the letter's one WIK
amount is not claimed (nothing paid as told is redone, law12c #1), but the letter still counts
for it as a member of the notice, so the others owe their share of the amount over all the
principal the letter demanded, not a staffel of their own (kindletter13 #2, #3).
The share let go follows the money: when the payment that paid the claim comes back or is
corrected to another claim, the claim owes its share again (the services clear ``forgone``
before the ledger's change; codereview13 #2)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date


@dataclass(frozen=True)
class LetterAsBusiness:
    """``letter_on``: the client's imported letter's day then; ``owed_from``: the costs term
    Inning's own letter had set then; ``confirmed``: a person confirmed it met 6:96 lid 6;
    ``forgone``: confirmed after the consumer paid this claim in full as he was told while the
    letter was held, so its share of the costs is not claimed."""

    letter_on: date | None
    owed_from: date | None
    confirmed: bool = False
    forgone: bool = False

    def holds_letter(self, letter_on: date | None) -> bool:
        """The client's letter is the one sent as a business and nobody confirmed it (or its
        share was forgone: a later letter still counts, should the claim open again)."""
        return self._held and letter_on is not None and letter_on == self.letter_on

    def holds_term(self, owed_from: date | None) -> bool:
        """Inning's costs term is the one its letter to the business set, unconfirmed (a new
        letter to the consumer sets a term of its own)."""
        return self._held and owed_from is not None and owed_from == self.owed_from

    @property
    def _held(self) -> bool:
        return not self.confirmed or self.forgone

    def confirm(self, *, forgone: bool = False) -> LetterAsBusiness:
        return replace(self, confirmed=True, forgone=forgone)

    @property
    def counted(self) -> LetterAsBusiness:
        """The letter as it counts for the notice: confirmed, its share claimed or not."""
        return replace(self, forgone=False)
