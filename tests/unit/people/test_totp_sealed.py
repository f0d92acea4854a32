"""attack11 A5: a person's TOTP seed stood in clear in the Users row and so in every nightly
backup line: whoever read a table or a backup blob held every second factor. It is sealed now
(AES-GCM under a key derived from the pepper, bound to the row); a row written before is read
as it was and sealed on its next write; a seed that no longer opens is no factor."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pyotp
import pytest

from shared.adapters.tables.backup import encode_entity
from shared.adapters.tables.sealing import SEALED, Seal
from shared.domain.people.authorisation import Role, Target
from shared.services.people.signin import SignInFailed
from tests.unit.people.conftest import make_person


def _row(world, user_id: str) -> dict[str, Any]:
    row = world.store.get("Users", "user", user_id)
    assert row is not None
    return dict(row.data)


def _sign_in(world, person) -> None:
    signin = world.services.people.signin
    first = signin.password(person.email, person.password, "10.0.0.1")
    signin.second_factor(first.cookie, pyotp.TOTP(person.secret).at(world.clock.now()), "10.0.0.1")


def test_neither_the_row_nor_its_backup_line_holds_the_seed(world):
    person = make_person(
        world, Role.AGENCY_ADMIN, Target("agency-a", None), "boss@agency-a.example"
    )
    data = _row(world, person.user_id)
    line = json.dumps(encode_entity({"PartitionKey": "user", "RowKey": person.user_id, **data}))
    assert person.secret not in line
    assert data["TotpSecret"].startswith(SEALED)
    _sign_in(world, person)  # and the sealed seed still signs in


def test_a_seed_shown_for_enrolment_is_sealed_too(world):
    person = make_person(
        world, Role.AGENCY_ADMIN, Target("agency-a", None), "boss@agency-a.example"
    )
    people = world.services.people
    signed = _signed_again(world, person)
    pending, _, _ = people.accounts.start_totp(signed)
    assert pending not in json.dumps(_row(world, person.user_id), default=str)
    found = people.kit.people.users.get(person.user_id)
    assert found is not None and people.accounts.pending_totp(found[0]) == pending


def _signed_again(world, person):
    signin = world.services.people.signin
    first = signin.password(person.email, person.password, "10.0.0.1")
    code = pyotp.TOTP(person.secret).at(world.clock.now())
    return signin.second_factor(first.cookie, code, "10.0.0.1")


def test_a_seed_stored_in_clear_before_signs_in_and_is_sealed_by_it(world):
    person = make_person(world, Role.AGENCY_STAFF, Target("agency-a", None), "old@agency-a.example")
    row = world.store.get("Users", "user", person.user_id)
    row.data["TotpSecret"] = person.secret  # as every row was written before the seal
    world.store.upsert("Users", row)
    _sign_in(world, person)
    assert _row(world, person.user_id)["TotpSecret"].startswith(SEALED)


def test_a_seed_sealed_under_another_pepper_is_no_factor(world):
    person = make_person(world, Role.AGENCY_STAFF, Target("agency-a", None), "rot@agency-a.example")
    row = world.store.get("Users", "user", person.user_id)
    row.data["TotpSecret"] = Seal(b"a pepper since rotated", "totp").close(
        person.secret, f"user|{person.user_id}"
    )
    world.store.upsert("Users", row)
    with pytest.raises(SignInFailed):
        _sign_in(world, person)


def test_a_seed_copied_to_another_persons_row_does_not_open(world):
    """Bound to its row: a table writer cannot move one person's seed to another's."""
    a = make_person(world, Role.AGENCY_STAFF, Target("agency-a", None), "a@agency-a.example")
    b = make_person(world, Role.AGENCY_STAFF, Target("agency-a", None), "b@agency-a.example")
    row = world.store.get("Users", "user", b.user_id)
    row.data["TotpSecret"] = _row(world, a.user_id)["TotpSecret"]
    world.store.upsert("Users", row)
    found = world.services.people.kit.people.users.get(b.user_id)
    assert found is not None and found[0].totp_secret is None


def test_an_operator_resets_an_admins_factor_from_the_cli(world, monkeypatch, capsys):
    """After a pepper rotation no sealed secret opens, so no admin could sign in to reset the
    others: ``inning user reset-factor`` (storage keys, no console) resets anyone's."""
    from shared.cli import app_settings
    from shared.cli.main import main
    from shared.domain.people.audit import Event

    monkeypatch.setattr(app_settings, "cli_services", lambda *_: world.services)
    person = make_person(
        world, Role.AGENCY_ADMIN, Target("agency-a", None), "boss@agency-a.example"
    )
    assert main(["user", "reset-factor", person.email]) == 0
    assert "new second factor" in capsys.readouterr().out
    user = world.services.people.kit.people.users.by_email(person.email)[0]
    assert user.factor is None and user.totp_secret is None and user.recovery_hashes == ()
    audit = world.services.people.kit.people.audit.between("agency:agency-a", "0", "z")
    assert [e.actor for e in audit if e.event is Event.FACTOR_RESET] == ["cli"]
    assert main(["user", "reset-factor", "nobody@agency-a.example"]) == 2


