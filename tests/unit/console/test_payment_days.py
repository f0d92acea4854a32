"""The payments-by-day index behind the console's payments page: written with the payment,
idempotent under redelivery, a reversal shown, paged by key from the newest day, payments that
predate the index copied once, one client never sees another's."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shared.adapters.tables.keys import encode
from shared.adapters.tables.payment_days_repo import (
    BUILT,
    PAYMENTS_BY_DAY,
    PaymentDayIndex,
    day_key,
    row_key,
    valid_start,
)
from shared.adapters.tables.records_repo import PaymentRepository
from shared.domain.records import Payment, PaymentSource
from shared.ports.tables import Row
from tests.unit.api.conftest import debtor_row, invoice_row


def _payment(client: str, n: int, day: date, amount: int = 1000) -> Payment:
    return Payment(client, f"p{n:03d}", "D1", amount, day, PaymentSource.BANK)


def _rows(world, client_id: str) -> list[Row]:
    return list(world.store.query(PAYMENTS_BY_DAY, pk=encode(client_id), page_size=1000).rows)


def _seed_invoice(world, number: str = "C1") -> None:
    agency = world.agency_a
    assert (
        agency.call("POST", f"/v1/clients/{number}/debtors", {"items": [debtor_row("D1")]}).status
        == 200
    )
    reply = agency.call(
        "POST", f"/v1/clients/{number}/invoices", {"items": [invoice_row("F1", "D1")]}
    )
    assert reply.status == 200, reply.body  # fmt: skip


def test_newer_days_sort_first():
    assert day_key(date(2025, 3, 2)) < day_key(date(2025, 3, 1)) < day_key(date(2024, 12, 31))
    assert len(day_key(date(2025, 3, 2))) == 8
    assert valid_start("97974698|p1") == "97974698|p1"
    assert valid_start("x|p1") is None and valid_start("~built") is None and valid_start("") is None


def test_a_booked_payment_is_in_its_day_and_a_redelivery_writes_nothing_new(world, tenants):
    _seed_invoice(world)
    client = world.services.repos.clients.get(tenants.c1)[0]
    book = world.services.payments.book
    for _ in range(2):  # at-least-once: the same message twice
        book(client, payment_id="p1", amount=2100, received_on=date(2025, 3, 2),
             source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    (row,) = [r for r in _rows(world, tenants.c1) if r.rk != BUILT]
    assert row.rk == f"{day_key(date(2025, 3, 2))}|p1"
    assert (row.data["Amount"], row.data["DebtorNumber"], row.data["Reversed"]) == (
        2100,
        "D1",
        False,
    )
    page = world.services.payment_overview.payments_by_day(client)
    assert [(d.day, [p.payment_id for p in d.payments]) for d in page.items] == [
        (date(2025, 3, 2), ["p1"])
    ]


def test_a_reversal_shows_and_survives_a_redelivered_booking(world, tenants):
    _seed_invoice(world)
    client = world.services.repos.clients.get(tenants.c1)[0]
    args = dict(payment_id="p1", amount=2100, received_on=date(2025, 3, 2),
                source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    world.services.payments.book(client, **args)
    world.services.payments.reverse(client, "p1", "chargeback")
    world.services.payments.reverse(client, "p1", "chargeback")  # redelivered
    world.services.payments.book(client, **args)  # a late redelivery of the booking
    (day,) = world.services.payment_overview.payments_by_day(client).items
    assert [p.reversed for p in day.payments] == [True] and day.total == 0


def test_a_crash_after_the_payment_row_is_repaired_by_the_redelivery(world, tenants):
    _seed_invoice(world)
    client = world.services.repos.clients.get(tenants.c1)[0]
    args = dict(payment_id="p1", amount=2100, received_on=date(2025, 3, 2),
                source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    world.services.payments.book(client, **args)
    world.store.delete(PAYMENTS_BY_DAY, encode(tenants.c1), f"{day_key(date(2025, 3, 2))}|p1")
    world.services.payments.book(client, **args)
    assert [r.rk for r in _rows(world, tenants.c1)] == [f"{day_key(date(2025, 3, 2))}|p1"]
    # the same for a reversal whose day row was not rewritten
    world.services.payments.reverse(client, "p1", "refund")
    world.store.upsert(PAYMENTS_BY_DAY, Row(encode(tenants.c1), f"{day_key(date(2025, 3, 2))}|p1",
                                            {**_rows(world, tenants.c1)[0].data, "Reversed": False}))  # fmt: skip
    world.services.payments.reverse(client, "p1", "refund")
    assert _rows(world, tenants.c1)[0].data["Reversed"] is True


def test_a_payment_moved_to_another_day_leaves_the_old_day(world, tenants):
    repo = PaymentRepository(world.store)
    first = _payment(tenants.c1, 1, date(2025, 3, 1))
    repo.add(first)
    read = repo.get_versioned(tenants.c1, first.payment_id)
    assert read is not None
    repo.save_if(replace(first, received_on=date(2025, 3, 2)), read[1])
    assert [r.rk for r in _rows(world, tenants.c1)] == [
        row_key(replace(first, received_on=date(2025, 3, 2)))
    ]


def test_pages_hold_whole_days_from_the_newest_and_follow_the_token(world, tenants):
    repo = PaymentRepository(world.store)
    for n in range(30):  # three a day over ten days
        repo.add(_payment(tenants.c1, n, date(2025, 1, 1 + n // 3), 100 + n))
    index = PaymentDayIndex(world.store)
    index.ensure_built(tenants.c1, lambda: [])
    first = index.page(tenants.c1, days=4, max_payments=100)
    assert sorted({e.day.day for e in first.entries}, reverse=True) == [10, 9, 8, 7]
    assert [e.payment_id for e in first.entries[:3]] == ["p027", "p028", "p029"]
    second = index.page(tenants.c1, days=4, max_payments=100, start=first.next)
    assert sorted({e.day.day for e in second.entries}, reverse=True) == [6, 5, 4, 3]
    third = index.page(tenants.c1, days=4, max_payments=100, start=second.next)
    assert sorted({e.day.day for e in third.entries}) == [1, 2] and third.next is None
    # a busy day continues on the next page, not lost
    capped = index.page(tenants.c1, days=4, max_payments=5)
    rest = index.page(tenants.c1, days=4, max_payments=5, start=capped.next)
    assert [e.payment_id for e in capped.entries + rest.entries][:8] == [
        "p027", "p028", "p029", "p024", "p025", "p026", "p021", "p022"]  # fmt: skip


def test_payments_that_predate_the_index_are_copied_once(world, tenants):
    from shared.adapters.tables import schema

    old = [_payment(tenants.c1, n, date(2024, 6, 1 + n)) for n in range(3)]
    for p in old:  # written as before the index existed: the payment row alone
        world.store.insert(schema.PAYMENTS, PaymentRepository.to_row(p))
    # one payment was reversed after the index came, so its row there is newer than the copy
    repo = PaymentRepository(world.store)
    read = repo.get_versioned(tenants.c1, old[0].payment_id)
    assert read is not None
    repo.save_if(replace(old[0], reversed=True), read[1])
    client = world.services.repos.clients.get(tenants.c1)[0]
    overview = world.services.payment_overview
    page = overview.payments_by_day(client)
    shown = {p.payment_id: p.reversed for d in page.items for p in d.payments}
    assert shown == {"p000": True, "p001": False, "p002": False}
    assert world.store.get(PAYMENTS_BY_DAY, encode(tenants.c1), BUILT) is not None
    # built once: a payment row written behind the index's back is not copied again
    world.store.insert(
        schema.PAYMENTS, PaymentRepository.to_row(_payment(tenants.c1, 9, date(2024, 7, 1)))
    )
    assert {p.payment_id for d in overview.payments_by_day(client).items for p in d.payments} == {
        "p000", "p001", "p002"}  # fmt: skip


def test_one_clients_days_never_show_anothers(world, tenants):
    repo = PaymentRepository(world.store)
    repo.add(_payment(tenants.c1, 1, date(2025, 3, 1)))
    repo.add(_payment(tenants.c2, 2, date(2025, 3, 1)))
    index = PaymentDayIndex(world.store)
    assert [e.payment_id for e in index.page(tenants.c2, days=14, max_payments=50).entries] == [
        "p002"
    ]
