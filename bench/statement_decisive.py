"""How often each index lookup of a statement line decides it, on the labelled set.

A line's lookups (``shared/domain/statements/matching.py``: reference, number tail, the payer's
learned account, the payer's debtors' invoices, the amount) each cost a storage request on the
storage path. One the decision never needs could go; one that sometimes decides must stay
(issue #13: the same bookings, suggestions and reasons). So each line of the labelled set is
matched once as it is, then once per kind of lookup with that kind answering nothing: a kind
is *decisive* for the line when its absence changes the line's bookings, suggestions or
reasons, and *decisive for booking* when it changes what is booked automatically.

Every run of a line sees the same index (what earlier lines booked taken off, as
``match_lines`` does): the ablated runs do not consume, the real run does afterwards.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from bench import statement_labels
from shared.domain.money import Cents
from shared.domain.statements.matching import (
    Allocation,
    InvoiceIndex,
    LineMatch,
    MatchSettings,
    OpenInvoice,
    match_line,
)

KINDS = ("by_reference", "by_tail", "debtors_for_iban", "of_debtor", "by_amount")


class _View:
    """The index without consuming, counting the lookups made, one kind answering nothing."""

    def __init__(self, index: InvoiceIndex, dropped: str | None = None) -> None:
        self.index = index
        self.dropped = dropped
        self.calls: Counter[str] = Counter()

    def _asked(self, kind: str) -> bool:
        self.calls[kind] += 1
        return kind != self.dropped

    def by_reference(self, reference: str) -> list[OpenInvoice]:
        return self.index.by_reference(reference) if self._asked("by_reference") else []

    def by_tail(self, tail: str) -> list[OpenInvoice]:
        return self.index.by_tail(tail) if self._asked("by_tail") else []

    def debtors_for_iban(self, iban: str) -> set[str]:
        return self.index.debtors_for_iban(iban) if self._asked("debtors_for_iban") else set()

    def payer_of_several(self, iban: str) -> bool:
        return self.index.payer_of_several(iban)

    def of_debtor(self, debtor: str) -> list[OpenInvoice]:
        return self.index.of_debtor(debtor) if self._asked("of_debtor") else []

    def by_amount(self, amount: Cents, limit: int) -> list[OpenInvoice]:
        return self.index.by_amount(amount, limit) if self._asked("by_amount") else []

    def with_names(self, invoices: Sequence[OpenInvoice]) -> list[OpenInvoice]:
        return self.index.with_names(invoices)

    def consume(self, allocations: Iterable[Allocation]) -> None:
        return None


def _outcome(result: LineMatch) -> tuple[object, ...]:
    return (result.booked, result.suggested, result.reasons)


def decisive(scale: float) -> dict[str, Any]:
    """Per kind of lookup: made per line, lines where it is made, lines it decides (any change
    of bookings, suggestions or reasons) and lines whose booking it decides."""
    rng = random.Random(20261130)
    size = max(20_000, int(200_000 * scale))
    book = statement_labels.portfolio(rng, size, size // 5)
    labelled = statement_labels.labelled_lines(rng, book, max(2_000, int(10_000 * scale)))
    index = InvoiceIndex(book.invoices, book.learned)
    settings = MatchSettings()
    made: Counter[str] = Counter()
    lines_made: Counter[str] = Counter()
    decides: Counter[str] = Counter()
    books: Counter[str] = Counter()
    credit_lines = most = 0
    for line, _ in labelled:
        if line.amount <= 0 or line.is_return:
            continue
        credit_lines += 1
        seen = _View(index)
        base = match_line(0, line, seen, settings)
        made.update(seen.calls)
        most = max(most, sum(seen.calls.values()))
        lines_made.update(seen.calls.keys())
        for kind in seen.calls:
            other = match_line(0, line, _View(index, dropped=kind), settings)
            decides[kind] += _outcome(other) != _outcome(base)
            books[kind] += other.booked != base.booked
        index.consume(base.booked)
    out: dict[str, Any] = {"decisive_lines": credit_lines, "decisive_portfolio": size}
    # every index lookup a line made, and the most one line made (the budget is five)
    out["decisive_lookups_per_line"] = round(made.total() / max(1, credit_lines), 3)
    out["decisive_lookups_max"] = most
    for kind in KINDS:
        out[f"decisive_{kind}_per_line"] = round(made[kind] / max(1, credit_lines), 3)
        out[f"decisive_{kind}_lines_made"] = lines_made[kind]
        out[f"decisive_{kind}_lines_decided"] = decides[kind]
        out[f"decisive_{kind}_lines_booking_decided"] = books[kind]
    return out
