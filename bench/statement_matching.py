"""Bank statement benchmarks (issue #13), three of them, each one run of ratios:

- ``statement_matching`` (here): precision and recall of automatic bookings on a labelled set
  shaped like Dutch receivables (bench/statement_labels.py, fixed seed);
- ``statement_parsing`` (bench/statement_parsing.py): MT940 against ``mt940.parse_statements``
  alone (ABN AMRO, ING and Rabobank files), CAMT.053 against a plain ``iterparse`` of the same
  fields, and CAMT memory per entry at two file sizes;
- ``statement_scale`` (bench/statement_scale.py): against Azurite through the real service, a
  20-line file against 200,000 and 2,000 open invoices (storage requests and lookups per line,
  time, ratios, Azurite's own range-read cost at both sizes), and one file booked end to end
  (blob in, payments stored), time and peak memory.
"""

from __future__ import annotations

import random
import time
from typing import Any

from bench import statement_labels
from bench.harness import figure
from shared.domain.statements.matching import InvoiceIndex, MatchSettings, match_lines


def _labelled(scale: float) -> dict[str, Any]:
    """Precision and recall on the labelled set (bench/statement_labels.py), in memory and
    through the same rules: what the credit manager would book, against what Inning books."""
    rng = random.Random(20261130)
    size = max(20_000, int(200_000 * scale))
    book = statement_labels.portfolio(rng, size, size // 5)
    labelled = statement_labels.labelled_lines(rng, book, max(2_000, int(10_000 * scale)))
    index = InvoiceIndex(book.invoices, book.learned)
    began = time.perf_counter()
    results = match_lines([line for line, _ in labelled], index, MatchSettings())
    seconds = time.perf_counter() - began
    out = statement_labels.precision_recall(results, labelled)
    # the iDEAL lines alone (end-to-end id "dd-mm-yyyy hh:mm <transaction id>", match32)
    ideal = [(r, lab) for r, lab in zip(results, labelled, strict=True) if lab[0].end_to_end_id]
    part = statement_labels.precision_recall([r for r, _ in ideal], [lab for _, lab in ideal])
    out.update({f"ideal_{k}": v for k, v in part.items()})
    out["labelled_portfolio"] = size
    out["labelled_match_seconds"] = round(seconds, 3)
    return out


def run(connection: str, scale: float) -> dict[str, Any]:
    """Precision and recall on the labelled set; the parse and storage figures of issue #13
    are their own benchmarks (``statement_parsing``, ``statement_scale``)."""
    out: dict[str, Any] = {"benchmark": "statement_matching"}
    out.update(_labelled(scale))
    # how often each index lookup decides a line (bench/statement_decisive.py): 2,000 lines
    # at scale 0.1, 10,000 at scale 1, each matched once per kind of lookup left out
    from bench.statement_decisive import decisive

    out.update(decisive(scale))
    out["figures"] = figures(out)
    return out


# (figure, value key, baseline key or a fixed reference, what the baseline is, goal, unit)
_FIGURES: tuple[tuple[str, str, str | float, str, str, str], ...] = (
    ("precision", "precision", 1.0, "every automatic booking right (the labels)", "value = 1",
     "share of automatic bookings that are right, labelled set"),
    ("recall", "recall", 1.0, "every bookable line booked (the labels)", "value >= 0.9",
     "share of bookable lines booked automatically, labelled set"),
    ("mt940_parse_seconds", "mt940_seconds", "mt940_library_seconds",
     "mt940.parse_statements alone, same text", "ratio <= 1.3", "s to parse the MT940 file"),
    ("camt_parse_seconds", "camt_seconds", "camt_plain_iterparse_seconds",
     "a plain iterparse of the same fields", "ratio <= 1.5", "s to parse the CAMT.053 file"),
    ("camt_peak_bytes_per_entry", "camt_peak_bytes_per_entry_large",
     "camt_peak_bytes_per_entry_small", "the same per entry in a file four times smaller",
     "ratio about 1", "bytes of peak memory per entry"),
    ("lookups_per_line", "lookups_per_line_large", "lookups_per_line_small",
     "the same files against a portfolio ten times smaller", "value <= 5",
     "matching index lookups per statement line"),
    ("storage_requests_per_line", "requests_per_line_large", "requests_per_line_small",
     "the same files against a portfolio ten times smaller", "ratio about 1",
     "storage requests per statement line (claim, match, book, settle)"),
    ("file_seconds", "seconds_large", "seconds_small",
     "the same 20-line file against a portfolio ten times smaller", "ratio <= 1.5",
     "s to book a 20-line file"),
    ("end_to_end_requests_per_line", "e2e_requests_per_line", "requests_per_line_large",
     "a 20-line file against the same portfolio", "ratio about 1",
     "storage requests per line, one large file booked end to end"),
)  # fmt: skip


def figures(flat: dict[str, Any]) -> dict[str, Any]:
    """The flat numbers as figures, each with its baseline from the same run (those whose
    numbers this run produced; the statement modules are their owner's and may move on)."""
    out: dict[str, Any] = {}
    for name, key, base, base_is, goal, unit in _FIGURES:
        value = flat.get(key)
        baseline = flat.get(base) if isinstance(base, str) else base
        if isinstance(value, int | float) and isinstance(baseline, int | float):
            out[name] = figure(value, baseline, unit=unit, baseline_is=base_is, goal=goal, digits=4)

    return out


NEEDS_STORAGE = False
