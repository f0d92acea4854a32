"""codereview15 F1: ``money_booked`` read the claims' ``h|`` rows (a ``get_many``) on every
booking of every client: one more storage request a booking (portal, Mollie, API, direct
debit), also for a client none of whose debtors ever had a bankruptcy or WSNP end. Now the
client's row says whether one ended (``rulings_ended``, set when one ends and by the one
pass), and a booking of a client without reads nothing more.

test_standing_ruling_claims' world: F1 1,159.32 of consumer D1."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from shared.domain.records import PaymentSource
from tests.unit.standing.test_standing_ruling_claims import _at, _set, _world

METHODS = ("get", "get_many", "query", "insert", "upsert", "replace", "transact", "delete",
           "merge")  # fmt: skip


def _counted(w: Any) -> list[tuple[str, Any]]:
    """Every request the store is asked from now on: (method, the keys of a get_many)."""
    store = w.services.repos.store
    calls: list[tuple[str, Any]] = []
    for name in METHODS:
        real = getattr(store, name, None)
        if real is None:
            continue

        def counted(*a: Any, _n: str = name, _r: Any = real, **kw: Any) -> Any:
            calls.append((_n, list(a[2]) if _n == "get_many" and len(a) > 2 else None))
            return _r(*a, **kw)

        setattr(store, name, counted)
    return calls


def _h_reads(calls: list[tuple[str, Any]]) -> list[Any]:
    return [keys for n, keys in calls if n == "get_many" and any(str(k).startswith("h|")
                                                                for k in keys or ())]  # fmt: skip


def _client(w: Any) -> Any:
    return w.services.access.client_for(w.services.access.authenticate(w.agency_a.key), "C1")


def _book(w: Any, pid: str, on: date) -> None:
    w.services.payments.book(_client(w), payment_id=pid, amount=100_00, received_on=on,
                             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip


def test_a_booking_of_a_client_without_an_ended_ruling_reads_no_h_rows() -> None:
    w: Any = _world()
    _at(w, date(2026, 2, 20))
    client = _client(w)
    assert not client.rulings_ended
    calls = _counted(w)
    _book(w, "p1", date(2026, 2, 20))
    assert _h_reads(calls) == [], calls  # before: one get_many of ['h|F1'] a booking
    # a ruling that ends flags the client: its bookings read the h| rows from then on (one)
    _at(w, date(2026, 2, 21))
    _set(w, {"standing": "bankrupt", "since": "2026-02-21"})
    _at(w, date(2026, 3, 1))
    _set(w, {"standing": "normal", "reason": "ended"})
    assert _client(w).rulings_ended
    calls.clear()
    _book(w, "p2", date(2026, 3, 2))
    assert len(_h_reads(calls)) == 1, calls


def test_the_clients_import_keeps_the_flag() -> None:
    """A client imported again as a whole row (``given`` None) keeps ``rulings_ended``: it
    is no setting of the client's (reset, its bookings would skip the h| rows again)."""
    w: Any = _world()
    client = _client(w)
    w.services.repos.clients.save(replace(client, rulings_ended=True))
    draft = replace(client, name="Bakkerij Client One B.V.", rulings_ended=False)
    w.services.imports.upsert_clients(client.agency_id, [(0, draft)])
    assert _client(w).name == "Bakkerij Client One B.V."
    assert _client(w).rulings_ended
