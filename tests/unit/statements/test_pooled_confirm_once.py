"""A line of the agency's pooled account is booked for one client only, however the agency's
confirms of its suggestion race or fail (failure11 F3).

Kees's 420.00 arrives once on the pooled account; C2's H-1 and C3's Z-1 both fit, so it is a
suggestion on the agency's list. The payment id (``bank-<line>``) is per client partition, so
only the statement line can tell two clients' bookings of it apart: the confirm claims the line
for its client and invoices (a conditional write) before it books anything. A confirm that
finds the line claimed for another client or other invoices is refused (``statement_line_taken``);
the same confirm again finishes what a first attempt that failed half-way left."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import ServiceResponseError

from shared.api.console.refusal_text import refusal
from shared.domain.records import ActionItem, ActionStatus
from shared.domain.scopes import agency_scope
from shared.services.errors import Invalid
from shared.services.payments import PaymentService
from tests.unit.api.conftest import World, debtor_row, invoice_row
from tests.unit.statements.test_pooled_known_payers import POOL, pay, status
from tests.unit.statements.test_pooled_known_payers import pool as pool

C2_H1 = {"client": "C2", "invoices": ["H-1"]}
C3_Z1 = {"client": "C3", "invoices": ["Z-1"]}


def suggested(world: World) -> ActionItem:
    """C3 also has a 420.00 invoice of a Kees Klant BV: the 420.00 is the agency's to assign."""
    a = world.agency_a
    a.call("POST", "/v1/clients/C3/debtors", {"items": [debtor_row("Z9", name="Kees Klant BV")]})
    a.call(
        "POST", "/v1/clients/C3/invoices", {"items": [invoice_row("Z-1", "Z9", amount="420.00")]}
    )
    report = pay(world, "Bedankt", "S1", 42_000)
    assert (report.booked, report.suggested) == (0, 1)
    items, _ = world.services.repos.actions.list(agency_scope("agency-a"))
    [item] = [x for x in items if x.kind == "payment_suggestion"]
    return item


def confirm(world: World, item: ActionItem, body: dict[str, Any]) -> Any:
    return world.agency_a.call("POST", f"/v1/actions/{item.action_id}/confirm", body)


def bookings(world: World) -> dict[str, list[tuple[str, int]]]:
    a = world.agency_a
    return {
        c: [
            (p["payment_id"], p["amount"])
            for p in a.call("GET", f"/v1/clients/{c}/payments").body["items"]
        ]
        for c in ("C2", "C3")
    }


def line_of(world: World, item: ActionItem) -> Any:
    return world.services.repos.banking.line(POOL, str(item.detail["line_id"]))


def client_id(world: World, number: str) -> str:
    return str(world.agency_a.call("GET", f"/v1/clients/{number}").body["client_id"])


def item_now(world: World, item: ActionItem) -> ActionItem:
    found = world.services.repos.actions.get(item.client_id, item.action_id)
    assert found is not None
    return found[0]


def refused_code(reply: Any) -> str:
    assert reply.status == 422, reply.body
    return str(reply.body["error"]["details"][0]["code"])


def test_two_confirms_at_once_for_two_clients_book_the_line_once(pool, monkeypatch):
    item = suggested(pool)
    real = PaymentService.book
    other: dict[str, Any] = {}

    def book(self: PaymentService, *a: Any, **k: Any) -> Any:
        if not other:  # confirm A has claimed the line; B (a colleague) confirms now
            other["reply"] = confirm(pool, item, C3_Z1)
        return real(self, *a, **k)

    monkeypatch.setattr(PaymentService, "book", book)
    first = confirm(pool, item, C2_H1)
    assert first.status == 200, first.body
    assert refused_code(other["reply"]) == "statement_line_taken"
    line_id = str(item.detail["line_id"])
    assert bookings(pool) == {"C2": [(f"bank-{line_id}", 42_000)], "C3": []}
    assert (status(pool, "C2", "H-1"), status(pool, "C3", "Z-1")) == ("paid", "open")
    line = line_of(pool, item)
    assert (line.status, line.client_id, line.invoices) == (
        "booked", client_id(pool, "C2"), ("H-1",),
    )  # fmt: skip


