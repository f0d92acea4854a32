"""wki28 (law28's left): the new case's first-letter notice said "Uw inschrijving in het
register incassodienstverlening: IDV-1. Vermeld dit nummer in uw brief" after the recorded last
day of that registration had passed. Now it says the entry ran until that day, that a consumer
gets no letter until it is renewed (art. 2 Wki), and how to record the new day; for a business
debtor that it may write, without naming the number as valid."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tests.unit.console.test_new_case_first_letter import _handed_over, _page, staff  # noqa: F401


def _registered(world, until: date) -> None:  # type: ignore[no-untyped-def]
    repos = world.services.repos
    repos.agencies.save(replace(repos.agencies.get("agency-a"), wki_register_number="IDV-1",
                                wki_registered_until=until))  # fmt: skip


def test_a_consumer_case_says_the_registration_ended(world, staff):  # type: ignore[no-untyped-def]  # noqa: F811
    item = _handed_over(world, kind="b2c", owed={"F-1": date(2026, 11, 20)}, costs=10_000)
    _registered(world, date(2026, 12, 2))  # the page is read on 2026-12-03
    page = _page(staff, item, "nl")
    assert "Vermeld dit nummer in uw brief" not in page
    assert "(IDV-1) was geldig tot en met 02-12-2026" in page
    assert "stuur deze debiteur geen brief" in page
    assert "--wki-registered-until JJJJ-MM-DD" in page
    english = _page(staff, item, "en")
    assert "(IDV-1) was valid until 2026-12-02" in english
    assert "send this debtor no letter" in english
    # on its last day it is still valid
    _registered(world, date(2026, 12, 3))
    assert "Vermeld dit nummer in uw brief" in _page(staff, item, "nl")


def test_a_business_case_may_be_written_to(world, staff):  # type: ignore[no-untyped-def]  # noqa: F811
    item = _handed_over(world, kind="b2b", owed={"F-1": date(2026, 11, 20)}, costs=10_000)
    _registered(world, date(2026, 12, 2))
    page = _page(staff, item, "nl")
    assert "(IDV-1) was geldig tot en met 02-12-2026" in page
    assert "Een zakelijke debiteur valt niet onder de Wki" in page
    assert "stuur deze debiteur geen brief" not in page
