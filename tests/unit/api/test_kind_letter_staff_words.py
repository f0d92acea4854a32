"""Closing a kind_letter_check item keeps the costs off, whatever words it is closed with;
only the confirm route (``…/letter-qualified``, MANAGE_SETTLEMENTS) makes the consumer owe
them (attack14b K1).

The story of test_debtor_kind_letter_held: C1's consumer D1, F1 5,000.00, the business
sommatie of 5-1 held, 625.00 staffel costs owed from 22-1 only once an administrator confirms
it met 6:96 lid 6. On lead a client's staff key (WRITE, no MANAGE_SETTLEMENTS) resolved the
item through the generic ``…/resolve`` with "confirmed as a 14-day letter (6:96 lid 6); costs
owed from: F1 2026-01-22", and the daily run's one pass over an earlier version's unfinished
confirms read it as one: 625.00 costs owed, the audit naming the staff key."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.domain.people.authorisation import Role
from shared.domain.records import ActionStatus
from tests.unit.api.test_debtor_kind_letter_held import CLAIM, _corrected
from tests.unit.api.test_debtor_kind_restates_payments import _items
from tests.unit.api.test_kind_letter_confirm_finished import _audited, _client_id, _daily_run
from tests.unit.console.conftest import csrf_of, desk_for

WORDS = "confirmed as a 14-day letter (6:96 lid 6); costs owed from: F1 2026-01-22"


def _staff(a: Any) -> tuple[Any, str]:
    made = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": False})
    assert made.status in (200, 201), made.body
    return a.as_key(made.body["key"]), str(made.body["key_id"])


@pytest.mark.parametrize(
    "text",
    [
        WORDS,
        "  Confirmed as a 14-day  letter, the client says so",
        "being confirmed as a 14-day letter (6:96 lid 6), not finished",
    ],
)
def test_the_generic_resolve_refuses_words_reading_as_a_confirm(world: Any, text: str) -> None:
    a = _corrected(world)
    staff, _ = _staff(a)
    [check] = _items(a, "kind_letter_check")
    path = f"/v1/clients/C1/actions/{check['action_id']}/resolve"
    refused = staff.call("POST", path, {"resolution": text})
    assert refused.status == 422, refused.body
    assert "kind_letter_confirm_words" in str(refused.body)
    [still] = _items(a, "kind_letter_check")
    assert still["status"] == "open"
    # other words close it, the costs stay off, also after the daily run
    done = staff.call("POST", path, {"resolution": "handled by phone"})
    assert done.status == 200, done.body
    _daily_run(world, date(2026, 2, 16))
    assert a.call("GET", CLAIM, on="2026-02-16").body["open"]["costs"] == "0.00"


def test_the_console_refuses_closing_in_the_confirms_words(world: Any) -> None:
    """A client's staff person (shown no confirm form) closing the item on its page."""
    a = _corrected(world)
    [check] = _items(a, "kind_letter_check")
    page_of = f"/actions/{check['action_id']}"
    staff = desk_for(world, Role.CLIENT_STAFF, _client_id(world), "s@c1.example")
    page = staff.get(page_of)
    refused = staff.post(page_of, {"csrf": csrf_of(page), "do": "resolve", "resolution": WORDS})
    assert refused.status == 422
    [still] = _items(a, "kind_letter_check")
    assert still["status"] == "open"
    _daily_run(world, date(2026, 2, 16))
    assert a.call("GET", CLAIM, on="2026-02-16").body["open"]["costs"] == "0.00"


def _resolved_before_the_fix(world: Any, a: Any, key_id: str) -> None:
    """What lead let a staff key store: the item resolved in the confirm's words, naming the
    key as the generic resolve did."""
    actions = world.services.repos.actions
    [check] = _items(a, "kind_letter_check")
    stored, etag = actions.get(_client_id(world), check["action_id"])
    done = replace(stored, status=ActionStatus.RESOLVED, resolution=f"{WORDS} ({key_id})",
                   resolved_at=datetime(2026, 2, 14, 10, 0, tzinfo=UTC))  # fmt: skip
    actions.save(done, etag)


def test_the_run_finishes_no_confirm_a_staff_key_typed_before_the_fix(world: Any) -> None:
    a = _corrected(world)
    _, staff_key = _staff(a)
    _resolved_before_the_fix(world, a, staff_key)
    _daily_run(world, date(2026, 2, 16))
    assert a.call("GET", CLAIM, on="2026-02-16").body["open"]["costs"] == "0.00"
    assert _audited(world) == []


def test_the_run_finishes_no_confirm_naming_an_unknown_key(world: Any) -> None:
    a = _corrected(world)
    _resolved_before_the_fix(world, a, "nobody")
    _daily_run(world, date(2026, 2, 16))
    assert a.call("GET", CLAIM, on="2026-02-16").body["open"]["costs"] == "0.00"


def test_the_run_finishes_a_confirm_an_administrator_decided(world: Any) -> None:
    """Control: the same words naming the client's admin key (who holds the right) are an
    earlier version's confirm cut off: the run carries it out, 625.00 from 22-1."""
    a = _corrected(world)
    made = a.call("POST", "/v1/keys", {"scope": "client", "client": "C1", "admin": True})
    assert made.status in (200, 201), made.body
    _resolved_before_the_fix(world, a, str(made.body["key_id"]))
    _daily_run(world, date(2026, 2, 16))
    assert a.call("GET", CLAIM, on="2026-02-16").body["open"]["costs"] == "625.00"
