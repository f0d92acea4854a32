"""cases26: the end of a dispute asked again (``dispute_told(..., retry=True)``) asks whether the
agency was told of a dispute on the invoice. That looked through every dispute item of the
agency, page by page: an agency with many cases read them all on each retry. Now only the
case's own dispute items are read (their ids start with the case's)."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.adapters.tables import schema
from shared.domain.records import ActionItem
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401

OTHERS = 130  # other cases' dispute items: more than a page of the action list


def _others(world):  # type: ignore[no-untyped-def]
    at = datetime(2025, 5, 1, tzinfo=UTC)
    for n in range(OTHERS):
        world.services.repos.actions.add(ActionItem(
            "@agency-a", f"C1-D{n + 100}-x-disputed-{n:04d}", "case_invoice_disputed",
            "Invoice F1 of another case is disputed", at, invoice_numbers=("F1",),
            detail={"case_id": f"C1-D{n + 100}-x", "client_id": "C1"},
        ))  # fmt: skip


def _ended(world):  # type: ignore[no-untyped-def]
    kind = "case_invoice_dispute_ended"
    return [i.action_id for i in world.services.repos.actions.list("@agency-a", kind=kind)[0]]


def _counting(world, monkeypatch):  # type: ignore[no-untyped-def]
    store, read = world.services.repos.store, []
    query = store.query

    def counted(table, **kw):  # type: ignore[no-untyped-def]
        page = query(table, **kw)
        if table == schema.ACTIONS:
            read.extend(page.rows)
        return page

    monkeypatch.setattr(store, "query", counted)
    return read


def test_a_retried_end_reads_only_the_cases_dispute_items(engine, monkeypatch):  # noqa: F811
    world, client = engine
    a = world.agency_a
    handed_over(world, client)
    _others(world)
    assert a.call("POST", "/v1/clients/C1/invoices/F1/dispute", {"reason": "kapot"}).status == 200
    assert a.call("POST", "/v1/clients/C1/invoices/F1/resolve-dispute").status == 200
    ended = _ended(world)
    assert len(ended) == 1

    read = _counting(world, monkeypatch)
    world.services.dunning.cases.dispute_told(client, "F1", None, retry=True)
    # the case's dispute news (the dispute and its end, read together since disputes27 to
    # key the end by the dispute), not the other cases' 130
    assert len(read) == 2
    assert _ended(world) == ended


def test_other_cases_disputes_do_not_count_for_this_one(engine, monkeypatch):  # noqa: F811
    world, client = engine
    handed_over(world, client)
    _others(world)
    read = _counting(world, monkeypatch)
    world.services.dunning.cases.dispute_told(client, "F1", None, retry=True)
    assert read == []
    assert _ended(world) == []
