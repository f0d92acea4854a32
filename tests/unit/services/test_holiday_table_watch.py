"""A quarter before the table of equated days ends, every agency is told once (like the stale
statutory rates): past it, terms could end, and debtors be contacted, on an equated day."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from shared.adapters.tables.memory import InMemoryTableStore
from shared.clock import FixedClock
from shared.domain.equated_days import ending_warning, equated_days_table
from shared.domain.parties import Agency
from shared.services.calendar_watch import HolidayTableWatch
from shared.services.repositories import Repositories


def watch_at(day: datetime) -> HolidayTableWatch:
    repos = Repositories.over(InMemoryTableStore())
    repos.ensure_tables()
    for agency_id in ("a1", "a2"):
        repos.agencies.save(Agency(agency_id, agency_id))
    return HolidayTableWatch(repos, FixedClock(day))


def test_the_warning_comes_a_quarter_before_the_table_ends():
    table = equated_days_table()
    assert table.covered_until == date(2028, 12, 31)
    assert ending_warning(table, date(2028, 10, 1)) is None
    warning = ending_warning(table, date(2028, 10, 3))
    assert warning is not None and "2028-12-31" in warning


def test_every_agency_gets_one_item_and_the_log_a_warning(caplog):
    watch = watch_at(datetime(2028, 11, 2, 6, tzinfo=UTC))
    with caplog.at_level(logging.WARNING, logger="inning.calendar"):
        assert watch.check() is not None
        watch.check()  # the next morning's check adds nothing
    assert "equated holidays known up to 2028-12-31" in caplog.text
    for agency_id in ("a1", "a2"):
        items, _ = watch.repos.actions.list(f"@{agency_id}")
        assert [i.kind for i in items] == ["holiday_table_ending"]
        assert "equated_days.csv" in items[0].title


def test_nothing_while_the_table_reaches_far_enough():
    watch = watch_at(datetime(2026, 11, 30, 6, tzinfo=UTC))
    assert watch.check() is None
    items, _ = watch.repos.actions.list("@a1")
    assert items == []
