"""wki27 (lawyer26 F7): the agency's record had no entry in the register incassodienstverlening
(art. 2 Wki, Justis), so nothing in Inning could name it or say that it was missing: the new
case's page only said "your entry in the register" in general. Now `inning agency create/update
--wki-register` records it; the new_case page names the number to put in the first letter, or
warns that none is recorded (a warning, not a refusal: Inning cannot tell an unregistered agency
from one that did not record its number, and a lawyer or bailiff needs none)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date

import pytest

from shared.cli.admin_commands import _changed, wki_register_number
from tests.unit.console.test_new_case_first_letter import _handed_over, _page, staff  # noqa: F401


def test_the_page_names_the_recorded_number(world, staff):  # type: ignore[no-untyped-def]  # noqa: F811
    item = _handed_over(world, kind="b2c", owed={"F-1": date(2026, 11, 20)}, costs=10_000)
    repos = world.services.repos
    agency = repos.agencies.get("agency-a")
    repos.agencies.save(replace(agency, wki_register_number="IDV-2025-00123"))
    assert repos.agencies.get("agency-a").wki_register_number == "IDV-2025-00123"
    page = _page(staff, item, "nl")
    assert "Uw inschrijving in het register incassodienstverlening: IDV-2025-00123. Vermeld dit nummer in uw brief" in page  # fmt: skip
    assert "staat niet in Inning" not in page
    english = _page(staff, item, "en")
    assert "Your entry in the register incassodienstverlening: IDV-2025-00123." in english


def test_the_page_warns_when_none_is_recorded(world, staff):  # type: ignore[no-untyped-def]  # noqa: F811
    item = _handed_over(world, kind="b2c", owed={"F-1": date(2026, 11, 20)}, costs=10_000)
    assert world.services.repos.agencies.get("agency-a").wki_register_number is None
    page = _page(staff, item, "nl")
    assert "uw nummer in het register incassodienstverlening staat niet in Inning" in page
    assert "--wki-register" in page
    # the page is still there: a warning, no refusal
    assert "Uw eerste brief aan de debiteur" in page


def test_the_cli_checks_and_keeps_the_number(world) -> None:  # type: ignore[no-untyped-def]
    assert wki_register_number("  IDV 2025  00123 ") == "IDV 2025 00123"
    with pytest.raises(ValueError, match="--wki-register"):
        wki_register_number("<script>")
    agency = world.services.repos.agencies.get("agency-a")
    given = argparse.Namespace(name=None, iban=None, email=None, vat_number=None, address=None,
                               wki_register="IDV-1", wki_registered_until=None)  # fmt: skip
    changed = _changed(agency, given)
    assert changed.wki_register_number == "IDV-1"
    # an update of something else keeps it
    other = argparse.Namespace(**{**vars(given), "wki_register": None, "name": "Noord"})
    assert _changed(changed, other).wki_register_number == "IDV-1"


def test_agency_update_records_it_and_says_so(world, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import json

    import shared.cli.app_settings as app_settings
    from shared.cli.admin_commands import cmd_agency_update

    monkeypatch.setattr(app_settings, "cli_services", lambda: world.services)
    args = argparse.Namespace(agency_id="agency-a", name=None, iban=None, email=None,
                              vat_number=None, address=None, wki_register=" IDV-7 ",
                              wki_registered_until=None, dunning_starter=False, json=True)  # fmt: skip
    assert cmd_agency_update(args) == 0
    assert json.loads(capsys.readouterr().out)["wki_register_number"] == "IDV-7"
    assert world.services.repos.agencies.get("agency-a").wki_register_number == "IDV-7"
