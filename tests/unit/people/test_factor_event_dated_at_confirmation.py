"""codereview15 F5: FACTOR_ENROLLED was filed under the time the enrolment *began*: the audit
log is read by time through its ids (AuditRepository.between), so a factor confirmed three days
after it was started was filed three days early, and the audit of the day the factor changed
missed a security event. It is filed when the confirmation was first accepted, the same time on
a retry of a confirmation a fault cut off (one event: test_factor_change_cut_off.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyotp

from shared.adapters.tables.people_repo import AuditRepository
from shared.domain.people.authorisation import Role, Target
from tests.unit.api.conftest import make_world
from tests.unit.people.conftest import make_person


def _id_at(moment: datetime) -> str:
    return f"{int(moment.timestamp() * 1000):012x}"


def test_the_factor_change_is_filed_when_it_happened() -> None:
    world = make_world()
    person = make_person(world, Role.AGENCY_ADMIN, Target("agency-a", None), "p@a.example")
    accounts = world.services.people.accounts
    repo = AuditRepository(world.store)
    before = {e.event_id for e in repo.between("agency:agency-a", "", "~")}
    secret, _, _ = accounts.start_totp(person.signed)
    world.clock.advance(seconds=3 * 24 * 3600)  # confirmed three days later
    confirmed_at = world.clock.now()
    accounts.confirm_totp(person.signed, pyotp.TOTP(secret).at(confirmed_at), "10.0.0.1")
    hour = timedelta(hours=1)
    that_day = [e for e in repo.between("agency:agency-a", _id_at(confirmed_at - hour),
                                        _id_at(confirmed_at + hour))]  # fmt: skip
    enrolled = [e for e in that_day if e.event.name == "FACTOR_ENROLLED"]
    assert len(enrolled) == 1, [e.event.name for e in that_day]
    assert enrolled[0].event_id[:12] == _id_at(confirmed_at)
    new = [e.event_id for e in repo.between("agency:agency-a", "", "~")
           if e.event.name == "FACTOR_ENROLLED" and e.event_id not in before]  # fmt: skip
    assert new == [enrolled[0].event_id]  # none filed on the day it began
