"""The storage cost of a bulk import does not depend on the order of the numbers sent: what is
stored is read once per request in key order, and the dunning schedule is written once per
request (one row naming the request's invoices, not a row per invoice)."""

from __future__ import annotations

import random

from shared.adapters.tables.dunning_repo import SCHEDULE
from shared.adapters.tables.schema import DEBTORS, INVOICES
from tests.unit.api.conftest import client_row, debtor_row, invoice_row


class CallLog:
    """Counts the store's calls per (method, table) while wrapped around it."""

    def __init__(self, store) -> None:
        self.store = store
        self.calls: dict[tuple[str, str], int] = {}

    def __getattr__(self, name: str):
        inner = getattr(self.store, name)
        if name not in ("get", "get_many", "query", "transact", "upsert", "insert", "replace"):
            return inner

        def counted(table, *args, **kwargs):
            self.calls[(name, table)] = self.calls.get((name, table), 0) + 1
            return inner(table, *args, **kwargs)

        return counted


def _world_with_invoices(world, count: int):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row()]})
    debtors = [debtor_row(f"D{d:03d}") for d in range(50)]
    a.call("POST", "/v1/clients/C1/debtors", {"items": debtors})
    rows = [invoice_row(f"F{i:04d}", debtor=f"D{i % 50:03d}") for i in range(count)]
    return a, rows


def _spy(world) -> CallLog:
    log = CallLog(world.store)
    for repo in vars(world.services.repos).values():
        if hasattr(repo, "store"):
            object.__setattr__(repo, "store", log)
    return log


def test_shuffled_update_costs_what_the_ordered_one_costs(world):
    a, rows = _world_with_invoices(world, 300)
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["created"] == 300
    log = _spy(world)

    ordered = [dict(r, description="eerste") for r in rows]
    a.call("POST", "/v1/clients/C1/invoices", {"items": ordered})
    in_order, log.calls = dict(log.calls), {}

    shuffled = [dict(r, description="tweede") for r in rows]
    random.Random(7).shuffle(shuffled)
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": shuffled}).body["updated"] == 300
    assert log.calls == in_order
    assert log.calls[("get_many", INVOICES)] == 1  # one read for the whole request
    # 300 invoices x 2 rows / 100 (a new description leaves no follow-up: no mark to clear)
    assert log.calls[("transact", INVOICES)] == 6


def test_new_invoices_are_scheduled_in_full_transactions(world):
    a, rows = _world_with_invoices(world, 300)
    log = _spy(world)
    assert a.call("POST", "/v1/clients/C1/invoices", {"items": rows}).body["created"] == 300
    assert log.calls[("transact", SCHEDULE)] == 1  # one import row for the request
    assert log.calls[("get_many", DEBTORS)] == 1


def test_shuffled_debtors_are_read_once(world):
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row()]})
    debtors = [debtor_row(f"D{d:03d}") for d in range(250)]
    random.Random(3).shuffle(debtors)
    log = _spy(world)
    assert a.call("POST", "/v1/clients/C1/debtors", {"items": debtors}).body["created"] == 250
    assert log.calls[("get_many", DEBTORS)] == 1
