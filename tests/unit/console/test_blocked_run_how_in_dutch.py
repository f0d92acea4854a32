"""The blocked settlement run's item page read its ``how`` in English on the agency's Dutch
console ("record it with `inning agency update agency-a --iban <account>` (docs/operations.md
section 3); the next run finishes this one", agency21 F2's left): Dutch words around the
command, the command itself as the operator types it."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.domain.parties import Agency
from shared.domain.people.authorisation import Role
from shared.domain.settlement.records import RunStatus
from tests.unit.console.conftest import desk_for
from tests.unit.console.test_settlement_run_approval import AGREEMENT
from tests.unit.settlement.conftest import payment

COMMAND = "`inning agency update agency-a --iban &lt;account&gt;`"  # as the page escapes it


def test_the_blocked_runs_item_says_how_in_dutch(world: Any, tenants: Any) -> None:
    world.services.repos.agencies.save(Agency("agency-a", "Acme Incasso", None))
    assert world.agency_a.call("PUT", "/v1/clients/C1/settlement-agreement", AGREEMENT).status == 200  # fmt: skip
    world.services.repos.payments.add(payment(tenants.c1, "p1", date(2025, 3, 1)))
    run = world.services.settlement_runs.run_agency("agency-a", date(2025, 3, 3))
    assert run is not None and run.status is RunStatus.BUILDING
    (item,), _ = world.services.repos.actions.list("@agency-a", kind="settlement_blocked")
    admin = desk_for(world, Role.AGENCY_ADMIN, None, "admin@agency-a.example")
    text = admin.get(f"/agency-actions/{item.action_id}").encoded().decode()
    assert "Oplossing" in text
    assert f"leg de derdengeldenrekening vast met {COMMAND} (docs/operations.md, hoofdstuk 3); de volgende run rondt deze af" in text  # fmt: skip
    assert "record it with" not in text and "the next run finishes" not in text
    english = admin.get(f"/agency-actions/{item.action_id}?lang=en").encoded().decode()
    assert f"record it with {COMMAND} (docs/operations.md section 3)" in english
