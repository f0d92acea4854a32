"""wki27 (lawyer26 F7): the portal's section on invoices handed over to an agency named the
agency, what is open and whom to pay, and not its entry in the register incassodienstverlening
(art. 2 Wki), which the agency's letters must name. Now, where the agency recorded it
(`inning agency update --wki-register`), the section names it, in the debtor's language; with
none recorded it says nothing of a register."""

from __future__ import annotations

from dataclasses import replace

from shared.api.portal_app import PortalApp
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401
from tests.unit.payments.test_portal import enter


def test_the_handed_over_section_names_the_register_number(engine):  # noqa: F811
    world, client = engine
    handed_over(world, client)
    app = PortalApp(world.services)
    page = enter(world, app).page()
    assert "AGENCY-A int deze facturen nu" in page
    assert "register incassodienstverlening" not in page  # none recorded: nothing said
    repos = world.services.repos
    repos.agencies.save(replace(repos.agencies.get("agency-a"), wki_register_number="IDV-00123"))
    browser = enter(world, app)
    assert (
        "AGENCY-A staat in het register incassodienstverlening onder nummer IDV-00123."
        in browser.page()
    )
    assert "AGENCY-A is in the register incassodienstverlening" in browser.page(lang="en")
