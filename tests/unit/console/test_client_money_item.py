"""Money on the agency's pooled account for an invoice its client never handed over is an item
of its own kind (pooled22's left: it was an "Onbekende betaling" or "Betaling controleren"
like any other, and only a reason among the reasons said the money is the client's): the
agency's list names it "Geld van de opdrachtgever", Today counts it among what holds money
up, the item's page says what to do, and it is still booked once the client hands over."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from shared.domain.people.authorisation import Role
from shared.domain.statements.client_code import client_code
from tests.unit.console.conftest import desk_for
from tests.unit.people.conftest import tenants
from tests.unit.services.test_pooled_books_only_what_was_handed_over import (
    _agency_items,
    _line,
    _pay,
    _tulp,
)
from tests.unit.services.test_pooled_handed_over_quote import client_of, invoice

__all__ = ["tenants"]


def _client_money(world):  # type: ignore[no-untyped-def]
    tulp = _tulp(world)
    report = _pay(world, [_line(240_000, f"{client_code(tulp.client_id)} T1 TF-103")])
    assert report.booked == 0
    [item] = _agency_items(world)
    return item


def test_the_clients_money_is_its_own_kind(world, tenants):  # type: ignore[no-untyped-def]
    item = _client_money(world)
    assert item.kind == "client_money"
    assert item.title.startswith("Client's money on the agency's account: ")
    staff = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    today = staff.get("/today?lang=nl").encoded().decode()
    # the case's new_case item and the client's money, which holds money up
    assert "2 wachten, waarvan 1 geld tegenhouden" in today and 'class="red"' in today
    assert "Geld van de opdrachtgever: Geld van de opdrachtgever op de rekening van het bureau: " in today  # fmt: skip
    page = staff.get(f"/agency-actions/{item.action_id}?lang=nl").encoded().decode()
    assert "Wat te doen" in page and "Maak het bedrag over aan de opdrachtgever" in page
    assert "het is van de opdrachtgever, niet van het bureau" in page
    assert 'value="confirm"' in page  # booked once the client hands the invoice over


def test_it_is_booked_once_the_client_hands_the_invoice_over(world, tenants):  # type: ignore[no-untyped-def]
    item = _client_money(world)
    repos = world.services.repos
    tulp = client_of(world, "TULP")
    stored = repos.invoices.get(tulp.client_id, "TF-103")
    debtor = repos.debtors.get(tulp.client_id, "T1")[0]
    world.services.dunning.cases.hand_over(tulp, debtor, [stored.invoice], date(2025, 3, 5),
                                           costs=0, interest=0)  # fmt: skip
    repos.invoices.save(replace(stored.invoice, handed_over_to="agency-a"), stored)
    reply = world.agency_a.call("POST", f"/v1/actions/{item.action_id}/confirm",
                                {"client": "TULP", "invoices": ["TF-103"]})  # fmt: skip
    assert reply.status == 200, reply.body
    assert reply.body["status"] == "resolved"
    assert invoice(world, "TULP", "TF-103")["open_amount"] == "0.00"
