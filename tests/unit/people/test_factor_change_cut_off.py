"""failure15b Q5: an active person changes their second factor (new TOTP app); the confirm
request is cut off after each storage write; the person retries with the code from the new app.
Uncut: the new factor, a FACTOR_ENROLLED audit event and the "factor changed" mail (README:
"Mail on every new sign-in and factor/password change"; "Audit: every security event ...
factor enrolled"). Before the fix the user was saved first: a cut after that save left the
factor changed with no event and no mail, and the retry was refused "code does not match"."""

from __future__ import annotations

import pyotp
import pytest

from shared.adapters.tables.people_repo import AuditRepository
from shared.domain.people.authorisation import Role, Target
from shared.domain.people.factors import normal_recovery_code
from shared.services.errors import Invalid
from tests.support.faults import FaultPlan, SimulatedCrash
from tests.unit.api.conftest import make_world
from tests.unit.people.conftest import make_person
from tests.unit.people.cut_off import cut_at_write


def _run(cut, kind):
    plan = FaultPlan(enabled=True)
    world = make_world(faults=plan)
    person = make_person(world, Role.AGENCY_ADMIN, Target("agency-a", None), "p@a.example")
    accounts = world.services.people.accounts
    kit = world.services.people.kit
    secret, _, _ = accounts.start_totp(person.signed)
    world.clock.advance(seconds=30)
    mails = len(kit.sent)
    audit_before = len([e for e in _audit(world)])
    log = cut_at_write(plan, cut, kind)
    try:
        accounts.confirm_totp(person.signed, pyotp.TOTP(secret).at(world.clock.now()), "10.0.0.1")
        first = "ok"
    except (Exception, SimulatedCrash) as exc:
        first = type(exc).__name__
    plan.rules.clear()
    retry = None
    if first != "ok":
        world.clock.advance(seconds=30)
        try:
            accounts.confirm_totp(
                person.signed, pyotp.TOTP(secret).at(world.clock.now()), "10.0.0.1"
            )
            retry = "ok"
        except Invalid as exc:
            retry = f"Invalid({exc.code})" if hasattr(exc, "code") else "Invalid"
        except Exception as exc:
            retry = type(exc).__name__
    found = kit.people.users.by_email("p@a.example")
    assert found is not None
    user = found[0]
    events = [e for e in _audit(world)][audit_before:]
    return (
        log,
        first,
        retry,
        {
            "new factor": user.totp_secret == secret,
            "FACTOR_ENROLLED": events.count("FACTOR_ENROLLED"),
            "mails": len(kit.sent) - mails,
            "old recovery codes valid": kit.hashed(
                "recovery", normal_recovery_code(person.codes[0])
            )
            in user.recovery_hashes,
        },
    )


def _audit(world):
    repo = AuditRepository(world.store)  # the store as it is, under the faults
    return [e.event.name for e in repo.between("agency:agency-a", "", "~")]


@pytest.mark.parametrize("kind", ["timeout_after", "crash_after"])
def test_a_factor_change_cut_after_any_write_is_audited_and_mailed(kind):
    log, first, _, uncut = _run(None, kind)
    assert first == "ok" and uncut == {
        "new factor": True,
        "FACTOR_ENROLLED": 1,
        "mails": 1,
        "old recovery codes valid": False,
    }, uncut
    bad = []
    for k in range(1, len(log) + 1):
        _, first, retry, out = _run(k, kind)
        # the same end as uncut, one event and one mail; cut before the user's save the next
        # code finishes it (after the save the old session has ended with its epoch: the
        # person signs in again, with the new factor)
        saved = ("replace", "Users") in log[:k]
        if out != uncut or (not saved and retry != "ok"):
            bad.append((k, log[k - 1], first, retry, out))
    assert bad == [], "\n".join(map(str, bad))
