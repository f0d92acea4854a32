"""The order in which a statement line's digit groups spend its tail lookups (match32).

A line may make few lookups (``MAX_LOOKUPS_PER_LINE``). An iDEAL credit writes two or three
long digit groups that are no invoice number: the bank's transaction id (Rabobank and ING
give it in the end-to-end id as ``dd-mm-yyyy hh:mm <16 digits>`` and again in the
description, ``<payment reference> <transaction id> <text>``), and the tails cut from it.
Looked up longest first, they spent the budget before the invoice number the payer wrote
("F-1") or the amount was read, so the most common way Dutch consumers pay was never booked
(newcomer32 F6). Here the written numbers come first, a run's cut tails after every whole
group, and a transaction id only when nothing else is written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from shared.domain.statements.model import StatementLine

# the end-to-end id iDEAL payments carry at Rabobank and ING: the moment paid, then the id
_IDEAL_E2E = re.compile(r"^\s*\d{2}-\d{2}-\d{4}\s+\d{2}:\d{2}(?::\d{2})?\s+(\d{16})\s*$")
# the description iDEAL writes: the shop's payment reference, then the transaction id
_IDEAL_REMI = re.compile(r"^\s*\d{7,35}\s+(\d{16})(?!\d)")


def ideal_id(line: StatementLine) -> str | None:
    """The iDEAL transaction id the bank gave as the end-to-end id: never a reference of ours,
    even where it passes a kenmerk's check digit."""
    if line.end_to_end_id and (m := _IDEAL_E2E.match(line.end_to_end_id)):
        return m.group(1)
    return None


def ideal_ids(line: StatementLine) -> frozenset[str]:
    """The iDEAL transaction ids of ``line``: :func:`ideal_id`, and the second number of a
    description in iDEAL's shape (read last among digit groups; a payer may write two
    kenmerken so, which are still looked up as references)."""
    found = {i} if (i := ideal_id(line)) else set()
    if line.remittance and (m := _IDEAL_REMI.match(line.remittance)):
        found.add(m.group(1))
    return frozenset(found)


@dataclass(frozen=True)
class PlannedTail:
    group: str  # as written (or cut from a run)
    tail: str  # what is looked up: the group less its leading zeros
    weak: bool  # a tail cut from a run, or a transaction id: skipped once a number explains


def plan_tails(
    text: str, ranked: Sequence[str], ideal: frozenset[str], written_elsewhere: bool
) -> list[PlannedTail]:
    """``ranked`` (:func:`matching.all_digit_groups`) reordered by strength: groups written as
    a number of their own with letters or a separator ("2024-0012", "FAC1234") first, then
    bare whole groups, then the tails cut from long runs; an iDEAL transaction id and its
    tails last, and only when nothing else is written (``written_elsewhere``: a short number
    such as "F-1"). The same tail is looked up once ("00001" and "0001" are both "1")."""
    whole = [g for g in ranked if re.search(r"(?<!\d)" + g + r"(?!\d)", text)]
    cut = [g for g in ranked if g not in whole]
    from_ideal = {
        g for g in ranked if g in ideal or (g in cut and any(i.endswith(g) for i in ideal))
    }
    others = [g for g in whole if g not in from_ideal]
    written = [g for g in others if re.search(r"[A-Za-z\-/.]" + g + r"(?!\d)", text)]
    order = [
        *((g, False) for g in written),
        *((g, False) for g in others if g not in written),
        *((g, True) for g in cut if g not in from_ideal),
    ]
    if not order and not written_elsewhere:
        order = [(g, True) for g in ranked if g in from_ideal]
    out: list[PlannedTail] = []
    for group, weak in order:
        tail = group.lstrip("0") or "0"
        if all(p.tail != tail for p in out):
            out.append(PlannedTail(group, tail, weak))
    return out
