"""The dunning holds of plans the creditor ended while the debtor kept them (law16b F4,
``PlanInvoices`` partition ``<client>|ended``) are read once per client on the daily run, not
once per debtor (misc17b: the run of 8 debtors read that partition 8 times; now once), and
they hold as before."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.adapters.tables.plans_repo import (
    PLAN_INVOICES,
    PlanRepository,
    ended_partition,
    held_after_end,
    held_by_plan,
)
from tests.unit.api.conftest import client_row, debtor_row, invoice_row, world  # noqa: F401
from tests.unit.dunning.test_daily_run import SEEN, TEMPLATES, WORKFLOW, day

DEBTORS = [f"D{n}" for n in range(1, 9)]


def _client(world: Any) -> Any:  # noqa: F811
    SEEN.clear()
    a = world.agency_a
    world.clock.at = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("C1", contact_email="f@c1.example")]})
    a.call("POST", "/v1/clients/C1/debtors", {"items": [debtor_row(d) for d in DEBTORS]})
    for template_id, body in TEMPLATES.items():
        assert a.call("PUT", f"/v1/clients/C1/templates/{template_id}", body).status == 200
    assert a.call("PUT", "/v1/clients/C1/workflows/w", WORKFLOW).status == 200
    assert a.call("POST", "/v1/clients/C1/workflows/w/activate").status == 200
    a.call("PUT", "/v1/clients/C1/segment-rules", {"rules": [{"workflow": "w"}]})
    rows = [invoice_row(f"F{d[1:]}", d, due_date="2025-03-10") for d in DEBTORS]
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).status in (200, 201, 207)
    return world.services.access.client_for(world.services.access.authenticate(a.key), "C1")


def test_the_daily_run_reads_the_ended_plans_holds_once_for_all_its_debtors(world) -> None:  # noqa: F811
    client = _client(world)
    # a plan of D3's the creditor ended while D3 kept it holds F3 to its last day
    PlanRepository(world.store).hold_after_end(client.client_id, "PL1", ("F3",), date(2025, 4, 30))
    ended_pk = ended_partition(client.client_id)
    reads: list[str] = []
    store = world.store
    real_get_many, real_query, real_get = store.get_many, store.query, store.get

    def get_many(table: str, pk: str, rks: Any) -> Any:
        if table == PLAN_INVOICES and pk == ended_pk:
            reads.append("get_many")
        return real_get_many(table, pk, rks)

    def query(table: str, **kw: Any) -> Any:
        if table == PLAN_INVOICES and kw.get("pk") == ended_pk:
            reads.append("query")
        return real_query(table, **kw)

    def get(table: str, pk: str, rk: str) -> Any:
        if table == PLAN_INVOICES and pk == ended_pk:
            reads.append("get")
        return real_get(table, pk, rk)

    store.get_many, store.query, store.get = get_many, query, get
    world.clock.at = datetime(2025, 3, 17, 8, 0, tzinfo=UTC)  # the reminders' day (due + 7)
    before = store.requests
    sent = day(world, client)
    # the whole day (the run and its 7 sends) made 253 requests of the store, then 246; the
    # run's daily look at ended disputes and handed-over tasks (tasks20) reads the client's
    # open items of those kinds: 4 more a client a day, not a debtor; and the agency's waiting
    # new_case items (cases22: the item of a case paid or withdrawn closed), 2 more; and
    # whether a hold for want of a bank account is to be released (handed24): 1 a client a day;
    # the account debtors pay into (iban28: proven or nobody's): 1 a client account a day;
    # what a failed import of an older version left under `t|` and `d|` (perf28b: the import
    # reads only `w|` now, so the run finishes those): 2 a client a day; whether the account
    # a reminder names is still the client's when it goes (outbox31: its owner row and the
    # client, then trusted for half a minute): 2 for the day's 7 sends; whether the client's
    # go-live day has come when its dunning messages go (golive33: the client read once a
    # process and client, trusted for half a minute): 1 for the day's 7 sends
    assert store.requests - before <= 259
    dunned = sorted(debtor for _, _, debtor, _ in sent)
    assert dunned == [d for d in DEBTORS if d != "D3"], dunned  # F3 held as before
    # the run (8 debtors) read the partition once; messaging's check right before each of
    # the 7 reminders goes out reads it afresh (a hold written since the run still holds)
    run_reads = len(reads) - len(sent)
    assert run_reads == 1, (reads, len(sent))


def test_the_holds_read_once_answer_as_the_read_per_debtor(world) -> None:  # noqa: F811
    client = _client(world)
    plans = PlanRepository(world.store)
    plans.hold_after_end(client.client_id, "PL1", ("F3", "F5"), date(2025, 4, 30))
    assert plans.hold_invoices(client.client_id, "PL2", ("F6",)) is None
    once = held_after_end(world.store, client.client_id)
    assert once == {"F3", "F5"}
    for numbers in (["F3"], ["F4", "F5", "F6"], ["F1", "F2"], []):
        assert held_by_plan(world.store, client.client_id, numbers, ended=once) == held_by_plan(
            world.store, client.client_id, numbers, ended=True
        )
    assert held_by_plan(world.store, client.client_id, ["F3", "F6"], ended=False) == {"F6"}
