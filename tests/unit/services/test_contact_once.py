# ruff: noqa: F811  (the fixture world is imported)
"""A line written once under its key on the debtor's contact log stays one line when two
writers meet (oncefix17). Each caller checked the log for the key, then wrote a row keyed by
its own time: two writers held at the check (a barrier) both found nothing and wrote two
lines. misc17b fixed the shape in online payments alone; every caller now writes through
``ContactLogRepository.add_once`` (the line and its claim in one transaction)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from shared.adapters.tables import schema
from shared.adapters.tables.keys import encode
from shared.adapters.tables.records_repo import ContactLogRepository
from shared.domain.records import ContactEntry, ContactKind
from shared.domain.standing import DebtorStanding, Standing
from tests.unit.api.conftest import world  # noqa: F401 (fixture)
from tests.unit.dunning.test_costs_arrangements import _claim, _on, _pay

DAY = date(2025, 2, 20)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every look for a line by its key waits until a second writer has looked too."""
    barrier = threading.Barrier(2, timeout=5)
    real = ContactLogRepository.entry

    def entry(self: ContactLogRepository, *a: Any, **k: Any) -> ContactEntry | None:
        found = real(self, *a, **k)
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass  # no second writer came this far (a writer that stopped before the check)
        return found

    monkeypatch.setattr(ContactLogRepository, "entry", entry)
    yield


def both(world: Any, write: Callable[[], object]) -> None:
    """``write`` by two threads at once, each on its own time (the clock ticks a
    millisecond a reading, as two workers' clocks do); an error of either fails the test."""
    lock = threading.Lock()

    def tick() -> datetime:
        with lock:
            at: datetime = world.clock.at + timedelta(milliseconds=1)
            world.clock.at = at
            return at

    world.clock.now = tick
    errors: list[BaseException] = []

    def run() -> None:
        try:
            write()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    del world.clock.now  # the fixed clock again
    assert not errors, errors


def lines(world: Any, client: Any, key: str) -> list[ContactEntry]:
    entries, _ = world.services.repos.contacts.for_debtor(client.client_id, "D1", page_size=500)
    return [e for e in entries if e.entry_id == key]


def of_kind(world: Any, client: Any, kind: ContactKind) -> list[tuple[str, datetime]]:
    entries, _ = world.services.repos.contacts.for_debtor(client.client_id, "D1", page_size=500)
    return [(e.entry_id, e.at) for e in entries if e.kind is kind]


def setup(world: Any) -> Any:
    _on(world, DAY)
    a = _claim(world)
    access = world.services.access
    return a, access.client_for(access.authenticate(a.key), "C1")


def test_a_returned_payment_told_by_two_deliveries_at_once_is_one_line(world, held):
    """payments._tell_reversed: the bank's return delivered twice at once."""
    a, client = setup(world)
    payment = _pay(world, a, "P1", 10_000, DAY)
    both(
        world,
        lambda: world.services.payments._tell_reversed(client, payment, ["F1"], "AC04", False),
    )
    assert len(lines(world, client, "reversed-P1")) == 1


def test_a_plan_status_line_written_twice_at_once_is_one_line(world, held):
    """plans.service._contact with a key (a redelivery beside the delivery it finishes)."""
    _, client = setup(world)
    plan: Any = SimpleNamespace(client_id=client.client_id, debtor_number="D1",
                                invoice_numbers=("F1",))  # fmt: skip
    both(world, lambda: world.services.plans._contact(plan, "Plan PL1 ended", key="plan-PL1-ended"))
    assert len(lines(world, client, "plan-PL1-ended")) == 1


def test_a_pause_asked_twice_at_once_is_one_line(world, held):
    """dunning.change_invoice: the same pause by two requests at once (a retry beside the
    request it repeats); the invoice's ETag lets one save it, both log it under its key."""
    _, client = setup(world)
    both(
        world,
        lambda: world.services.dunning.change_invoice(
            client, "F1", paused_until=date(2025, 3, 10), author="anne"
        ),
    )
    assert len(of_kind(world, client, ContactKind.PAUSE)) == 1


def test_a_standing_change_written_twice_at_once_is_one_line(world, held):
    """debtor_standing._tell_change: two requests setting the same standing at once."""
    _, client = setup(world)
    debtor, _ = world.services.repos.debtors.get(client.client_id, "D1")
    updated = replace(debtor, standing=DebtorStanding(Standing.DECEASED, DAY, DAY))
    both(
        world,
        lambda: world.services.debtor_standing._tell_change(
            client, "D1", debtor, updated, "anne", "Debtor deceased"
        ),
    )
    assert len(of_kind(world, client, ContactKind.STATUS)) == 1


def test_an_online_payment_line_written_twice_at_once_is_one_line(world, held):
    """online_payments._contact_once (misc17b's fix) through the same helper."""
    _, client = setup(world)
    both(
        world,
        lambda: world.services.online_payments._contact_once(
            client, "D1", "undo-tr_1-refund", world.clock.now(), "Refund of EUR 10,00", ["F1"]
        ),
    )
    assert len(lines(world, client, "undo-tr_1-refund")) == 1


def test_the_claim_is_no_line_and_a_line_from_before_is_not_written_again(world):
    """The claim row stays out of the debtor's log and the client's export; a line written
    before claims were kept (no claim row) is found by its id and not written again."""
    _, client = setup(world)
    contacts = world.services.repos.contacts
    at = datetime(2025, 2, 20, 9, tzinfo=UTC)
    old = ContactEntry(client.client_id, "D1", "reversed-P0", at, ContactKind.PAYMENT, "x")
    contacts.add(old)  # as written before this release: no claim
    later = replace(old, at=datetime(2025, 2, 21, 9, tzinfo=UTC))
    assert contacts.add_once(later) is False
    new = replace(old, entry_id="reversed-P9")
    assert contacts.add_once(new) is True and contacts.add_once(later) is False
    assert contacts.add_once(replace(new, at=later.at)) is False
    ids = [e.entry_id for e in contacts.between(client.client_id)]
    assert ids.count("reversed-P0") == 1 and ids.count("reversed-P9") == 1
    claim = world.store.get(
        schema.CONTACT_LOG,
        encode(client.client_id),
        schema.contact_once_rk("D1", "reversed-P9"),
    )
    assert claim is not None
