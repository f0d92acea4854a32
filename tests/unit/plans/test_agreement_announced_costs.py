"""A whole-claim plan's agreement said only that interest runs again if it lapses (newcomer20
F7), while the lapse also makes the collection costs a 14-day letter announced owed from that
day (docs/law.md). The portal's plan page said so; the agreement, which is all a debtor sees of
a plan staff made, did not. It says it now, in both languages."""

from __future__ import annotations

from shared.services.plans.notices import agreement
from tests.unit.plans.test_agreement_interest_text import WHOLE


def test_a_whole_claim_agreement_says_announced_costs_come_with_a_lapse() -> None:
    nl = agreement(WHOLE, "De Linde", "NL77ABNA0574908765", "nl").text
    en = agreement(WHOLE, "De Linde", "NL77ABNA0574908765", "en").text
    assert "aangekondigde incassokosten die nog niet verschuldigd waren vanaf die dag" in nl
    assert "announced collection costs not yet owed become owed from that day" in en
