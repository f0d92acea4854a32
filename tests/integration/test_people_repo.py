"""People's storage on Azurite and on the in-memory fake: the conditional writes that make
links and codes single use, one account per address, and an insert-only audit log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.tables.azure import AzureTableStore
from shared.adapters.tables.keys import encode
from shared.adapters.tables.memory import InMemoryTableStore
from shared.adapters.tables.people_repo import TABLES, USER_EMAILS, PeopleRepositories
from shared.domain.people.accounts import User, UserStatus
from shared.domain.people.audit import AuditEvent, Event
from shared.domain.people.authorisation import Role
from shared.domain.people.factors import SmsChallenge
from shared.domain.people.sessions import Session, Stage
from shared.domain.people.tokens import LinkToken, Purpose
from shared.ports.tables import Conflict, PreconditionFailed, TableStore

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "azurite"])
def people(request: pytest.FixtureRequest) -> Iterator[PeopleRepositories]:
    if request.param == "memory":
        store: TableStore = InMemoryTableStore()
    else:
        store = AzureTableStore.from_connection_string(
            request.getfixturevalue("storage_connection")
        )
    store.ensure_tables(TABLES)
    yield PeopleRepositories.over(store, b"test-pepper")


def _user(user_id: str, email: str) -> User:
    return User(user_id, email, "agency-x", None, Role.AGENCY_STAFF, UserStatus.ACTIVE, NOW)


def test_one_account_per_address(people):
    email = f"{NOW.timestamp()}-{id(people)}@example.nl"
    people.users.add(_user(f"u1{id(people)}", email))
    with pytest.raises(Conflict):
        people.users.add(_user(f"u2{id(people)}", email))
    found, etag = people.users.by_email(email)
    assert found.role is Role.AGENCY_STAFF
    people.users.save(found, etag)
    with pytest.raises(PreconditionFailed):  # a stale etag loses
        people.users.save(found, etag)


def test_an_invitation_holds_the_address_until_another_is_accepted(people):
    """attack16b F1: the second organisation's invitation is written beside the first (no
    index); its acceptance takes the address over from the unaccepted one, and an account
    keeps it against the first's."""
    from dataclasses import replace

    email = f"inv-{NOW.timestamp()}-{id(people)}@example.nl"
    first = replace(_user(f"i1{id(people)}", email), status=UserStatus.INVITED)
    second = replace(first, user_id=f"i2{id(people)}", client_id="c-b")
    people.users.add(first)
    with pytest.raises(Conflict):
        people.users.add(second)
    people.users.add_pending(second)
    with pytest.raises(Conflict):  # a retry finds its row written
        people.users.add_pending(second)
    assert people.users.by_email(email)[0].user_id == first.user_id
    people.users.claim_email(second)  # the owner accepts the second organisation's
    people.users.claim_email(second)  # again (a retry): still its own
    found, etag = people.users.by_email(email)
    assert found.user_id == second.user_id
    people.users.save(replace(found, password_hash="x"), etag)
    with pytest.raises(Conflict):  # an account keeps it
        people.users.claim_email(first)
    assert people.users.by_email(email)[0].user_id == second.user_id


def test_a_claim_decides_after_the_save(people):
    """codereview16b F4: a claim read while the holder was still pending loses once the
    holder has saved its password and confirmed (the index rewritten under its ETag); the
    holder whose index was taken over learns it from the check."""
    from dataclasses import replace

    email = f"race-{NOW.timestamp()}-{id(people)}@example.nl"
    first = replace(_user(f"r1{id(people)}", email), status=UserStatus.INVITED)
    second = replace(first, user_id=f"r2{id(people)}", client_id="c-b")
    people.users.add(first)
    people.users.add_pending(second)
    stale = people.users.store.get(USER_EMAILS, "email", encode(email))
    assert people.users.still_claims_email(first)  # the first's check after its save
    assert not people.users.still_claims_email(second)  # the index names the first
    index = people.users.store.get(USER_EMAILS, "email", encode(email))
    assert stale is not None and index is not None and index.etag != stale.etag
    # rewritten: the second's claim, read while the first was pending, is refused
    with pytest.raises(PreconditionFailed):
        people.users.store.replace(USER_EMAILS, replace(stale, data={"UserId": second.user_id}))


