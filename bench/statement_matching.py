"""Bank statement benchmarks, measured in one run:

- matching 10,000 statement lines against 200,000 open invoices with the indexed matcher,
  next to a naive scorer that tries every invoice for every line (timed on a sample of lines
  and compared per line: the naive one over all 10,000 lines would take hours);
- precision and recall of automatic bookings on a generated, labelled set with realistic
  noise (typos, prefixes, combined and partial payments, missing descriptions, name variants,
  unrelated credits);
- the parse rate of a large MT940 file, Inning's parser against mt-940 alone.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import mt940

from shared.domain.references import betalingskenmerk
from shared.domain.references.finder import find_references
from shared.domain.statements.matching import (
    Candidate,
    InvoiceIndex,
    MatchSettings,
    OpenInvoice,
    _text_tokens,
    decide,
    match_lines,
    name_similarity,
    normalise_number,
)
from shared.domain.statements.model import StatementLine
from shared.domain.statements.mt940_format import parse_mt940
from shared.domain.statements.mt940_writer import OutLine, write_mt940

FIRST = [
    "Jan",
    "Piet",
    "Klaas",
    "Anna",
    "Sanne",
    "Fatima",
    "Mohamed",
    "Eva",
    "Daan",
    "Lotte",
    "Sem",
    "Noor",
]
LAST = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
]
COMPANY = [
    "Bouw",
    "Installatie",
    "Transport",
    "Advies",
    "Bakkerij",
    "Garage",
    "Schilders",
    "Hoveniers",
]


def _portfolio(rng: random.Random, invoices: int, debtors: int) -> list[OpenInvoice]:
    names = []
    for d in range(debtors):
        if d % 3 == 0:
            names.append(f"{rng.choice(COMPANY)} {rng.choice(LAST)} B.V.")
        else:
            names.append(f"{rng.choice(FIRST)} {rng.choice(LAST)}")
    out = []
    for i in range(invoices):
        d = rng.randrange(debtors)
        out.append(
            OpenInvoice(
                number=f"F{2024 + i % 2}-{i:06d}",
                debtor=f"D{d:05d}",
                debtor_name=names[d],
                open_amount=rng.choice([1995, 4950, 12100, 7500, 25000]) + rng.randrange(0, 50_000),
                payment_reference=betalingskenmerk.from_number(10**9 + i),
                due_date=date(2025, 1, 1) + timedelta(days=i % 300),
                debtor_ibans=(f"NL{d % 90 + 10:02d}BANK{d:010d}",) if d % 4 == 0 else (),
            )
        )
    return out


def _typo(rng: random.Random, text: str) -> str:
    i = rng.randrange(1, len(text))
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + rng.choice("0123456789") + text[i + 1 :]
    return text[:i] + rng.choice("0123456789") + text[i:]


def _name_variant(rng: random.Random, name: str) -> str:
    parts = name.replace(" B.V.", "").split()
    choice = rng.randrange(3)
    if choice == 0:
        return name.upper()
    if choice == 1 and len(parts) > 1:
        return f"{parts[0][0]}. {' '.join(parts[1:])}"
    return " ".join(reversed(parts))


def _lines(
    rng: random.Random, invoices: list[OpenInvoice], count: int
) -> list[tuple[StatementLine, set[str]]]:
    by_debtor: dict[str, list[OpenInvoice]] = {}
    for inv in invoices:
        by_debtor.setdefault(inv.debtor, []).append(inv)
    used: set[str] = set()
    out: list[tuple[StatementLine, set[str]]] = []
    day = date(2025, 6, 2)

    def pick() -> OpenInvoice:
        while True:
            inv = rng.choice(invoices)
            if inv.number not in used:
                used.add(inv.number)
                return inv

    while len(out) < count:
        roll = rng.random()
        inv = pick()
        name = _name_variant(rng, inv.debtor_name)
        iban = inv.debtor_ibans[0] if inv.debtor_ibans else f"NL00RAND{rng.randrange(10**10):010d}"
        truth = {inv.number}
        amount = inv.open_amount
        if roll < 0.35:  # structured reference, sometimes grouped
            ref = inv.payment_reference or ""
            text = betalingskenmerk.display(ref) if rng.random() < 0.5 else ref
            line = StatementLine(
                day, None, amount, "EUR", iban, name, remittance=f"betalingskenmerk {text}"
            )
        elif roll < 0.60:  # invoice number with noise
            number = inv.number
            variant = rng.randrange(4)
            if variant == 0:
                number = number.replace("-", " ")
            elif variant == 1:
                number = "factuur " + number.replace("F", "")
            elif variant == 2:
                number = _typo(rng, number)
            line = StatementLine(
                day,
                None,
                amount,
                "EUR",
                iban,
                name,
                remittance=f"{number} {rng.choice(['', 'dank u', 'betaling'])}",
            )
        elif roll < 0.70:  # combined payment of a debtor's invoices
            others = [i for i in by_debtor[inv.debtor] if i.number not in used][:2]
            for o in others:
                used.add(o.number)
            group = [inv, *others]
            truth = {i.number for i in group}
            amount = sum(i.open_amount for i in group)
            text = ", ".join(i.number for i in group) if rng.random() < 0.7 else "facturen"
            line = StatementLine(day, None, amount, "EUR", iban, name, remittance=text)
        elif roll < 0.80:  # partial payment
            amount = max(100, inv.open_amount // rng.choice([2, 3, 4]))
            line = StatementLine(
                day, None, amount, "EUR", iban, name, remittance=f"deel {inv.number}"
            )
        elif roll < 0.93:  # no description at all
            line = StatementLine(day, None, amount, "EUR", iban, name, remittance=None)
        else:  # unrelated credit: nothing may be booked
            used.discard(inv.number)
            truth = set()
            line = StatementLine(day, None, rng.randrange(100, 90_000), "EUR", f"NL00XXXX{rng.randrange(10**10):010d}",
                                 f"{rng.choice(FIRST)} {rng.choice(LAST)}", remittance=rng.choice(["terugbetaling", "huur", None]))  # fmt: skip
        out.append((line, truth))
    return out


def naive_candidates(
    line: StatementLine, invoices: list[OpenInvoice]
) -> dict[tuple[str, ...], Candidate]:
    """The obvious implementation: score every invoice with the same signals (reference,
    number or one-off number, amount, payer name), with the line's own work done once."""
    text = " ".join(x for x in (line.remittance, line.reference) if x)
    refs = {normalise_number(r.value) for r in find_references(text)}
    tokens = _text_tokens(line.remittance or "")
    found: dict[tuple[str, ...], Candidate] = {}
    for inv in invoices:
        score, reasons = 0.0, []
        if inv.payment_reference and normalise_number(inv.payment_reference) in refs:
            score, reasons = 0.8, ["reference"]
        norm = normalise_number(inv.number)
        if norm in tokens:
            score, reasons = max(score, 0.6), [*reasons, "number"]
        elif len(norm) >= 6 and any(len(t) >= 6 and _one_edit(norm, t) for t in tokens):
            score, reasons = max(score, 0.4), [*reasons, "number with one character off"]
        if not reasons:
            continue
        score += (
            0.2
            if line.amount == inv.open_amount
            else (0.1 if line.amount < inv.open_amount else -0.1)
        )
        if name_similarity(line.counterparty_name, inv.debtor_name) >= 0.8:
            score += 0.15
        found[(inv.number,)] = Candidate((inv,), min(score, 1.0), reasons)
    return found


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _best_of(times: int, work: Callable[[], int]) -> tuple[int, float]:
    best = float("inf")
    result = 0
    for _ in range(times):
        began = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - began)
    return result, best


