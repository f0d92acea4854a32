"""The matching index is (re)built the first time a statement meets a client (or once after a
version change) from a read of all open invoices; an invoice changed between that read and the
index write (here: staff credit F1; a concurrent delivery or a Mollie payment does the same)
must not get its old rows written back (review failure3, finding 2). Failed before the build
read the invoices again after its write (``MatchIndexRepository.ensure_built``)."""

from __future__ import annotations

from shared.adapters.tables.match_index_repo import MATCH_INDEX
from tests.faults import test_statement_window_redelivery as w


def test_a_credit_note_during_the_index_build_is_not_undone():
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
    world.plan.enabled = True
    assert w._deliver(world, data)
    world.plan.enabled = False
    assert done == ["F1"]
    stored = svc.repos.invoices.get(cid, "F1")
    assert stored is not None
    f1 = stored.invoice
    rows = [r for r in world.store.query(MATCH_INDEX, pk=cid).rows if r.data.get("Number") == "F1"]
    print("F1 status:", f1.status.value, "open:", f1.open_amount)
    print("index rows for F1:", [(r.rk, r.data.get("Open")) for r in rows])
    consistent = w._booked_once_and_consistent(world)
    print("index vs invoices:", consistent["index vs invoices"])
    assert consistent["index vs invoices"] == {}, "index lists an invoice that is not open"
