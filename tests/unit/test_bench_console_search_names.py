"""The console_search bench's name searches (matchcopy31): at scale 0.1 its small client (100
debtors) carries no "de Vries", so a search drawn from every last name found nothing and
failed the bench's own check that each search finds a page. The searches now draw from the
names the client's debtors carry; every one of those finds a debtor."""

from __future__ import annotations

import random

from bench.console_search import LAST, _portfolio, surnames
from shared.domain.parties import Client, Debtor, DebtorKind


def _small_portfolio(scale: float) -> list[str]:
    """The small client's debtors' names as the bench draws them (same seed, same order)."""
    rng = random.Random(16)
    size = max(200, int(10_000 * scale))
    _portfolio(Client("l", "bench", "L", "L"), size, rng)
    debtors, _ = _portfolio(Client("s", "bench", "S", "S"), size // 10, rng)
    return [d.name for d in debtors]


def test_the_small_client_lacks_a_name_and_it_is_never_searched() -> None:
    names = _small_portfolio(0.1)
    assert "de Vries" in LAST and not any(" de Vries " in n for n in names)
    debtors = [Debtor("s", f"D{i}", DebtorKind.B2C, n) for i, n in enumerate(names)]
    drawn = surnames(debtors)
    assert "de Vries" not in drawn and len(drawn) == len(LAST) - 1
    for last in drawn:  # the bench's query: the first four characters
        assert any(f" {last[:4]}" in n for n in names)
