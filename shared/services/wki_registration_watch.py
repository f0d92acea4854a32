"""The reminder to renew the agency's registration in the register incassodienstverlening.

Justis registers an agency for one year, and the agency must renew it every year (justis.nl
FAQ "Hoelang is een registratie geldig volgens de Wki?"). Without a registration it may not
collect from consumers out of court (art. 2 Wki). The decree (Bki) and the Act are silent on
the renewal's own term in what was found. Justis decides an application within 13 weeks
(nowid.org; secondary). So a quarter before the recorded last day, the agency gets an item
on its own list, and the log a warning; a second item comes once the day has passed. Each
is written once per registration year (keyed by the day), however often the morning's
calendar run checks.

An agency that recorded its number but not the day is asked once to record it. An agency
without a number gets nothing here: an advocaat or gerechtsdeurwaarder needs no entry, and
the new case's page already warns (wki27)."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from shared.clock import Clock, amsterdam_date
from shared.domain.parties import Agency
from shared.domain.records import ActionItem
from shared.domain.scopes import agency_scope
from shared.services.repositories import Repositories

log = logging.getLogger("inning.wki")

LEAD = timedelta(days=91)  # a quarter: Justis's 13 weeks to decide an application
RECORD = "inning agency update {agency} --wki-registered-until YYYY-MM-DD"


class WkiRegistrationWatch:
    def __init__(self, repos: Repositories, clock: Clock) -> None:
        self.repos = repos
        self.clock = clock

    def check(self) -> list[str]:
        """The items written this time (their ids): the ending, the end passed, or the day
        not recorded, each at most once."""
        now = self.clock.now()
        today = amsterdam_date(now)
        written: list[str] = []
        for agency_id in self.repos.agencies.ids():
            agency = self.repos.agencies.get(agency_id)
            if agency is None or not agency.wki_register_number:
                continue
            item = _item(agency, today)
            if item is None:
                continue
            action_id, kind, title = item
            log.warning("agency %s: %s", agency_id, title)  # every morning until renewed
            if self.repos.actions.add_once(
                ActionItem(agency_scope(agency_id), action_id, kind, title, now,
                           detail={"register_number": agency.wki_register_number,
                                   "registered_until": _iso(agency.wki_registered_until)})
            ):  # fmt: skip
                written.append(action_id)
        return written


def _item(agency: Agency, today: date) -> tuple[str, str, str] | None:
    number, until = agency.wki_register_number, agency.wki_registered_until
    record = RECORD.format(agency=agency.agency_id)
    if until is None:
        return ("wki-registration-until", "wki_registration_until_missing",
                f"Wki registration {number}: the day it ends is not recorded. Justis registers "
                f"for one year, renewed yearly; record its last day with `{record}` to be "
                "reminded in time.")  # fmt: skip
    if today > until:
        return (f"wki-registration-ended-{until.isoformat()}", "wki_registration_ended",
                f"Wki registration {number} was valid until {until.isoformat()}: without a "
                "renewed registration you may not collect from consumers (art. 2 Wki). Check "
                f"Justis's register and record the new last day with `{record}`.")  # fmt: skip
    if today >= until - LEAD:
        return (f"wki-registration-ending-{until.isoformat()}", "wki_registration_ending",
                f"Wki registration {number} is valid until {until.isoformat()} "
                f"({(until - today).days} days): renew it with Justis now (a decision can take "
                f"13 weeks), then record the new last day with `{record}`.")  # fmt: skip
    return None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
