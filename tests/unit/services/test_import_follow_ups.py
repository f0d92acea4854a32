"""An invoice import that fails after its invoices were stored, then retried: the retry (all
"unchanged") does the follow-ups the first attempt never got to, so the invoices are dunned,
metered and findable like any other (failure review F5)."""

from __future__ import annotations

from datetime import timedelta

from tests.faults.checks import reminders_sent
from tests.faults.world import build, portfolio
from tests.support.match_index import keep_index
from tests.unit.api.conftest import debtor_row, invoice_row


def _world_with_debtors():  # type: ignore[no-untyped-def]
    world = build(0, 0.0)
    portfolio(world, debtors=3)  # D0-D2 with F0a, F0b, F1a, F2a: imported without faults
    added = world.api.call(
        "POST", "/v1/clients/C1/debtors", {"items": [debtor_row(f"E{i}") for i in range(3)]}
    )
    assert added.status == 200
    # a statement met the client: its matching index is kept (perf27), as these tests' were
    client_id = world.services.repos.clients.ids_for_numbers("agency-a", ["C1"])["C1"]
    keep_index(world.services.repos.store, client_id)
    return world


def _fail_once_after_invoices(
    world, op_kinds=("insert", "upsert", "replace", "delete", "transact")
):  # type: ignore[no-untyped-def]
    """One failed storage write right after the Invoices transaction, then storage is fine."""
    state = {"armed": True, "invoices_written": False}

    def blip(op: str, table: str) -> bool:
        if not state["armed"]:
            return False
        if table == "Invoices" and op == "transact":
            state["invoices_written"] = True
            return False
        if state["invoices_written"] and op in op_kinds:
            state["armed"] = False
            return True
        return False

    world.plan.enabled = True
    world.plan.rule(blip, "reset", times=1)


def _run_days(world, days: int) -> None:  # type: ignore[no-untyped-def]
    start = world.clock.now()
    for n in range(days):
        world.clock.at = start.replace(hour=5) + timedelta(days=n)
        world.host.timer(world.services.dunning.fan_out)
        world.host.run_until(world.clock.now().replace(hour=22))


def _marks(world, numbers: list[str]) -> dict[str, tuple[str, ...]]:  # type: ignore[no-untyped-def]
    client_id = world.services.repos.clients.ids_for_numbers("agency-a", ["C1"])["C1"]
    stored = world.services.repos.invoices.get_many(client_id, numbers)
    return {n: s.follow_ups for n, s in stored.items() if s.follow_ups}


def test_a_retried_import_dunns_the_invoices_the_failed_attempt_stored() -> None:
    world = _world_with_debtors()
    _fail_once_after_invoices(world)
    rows = [invoice_row(f"G{i}", f"E{i}", due_date="2025-03-04") for i in range(3)]
    first = world.api.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    assert first.status in (500, 503)  # storage failed after the invoices were stored
    assert _marks(world, ["G0"]) == {"G0": ("G0", "G1", "G2")}  # follow-ups still to do

    retry = world.api.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    assert retry.status == 200 and retry.body["unchanged"] == 3
    assert _marks(world, ["G0", "G1", "G2"]) == {}  # done, and the mark is off

    _run_days(world, 40)
    sent = reminders_sent(world)
    for number in ("G0", "G1", "G2"):
        assert any(key[0] == number for key in sent), f"{number} never reminded: {sorted(sent)}"
    assert any(key[0].startswith("F") for key in sent)


def test_a_clean_import_leaves_no_mark_and_a_resend_writes_nothing() -> None:
    world = _world_with_debtors()
    rows = [invoice_row(f"G{i}", f"E{i}", due_date="2025-03-04") for i in range(3)]
    assert world.api.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["created"] == 3
    assert _marks(world, ["G0", "G1", "G2"]) == {}
    writes: list[tuple[str, str]] = []

    def spy(op: str, table: str) -> bool:
        if op in ("insert", "upsert", "replace", "delete", "transact", "merge"):
            writes.append((op, table))
        return False

    world.plan.enabled = True
    world.plan.rule(spy, "reset", times=10**6)  # only watches: never matches
    again = world.api.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    assert again.status == 200 and again.body["unchanged"] == 3
    assert writes == []


def test_an_interrupted_update_is_marked_only_when_a_follow_up_has_work() -> None:
    world = _world_with_debtors()
    rows = [invoice_row(f"G{i}", f"E{i}", due_date="2025-03-04") for i in range(3)]
    assert world.api.call("POST", "/v1/clients/C1/invoices", {"items": rows}).status == 200

    _fail_once_after_invoices(world)  # only the description changes: nothing to follow up
    described = [dict(r, description="herinnering") for r in rows]
    assert world.api.call("POST", "/v1/clients/C1/invoices", {"items": described}).status == 200
    assert _marks(world, ["G0", "G1", "G2"]) == {}
    assert world.plan.rules[-1].times == 1  # no follow-up wrote anything after the invoices
    world.plan.rules.clear()

    _fail_once_after_invoices(world)  # a new due date: schedule, match index and sums move
    moved = [dict(r, due_date="2025-03-20") for r in described]
    first = world.api.call("POST", "/v1/clients/C1/invoices", {"items": moved})
    assert first.status in (500, 503)
    assert _marks(world, ["G0"]) == {"G0": ("G0", "G1", "G2")}
    retry = world.api.call("POST", "/v1/clients/C1/invoices", {"items": moved})
    assert retry.status == 200 and retry.body["unchanged"] == 3
    assert _marks(world, ["G0", "G1", "G2"]) == {}


def test_a_chunk_refused_by_its_own_retried_transaction_still_follows_up() -> None:
    """failure20 I1: the chunk's transaction applied, its answer a 500/504, the storage client
    sent it again and met its own inserts (409): the chunk read its invoices again, found them
    as written, called them unchanged and left them without follow-ups: no match-index rows,
    no dunning schedule, no usage meter or search keys, their marks on for good (the client,
    answered 200 "unchanged", never sends them again)."""
    from shared.ports.tables import Conflict, TransactionFailed

    world = _world_with_debtors()
    store = world.services.repos.invoices.store
    real = store.transact
    left = {"n": 1}

    def applied_then_409(table, ops):  # type: ignore[no-untyped-def]
        done = real(table, ops)
        if table == "Invoices" and left["n"] and any(o.row.rk.startswith("i|") for o in ops):
            left["n"] -= 1
            raise TransactionFailed(0, Conflict("409: the retried batch met its own insert"))
        return done

    store.transact = applied_then_409
    rows = [invoice_row(f"G{i}", f"E{i}", due_date="2025-03-04") for i in range(3)]
    reply = world.api.call("POST", "/v1/clients/C1/invoices", {"items": rows})
    store.transact = real
    assert reply.status == 200 and left["n"] == 0
    # failure21: the invoices this request made are told as made, not as found unchanged
    assert (reply.body["created"], reply.body["unchanged"]) == (3, 0), reply.body
    assert _marks(world, ["G0", "G1", "G2"]) == {}
    client_id = world.services.repos.clients.ids_for_numbers("agency-a", ["C1"])["C1"]
    index = world.services.repos.invoices.match_index
    assert sorted(o.number for d in ("E0", "E1", "E2") for o in index.of_debtor(client_id, d)) == [
        "G0",
        "G1",
        "G2",
    ]
    _run_days(world, 40)
    sent = reminders_sent(world)
    for number in ("G0", "G1", "G2"):
        assert any(key[0] == number for key in sent), f"{number} never reminded: {sorted(sent)}"
