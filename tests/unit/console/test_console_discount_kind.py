"""law15c F1 in the console: the dossier's credit form books part of the principal as a
correction of the invoice (never owed: its interest goes) or as a discount from today (the
interest and costs owed up to today stay); the confirmation says which, and an unknown kind
is refused."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.console.test_console_claim_work import claim, seed


def _credit(world, tenants, kind: str) -> tuple[int, int, str]:  # type: ignore[no-untyped-def]
    world.clock.at = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)
    before = claim(world, tenants, "F1").open
    assert before.interest > 0
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    dossier = admin.get("/dossier/D1")
    assert 'name="kind"' in dossier.encoded().decode()
    fields = {"csrf": csrf_of(dossier), "do": "credit", "invoice": "F1", "amount": "10,00",
              "reference": "K-1", "reason": "goodwill", "kind": kind}  # fmt: skip
    shown = admin.post("/dossier/D1", fields).encoded().decode()
    done = admin.post("/dossier/D1", {**fields, "confirm": "yes"})
    assert done.status == 303, done.encoded()[:600]
    after = claim(world, tenants, "F1").open
    assert after.principal == before.principal - 1_000
    return before.interest, after.interest, shown


def test_a_discount_keeps_the_interest_owed_up_to_today(world, tenants):
    seed(world)
    before, after, shown = _credit(world, tenants, "discount")
    assert after == before  # before: the part's interest taken back from the first day
    assert "Korting K-1" in shown or "Discount K-1" in shown
    assert 'name="kind" value="discount"' in shown  # carried to the confirmation


def test_a_correction_takes_the_parts_interest_back(world, tenants):
    seed(world)
    before, after, shown = _credit(world, tenants, "correction")
    assert after < before
    assert "Creditnota K-1" in shown or "Credit note K-1" in shown


def test_an_unknown_kind_is_refused(world, tenants):
    seed(world)
    world.clock.at = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)
    admin = desk_for(world, Role.CLIENT_ADMIN, tenants.c1, "a@c1.example")
    dossier = admin.get("/dossier/D1")
    fields = {"csrf": csrf_of(dossier), "do": "credit", "invoice": "F1", "amount": "10,00",
              "reference": "K-1", "kind": "gift", "confirm": "yes"}  # fmt: skip
    assert admin.post("/dossier/D1", fields).status != 303
    assert claim(world, tenants, "F1").credited.principal == 0
