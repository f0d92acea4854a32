"""wki28 (law28's left): the portal told a debtor "AGENCY-A staat in het register
incassodienstverlening onder nummer ..." after the registration's recorded last day had passed,
as if the agency were registered. Now it says until when it was registered, in his language,
and says it is registered again once a new last day is recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from shared.api.portal_app import PortalApp
from shared.clock import amsterdam_date
from shared.domain.day_shown import day_shown
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401
from tests.unit.payments.test_portal import enter


def test_an_ended_registration_is_not_shown_as_valid(engine):  # noqa: F811
    world, client = engine
    handed_over(world, client)
    app = PortalApp(world.services)
    repos = world.services.repos
    today = amsterdam_date(world.services.clock.now())
    ended = today - timedelta(days=1)
    agency = replace(repos.agencies.get("agency-a"), wki_register_number="IDV-00123",
                     wki_registered_until=ended)  # fmt: skip
    repos.agencies.save(agency)
    browser = enter(world, app)
    dutch, english = browser.page(), browser.page(lang="en")
    assert "staat in het register incassodienstverlening" not in dutch
    assert (
        "AGENCY-A stond in het register incassodienstverlening onder nummer IDV-00123, "
        f"ingeschreven tot en met {day_shown(ended, 'nl')}." in dutch
    )
    assert "AGENCY-A is in the register" not in english
    assert f"under number IDV-00123, registered until {day_shown(ended, 'en')}." in english
    # its last day itself is still valid; a renewal recorded shows it registered again
    for until in (today, today + timedelta(days=365)):
        repos.agencies.save(replace(agency, wki_registered_until=until))
        page = enter(world, app).page()
        assert (
            "AGENCY-A staat in het register incassodienstverlening onder nummer IDV-00123." in page
        )
