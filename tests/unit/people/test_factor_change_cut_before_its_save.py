"""failure15c #2: a factor change cut before its user's save (a reset on the Users replace) had
already written FACTOR_ENROLLED and queued the "factor changed" mail under a key of the person
and the next epoch only: a factor that never changed was told changed, and the next real change
(a new app the next day, saved at that same epoch) got the same mail key, so the outbox kept
the first mail and the real change was not mailed. The change is saved first with a note "to
tell", then told keyed by the change, then the note cleared; a cut after the save is told by
the person's next sign-in."""

from __future__ import annotations

from dataclasses import replace

import pyotp

from shared.adapters.tables.people_repo import AuditRepository
from shared.domain.people.accounts import User
from shared.domain.people.authorisation import Role, Target
from shared.services.people.kit import Kit
from tests.support.faults import FaultPlan
from tests.unit.api.conftest import World, make_world
from tests.unit.people.conftest import make_person, sign_in
from tests.unit.people.cut_off import cut_at_write


def _user(kit: Kit) -> User:
    found = kit.people.users.by_email("p@a.example")
    assert found is not None
    return found[0]


def _enrolled(world: World) -> int:
    events = AuditRepository(world.store).between("agency:agency-a", "", "~")
    return [e.event.name for e in events].count("FACTOR_ENROLLED")


def test_a_change_cut_before_its_save_is_not_told_and_the_next_real_one_is() -> None:
    plan = FaultPlan(enabled=True)
    world = make_world(faults=plan)
    person = make_person(world, Role.AGENCY_ADMIN, Target("agency-a", None), "p@a.example")
    accounts = world.services.people.accounts
    kit = world.services.people.kit
    secret, _, _ = accounts.start_totp(person.signed)
    world.clock.advance(seconds=30)
    sent0, events0 = list(kit.sent), _enrolled(world)
    replaces: list[str] = []

    def the_change_save(op: str, table: str) -> bool:  # the 1st notes the confirmation's time
        if op == "replace" and table == "Users":
            replaces.append(table)
            return len(replaces) == 2
        return False

    plan.rule(the_change_save, "reset")
    try:
        accounts.confirm_totp(person.signed, pyotp.TOTP(secret).at(world.clock.now()), "10.0.0.1")
        first = "ok"
    except Exception as exc:
        first = type(exc).__name__
    plan.rules.clear()
    user = _user(kit)
    cut = {"first": first, "factor changed": user.totp_secret == secret,
           "mails": len(kit.sent) - len(sent0), "events": _enrolled(world) - events0}  # fmt: skip
    assert len(replaces) == 2
    assert cut == {"first": "ServiceRequestError", "factor changed": False, "mails": 0,
                   "events": 0}, cut  # fmt: skip
    # the next day the person enrols a new app instead (a new secret): a real change, told
    world.clock.advance(hours=20)
    secret2, _, _ = accounts.start_totp(person.signed)
    world.clock.advance(seconds=30)
    accounts.confirm_totp(person.signed, pyotp.TOTP(secret2).at(world.clock.now()), "10.0.0.1")
    user = _user(kit)
    assert user.totp_secret == secret2
    assert (len(kit.sent) - len(sent0), _enrolled(world) - events0) == (1, 1)


def test_a_change_cut_after_its_save_is_told_at_the_next_sign_in() -> None:
    plan = FaultPlan(enabled=True)
    world = make_world(faults=plan)
    person = make_person(world, Role.AGENCY_ADMIN, Target("agency-a", None), "p@a.example")
    accounts = world.services.people.accounts
    kit = world.services.people.kit
    secret, _, _ = accounts.start_totp(person.signed)
    world.clock.advance(seconds=30)
    sent0, events0 = len(kit.sent), _enrolled(world)
    log = cut_at_write(plan, None, "crash_after")
    accounts.confirm_totp(person.signed, pyotp.TOTP(secret).at(world.clock.now()), "10.0.0.1")
    plan.rules.clear()
    saved = log.index(("replace", "Users"), 1) + 1  # the change's save (after its confirmation)
    # again, cut right after the change's save: saved, neither event nor mail made
    world = make_world(faults=plan)
    person = make_person(world, Role.AGENCY_ADMIN, Target("agency-a", None), "p@a.example")
    accounts = world.services.people.accounts
    kit = world.services.people.kit
    secret, _, _ = accounts.start_totp(person.signed)
    world.clock.advance(seconds=30)
    sent0, events0 = len(kit.sent), _enrolled(world)
    cut_at_write(plan, saved, "crash_after")
    try:
        accounts.confirm_totp(person.signed, pyotp.TOTP(secret).at(world.clock.now()), "10.0.0.1")
    except BaseException as exc:  # the simulated crash
        assert type(exc).__name__ == "SimulatedCrash", exc
    plan.rules.clear()
    user = _user(kit)
    assert user.totp_secret == secret
    assert (len(kit.sent) - sent0, _enrolled(world) - events0) == (0, 0)
    world.clock.advance(minutes=5)
    sign_in(world, replace(person, secret=secret))
    logins = 1  # the sign-in's own "new sign-in" mail
    assert (len(kit.sent) - sent0 - logins, _enrolled(world) - events0) == (1, 1)
    sign_in(world, replace(person, secret=secret))  # told once
    assert (len(kit.sent) - sent0 - 2 * logins, _enrolled(world) - events0) == (1, 1)