def test_an_instance_with_another_pepper_keeps_the_seed_it_cannot_open(world):
    """failure12 F2: an instance whose pepper is not the installation's (a slot mid-swap, a
    rotation rolled back) cannot use the seed, so the person signs in with a recovery code;
    that save of their row wrote the seed as None, and back on the right key the
    authenticator was refused for good. The seed is written back exactly as it was read."""
    person = make_person(world, Role.AGENCY_STAFF, Target("agency-a", None), "p@agency-a.example")
    users = world.services.people.kit.people.users
    right, before = users.seal, _row(world, person.user_id)["TotpSecret"]
    users.seal = Seal(b"the other slot's pepper", "totp")
    signin = world.services.people.signin
    first = signin.password(person.email, person.password, "10.0.0.1")
    with pytest.raises(SignInFailed):
        signin.second_factor(first.cookie, pyotp.TOTP(person.secret).at(world.clock.now()), "x")
    first = signin.password(person.email, person.password, "10.0.0.1")
    signin.second_factor(first.cookie, person.codes[0], "10.0.0.1")  # a recovery code: saved
    after = _row(world, person.user_id)
    assert len(json.loads(after["RecoveryHashes"])) == len(person.codes) - 1
    assert after["TotpSecret"] == before
    users.seal = right  # the slot swapped back
    world.clock.advance(seconds=60)
    _sign_in(world, person)


def test_an_enrolment_under_way_survives_an_instance_with_another_pepper(world):
    person = make_person(world, Role.AGENCY_STAFF, Target("agency-a", None), "e@agency-a.example")
    people = world.services.people
    pending, _, _ = people.accounts.start_totp(_signed_again(world, person))
    users = people.kit.people.users
    right, stored = users.seal, json.loads(_row(world, person.user_id)["Extra"])["pending_totp"]
    users.seal = Seal(b"the other slot's pepper", "totp")
    user, etag = users.get(person.user_id)
    users.save(replace(user, name="Renamed by an admin"), etag)
    assert json.loads(_row(world, person.user_id)["Extra"])["pending_totp"] == stored
    users.seal = right
    assert people.accounts.pending_totp(users.get(person.user_id)[0]) == pending


def test_a_factor_reset_lets_a_seed_it_cannot_open_go(world):
    """Only a change of factor clears what this instance could not open."""
    person = make_person(world, Role.AGENCY_STAFF, Target("agency-a", None), "r@agency-a.example")
    users = world.services.people.kit.people.users
    users.seal = Seal(b"the other slot's pepper", "totp")
    world.services.people.admin.reset_factor_by_operator(person.email)
    assert _row(world, person.user_id).get("TotpSecret") is None
