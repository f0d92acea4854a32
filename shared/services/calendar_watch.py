"""The alert for the table of days equated with holidays (shared/domain/equated_days.csv).

The days come from royal decrees published every few years; past the newest one's period the
calendar knows no equated days, so 14-day terms could end (and debtors be contacted) on one.
Like the stale statutory rates, a quarter before the table ends every agency gets an action
item (once per table end) and the log a warning."""

from __future__ import annotations

import logging

from shared.clock import Clock, amsterdam_date
from shared.domain.equated_days import EquatedDaysTable, ending_warning, equated_days_table
from shared.domain.records import ActionItem
from shared.domain.scopes import agency_scope
from shared.services.repositories import Repositories

log = logging.getLogger("inning.calendar")


class HolidayTableWatch:
    def __init__(
        self, repos: Repositories, clock: Clock, table: EquatedDaysTable | None = None
    ) -> None:
        self.repos = repos
        self.clock = clock
        self.table = table or equated_days_table()

    def check(self) -> str | None:
        """The warning, when the table ends within a quarter; then an action item per agency."""
        now = self.clock.now()
        warning = ending_warning(self.table, amsterdam_date(now))
        if warning is None:
            return None
        end = self.table.covered_until.isoformat()
        log.warning("equated holidays known up to %s only", end)
        for agency_id in self.repos.agencies.ids():
            item = ActionItem(
                agency_scope(agency_id),
                f"equated-days-{end}",  # one item per table end, however often checked
                "holiday_table_ending",
                f"Dutch holiday calendar: {warning}",
                now,
                detail={"covered_until": end},
            )
            self.repos.actions.add_once(item)
        return warning