def test_the_same_confirm_twice_at_once_books_once_and_both_are_told_done(pool, monkeypatch):
    item = suggested(pool)
    real = PaymentService.book
    other: dict[str, Any] = {}

    def book(self: PaymentService, *a: Any, **k: Any) -> Any:
        if not other:  # a double click: the same confirm while the first is booking
            other["reply"] = confirm(pool, item, C2_H1)
        return real(self, *a, **k)

    monkeypatch.setattr(PaymentService, "book", book)
    first = confirm(pool, item, C2_H1)
    assert (first.status, other["reply"].status) == (200, 200), (first.body, other["reply"].body)
    assert [len(v) for v in bookings(pool).values()] == [1, 0]
    assert item_now(pool, item).status is ActionStatus.RESOLVED


def _item_write_times_out_once(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Storage times out on the item's write after the booking (the answer is 503, the item
    stays open on the list)."""
    actions = world.services.repos.actions
    real = actions.save
    hit: list[bool] = []

    def save(*a: Any, **k: Any) -> Any:
        if not hit:
            hit.append(True)
            raise ServiceResponseError("injected: read timed out")
        return real(*a, **k)

    monkeypatch.setattr(actions, "save", save)


def test_a_cut_off_confirm_then_a_colleague_naming_another_client_is_refused(pool, monkeypatch):
    item = suggested(pool)
    _item_write_times_out_once(pool, monkeypatch)
    first = confirm(pool, item, C2_H1)
    assert first.status == 503, first.body
    assert item_now(pool, item).status is ActionStatus.OPEN  # still on the list
    colleague = confirm(pool, item, C3_Z1)
    assert refused_code(colleague) == "statement_line_taken"
    assert (
        "C2" in colleague.body["error"]["message"] and "H-1" in colleague.body["error"]["message"]
    )
    assert [len(v) for v in bookings(pool).values()] == [1, 0]
    assert status(pool, "C3", "Z-1") == "open"
    # the same client on other invoices is another booking of the same money: refused too
    pool.agency_a.call(
        "POST", "/v1/clients/C2/invoices", {"items": [invoice_row("H-2", "Y1", amount="420.00")]}
    )
    assert refused_code(confirm(pool, item, {"client": "C2", "invoices": ["H-2"]})) == (
        "statement_line_taken"
    )
    # the first confirm repeated finishes it: the item is closed, nothing booked again
    again = confirm(pool, item, C2_H1)
    assert again.status == 200, again.body
    assert again.body["status"] == "resolved"
    assert [len(v) for v in bookings(pool).values()] == [1, 0]
    assert (status(pool, "C2", "H-1"), status(pool, "C2", "H-2")) == ("paid", "open")


def test_a_confirm_whose_booking_failed_after_the_claim_is_finished_by_repeating_it(
    pool, monkeypatch
):
    item = suggested(pool)
    real = PaymentService.book
    failing = [True]

    def book(self: PaymentService, *a: Any, **k: Any) -> Any:
        if failing:
            failing.clear()
            raise ServiceResponseError("injected: read timed out")  # nothing booked yet
        return real(self, *a, **k)

    monkeypatch.setattr(PaymentService, "book", book)
    assert confirm(pool, item, C2_H1).status == 503
    assert bookings(pool) == {"C2": [], "C3": []}
    line = line_of(pool, item)
    assert (line.status, line.client_id, line.invoices) == (
        "booking", client_id(pool, "C2"), ("H-1",),
    )  # fmt: skip
    assert refused_code(confirm(pool, item, C3_Z1)) == "statement_line_taken"
    assert confirm(pool, item, C2_H1).status == 200
    assert [len(v) for v in bookings(pool).values()] == [1, 0]
    assert line_of(pool, item).status == "booked"
    assert item_now(pool, item).status is ActionStatus.RESOLVED


@pytest.mark.parametrize(
    ("lang", "words"),
    [("nl", "al voor opdrachtgever C2 geboekt op H-1"), ("en", "booked for client C2 on H-1")],
)
def test_the_refusal_reads_in_the_pages_language(lang: str, words: str) -> None:
    exc = Invalid("x", code="statement_line_taken", params={"client": "C2", "invoices": "H-1"})
    assert words in refusal(exc, lang)
