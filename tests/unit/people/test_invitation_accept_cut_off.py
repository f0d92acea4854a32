"""failure15b Q3: accepting an invitation, cut off after each storage write; the person opens
the link again. Before the fix the link was spent first: a cut after that write left the
person INVITED without a password and the link refused (LinkInvalid), so they could neither
finish nor sign in until an admin invited them again."""

from __future__ import annotations

import pytest

from shared.domain.people.authorisation import Role, Target
from shared.services.people.accounts import LinkInvalid
from tests.support.faults import FaultPlan, SimulatedCrash
from tests.unit.people.conftest import link_token
from tests.unit.people.cut_off import cut_at_write, fault_services

AGENCY = Target("agency-a", None)
EMAIL = "new@agency.example"
PASSWORD = "paard batterij nietje"


def _run(cut, kind):
    plan = FaultPlan(enabled=True)
    services, clock = fault_services(plan, "agency-a")
    _, link = services.people.admin.invite_into(AGENCY, EMAIL, Role.AGENCY_ADMIN, "admin")
    accounts = services.people.accounts
    log = cut_at_write(plan, cut, kind)
    try:
        accounts.accept_invitation(link_token(link), PASSWORD, "10.0.0.1")
        first = "ok"
    except (Exception, SimulatedCrash) as exc:
        first = type(exc).__name__
    plan.rules.clear()
    clock.advance(minutes=1)
    if first == "ok":
        return log, first, None, None
    try:
        accounts.accept_invitation(link_token(link), PASSWORD, "10.0.0.1")
        retry = "ok"
    except LinkInvalid:
        retry = "LinkInvalid"
    # the person can sign in with the password they chose?
    try:
        services.people.signin.password(EMAIL, PASSWORD, "10.0.0.1")
        signin = "ok"
    except Exception as exc:
        signin = type(exc).__name__
    return log, first, retry, signin


@pytest.mark.parametrize("kind", ["timeout_after", "crash_after"])
def test_an_acceptance_cut_after_any_write_can_be_finished(kind):
    log, first, _, _ = _run(None, kind)
    assert first == "ok"
    bad = []
    for k in range(1, len(log) + 1):
        _, first, retry, signin = _run(k, kind)
        if retry != "ok" and signin != "ok":
            bad.append((k, log[k - 1], first, retry, signin))
    assert bad == [], "\n".join(map(str, bad))
