"""What a lapsed plan's debtor owes on the lapse day, and how it is made up.

A plan that lapses makes the claims due in full again, and more than the plan's remainder:
costs announced by a 14-day letter but held while the plan ran become owed from the lapse
day, interest frozen by the plan runs again, interest kept on the principal is owed. The
notice that ends the arrangement states the claims' figures of that day from the ledger, per
component and with the day the costs became owed (art. 6:193c lid 1 sub b BW: no incorrect
information on the amount; the Wki's duty to explain how the debt was built up): a debtor who
pays the sum named "in full" is then not dunned for more (law13b F1). The client's mail and
action item of the lapse state the same figures and build-up (:func:`owed_to_client`,
:func:`owed_detail`): what the client is told is owed is what the debtor was told.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from shared.domain.day_shown import day_shown
from shared.domain.ledger.model import ClaimFigures, InterestRule
from shared.domain.money import Cents, format_eur_en, format_eur_nl


@dataclass(frozen=True)
class OwedOnLapse:
    on: date  # the lapse day
    principal: Cents
    interest: Cents
    costs: Cents
    costs_vat: Cents
    costs_from: tuple[date, ...]  # the days the open costs became owed, earliest first
    interest_runs: bool  # interest goes on over the open principal after this day

    @property
    def total(self) -> Cents:
        return self.principal + self.interest + self.costs + self.costs_vat


def owed_on_lapse(figures: list[ClaimFigures], on: date) -> OwedOnLapse:
    """The plan's claims (their figures on ``on``) summed per component."""
    with_costs = [f for f in figures if f.open.costs + f.open.costs_vat > 0]
    return OwedOnLapse(
        on=on,
        principal=sum(max(0, f.open.principal) for f in figures),
        interest=sum(max(0, f.open.interest) for f in figures),
        costs=sum(max(0, f.open.costs) for f in figures),
        costs_vat=sum(max(0, f.open.costs_vat) for f in figures),
        costs_from=tuple(sorted({f.costs_owed_from for f in with_costs if f.costs_owed_from})),
        interest_runs=any(
            f.interest_rule is not InterestRule.NONE and f.open.principal > 0 for f in figures
        ),
    )


def pinned(lapse: str, owed: OwedOnLapse, not_claimed: tuple[str, ...]) -> str:
    """The figures lapse ``lapse`` is told with, as the plan keeps them (``lapse_owed``)."""
    return json.dumps({
        "lapse": lapse, "on": owed.on.isoformat(), "principal": owed.principal,
        "interest": owed.interest, "costs": owed.costs, "costs_vat": owed.costs_vat,
        "costs_from": [d.isoformat() for d in owed.costs_from],
        "interest_runs": owed.interest_runs, "not_claimed": list(not_claimed),
    })  # fmt: skip


def unpinned(lapse: str, kept: str) -> tuple[OwedOnLapse, tuple[str, ...]] | None:
    """The figures ``kept`` pinned for lapse ``lapse``; None when none were (a plan stored
    before they were kept) or they are an earlier lapse's."""
    if not kept:
        return None
    d = json.loads(kept)
    if d.get("lapse") != lapse:
        return None
    owed = OwedOnLapse(
        on=date.fromisoformat(d["on"]), principal=int(d["principal"]),
        interest=int(d["interest"]), costs=int(d["costs"]), costs_vat=int(d["costs_vat"]),
        costs_from=tuple(date.fromisoformat(x) for x in d["costs_from"]),
        interest_runs=bool(d["interest_runs"]),
    )  # fmt: skip
    return owed, tuple(d["not_claimed"])


def _eur(cents: Cents, language: str) -> str:
    return format_eur_nl(cents) if language == "nl" else format_eur_en(cents)


def _days(days: tuple[date, ...], language: str) -> str:
    words = [day_shown(d, language) for d in days]
    if len(words) < 2:
        return "".join(words)
    joint = " en " if language == "nl" else " and "
    return ", ".join(words[:-1]) + joint + words[-1]


def _build_up(owed: OwedOnLapse, language: str) -> str:
    nl = language == "nl"
    day = day_shown(owed.on, language)
    lines = [f"{'Hoofdsom' if nl else 'Principal'}: {_eur(owed.principal, language)}"]
    if owed.interest or owed.interest_runs:
        word = "Rente tot" if nl else "Interest up to"
        lines.append(f"{word} {day}: {_eur(owed.interest, language)}")
    if owed.costs:
        since = _days(owed.costs_from, language)
        if since:
            word = "Incassokosten, verschuldigd vanaf" if nl else "Collection costs, owed from"
            lines.append(f"{word} {since}: {_eur(owed.costs, language)}")
        else:
            lines.append(f"{'Incassokosten' if nl else 'Collection costs'}: "
                         f"{_eur(owed.costs, language)}")  # fmt: skip
    if owed.costs_vat:
        word = "Btw over de incassokosten" if nl else "VAT on the collection costs"
        lines.append(f"{word}: {_eur(owed.costs_vat, language)}")
    return "\n".join(lines)


def owed_paragraphs(owed: OwedOnLapse, language: str) -> tuple[str, ...]:
    """The sum due in full on the lapse day, its build-up line by line, and what runs on."""
    nl = language == "nl"
    day = day_shown(owed.on, language)
    total = _eur(owed.total, language)
    if nl:
        head = (f"Op {day} is het openstaande bedrag van {total} weer in zijn geheel opeisbaar. "
                "Het bestaat uit:")  # fmt: skip
        tail = "De incassoprocedure wordt hervat."
        if owed.interest_runs:
            tail = ("Over de openstaande hoofdsom loopt de rente door tot de dag van betaling. "
                    + tail)  # fmt: skip
        return head, _build_up(owed, language), tail
    head = f"On {day} the open amount of {total} is due again in full. It is made up of:"
    tail = "Collection resumes."
    if owed.interest_runs:
        tail = "Interest runs on over the open principal until the day of payment. " + tail
    return head, _build_up(owed, language), tail


def owed_for_the_rest(owed: OwedOnLapse, language: str) -> tuple[str, ...]:
    """What the claims still claimed owe on the lapse day, when others of the plan are natural
    obligations (nothing said to be due of those)."""
    day = day_shown(owed.on, language)
    total = _eur(owed.total, language)
    if language == "nl":
        return f"Daarvoor bent u op {day} {total} verschuldigd:", _build_up(owed, language)
    return f"On {day} you owe {total} for it:", _build_up(owed, language)


def owed_to_client(owed: OwedOnLapse, language: str) -> tuple[str, ...]:
    """What the client is told the debtor owes on the lapse day: the debtor's own figures and
    build-up (not the plan's remainder, which leaves out the costs and interest that come
    with the lapse)."""
    day = day_shown(owed.on, language)
    total = _eur(owed.total, language)
    if language == "nl":
        head = (f"Op {day} is weer in zijn geheel opeisbaar: {total}, zoals de debiteur is "
                "gemeld. Het bestaat uit:")  # fmt: skip
    else:
        head = f"On {day} {total} is due again in full, as the debtor was told. It is made up of:"
    return head, _build_up(owed, language)


def owed_detail(owed: OwedOnLapse) -> dict[str, object]:
    """The figures for the client's action item, in cents as every amount an item keeps (the
    console formats them per language)."""
    detail: dict[str, object] = {
        "open": owed.total,
        "principal": owed.principal,
        "interest": owed.interest,
        "costs": owed.costs,
    }
    if owed.costs_vat:
        detail["costs_vat"] = owed.costs_vat
    if owed.costs_from:
        detail["costs_owed_from"] = ", ".join(d.isoformat() for d in owed.costs_from)
    return detail
