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
    out["labelled_portfolio"] = size
    out["labelled_match_seconds"] = round(seconds, 3)
    return out


def run(connection: str, scale: float) -> dict[str, Any]:
    """Precision and recall on the labelled set; the parse and storage figures of issue #13
    are their own benchmarks (``statement_parsing``, ``statement_scale``)."""
    out: dict[str, Any] = {"benchmark": "statement_matching"}
    out.update(_labelled(scale))
    return out


NEEDS_STORAGE = False
