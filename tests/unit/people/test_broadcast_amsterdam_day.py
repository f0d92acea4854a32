"""failure24 F7: a broadcast's window (``starts`` to ``ends``, days) was read against the UTC
date: at 00:30 in Amsterdam on 4-3 (23:30 UTC on 3-3) a message that ended on 3-3 was still
shown and one starting on 4-3 not yet (until 01:00, 02:00 in summer)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from shared.domain.people.authorisation import Role, Target
from shared.domain.people.broadcasts import Severity
from tests.unit.people.conftest import make_person, session_call, sign_in


def test_a_broadcast_window_is_read_in_amsterdam_days(world, tenants):
    people = world.services.people
    people.admin.publish(None, "Gisteren", "Yesterday", date(2025, 3, 1), date(2025, 3, 3),
                         Severity.INFO)  # fmt: skip
    people.admin.publish(None, "Vandaag", "Today", date(2025, 3, 4), date(2025, 3, 5),
                         Severity.INFO)  # fmt: skip
    staff = make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "bc@c1.example")
    world.clock.at = datetime(2025, 3, 3, 23, 30, tzinfo=UTC)  # 00:30 on 4-3 in Amsterdam
    signed = sign_in(world, staff)
    shown = json.loads(session_call(world, signed, "GET", "/v1/broadcasts").encoded())["items"]
    assert [b["text_en"] for b in shown] == ["Today"]
