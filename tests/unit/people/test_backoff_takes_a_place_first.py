"""The sign-in back-off (ASVS 5.0 6.3.1: 5 free failures an account, then 1 s, 2 s ... at most
15 minutes) holds for attempts sent together, and for the password asked again on the account
page.

attack24 F4: the failures were read before an attempt was judged and written after it, so
every attempt of a burst passed the same read (40 wrong codes at once: 40 judged, 19 counted).
attack24 F2: the account page's "current password" had no back-off at all (150 guesses from a
borrowed session, all judged)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import pytest

from shared.domain.people.authorisation import Role, Target
from shared.domain.people.backoff import FREE_FAILURES_ACCOUNT
from shared.services.people.kit import Throttled
from shared.services.people.signin import SignInFailed
from tests.unit.people.conftest import make_person, sign_in
from tests.unit.people.test_console_pages import _signed_in_browser, csrf_of

ATTEMPTS = 40


class _SlowStore:
    """Table Storage's round trip (a few ms) on every request of the failures table."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            time.sleep(0.005)
            return attr(*args, **kwargs)

        return call


def _at_once(attempt: Any) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def one(i: int) -> None:
        try:
            attempt(i)
            what = "accepted"
        except Throttled:
            what = "throttled"
        except SignInFailed:
            what = "judged"
        with lock:
            outcomes[what] += 1

    threads = [threading.Thread(target=one, args=(i,)) for i in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _counted(world: Any, email: str, source: str) -> int:
    signin = world.services.people.signin
    account, _ = signin._names(email, source)
    return int(signin.people.failures.get("account", account).count)


@pytest.fixture
def person(world, tenants):  # type: ignore[no-untyped-def]
    person = make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "b@c1.example")
    failures = world.services.people.signin.people.failures
    failures.store = _SlowStore(failures.store)
    return person


def test_wrong_codes_sent_together_are_judged_no_more_than_the_free_ones(world, person):
    signin = world.services.people.signin
    first = signin.password(person.email, person.password, "10.0.0.5")
    outcomes = _at_once(lambda i: signin.second_factor(first.cookie, f"{i:06d}", "10.0.0.5"))
    assert outcomes["accepted"] == 0
    assert 1 <= outcomes["judged"] <= FREE_FAILURES_ACCOUNT, outcomes
    assert outcomes["judged"] + outcomes["throttled"] == ATTEMPTS
    assert _counted(world, person.email, "10.0.0.5") == outcomes["judged"]


def test_wrong_passwords_sent_together_from_many_addresses(world, person):
    signin = world.services.people.signin
    outcomes = _at_once(lambda i: signin.password(person.email, f"guess number {i}", f"10.7.{i}.1"))
    assert 1 <= outcomes["judged"] <= FREE_FAILURES_ACCOUNT, outcomes
    assert _counted(world, person.email, "x") == outcomes["judged"]


def test_right_attempts_take_no_place(world, person):
    for _ in range(3 * FREE_FAILURES_ACCOUNT):  # one office, one person, many sign-ins
        assert sign_in(world, person, "10.0.0.9").user.user_id == person.user_id
    assert _counted(world, person.email, "10.0.0.9") == 0


def test_the_current_password_on_the_account_page_is_under_the_back_off(world, person):
    browser = _signed_in_browser(world, person)
    csrf = csrf_of(browser.get("/account"))
    for i in range(FREE_FAILURES_ACCOUNT):
        wrong = browser.post("/account", {"do": "recovery", "csrf": csrf, "current": f"guess {i}"})
        assert wrong.status == 400
    for do in ("recovery", "totp-start"):  # even the right one waits, as on the sign-in page
        waits = browser.post("/account", {"do": do, "csrf": csrf, "current": person.password})
        assert waits.status == 429 and b"recovery-codes" not in waits.encoded()
    waits = browser.post("/account", {"do": "password", "csrf": csrf, "current": person.password,
                                      "password": "een heel nieuw wachtwoord"})  # fmt: skip
    assert waits.status == 429
    assert _counted(world, person.email, "local") == FREE_FAILURES_ACCOUNT
    world.clock.advance(minutes=1)
    right = browser.post("/account", {"do": "recovery", "csrf": csrf, "current": person.password})
    assert right.status == 200 and b"recovery-codes" in right.encoded()
    assert _counted(world, person.email, "local") == FREE_FAILURES_ACCOUNT
