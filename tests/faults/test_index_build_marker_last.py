"""The matching index build writes its BUILT marker last, after its read-back repair: staff
credit F1 between the build's read and its index write (as in test_index_from_stale_build.py)
and the worker dies right after the marker is written; on the old order (marker, then repair)
the redelivery found the marker and built nothing, and the credited F1 stayed in the index as
open. Now the repair is done before the marker, and a crash before the marker builds again on
the redelivery (failure4 finding 5)."""

from __future__ import annotations

from shared.adapters.tables.match_index_repo import MATCH_INDEX
from tests.faults import test_statement_window_redelivery as w


def test_a_crash_between_the_build_marker_and_its_repair():
    world, data, _ = w._world()
    svc = world.services
    client = next(iter(svc.repos.clients.all()))
    cid = client.client_id
    done: list[str] = []

    def credit_before_index_write(op: str, target: str) -> bool:
        if op == "transact" and target == MATCH_INDEX and not done:
            done.append("F1")
            svc.invoice_status.credit(client, "F1", "staff")  # the console, meanwhile
        return False

    world.plan.rule(credit_before_index_write, "reset")
    # the build's marker (the only plain upsert on MatchIndex: its "begun" mark is an insert)
    # is written, then the worker dies
    world.plan.rule(lambda op, target: op == "upsert" and target == MATCH_INDEX, "crash_after")
    world.plan.enabled = True
    w._deliver(world, data)
    world.plan.enabled = False
    assert "crash_after" in str(world.plan.log)  # the worker did die after the marker
    w._deliver(world, data)  # the host delivers the blob again
    stored = svc.repos.invoices.get(cid, "F1")
    assert stored is not None and stored.invoice.open_amount == 0  # credited
    rows = [r for r in world.store.query(MATCH_INDEX, pk=cid).rows if r.data.get("Number") == "F1"]
    assert rows == [], [r.rk for r in rows]
    consistent = w._booked_once_and_consistent(world)
    assert consistent["index vs invoices"] == {}, "index lists an invoice that is not open"
