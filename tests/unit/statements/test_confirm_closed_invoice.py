"""A confirm of a suggestion whose invoice was credited or withdrawn since it was proposed is
refused (stmt12): the statement line stays unbooked and the item open, so the agency can
still book the money on the invoice it pays (here C3's Z-1), not as C2's overpayment.

Kees's 420.00 on the pooled account fits C2's H-1 and C3's Z-1; C2 credits (or withdraws)
H-1 meanwhile. Before, the confirm on H-1 booked the 420.00 for C2 as an overpayment and
marked the line booked for C2, so C3's Z-1 could no longer be paid with it."""

from __future__ import annotations

import pytest

from shared.api.console.refusal_text import refusal
from shared.domain.records import ActionStatus
from shared.services.errors import Invalid
from tests.unit.api.conftest import World
from tests.unit.statements.test_pooled_confirm_once import (
    C2_H1,
    C3_Z1,
    bookings,
    confirm,
    item_now,
    line_of,
    refused_code,
    suggested,
)
from tests.unit.statements.test_pooled_known_payers import pool as pool
from tests.unit.statements.test_pooled_known_payers import status


def _overpayments(world: World, client: str) -> list[str]:
    client_id = str(world.agency_a.call("GET", f"/v1/clients/{client}").body["client_id"])
    items, _ = world.services.repos.actions.list(client_id)
    return [i.kind for i in items if i.kind == "overpayment"]


@pytest.mark.parametrize(("change", "state"), [("credit", "credited"), ("withdraw", "withdrawn")])
def test_a_confirm_on_an_invoice_closed_meanwhile_books_nothing(
    pool: World, change: str, state: str
) -> None:
    item = suggested(pool)
    closed = pool.agency_a.call("POST", f"/v1/clients/C2/invoices/H-1/{change}")
    assert closed.status == 200 and closed.body["status"] == state, closed.body
    reply = confirm(pool, item, C2_H1)
    assert refused_code(reply) == "invoice_not_payable"
    assert "H-1" in reply.body["error"]["message"]
    assert bookings(pool) == {"C2": [], "C3": []}
    assert _overpayments(pool, "C2") == []
    line = line_of(pool, item)
    assert line.status not in ("booking", "booked") and line.client_id is None
    assert item_now(pool, item).status is ActionStatus.OPEN
    # the agency books the money on the invoice it does pay
    assert confirm(pool, item, C3_Z1).status == 200
    assert (status(pool, "C2", "H-1"), status(pool, "C3", "Z-1")) == (state, "paid")
    assert line_of(pool, item).status == "booked"


@pytest.mark.parametrize(
    ("lang", "words"),
    [("nl", "Factuur H-1 is gecrediteerd of ingetrokken"), ("en", "Invoice H-1 was credited")],
)
def test_the_refusal_reads_in_the_pages_language(lang: str, words: str) -> None:
    exc = Invalid("x", code="invoice_not_payable", params={"invoices": "H-1"})
    assert refusal(exc, lang).startswith(words)
