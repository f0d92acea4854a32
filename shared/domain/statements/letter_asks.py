"""What a letter whose 14-day term still runs asked for each of its invoices: the claim on the
term's last day (principal and the interest to that day; the costs it announced are owed only
from the day after), as the letter's table, total and EPC QR code ask it (DunningService
``pay_within_term``; the portal's term notice). A debtor who pays that to the cent before the
term ends pays a few days' interest more than the claim on the day, which is no overpayment
of a bill he did not receive but exactly the one he did (newcomer17 F7)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta

from shared.domain.ledger.model import ClaimFigures
from shared.domain.statements.matching import Asked


def asked_in_term(
    debtor: str,
    figures: Mapping[str, ClaimFigures],
    on: date,
    replay: Callable[[date], Mapping[str, ClaimFigures]],
) -> dict[str, Asked]:
    """``figures``: the debtor's claims on ``on``; ``replay``: the same claims on another day.
    Claims whose costs are owed from a day after ``on`` and not charged yet (the portal's
    running term) are asked together when their term ends on the same day: one letter."""
    running: dict[date, list[str]] = {}
    for number, f in figures.items():
        if (
            f.costs_owed_from is not None
            and f.costs_owed_from > on
            and f.charged.costs == 0
            and f.open.total > 0
        ):
            running.setdefault(f.costs_owed_from, []).append(number)
    out: dict[str, Asked] = {}
    for owed_from, numbers in sorted(running.items()):
        last_day = owed_from - timedelta(days=1)
        within = replay(last_day)
        for number in numbers:
            if number in within:
                out[number] = Asked(within[number].open.total, f"{debtor}|{last_day.isoformat()}")
    return out
