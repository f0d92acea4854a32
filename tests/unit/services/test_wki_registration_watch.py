"""law28 (wki27's left item): Justis registers an agency in the register incassodienstverlening
for one year, renewed yearly (justis.nl FAQ), and without it the agency may not collect from
consumers (art. 2 Wki). Inning kept the number only, no day: nothing reminded the agency, and
a registration could lapse unseen while its letters still named it. Now the agency records the
last day (`inning agency update --wki-registered-until`), and the morning's calendar run puts
an item on its list a quarter before (once), another once the day has passed, and asks once
for the day where only the number is recorded. Older rows read as not recorded."""

from __future__ import annotations

import argparse
import json
import logging
from datetime import UTC, date, datetime

import pytest

from shared.adapters.tables import schema
from shared.adapters.tables.memory import InMemoryTableStore
from shared.api.console.action_text import kind_label, title
from shared.clock import FixedClock
from shared.domain.parties import Agency
from shared.ports.tables import Row
from shared.services.repositories import Repositories
from shared.services.wki_registration_watch import WkiRegistrationWatch
from tests.unit.api.conftest import world  # noqa: F401 (fixture)

UNTIL = date(2027, 3, 31)


def _repos() -> Repositories:
    repos = Repositories.over(InMemoryTableStore())
    repos.ensure_tables()
    repos.agencies.save(Agency("dated", "Dated", wki_register_number="IDV-1",
                               wki_registered_until=UNTIL))  # fmt: skip
    repos.agencies.save(Agency("undated", "Undated", wki_register_number="IDV-2"))
    repos.agencies.save(Agency("advocaat", "Advocaat"))  # no entry: exempt or not recorded
    return repos


def _check(repos: Repositories, day: date) -> list[str]:
    clock = FixedClock(datetime(day.year, day.month, day.day, 6, tzinfo=UTC))
    return WkiRegistrationWatch(repos, clock).check()


def _kinds(repos: Repositories, agency_id: str) -> list[str]:
    return sorted(i.kind for i in repos.actions.list(f"@{agency_id}")[0])


def test_the_agency_is_reminded_a_quarter_before_and_told_when_it_ended(caplog) -> None:  # type: ignore[no-untyped-def]
    repos = _repos()
    assert _check(repos, date(2026, 12, 29)) == ["wki-registration-until"]  # 92 days before
    assert _kinds(repos, "dated") == []
    assert _kinds(repos, "undated") == ["wki_registration_until_missing"]

    with caplog.at_level(logging.WARNING, logger="inning.wki"):
        assert _check(repos, date(2026, 12, 30)) == ["wki-registration-ending-2027-03-31"]
    assert "valid until 2027-03-31" in caplog.text
    for day in (date(2026, 12, 31), date(2027, 3, 31)):  # later mornings: nothing new
        assert _check(repos, day) == []
    [ending] = repos.actions.list("@dated")[0]
    assert ending.title == (
        "Wki registration IDV-1 is valid until 2027-03-31 (91 days): renew it with Justis now "
        "(a decision can take 13 weeks), then record the new last day with `inning agency "
        "update dated --wki-registered-until YYYY-MM-DD`."
    )

    assert _check(repos, date(2027, 4, 1)) == ["wki-registration-ended-2027-03-31"]
    assert _check(repos, date(2027, 4, 2)) == []
    assert _kinds(repos, "dated") == ["wki_registration_ended", "wki_registration_ending"]
    assert _kinds(repos, "advocaat") == []

    # renewed: the next year's reminder is its own item, a quarter before its day
    agency = repos.agencies.get("dated")
    assert agency is not None
    from dataclasses import replace

    repos.agencies.save(replace(agency, wki_registered_until=date(2028, 3, 31)))
    assert _check(repos, date(2027, 12, 30)) == []
    assert _check(repos, date(2027, 12, 31)) == ["wki-registration-ending-2028-03-31"]


def test_the_items_read_dutch_on_dutch_pages() -> None:
    repos = _repos()
    _check(repos, date(2026, 12, 30))
    _check(repos, date(2027, 4, 1))
    titles = {i.kind: i.title for a in ("dated", "undated") for i in repos.actions.list(f"@{a}")[0]}
    assert title(titles["wki_registration_ending"], "nl") == (
        "Wki-registratie IDV-1 is geldig tot en met 31-03-2027 (nog 91 dagen): vernieuw haar nu "
        "bij Justis (een besluit kan 13 weken duren) en leg daarna de nieuwe laatste dag vast met "
        "`inning agency update dated --wki-registered-until YYYY-MM-DD`."
    )
    assert title(titles["wki_registration_ended"], "nl").startswith(
        "Wki-registratie IDV-1 was geldig tot en met 31-03-2027: zonder vernieuwde registratie "
        "mag u niet bij consumenten innen (art. 2 Wki)."
    )
    assert title(titles["wki_registration_until_missing"], "nl").startswith(
        "Wki-registratie IDV-2: de einddatum staat niet in Inning."
    )
    for kind in titles:
        assert kind_label(kind, "nl") != kind


def test_an_older_row_reads_as_not_recorded_and_the_day_is_kept() -> None:
    store = InMemoryTableStore()
    repos = Repositories.over(store)
    repos.ensure_tables()
    # a row as wki27 wrote it: no WkiRegisteredUntil
    store.upsert(schema.AGENCIES, Row(schema.AGENCY_PARTITION, "old",
                                      {"Name": "Old", "WkiRegisterNumber": "IDV-3"}))  # fmt: skip
    old = repos.agencies.get("old")
    assert old is not None and old.wki_registered_until is None
    repos.agencies.save(Agency("new", "New", wki_register_number="IDV-4",
                               wki_registered_until=UNTIL))  # fmt: skip
    new = repos.agencies.get("new")
    assert new is not None and new.wki_registered_until == UNTIL


def test_agency_update_records_the_day(world, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    import shared.cli.app_settings as app_settings
    from shared.cli.admin_commands import cmd_agency_update

    monkeypatch.setattr(app_settings, "cli_services", lambda: world.services)
    args = argparse.Namespace(agency_id="agency-a", name=None, iban=None, email=None,
                              vat_number=None, address=None, wki_register="IDV-7",
                              wki_registered_until=" 2027-03-31", dunning_starter=False,
                              json=True)  # fmt: skip
    assert cmd_agency_update(args) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["wki_registered_until"] == "2027-03-31"
    agency = world.services.repos.agencies.get("agency-a")
    assert agency.wki_registered_until == UNTIL
    bad = argparse.Namespace(**{**vars(args), "wki_registered_until": "31-03-2027"})
    with pytest.raises(ValueError, match="--wki-registered-until: not a date"):
        cmd_agency_update(bad)
