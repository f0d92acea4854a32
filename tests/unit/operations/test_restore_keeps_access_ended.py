"""review27 F3: what a restore writes of a key or a person whose access ended since the backup
(the whole ``inning restore`` against Azurite: tests/integration/
test_restore_keeps_access_ended.py). Each row keeps the later ending, never an earlier one,
and gains nothing back that was ended that night."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.adapters.tables.codec import put_json
from shared.adapters.tables.keys_repo import ApiKeyRepository
from shared.adapters.tables.memory import InMemoryTableStore
from shared.adapters.tables.schema import API_KEYS
from shared.domain.access import ApiKey, Scope
from shared.services.operations.access_kept_ended import (
    client_deactivated,
    key_revoked,
    person_ended,
)
from shared.services.operations.backups import restore
from shared.services.people.invited_by import SESSIONS_ENDED
from tests.support.memory_backup import NightlyBackup

NIGHT = datetime(2026, 11, 30, 2, 30, tzinfo=UTC)
MORNING = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
EARLIER = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _key(key_id: str, revoked_at: datetime | None = None) -> ApiKey:
    return ApiKey(
        key_id, "0" * 64, Scope.AGENCY, "agency-a", None, "", created_at=EARLIER,
        revoked_at=revoked_at,
    )  # fmt: skip


def test_a_key_revoked_since_the_night_stays_revoked_through_the_restore_service() -> None:
    store = InMemoryTableStore()
    store.ensure_tables([API_KEYS])
    keys = ApiKeyRepository(store)
    keys.add(_key("k-revoked"))
    keys.add(_key("k-alone"))
    backup = NightlyBackup(store)
    found = keys.get("k-revoked")
    assert found is not None and found[1] is not None
    keys.save(_key("k-revoked", MORNING), found[1])
    keys.add(_key("k-minted"))  # since the night: gone with the restore, as before
    restore(backup, "2026-11-30", sets=["parties"], now=MORNING)  # type: ignore[arg-type]
    revoked = keys.get("k-revoked")
    assert revoked is not None and revoked[0].revoked_at == MORNING  # was None: usable again
    alone = keys.get("k-alone")
    assert alone is not None and alone[0].revoked_at is None
    assert keys.get("k-minted") is None


def test_the_earlier_revocation_of_a_key_is_the_one_kept() -> None:
    then = {"PartitionKey": "key", "RowKey": "k", "RevokedAt": EARLIER}
    assert key_revoked({**then, "RevokedAt": MORNING}, dict(then)) == then
    assert key_revoked({**then, "RevokedAt": None}, dict(then)) == then


def _person(**columns: object) -> dict[str, object]:
    return {
        "PartitionKey": "user", "RowKey": "u1", "Status": "active", "Epoch": 3,
        "PasswordHash": "old-hash", "Factor": "totp", "TotpSecret": "sealed-old",
        "RecoveryHashes": put_json(["r1"]), "Name": "Anna", **columns,
    }  # fmt: skip


def test_a_person_ended_since_keeps_the_ending_and_the_rest_is_the_nights() -> None:
    now = _person(
        Status="deactivated", Epoch=4, PasswordHash="new-hash", Factor=None, TotpSecret=None,
        RecoveryHashes=None, Name="Anna B", Extra=put_json({SESSIONS_ENDED: MORNING.isoformat()}),
    )  # fmt: skip
    restored = person_ended(now, _person())
    # the reset stays reset: no factor, seed or recovery codes of the night come back
    assert restored == {
        "PartitionKey": "user", "RowKey": "u1", "Name": "Anna", "Status": "deactivated",
        "Epoch": 4, "PasswordHash": "new-hash",
        "Extra": put_json({SESSIONS_ENDED: MORNING.isoformat()}),
    }  # fmt: skip


def test_a_person_nothing_ended_for_since_is_as_that_night() -> None:
    then = _person(Status="deactivated", Extra=put_json({SESSIONS_ENDED: MORNING.isoformat()}))
    # reactivated since, same epoch, an older stamp: the night's row (the safer) is written
    now = _person(Extra=put_json({SESSIONS_ENDED: EARLIER.isoformat()}))
    assert person_ended(now, dict(then)) == then


def test_a_role_lowered_since_stays_lowered_and_a_raise_is_the_nights() -> None:
    then = _person(Role="agency_admin")
    assert person_ended(_person(Role="agency_staff"), dict(then))["Role"] == "agency_staff"
    assert person_ended(_person(Role="agency_admin"), _person(Role="read_only")) == _person(
        Role="read_only"
    )


def test_a_client_deactivated_since_stays_inactive() -> None:
    then = {"PartitionKey": "agency-a", "RowKey": "c1", "Active": True, "Name": "Client One"}
    assert client_deactivated({**then, "Active": False}, dict(then)) == {**then, "Active": False}
    assert (
        client_deactivated({**then, "Active": True}, {**then, "Active": False})["Active"] is False
    )