def test_a_link_is_used_once_even_by_two_at_the_same_time(people):
    key = f"k{id(people)}"
    people.tokens.add(LinkToken(key, Purpose.RESET, "u1", NOW))
    first = people.tokens.get(key)
    second = people.tokens.get(key)
    assert first and second
    assert people.tokens.use(first[0], first[1], NOW) is True
    assert people.tokens.use(second[0], second[1], NOW) is False
    used = people.tokens.get(key)
    assert used and used[0].used_at is not None and not used[0].usable(NOW)


def test_an_sms_challenge_counts_tries_under_the_etag(people):
    user = f"sms{id(people)}"
    people.sms.add(user, SmsChallenge("c1", "h" * 64, "+31612345678", NOW))
    a = people.sms.get(user, "c1")
    b = people.sms.get(user, "c1")
    assert a and b
    assert people.sms.save(user, SmsChallenge("c1", "h" * 64, "+31612345678", NOW, tries=1), a[1])
    assert not people.sms.save(
        user, SmsChallenge("c1", "h" * 64, "+31612345678", NOW, used=True), b[1]
    )


def test_attempts_sent_together_take_no_more_places_than_are_free(people):
    """The back-off's place is taken under the row's ETag before an attempt is judged
    (attack24 F4): of 20 takes at once, no more than the 5 free ones pass, each counted."""
    import threading

    name = f"acct{id(people)}"
    passed: list[bool] = []
    lock = threading.Lock()

    def take() -> None:
        ok = people.failures.take("account", name, NOW, 5) <= timedelta(0)
        with lock:
            passed.append(ok)

    threads = [threading.Thread(target=take) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= passed.count(True) <= 5
    assert people.failures.get("account", name).count == passed.count(True)
    people.failures.give_back("account", name)
    assert people.failures.get("account", name).count == passed.count(True) - 1


def test_sessions_end_in_storage(people):
    key = f"s{id(people)}"
    people.sessions.add(Session(key, "u9", Stage.FULL, NOW, NOW, 0, "csrf"))
    assert [s.key for s in people.sessions.of_user("u9")] == [key]
    people.sessions.end(key)
    assert people.sessions.get(key) is None and people.sessions.of_user("u9") == []


def test_a_renewed_session_is_marked_and_a_sign_out_ends_its_successor(people):
    """sec28: the renewal marks the old row under its etag; a sign-out ends it and what took
    its place; a renewal meeting a row signed out already is told so, on both stores."""
    old, new, gone = (f"{k}{id(people)}" for k in ("o", "n", "g"))
    for key in (old, new, gone):
        people.sessions.add(Session(key, "u8", Stage.FULL, NOW, NOW, 0, "csrf"))
    assert people.sessions.retire(old, new)
    marked = people.sessions.get(old)
    assert marked is not None and marked.revoked and marked.renewed_to == new
    assert {s.key for s in people.sessions.of_user("u8")} == {new, gone}
    # a touch read before the mark does not write over it
    assert not people.sessions.save(replace(marked, revoked=False, renewed_to=None))
    people.sessions.end(old, successors=True)
    assert people.sessions.get(old) is None and people.sessions.get(new) is None
    people.sessions.end(gone, successors=True)
    assert not people.sessions.retire(gone, "whatever")


def test_audit_is_insert_only_and_read_by_time(people):
    tenant = f"agency:t{id(people)}"
    for minutes, event in ((0, Event.LOGIN), (60, Event.LOGOUT), (24 * 60, Event.LOGIN_FAILED)):
        at = NOW + timedelta(minutes=minutes)
        event_id = f"{int(at.timestamp() * 1000):012x}00000000abcdef"
        people.audit.add(AuditEvent(tenant, event_id, at, event, "u1"))
    with pytest.raises(Conflict):
        people.audit.add(AuditEvent(tenant, event_id, NOW, Event.LOGIN, "someone else"))
    day = (
        f"{int(NOW.timestamp() * 1000):012x}",
        f"{int((NOW + timedelta(days=1)).timestamp() * 1000):012x}",
    )
    assert [e.event for e in people.audit.between(tenant, *day)] == [Event.LOGIN, Event.LOGOUT]
