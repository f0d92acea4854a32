"""review27 F3 against Azurite: a restore never gives back access ended since the backup.

An agency had two keys and two people that night. The next morning an admin, treating an
account as taken over, revoked one key (``DELETE /v1/keys``), deactivated one person and reset
the other's factor (sessions ended: ``sessions_ended_at``), and deactivated a client. Then ``inning restore --set parties
--set people`` of the night. Before, the revoked key authenticated again, the deactivated
person was active with their old epoch (their sessions alive) and the reset one had their old
factor and password back, their ``sessions_ended_at`` gone. Now each stays ended; the key left
alone and a key minted since behave as a restore makes them (kept, and gone)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from shared import bootstrap
from shared.adapters.blobs.store import AzureFileStore
from shared.adapters.queues.storage import InMemoryQueueSender
from shared.adapters.tables.azure import AzureTableStore
from shared.adapters.tables.backup import BackupError
from shared.bootstrap import build_services
from shared.cli.main import main
from shared.clock import FixedClock
from shared.domain.access import Scope
from shared.domain.parties import Agency, Client
from shared.domain.people.accounts import Factor, User, UserStatus
from shared.domain.people.authorisation import Role
from shared.domain.people.sessions import Stage
from shared.services.container import Services
from shared.services.errors import NotPermitted
from shared.services.operations.backups import back_up, restore_set
from shared.services.people.invited_by import SESSIONS_ENDED
from shared.settings import Settings
from tests.support.backup_accounts import backing_up, three_accounts, wipe
from tests.unit.api.conftest import SETTINGS
from tests.unit.settlement.conftest import THIRD_PARTY

pytestmark = pytest.mark.azurite
NIGHT = datetime(2026, 11, 30, 2, 30, tzinfo=UTC)
MORNING = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with three_accounts(tmp_path_factory.mktemp("azurite-revoked")) as accounts:
        yield accounts


@pytest.fixture
def world(accounts: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    backing_up(accounts, monkeypatch)
    yield accounts
    wipe(accounts)


def _services(conn: str, at: datetime) -> Services:
    return build_services(
        SETTINGS,
        clock=FixedClock(at),
        store=AzureTableStore.from_connection_string(conn),
        files=AzureFileStore.from_connection_string(conn),
        queues=InMemoryQueueSender(),
        senders={},
    )


def _person(agency_id: str, name: str) -> User:
    return User(
        user_id="u" + uuid.uuid4().hex[:16], email=f"{name}@hold-incasso.example",
        agency_id=agency_id, client_id=None, role=Role.AGENCY_ADMIN, status=UserStatus.ACTIVE,
        created_at=NIGHT, name=name, password_hash="old-hash", factor=Factor.SMS,
        mobile="+31612345678", recovery_hashes=("r1", "r2"), epoch=3,
    )  # fmt: skip


def test_access_ended_after_the_night_stays_ended_after_its_restore(
    world: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    night = _services(world["own"], NIGHT)
    night.repos.ensure_tables()
    agency_id = "ag-" + uuid.uuid4().hex[:8]
    night.repos.agencies.save(Agency(agency_id, "Hold Incasso", THIRD_PARTY))
    client = Client("cl" + uuid.uuid4().hex[:12], agency_id, "C1", "Client One")
    night.repos.clients.save(client, new=True)
    _, client_text = night.access.issue(
        scope=Scope.CLIENT, agency_id=agency_id, client_id=client.client_id
    )
    revoked, revoked_text = night.access.issue(scope=Scope.AGENCY, agency_id=agency_id)
    _, kept_text = night.access.issue(scope=Scope.AGENCY, agency_id=agency_id)
    users = night.people.kit.people.users
    leaver, taken_over = _person(agency_id, "leaver"), _person(agency_id, "taken")
    users.add(leaver)
    users.add(taken_over)
    back_up(bootstrap.table_backup(Settings.from_env()), FixedClock(NIGHT))

    # the morning: an admin ends access (as the people and keys services store it)
    morning = _services(world["own"], MORNING)
    morning.access.revoke(revoked.principal(), revoked.key_id)
    _, minted_text = morning.access.issue(scope=Scope.AGENCY, agency_id=agency_id)
    found = morning.repos.clients.get(client.client_id) or pytest.fail("no client")
    morning.repos.clients.save(replace(found[0], active=False), found[1])
    users = morning.people.kit.people.users
    user, etag = users.get(leaver.user_id) or pytest.fail("no leaver")
    users.save(replace(user, status=UserStatus.DEACTIVATED, epoch=4, changed_at=MORNING), etag)
    user, etag = users.get(taken_over.user_id) or pytest.fail("no person")
    users.save(replace(
        user, factor=None, recovery_hashes=(), password_hash="new-hash", epoch=4,
        changed_at=MORNING, extra={SESSIONS_ENDED: MORNING.isoformat()},
    ), etag)  # fmt: skip
    assert morning.access.authenticate(revoked_text) is None

    assert main(["restore", "--from", NIGHT.date().isoformat(),
                 "--set", "parties", "--set", "people"]) == 0  # fmt: skip

    after = _services(world["own"], datetime(2026, 11, 30, 10, tzinfo=UTC))
    assert after.access.authenticate(revoked_text) is None  # was a Principal: 200 again
    assert after.access.authenticate(kept_text) is not None
    assert after.access.authenticate(minted_text) is None  # written since: not that night
    with pytest.raises(NotPermitted, match="inactive"):  # was a Principal: the client active
        after.access.authenticate(client_text)
    users = after.people.kit.people.users
    user, _ = users.get(leaver.user_id) or pytest.fail("no leaver")
    assert (user.status, user.epoch) == (UserStatus.DEACTIVATED, 4)  # was active, epoch 3
    user, _ = users.get(taken_over.user_id) or pytest.fail("no person")
    assert (user.factor, user.recovery_hashes, user.password_hash, user.epoch) == (
        None, (), "new-hash", 4,
    )  # fmt: skip
    assert user.extra[SESSIONS_ENDED] == MORNING.isoformat()
    assert user.status is UserStatus.ACTIVE and user.name == "taken"  # the rest is the night's
    assert "access ended since kept: 1 keys revoked, 1 clients, 2 people" in caplog.text


def test_a_session_signed_out_after_the_night_stays_signed_out_after_its_restore(
    world: dict[str, str],
) -> None:
    """sec28 F4's left part: ``Sessions`` was in the ``people`` set, so a restore gave back
    the night's row of a session signed out since, and its cookie worked again (no epoch
    moves at a sign-out). Sessions are who is signed in now: never restored."""
    night = _services(world["own"], NIGHT)
    night.repos.ensure_tables()
    agency_id = "ag-" + uuid.uuid4().hex[:8]
    night.repos.agencies.save(Agency(agency_id, "Hold Incasso", THIRD_PARTY))
    person = _person(agency_id, "signed")
    night.people.kit.people.users.add(person)
    signin = night.people.signin
    cookie = signin.renew(
        signin._open(person, Stage.ENROL, "203.0.113.9", "browser"), person, "203.0.113.9", ""
    ).cookie
    assert signin.resolve(cookie) is not None
    back_up(bootstrap.table_backup(Settings.from_env()), FixedClock(NIGHT))

    later = datetime(2026, 11, 30, 2, 40, tzinfo=UTC)  # within the idle time of the night
    _services(world["own"], later).people.signin.sign_out(cookie)
    assert _services(world["own"], later).people.signin.resolve(cookie) is None

    assert main(["restore", "--from", NIGHT.date().isoformat(), "--set", "people"]) == 0
    after = _services(world["own"], datetime(2026, 11, 30, 2, 45, tzinfo=UTC))
    assert after.people.signin.resolve(cookie) is None  # was the night's session: signed in


def test_sessions_cannot_be_named_for_a_restore() -> None:
    with pytest.raises(BackupError, match="who is signed in now"):
        restore_set(["Sessions"])
