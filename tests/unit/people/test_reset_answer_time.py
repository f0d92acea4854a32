"""The reset page takes the same time for any address (ASVS 5.0 6.3.8: response times tell no
account). attack24 F3: an address with an account cost its counter, the link's row, the mail
and the audit entry, 11 storage requests to an unknown address's 3; on Table Storage tens of
milliseconds, visible in one try. Here every storage request takes 10 ms of a fake clock."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.people.authorisation import Role, Target
from shared.services.people import accounts as accounts_module
from tests.unit.people.conftest import make_person

TRIP = 0.010


class _Timeline:
    """Wall time that moves only by storage round trips and by sleeping."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _timed_store(world: Any, timeline: _Timeline) -> None:
    store = world.store
    for name in ("get", "get_many", "insert", "replace", "upsert", "merge", "delete", "query"):
        if hasattr(store, name):
            real = getattr(store, name)

            def call(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
                timeline.now += TRIP
                return _real(*args, **kwargs)

            setattr(store, name, call)


def test_a_reset_takes_as_long_for_an_account_as_for_nobody(world, tenants, monkeypatch):
    make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "known@c1.example")
    timeline = _Timeline()
    monkeypatch.setattr(accounts_module, "time", timeline, raising=False)
    _timed_store(world, timeline)
    accounts = world.services.people.accounts
    sent = len(world.services.people.kit.sent)
    taken = {}
    for email in ("known@c1.example", "nobody@c1.example", "KNOWN@c1.example"):
        before = timeline.now
        accounts.request_reset(email, "10.1.1.1")
        taken[email] = round(timeline.now - before, 6)
    assert len(set(taken.values())) == 1, taken
    floor = getattr(accounts_module, "RESET_ANSWER_SECONDS", None)
    assert taken["nobody@c1.example"] == pytest.approx(floor)
    assert len(world.services.people.kit.sent) == sent + 2  # the account's two were mailed
