"""A bank return saved on a payment row while a follow-up of the ledger holds a read of it is
not saved over (failure14 F4): every write of the row is conditional on the read it changes.

The story of test_payment_redesignation.py: stmt-line-1 (506.00, received 15-1) booked on F1, its
payer named F2. Was: the correction's finish (`Redesignation._finish`, also the daily run's
`finish_left_over`) read the row, the bank's return (AC04) ran whole, and the finish saved the row
it read with its booked invoices: `reversed=False` on money that went back (the ledger had the
return: F1 1,000.00 and F2 500.00 principal open), in the payments API, exports and settlement;
nothing healed it. The ledger's follow-up of a payment whose money another change moved
(`credit._follow`) had the same shape.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from shared.domain.records import PaymentSource
from shared.services.ledger import credit as C
from shared.services.ledger import redesignation as R
from tests.unit.payments.test_payment_redesignation import BODY, PATH, _booked_on_f1
from tests.unit.payments.test_payment_redesignation_failures import (
    AS_WITHOUT,
    CORRECTED,
    _principals,
    _returned,
    _row,
)


def _return_after_the_read_in(
    world: Any, monkeypatch: Any, owner: Any, name: str, client: Any
) -> dict[str, bool]:
    """The bank's return of stmt-line-1 runs whole right after the first read of its row made
    inside ``owner.name`` (whatever the read is: ``get`` or ``get_versioned``)."""
    repo = world.services.repos.payments
    state = {"inside": False, "returned": False}
    real = getattr(owner, name)

    def inside(*args: Any, **kw: Any) -> Any:
        state["inside"] = True
        try:
            return real(*args, **kw)
        finally:
            state["inside"] = False

    def after_read(read: Callable[..., Any]) -> Callable[..., Any]:
        def reading(client_id: str, payment_id: str) -> Any:
            got = read(client_id, payment_id)
            if state["inside"] and payment_id == "stmt-line-1" and not state["returned"]:
                state["returned"] = True
                state["inside"] = False
                _returned(world, client)  # the bank's return, whole, on the row just read
                state["inside"] = True
            return got

        return reading

    monkeypatch.setattr(owner, name, inside)
    monkeypatch.setattr(repo, "get", after_read(repo.get))
    monkeypatch.setattr(repo, "get_versioned", after_read(repo.get_versioned))
    return state


def test_a_return_while_the_correction_finishes_stays_on_the_row(world: Any, monkeypatch: Any):
    client = _booked_on_f1(world)
    world.clock.at = CORRECTED
    state = _return_after_the_read_in(world, monkeypatch, R.Redesignation, "_finish", client)
    reply = world.agency_a.call("PUT", PATH, BODY)
    assert state["returned"]
    assert reply.status == 200, reply.body  # the correction was booked before the money went
    assert _principals(world) == AS_WITHOUT  # the ledger took the return
    row = _row(world, client)
    assert row.reversed and row.reversed_on == date(2026, 2, 1), row  # was reversed=False
    assert row.designated == ("F2",)  # the correction's designation, saved before the return


def test_a_return_while_a_moved_payment_follows_the_ledger_stays_on_the_row(
    world: Any, monkeypatch: Any
) -> None:
    """A back-dated payment q (10-1, on F1) restates D1's claims and moves stmt-line-1's money:
    its follow-up reads stmt-line-1's row, the return runs whole, the follow-up goes on."""
    client = _booked_on_f1(world)
    world.clock.at = CORRECTED
    state = _return_after_the_read_in(world, monkeypatch, C, "_follow", client)
    world.services.payments.book(
        client, payment_id="q", amount=10000, received_on=date(2026, 1, 10),
        source=PaymentSource.BANK, invoice_numbers=["F1"],
    )  # fmt: skip
    assert state["returned"]
    row = _row(world, client)
    assert row.reversed and row.reversed_on == date(2026, 2, 1), row  # was reversed=False


def test_no_etag_less_write_of_a_payment_row_is_left():
    """codereview14 F5: ``PaymentRepository.save`` (an upsert over whatever is stored) had no
    caller left, but stayed for the next writer to save a row read before a return over it.
    A payment row is inserted once and then only replaced under the ETag of its read."""
    from shared.adapters.tables.records_repo import PaymentRepository
    from tests.support.code_scan import ROOT

    assert not hasattr(PaymentRepository, "save")
    source = (ROOT / "shared" / "adapters" / "tables" / "records_repo.py").read_text()
    assert "upsert(schema.PAYMENTS," not in source
