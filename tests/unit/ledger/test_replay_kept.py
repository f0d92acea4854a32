"""A claim replayed again unchanged is answered from the replay kept (perf18): a statement
line's debtor was replayed by the window's matching, the booking's allocation and the claim
writes, each on the same records and day, and the replay was a sixth of a line's CPU. What
changes a claim (an event, another day, another costs share, another rate table) is replayed
anew, and the answer is the replay's."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from shared.domain.law.interest_rates import RateChange, RateTable, default_rate_table
from shared.domain.ledger import replay as replay_module
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimTerms, Component, EventKind, LedgerEvent
from shared.domain.ledger.replay import open_claims, replay

ON = date(2025, 6, 2)


def _records() -> list[ClaimRecord]:
    terms = [
        ClaimTerms(f"F{n}", "D1", date(2025, 1, 5), 10_000 * n, interest_from=date(2025, 1, 6))
        for n in (1, 2, 3)
    ]
    return [ClaimRecord(t) for t in terms]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    kept = getattr(replay_module, "_replayed", None)  # the cache of an earlier test
    if kept is not None:
        kept.cache_clear()
    calls: list[str] = []

    def counting(record: ClaimRecord, *args: object, **kwargs: object) -> object:
        calls.append(record.number)
        return replay(record, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(replay_module, "replay", counting)
    return calls


def test_unchanged_claims_are_replayed_once(counted: list[str]) -> None:
    records = _records()
    first = open_claims(records, ON, default_rate_table())
    again = open_claims([ClaimRecord(r.terms, r.events) for r in records], ON, default_rate_table())
    assert again == first
    assert sorted(counted) == ["F1", "F2", "F3"]


def test_a_changed_claim_another_day_or_table_is_replayed_anew(counted: list[str]) -> None:
    records = _records()
    open_claims(records, ON, default_rate_table())
    paid = LedgerEvent(1, EventKind.ALLOCATED, Component.PRINCIPAL, 5_000, ON, payment_id="p1")
    changed = [ClaimRecord(records[0].terms, (paid,)), *records[1:]]
    figures = open_claims(changed, ON, default_rate_table())
    assert counted[3:] == ["F1"]
    assert figures["F1"] == replay(changed[0], ON, None, default_rate_table())
    assert figures["F1"].paid.principal == 5_000
    open_claims(records, date(2025, 6, 3), default_rate_table())
    assert counted[4:] == ["F1", "F2", "F3"]
    doubled = RateTable(
        tuple(
            RateChange(c.effective_from, c.consumer * 2, c.commercial * 2)
            for c in default_rate_table().changes
        )
    )
    higher = open_claims(records, ON, doubled)
    assert counted[7:] == ["F1", "F2", "F3"]
    assert higher["F1"].charged.interest > figures["F1"].charged.interest


def test_a_rate_table_is_hashed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its rows' fractions took 70 us to hash, as much as the replay the cache spared."""
    hashed: list[RateChange] = []
    plain = RateChange.__hash__

    def counting(change: RateChange) -> int:
        hashed.append(change)
        return plain(change)

    monkeypatch.setattr(RateChange, "__hash__", counting)
    changes = (
        RateChange(date(2024, 1, 1), Fraction(7, 100), Fraction(12, 100)),
        RateChange(date(2024, 7, 1), Fraction(6, 100), Fraction(11, 100)),
    )
    table = RateTable(changes)
    assert hash(table) == hash(table) == hash(RateTable(changes))
    assert len(hashed) == 4  # each table's two rows once
    assert table == RateTable(changes)
