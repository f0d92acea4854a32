"""`inning rates update` / `PUT /v1/statutory-rates` with rows before the shipped table, and a
table stored while the shipped one still started in 2015: both stay in force with every row."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction

import pytest

from shared.adapters.blobs.store import InMemoryFileStore
from shared.adapters.tables.memory import InMemoryTableStore
from shared.clock import FixedClock
from shared.domain.law.interest_rates import default_rate_table, rate_table_csv
from shared.services.errors import Invalid
from shared.services.rates import CONTAINER, StatutoryRates
from shared.services.repositories import Repositories

SHIPPED_CSV = rate_table_csv(default_rate_table())
HEADER, *ROWS = SHIPPED_CSV.splitlines()


def rates() -> tuple[StatutoryRates, InMemoryFileStore]:
    store, files = InMemoryTableStore(), InMemoryFileStore()
    repos = Repositories.over(store)
    repos.ensure_tables()
    return StatutoryRates(files, repos, FixedClock(datetime(2026, 8, 3, 9, tzinfo=UTC))), files


def test_earlier_rows_are_put_in_force():
    service, _ = rates()
    # rows for the test only (not shipped, not verified): the checks, not the figures, matter
    older = "\n".join([HEADER, "2011-07-01,4.00,8.00", "2012-01-01,4.00,8.00", *ROWS]) + "\n"
    found = service.upload(older.encode(), author="test")
    assert found.table.first_date == date(2011, 7, 1)
    assert service.table().rate_on(date(2011, 9, 1), commercial=False) == Fraction(4, 100)


def test_earlier_rows_are_refused_for_the_same_reasons_as_later_ones():
    service, files = rates()
    bad = "\n".join([HEADER, "2011-08-01,4.00,8.00", *ROWS]) + "\n"
    with pytest.raises(Invalid, match="2011-08-01: rates change on 1 January or 1 July only"):
        service.upload(bad.encode(), author="test")
    assert files.names(CONTAINER) == []


def test_a_table_stored_before_the_early_rows_were_shipped_is_completed_not_dropped():
    service, files = rates()
    from_2015 = "\n".join([HEADER, *(r for r in ROWS if r >= "2015"), "2026-07-01,3.50,9.65"])
    files.put(CONTAINER, "v20260702T080000000000Z.csv", (from_2015 + "\n").encode())
    table = service.table()
    assert table.newest.effective_from == date(2026, 7, 1)  # the stored version is in force
    assert table.first_date == date(2012, 7, 1)  # with the shipped 2012-2014 rows in front
    assert table.rate_on(date(2013, 4, 1), commercial=True) == Fraction(875, 10_000)


def test_rates_show_says_from_when_rates_are_known(capsys):
    from shared.cli.rates_commands import _show

    service, _ = rates()
    status = service.in_force().status(date(2026, 3, 1))
    _show(status, service.table(), as_json=False)
    assert (
        capsys.readouterr().out == "shipped  newest rate from 2026-07-01  (rates from 2012-07-01)\n"
    )
    _show(status, service.table(), as_json=True)
    assert '"first_rate_from": "2012-07-01"' in capsys.readouterr().out
