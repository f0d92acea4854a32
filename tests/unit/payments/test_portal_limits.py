"""#12 item 10: the guessing throttle counts before it reads (concurrent guesses cannot all be
evaluated), keys IPv6 callers without their port (by /64), and portal messages are limited."""

from __future__ import annotations

import threading

import pytest

from shared.services.portal import FAILURES_PER_WINDOW, MESSAGES_PER_DAY, throttle_source
from tests.unit.payments.test_portal import Browser, enter, portal  # noqa: F401 - fixture


@pytest.mark.parametrize(("forwarded", "source"), [
    ("192.0.2.10:51000", "192.0.2.10"),
    ("192.0.2.10", "192.0.2.10"),
    ("[2001:db8::1]:51000", "2001:db8::/64"),
    ("[2001:db8::2]:443", "2001:db8::/64"),
    ("2001:db8::ffff:1", "2001:db8::/64"),
    ("[::ffff:192.0.2.10]:80", "192.0.2.10"),
    ("", "local"),
])  # fmt: skip
def test_the_throttle_keys_callers_without_their_port(forwarded, source):
    assert throttle_source(forwarded) == source


def test_concurrent_guesses_are_counted_before_they_are_evaluated(portal):  # noqa: F811
    world, _, app = portal
    evaluated = []
    links = world.services.portal.links
    original = links.check

    def counting_check(token):
        evaluated.append(token)
        return original(token)

    links.check = counting_check
    barrier = threading.Barrier(30)

    def guess(i):
        browser = Browser(app, source=f"[2001:db8::{i:x}]:{40000 + i}")  # one /64, many ports
        barrier.wait()
        for j in range(2):
            browser.go("GET", f"/p/guess{i}-{j}.abc")

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(evaluated) <= FAILURES_PER_WINDOW


def test_portal_messages_are_rate_limited(portal):  # noqa: F811
    world, _, app = portal
    browser = enter(world, app)
    for i in range(MESSAGES_PER_DAY):
        assert browser.post("/portal/message", text=f"bericht {i}").status == 303
    refused = browser.post("/portal/message", text="nog een")
    assert refused.status == 400
    items = world.agency_a.call("GET", "/v1/clients/C1/actions").body["items"]
    assert sum(1 for a in items if a["kind"] == "debtor_message") == MESSAGES_PER_DAY
