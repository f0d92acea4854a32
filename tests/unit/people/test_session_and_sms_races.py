"""failure7 findings 6 and 10: a session signed out or ended while a request on it is on its
way stayed alive (the request's last-seen touch wrote the row back, unconditionally), and
parallel requests for an SMS code all passed the hourly limit (a count read, then an
unconditional increment)."""

from __future__ import annotations

import threading

from shared.domain.people.authorisation import Role, Target
from shared.services.people.signin import SMS_PER_USER_PER_HOUR, SmsLimited
from tests.unit.people.conftest import make_person, sign_in

N = 12


def _interleave_end(world, during):
    """Run ``during`` between the session read and the touch write of resolve()."""
    sessions = world.services.people.signin.people.sessions
    real_save = sessions.save
    fired: list[int] = []

    def save(s):
        if not fired:
            fired.append(1)
            during()
        return real_save(s)

    sessions.save = save
    return lambda: setattr(sessions, "save", real_save)


def test_sign_out_racing_a_request_does_not_bring_the_session_back(world, tenants):
    person = make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "s@c1.example")
    signed = sign_in(world, person)
    signin = world.services.people.signin
    world.clock.advance(seconds=90)  # the next request touches last-seen
    undo = _interleave_end(world, lambda: signin.sign_out(signed.cookie))
    in_flight = signin.resolve(signed.cookie)  # request A, racing the sign-out (request B)
    undo()
    assert in_flight is None  # the request itself finds its session ended
    world.clock.advance(seconds=5)
    after = signin.resolve(signed.cookie)
    # ASVS 7.4.1: after sign-out the cookie must be worthless
    assert after is None, "signed-out cookie still resolves to a live FULL session"


def test_ending_a_session_racing_its_request_leaves_no_hidden_live_session(world, tenants):
    person = make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "s2@c1.example")
    mine = sign_in(world, person, "10.0.0.1")
    stolen = sign_in(world, person, "10.9.9.9")
    accounts = world.services.people.accounts
    world.clock.advance(seconds=90)
    undo = _interleave_end(world, lambda: accounts.end_session(mine, stolen.session.key))
    world.services.people.signin.resolve(stolen.cookie)  # the stolen session's request
    undo()
    world.clock.advance(seconds=5)
    listed = [s.key for s in accounts.sessions(world.services.people.signin.resolve(mine.cookie))]
    alive = world.services.people.signin.resolve(stolen.cookie)

    assert alive is None, (
        f"revoked session still works; shown in the user's session list: {stolen.session.key in listed}"
    )


def test_parallel_code_requests_stay_within_the_hourly_limit(world, tenants):
    person = make_person(world, Role.CLIENT_STAFF, Target("agency-a", tenants.c1), "s@c1.example")
    signed = sign_in(world, person)
    signin = world.services.people.signin
    counters = signin.kit.counters
    real_count = counters.count
    barrier = threading.Barrier(N, timeout=10)
    local = threading.local()

    def count(*a, **k):
        value = real_count(*a, **k)
        if not getattr(local, "waited", False):
            local.waited = True
            barrier.wait()  # the requests arrive together: each has read before any writes
        return value

    counters.count = count
    before = len(signin.kit.sent)
    results = []

    def one():
        try:
            signin.send_sms(signed, "+31612345678")
            results.append("sent")
        except SmsLimited:
            results.append("limited")

    threads = [threading.Thread(target=one) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counters.count = real_count
    sent = len(signin.kit.sent) - before

    assert sent <= SMS_PER_USER_PER_HOUR
