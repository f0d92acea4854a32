"""heldplan31: the portal of a client whose only account is another party's proven one (or
none) shows what is open, lets the debtor dispute and ask for a plan, and names no account:
no transfer block, no EPC QR code; a plan's page said "Betaal elke termijn naar  ten name
van ..." and the overview "Maak ... over naar  ...": now both say the account follows."""

from __future__ import annotations

import json

from shared.domain.parties import Agency
from shared.services.onboarding import register_agency
from tests.unit.plans.test_portal_plans import accept, enter, portal  # noqa: F401 - the fixture

THIRD_PARTY = "NL91ABNA0417164300"  # agency B's own account, registered for C1 before B's


def test_the_portal_names_no_account_and_stays_usable(portal):  # noqa: F811
    world, app = portal
    world.agency_a.call(
        "POST", "/v1/clients", {"items": [{"number": "C1", "ibans": [THIRD_PARTY]}]}
    )
    register_agency(world.services.repos, Agency("agency-b", "B", THIRD_PARTY))
    browser = enter(world, app)
    page = browser.page("/portal/")
    assert "F1" in page and "F2" in page and "€ 500,00" in page
    assert THIRD_PARTY not in page and "<svg" not in page
    assert "/portal/dispute" in page and "/api/portal/plan" in page
    done = accept(browser, method="transfer", by="count", installments="4")
    assert done.status == 303, done.encoded()
    plan_page = browser.page("/portal/plan")
    assert "laten wij u weten zodra die bekend is" in plan_page
    assert "naar  ten name" not in plan_page and THIRD_PARTY not in plan_page
    overview = browser.page("/portal/")
    assert "Volgende termijn: € 125,00. Naar welke rekening" in overview
    assert "naar  ten name" not in overview and THIRD_PARTY not in overview
    queued = [json.loads(m.body)["key"] for m in world.services.messaging.queues.take("send-email")]
    assert not any(k.endswith("|agreement") for k in queued)  # waits for the account
