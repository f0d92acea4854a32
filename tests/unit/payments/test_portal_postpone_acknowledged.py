"""law10 F4: a debtor who asks in the portal for time to pay acknowledges the invoices he asks
it for (art. 3:318 BW), whether the portal grants it at once or staff decide; the prescription
watch counts the day he asked. An invoice he did not ask about is not acknowledged."""

from __future__ import annotations

from datetime import timedelta

from shared.clock import amsterdam_date
from tests.unit.payments.conftest import shop  # noqa: F401
from tests.unit.payments.test_portal import Browser, enter, portal  # noqa: F401


def test_a_postponement_asked_in_the_portal_acknowledges_its_invoices(portal):  # noqa: F811
    world, _, app = portal
    browser = enter(world, app)
    today = amsterdam_date(world.clock.now())
    granted = browser.post(
        "/portal/postpone", invoice=["F1"], until=(today + timedelta(days=10)).isoformat(),
        reason="salaris",
    )  # fmt: skip
    assert granted.headers["Location"].endswith("done=postponed")
    client_id = next(c.client_id for c in world.services.repos.clients.all() if c.number == "C1")
    watch = world.services.dunning.prescriptions
    found = watch._acknowledgements(client_id, "D1", today)
    assert found.get("F1") == {today} and not found.get("F2")
    world.clock.at = world.clock.now() + timedelta(days=1)
    asked = browser.post(
        "/portal/postpone", invoice=["F2"], until=(today + timedelta(days=40)).isoformat(),
        reason="ziek",
    )  # fmt: skip
    assert asked.headers["Location"].endswith("done=requested")  # staff decide
    later = watch._acknowledgements(client_id, "D1", today + timedelta(days=1))
    assert later.get("F2") == {today + timedelta(days=1)}
