"""A statement line paying a debtor with a running plan over the principal reads that plan
as often as before ledger18 gave claims their plans' installments (codereview18 F3): the
window's claims read and its principal-first check share one read, and the plan's own run
passes the plan it holds to the claims it replays (54 -> 52 requests, 5 -> 3 plan reads)."""

from __future__ import annotations

from typing import Any

from shared.domain.statements.mt940_writer import OutLine, write_mt940
from tests.support.match_index import keep_index
from tests.unit.api.conftest import world  # noqa: F401
from tests.unit.services.test_statement_window import (
    ACCOUNT,
    PAID_ON,
    PAYER,
    reference,
    service,
    setup,
)


def test_a_line_paying_a_principal_plan_reads_the_plan_no_more_than_before(world: Any) -> None:  # noqa: F811
    a = setup(world)
    client_id = a.call("GET", "/v1/clients/C1").body["client_id"]
    keep_index(world.services.repos.store, client_id)  # a statement met it: index kept
    made = a.call("POST", "/v1/clients/C1/plans", {
        "debtor": "D1", "invoices": ["F1"], "include_costs": False, "start": "2025-03-31",
        "installments": 2,
    })  # fmt: skip
    plan_id = made.body["plan_id"]
    assert a.call("POST", f"/v1/clients/C1/plans/{plan_id}/activate").status == 200
    store = world.services.repos.store
    plan_reads: list[str] = []
    get = store.get

    def counted(table: str, pk: str, rk: str, *args: Any, **kw: Any) -> Any:
        if table == "PaymentPlans":
            plan_reads.append(rk)
        return get(table, pk, rk, *args, **kw)

    store.get = counted
    line = OutLine(PAID_ON, 5_000, "", counterparty_iban=PAYER, counterparty_name="J de Vries",
                   reference=reference(world, "F1"), end_to_end_id="P1")  # fmt: skip
    data = write_mt940(ACCOUNT, [line], opening=0, opening_date=PAID_ON, statement_id="S9")
    before = store.requests
    report = service(world, 50).ingest("agency-a/plan.sta", data.encode())
    assert report.booked == 1
    # the window's one (claims and principal first), the plan's run's two (its own reads)
    assert len(plan_reads) == 3
    assert store.requests - before <= 52
    shown = a.call("GET", f"/v1/clients/C1/plans/{plan_id}")
    assert shown.status == 200
    assert shown.body["paid"] == "50.00"  # the booking reached the plan, as before
    assert [i["paid"] for i in shown.body["installments"]] == ["50.00", "0.00"]