def run(_connection: str, scale: float) -> dict[str, Any]:
    rng = random.Random(20261123)
    n_invoices = max(2_000, int(200_000 * scale))
    n_lines = max(200, int(10_000 * scale))
    invoices = _portfolio(rng, n_invoices, max(200, n_invoices // 10))
    labelled = _lines(rng, invoices, n_lines)
    lines = [line for line, _ in labelled]

    began = time.perf_counter()
    index = InvoiceIndex(invoices)
    built = time.perf_counter() - began
    began = time.perf_counter()
    results = match_lines(lines, index, MatchSettings())
    matched = time.perf_counter() - began

    sample = lines[:20]
    began = time.perf_counter()
    for line in sample:
        decide(
            0,
            line,
            naive_candidates(line, invoices),
            MatchSettings(),
            {i.number: i.open_amount for i in invoices},
        )
    naive_per_line = (time.perf_counter() - began) / len(sample)
    indexed_per_line = matched / len(lines)

    booked = correct = matchable = 0
    for result, (_, truth) in zip(results, labelled, strict=True):
        matchable += bool(truth)
        if result.booked:
            booked += 1
            correct += {a.invoice_number for a in result.booked} <= truth and bool(truth)
    suggested = sum(1 for r in results if not r.booked and r.suggested)

    big = [
        OutLine(
            date(2025, 6, 2), x.amount, x.remittance or "", x.counterparty_iban, x.counterparty_name
        )
        for x in lines
    ]
    text = write_mt940(
        "NL91ABNA0417164300", big, opening=0, opening_date=date(2025, 6, 1), statement_id="BENCH"
    )
    data = text.encode()
    ours, ours_seconds = _best_of(3, lambda: sum(len(s.lines) for s in parse_mt940(data)))
    theirs, theirs_seconds = _best_of(
        3, lambda: sum(len(s) for s in mt940.parse_statements(text, options=mt940.Options.all()))
    )
    assert ours == theirs == len(lines)

    return {
        "benchmark": "statement_matching",
        "invoices": n_invoices,
        "lines": n_lines,
        "index_build_seconds": round(built, 3),
        "match_seconds": round(matched, 3),
        "lines_per_second": round(n_lines / matched, 1),
        "naive_seconds_per_line": round(naive_per_line, 4),
        "indexed_seconds_per_line": round(indexed_per_line, 6),
        "speedup_vs_naive": round(naive_per_line / indexed_per_line, 1),
        "auto_booked": booked,
        "suggested": suggested,
        "precision": round(correct / booked, 4) if booked else None,
        "recall": round(correct / matchable, 4) if matchable else None,
        "mt940_lines": ours,
        "parse_lines_per_second": round(ours / ours_seconds, 1),
        "mt940_library_lines_per_second": round(theirs / theirs_seconds, 1),
        "parse_rate_vs_library": round((ours / ours_seconds) / (theirs / theirs_seconds), 3),
    }
