"""Matching bank statement credits to open invoices.

Each candidate (one invoice, or a set of one debtor's invoices) gets a score in [0, 1] with
its reasons. A line is booked automatically only when the best candidate reaches the
threshold *and* leads the runner-up by the margin (both per-client settings); anything else is
a suggestion for staff. A wrong automatic booking costs far more than a missed one, so every
weight below errs on the side of suggesting.

Signals, strongest first:
- a structured reference (betalingskenmerk, RF, Belgian) equal to the invoice's reference;
- invoice numbers in the remittance text, tolerant to spacing, prefixes ("factuur", "F-") and
  one wrong, missing or extra character;
- the amount: equal to one open invoice, or to a set of the debtor's open invoices
  (bounded subset search), or less (a partial payment);
- the payer's IBAN, learned from earlier confirmed matches;
- the payer's name against the debtor's name.

Candidates come from indexes (reference, number, number variants, IBAN, debtor), never from a
scan of all invoices: the cost per line does not grow with the portfolio.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

from shared.domain.money import Cents
from shared.domain.references.finder import find_references
from shared.domain.statements.model import StatementLine

WEIGHT_REFERENCE = 0.8
WEIGHT_NUMBER = 0.6
WEIGHT_NUMBER_DIGITS = 0.5
WEIGHT_NUMBER_FUZZY = 0.4
WEIGHT_AMOUNT_EXACT = 0.2
WEIGHT_AMOUNT_PARTIAL = 0.1
PENALTY_OVERPAID = 0.1
WEIGHT_IBAN = 0.3
WEIGHT_NAME = 0.15
WEIGHT_NAME_PARTIAL = 0.05
MAX_SUBSET_INVOICES = 20
MAX_SUBSET_SIZE = 4
_NAME_NOISE = frozenset(
    [
        "BV",
        "NV",
        "VOF",
        "DE",
        "HET",
        "VAN",
        "DER",
        "DEN",
        "EN",
        "HR",
        "MW",
        "DHR",
        "MEVR",
        "HOLDING",
        "LTD",
        "GMBH",
        "INZAKE",
        "EO",
    ]
)
_PREFIXES = (
    "FACTUURNUMMER",
    "FACTUURNR",
    "FACTUUR",
    "INVOICE",
    "FACT",
    "FAKTUUR",
    "NOTA",
    "INV",
    "NR",
    "NO",
)


@dataclass(frozen=True)
class OpenInvoice:
    number: str
    debtor: str  # debtor number (or name when the caller has no numbers)
    debtor_name: str
    open_amount: Cents
    payment_reference: str | None = None
    due_date: date | None = None
    debtor_ibans: tuple[str, ...] = ()


@dataclass(frozen=True)
class MatchSettings:
    auto_threshold: float = 0.85
    margin: float = 0.15


@dataclass
class Candidate:
    invoices: tuple[OpenInvoice, ...]
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(sorted(i.number for i in self.invoices))


@dataclass(frozen=True)
class Allocation:
    invoice_number: str
    amount: Cents


@dataclass(frozen=True)
class LineMatch:
    index: int
    amount: Cents
    booked: tuple[Allocation, ...]
    suggested: tuple[tuple[Allocation, float], ...]
    reasons: tuple[str, ...]
    best: Candidate | None


def normalise_number(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def _strip_prefix(norm: str) -> str:
    for prefix in _PREFIXES:
        if norm.startswith(prefix) and len(norm) > len(prefix) + 2:
            return norm[len(prefix) :]
    return norm


def _deletions(norm: str) -> set[str]:
    return {norm[:i] + norm[i + 1 :] for i in range(len(norm))}


def name_tokens(name: str) -> frozenset[str]:
    tokens = re.findall(r"[A-Z0-9]+", name.upper().replace(".", ""))
    return frozenset(t for t in tokens if t not in _NAME_NOISE and len(t) > 1)


def name_similarity(a: str | None, b: str | None) -> float:
    if not a or not b:
        return 0.0
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


def _text_tokens(text: str) -> set[str]:
    """Every way an invoice number could be written in this text, normalised."""
    upper = text.upper()
    raw = re.findall(r"[0-9A-Z][0-9A-Z./_-]*[0-9A-Z]|[0-9A-Z]", upper)
    out: set[str] = set()
    for i in range(len(raw)):
        for span in (raw[i : i + 1], raw[i : i + 2], raw[i : i + 3]):
            norm = normalise_number("".join(span))
            if len(norm) >= 3:
                out.add(norm)
                out.add(_strip_prefix(norm))
    return out


_Adder = Callable[[Sequence[OpenInvoice], float, str], None]


class InvoiceIndex:
    def __init__(
        self, invoices: Iterable[OpenInvoice], learned_ibans: dict[str, set[str]] | None = None
    ):
        self.invoices = [i for i in invoices if i.open_amount > 0]
        self.remaining: dict[str, Cents] = {i.number: i.open_amount for i in self.invoices}
        self.by_reference: dict[str, list[OpenInvoice]] = defaultdict(list)
        self.by_number: dict[str, list[OpenInvoice]] = defaultdict(list)
        self.by_digits: dict[str, list[OpenInvoice]] = defaultdict(list)
        self.by_deletion: dict[str, list[OpenInvoice]] = defaultdict(list)
        self.by_debtor: dict[str, list[OpenInvoice]] = defaultdict(list)
        self.debtors_by_iban: dict[str, set[str]] = defaultdict(set)
        for inv in self.invoices:
            if inv.payment_reference:
                self.by_reference[normalise_number(inv.payment_reference)].append(inv)
            norm = normalise_number(inv.number)
            self.by_number[norm].append(inv)
            stripped = _strip_prefix(norm)
            if stripped != norm:
                self.by_number[stripped].append(inv)
            digits = re.sub(r"\D", "", norm)
            if len(digits) >= 4 and digits != norm:
                self.by_digits[digits].append(inv)
            if len(norm) >= 6:
                for variant in _deletions(norm):
                    self.by_deletion[variant].append(inv)
            self.by_debtor[inv.debtor].append(inv)
            for iban in inv.debtor_ibans:
                self.debtors_by_iban[iban.upper()].add(inv.debtor)
        for iban, debtors in (learned_ibans or {}).items():
            self.debtors_by_iban[iban.upper()].update(debtors)

    def candidates(self, line: StatementLine) -> dict[tuple[str, ...], Candidate]:
        found: dict[tuple[str, ...], Candidate] = {}

        def add(invoices: Sequence[OpenInvoice], weight: float, reason: str) -> None:
            cand = Candidate(tuple(invoices))
            cand = found.setdefault(cand.key, cand)
            cand.score += weight
            cand.reasons.append(reason)

        text = " ".join(x for x in (line.remittance, line.reference) if x)
        refs = {normalise_number(r.value) for r in find_references(text)}
        if line.reference:
            refs.add(normalise_number(line.reference))
        for ref in refs:
            hits = self.by_reference.get(ref, [])
            if len(hits) == 1:
                add(hits, WEIGHT_REFERENCE, f"payment reference {ref} of invoice {hits[0].number}")
        tokens = _text_tokens(line.remittance or "") if line.remittance else set()
        mentioned: dict[str, tuple[OpenInvoice, float, str]] = {}
        for token in tokens:
            for inv in self.by_number.get(token, []):
                mentioned[inv.number] = max(
                    mentioned.get(inv.number, (inv, 0.0, "")),
                    (inv, WEIGHT_NUMBER, f"invoice number {inv.number} in the description"),
                    key=lambda t: t[1],
                )
            if token.isdigit():
                for inv in self.by_digits.get(token, []):
                    if inv.number not in mentioned:
                        mentioned[inv.number] = (
                            inv,
                            WEIGHT_NUMBER_DIGITS,
                            f"digits of invoice number {inv.number} in the description",
                        )
        if not mentioned:
            for token in tokens:
                if len(token) < 6:
                    continue
                near = {
                    inv.number: inv
                    for v in {token} | _deletions(token)
                    for inv in self.by_deletion.get(v, [])
                }
                near.update({inv.number: inv for inv in self.by_number.get(token[:-1], [])})
                for inv in near.values():
                    if inv.number not in mentioned:
                        mentioned[inv.number] = (
                            inv,
                            WEIGHT_NUMBER_FUZZY,
                            f"invoice number {inv.number} with one character off",
                        )
        for inv, weight, reason in mentioned.values():
            add([inv], weight, reason)
        by_debtor: dict[str, list[OpenInvoice]] = defaultdict(list)
        for inv, _, _ in mentioned.values():
            by_debtor[inv.debtor].append(inv)
        for invs in by_debtor.values():
            if 1 < len(invs) <= MAX_SUBSET_SIZE * 2:
                weight = max(mentioned[i.number][1] for i in invs)
                add(
                    invs,
                    weight,
                    "invoice numbers "
                    + ", ".join(sorted(i.number for i in invs))
                    + " in the description",
                )
        debtors: set[str] = set()
        if line.counterparty_iban:
            debtors = set(self.debtors_by_iban.get(line.counterparty_iban.upper(), set()))
        for debtor in debtors:
            self._debtor_candidates(
                debtor,
                line,
                add,
                f"payer account {line.counterparty_iban} is known for this debtor",
            )
        live = {
            k: c for k, c in found.items() if all(self.remaining[i.number] > 0 for i in c.invoices)
        }
        for cand in live.values():
            self._score_support(cand, line, debtors)
        return live

    def _debtor_candidates(
        self, debtor: str, line: StatementLine, add: _Adder, reason: str
    ) -> None:
        invoices = sorted(
            (i for i in self.by_debtor.get(debtor, []) if self.remaining[i.number] > 0),
            key=lambda i: (i.due_date or date.min, i.number),
        )
        if not invoices:
            return
        subset = subset_with_sum(invoices[:MAX_SUBSET_INVOICES], line.amount, self.remaining)
        if subset:
            add(subset, WEIGHT_IBAN, reason)
        else:  # a partial or unexplained amount: the oldest invoices first (art. 6:43 BW)
            add(invoices[:MAX_SUBSET_SIZE], WEIGHT_IBAN, reason)

    def consume(self, allocations: Iterable[Allocation]) -> None:
        """Take booked amounts off what is open, so no later line pays the same euro."""
        for a in allocations:
            self.remaining[a.invoice_number] -= a.amount

    def _score_support(self, cand: Candidate, line: StatementLine, iban_debtors: set[str]) -> None:
        total = sum(self.remaining[i.number] for i in cand.invoices)
        if line.amount == total:
            cand.score += WEIGHT_AMOUNT_EXACT
            cand.reasons.append("amount equals the open amount")
        elif line.amount < total:
            cand.score += WEIGHT_AMOUNT_PARTIAL
            cand.reasons.append("amount is part of the open amount")
        else:
            cand.score -= PENALTY_OVERPAID
            cand.reasons.append("amount exceeds the open amount")
        debtor_set = {i.debtor for i in cand.invoices}
        if iban_debtors & debtor_set and not any("payer account" in r for r in cand.reasons):
            cand.score += WEIGHT_IBAN / 2
            cand.reasons.append("payer account is known for this debtor")
        similarity = max(
            name_similarity(line.counterparty_name, i.debtor_name) for i in cand.invoices
        )
        if similarity >= 0.8:
            cand.score += WEIGHT_NAME
            cand.reasons.append("payer name matches the debtor")
        elif similarity >= 0.5:
            cand.score += WEIGHT_NAME_PARTIAL
            cand.reasons.append("payer name resembles the debtor")
        cand.score = round(min(cand.score, 1.0), 4)


def subset_with_sum(
    invoices: Sequence[OpenInvoice], amount: Cents, remaining: dict[str, Cents]
) -> tuple[OpenInvoice, ...] | None:
    """The smallest set (at most MAX_SUBSET_SIZE of at most MAX_SUBSET_INVOICES invoices) whose
    open amounts add up to ``amount``; ``None`` when there is none, or more than one of that
    size (ambiguous: a person decides)."""
    for size in range(1, min(MAX_SUBSET_SIZE, len(invoices)) + 1):
        hits = [
            c for c in combinations(invoices, size) if sum(remaining[i.number] for i in c) == amount
        ]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            return None
    return None


def allocate(
    candidate: Candidate, amount: Cents, open_: dict[str, Cents]
) -> tuple[Allocation, ...]:
    """Spread a payment over the candidate's invoices, oldest first (art. 6:43 BW); what is
    left over stays unallocated (an overpayment, for staff)."""
    remaining = amount
    out = []
    for inv in sorted(candidate.invoices, key=lambda i: (i.due_date or date.min, i.number)):
        take = min(remaining, open_[inv.number])
        if take > 0:
            out.append(Allocation(inv.number, take))
            remaining -= take
    return tuple(out)


def decide(
    index: int,
    line: StatementLine,
    found: dict[tuple[str, ...], Candidate],
    settings: MatchSettings,
    open_: dict[str, Cents],
) -> LineMatch:
    ranked = sorted(found.values(), key=lambda c: (-c.score, c.key))
    if not ranked:
        return LineMatch(index, line.amount, (), (), ("no candidate invoice found",), None)
    best = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    reasons = list(best.reasons)
    auto = best.score >= settings.auto_threshold and best.score - runner_up >= settings.margin
    if best.score >= settings.auto_threshold and not auto:
        reasons.append(f"not booked: runner-up scores {runner_up:.2f}, too close")
    elif not auto:
        reasons.append(f"not booked: score {best.score:.2f} below {settings.auto_threshold:.2f}")
    if auto:
        return LineMatch(
            index, line.amount, allocate(best, line.amount, open_), (), tuple(reasons), best
        )
    suggested = tuple(
        (alloc, cand.score) for cand in ranked[:3] for alloc in allocate(cand, line.amount, open_)
    )
    return LineMatch(index, line.amount, (), suggested, tuple(reasons), best)


def match_lines(
    lines: Sequence[StatementLine], index: InvoiceIndex, settings: MatchSettings | None = None
) -> list[LineMatch]:
    """One result per credit line, in order. Booked amounts are taken off the index's open
    amounts so that two lines cannot pay the same euro twice."""
    chosen = settings or MatchSettings()
    results = []
    for n, line in enumerate(lines):
        if line.amount <= 0 or line.is_return:
            continue
        result = decide(n, line, index.candidates(line), chosen, index.remaining)
        index.consume(result.booked)
        results.append(result)
    return results
