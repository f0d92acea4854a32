"""A person takes a client's receipt off by hand (sync12 item 1).

The failure11 F5 case of test_own_statement_after_sync.py: consumer F1 1,000.00 handed over,
the client's own account verified. The client's 22-1 00:30 sync reports F1 paid: 1,000.00
received by the client on 21-1 (in term). The bank's statement of the client's own account then
books 400.00 on 21-1 on F1: not clearly the same money, so the line is booked and an item asks
"if it is the same money, reverse the client's receipt". Was: no route or button did that (the
1,000.00 and the 400.00 both stood: 1,400.00 on a 1,000.00 claim, a 392.88 overpayment). Now
staff reverse it from the item: the bank's 400.00 alone stands (interest 7.12, principal 392.88
paid on 21-1), the debtor owes the rest again.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.people.audit import Event
from shared.domain.people.authorisation import Role
from shared.domain.records import ActionStatus, PaymentSource
from tests.unit.payments.test_client_sync_receipts import _claim, _payments, _sync
from tests.unit.payments.test_own_statement_after_sync import _own_statement, _synced_paid

LINE_PAID = {"principal": "392.88", "costs": "0.00", "costs_vat": "0.00", "interest": "7.12"}
LATER = datetime(2026, 1, 22, 9, 0, tzinfo=UTC)


def _asked(world):  # type: ignore[no-untyped-def]
    client, receipt = _synced_paid(world)
    assert _own_statement(world, amount=40_000).booked == 1
    items = world.services.repos.actions.list(client.client_id, kind="client_receipt")[0]
    (asked,) = [i for i in items if i.detail.get("bank_payment_id")]
    (own,) = [i for i in items if i.action_id != asked.action_id]
    world.clock.at = LATER
    return client, receipt, asked, own


def _reverse(world, payment_id: str, **body):  # type: ignore[no-untyped-def]
    return world.agency_a.call(
        "POST", f"/v1/clients/C1/payments/{payment_id}/reverse",
        {"reason": "the bank's 400.00 of 21-1 is this money", **body},
    )  # fmt: skip


def _standing(world, client):  # type: ignore[no-untyped-def]
    return sorted((p.payment_id[:5], p.amount) for p in _payments(world, client) if not p.reversed)


def _audited(world, client):  # type: ignore[no-untyped-def]
    audit = world.services.people.kit.people.audit
    return [e for e in audit.between(f"client:{client.client_id}", "0", "z")
            if e.event is Event.RECEIPT_REVERSED]  # fmt: skip


def test_staff_reverse_the_client_s_receipt_the_item_asks_about(world):
    client, receipt, asked, own = _asked(world)
    assert _standing(world, client) == [("bank-", 40_000), ("sync-", 100_000)]
    reply = _reverse(world, receipt.payment_id, action=asked.action_id)
    assert reply.status == 200, reply.body
    assert reply.body["payment_id"] == receipt.payment_id and reply.body["reversed"] is True
    assert _standing(world, client) == [("bank-", 40_000)]
    claim = _claim(world, "2026-01-22")
    assert claim["paid"] == LINE_PAID
    assert claim["open"]["principal"] == "607.12"
    # both items answered, naming who; the debtor is not told (no payment_reversed item)
    for action_id in (asked.action_id, own.action_id):
        item = world.services.repos.actions.get(client.client_id, action_id)[0]
        assert item.status is ActionStatus.RESOLVED
        assert item.resolution.startswith("the client's receipt reversed by hand: the bank's")
        assert item.resolution.endswith(")")
    items = world.services.repos.actions.list(client.client_id)[0]
    assert "payment_reversed" not in [i.kind for i in items]
    # the bank's 400.00 was over beside the receipt; its claim takes it again
    (over,) = [i for i in items if i.kind == "overpayment"]
    assert over.status is ActionStatus.RESOLVED
    entries, _ = world.services.repos.contacts.for_debtor(client.client_id, "D1")
    assert any("the client's receipt reversed by hand" in e.summary for e in entries)
    (event,) = _audited(world, client)
    assert event.subject == receipt.payment_id
    assert (event.detail["amount"], event.detail["received_on"]) == ("100000", "2026-01-21")
    # the same request again answers the same and writes nothing more
    again = _reverse(world, receipt.payment_id, action=asked.action_id)
    assert again.status == 200 and again.body["reversed"] is True
    assert len(_audited(world, client)) == 1
    # the client's next sync (still nothing open: the same figure) books nothing again
    _sync(world, "0.00", datetime(2026, 1, 22, 23, 30, tzinfo=UTC))
    assert _standing(world, client) == [("bank-", 40_000)]
    assert _claim(world, "2026-01-23")["paid"] == LINE_PAID


def test_only_a_sync_s_receipt_is_reversed_here(world):
    client, receipt, _asked_item, _own = _asked(world)
    (bank,) = [p for p in _payments(world, client) if p.payment_id.startswith("bank-")]
    refused = _reverse(world, bank.payment_id)
    assert refused.status == 422
    assert refused.body["error"]["details"][0]["code"] == "not_a_sync_receipt"
    world.services.payments.book(client, payment_id="third-1", amount=100,
                                 received_on=date(2026, 1, 22), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    assert _reverse(world, "third-1").status == 422
    assert _reverse(world, "nope").status == 404
    # an item about another payment is not answered by this one
    other = _reverse(world, receipt.payment_id, action="nope")
    assert other.status == 404
    assert _standing(world, client) == [("bank-", 40_000), ("sync-", 100_000), ("third", 100)]


def test_an_item_about_another_receipt_is_refused(world):
    """The overpayment item of the bank's 400.00 is not about the client's receipt."""
    client, receipt, _asked_item, _own = _asked(world)
    items = world.services.repos.actions.list(client.client_id)[0]
    (over,) = [i for i in items if i.kind == "overpayment"]
    reply = _reverse(world, receipt.payment_id, action=over.action_id)
    assert reply.status == 422
    assert reply.body["error"]["details"][0]["code"] == "action_not_of_receipt"
    assert not [p for p in _payments(world, client) if p.reversed]


def test_agency_staff_and_the_client_s_admin_reverse_it_in_the_console(world):
    from tests.unit.console.conftest import csrf_of, desk_for

    client, _receipt, asked, _own = _asked(world)
    url = f"/actions/{asked.action_id}?lang=en"
    staff = desk_for(world, Role.CLIENT_STAFF, client.client_id, "s@c1.example")
    page = staff.get(url)
    assert 'value="reverse"' not in page.encoded().decode()  # not the client's daily staff
    refused = staff.post(f"/actions/{asked.action_id}", {
        "csrf": csrf_of(page), "do": "reverse", "reason": "the bank's line"})  # fmt: skip
    assert refused.status == 403
    admin = desk_for(world, Role.CLIENT_ADMIN, client.client_id, "a@c1.example")
    assert 'value="reverse"' in admin.get(url).encoded().decode()
    agency = desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")
    page = agency.get(f"/actions/{asked.action_id}?lang=nl&client={client.client_id}")
    html = page.encoded().decode()
    assert "Ontvangst terugdraaien" in html
    done = agency.post(f"/actions/{asked.action_id}?client={client.client_id}", {
        "csrf": csrf_of(page), "client": client.client_id, "do": "reverse",
        "reason": "de regel van de bank is dit geld"})  # fmt: skip
    assert done.status == 303, done.encoded().decode()[:2000]
    assert _standing(world, client) == [("bank-", 40_000)]
    item = world.services.repos.actions.get(client.client_id, asked.action_id)[0]
    assert item.status is ActionStatus.RESOLVED
    shown = agency.get(f"/actions/{asked.action_id}?lang=nl&client={client.client_id}")
    nl = shown.encoded().decode()
    assert "ontvangst van de opdrachtgever met de hand teruggedraaid" in nl
    assert 'value="reverse"' not in nl  # reversed: no button any more


def test_a_receipt_settled_before_is_corrected_by_the_next_settlement(world):
    """The agency's 10 % of the 1,000.00 the client received was charged in the settlement of
    22-1; reversed by hand on 22-1, the settlement of 23-1 takes it back."""
    from tests.unit.settlement.test_money_the_client_received import _agreement, _settle

    client, receipt = _synced_paid(world)
    _agreement(world, client.client_id)
    _, first = _settle(world, "agency-a", date(2026, 1, 22))
    charged = first["C1"].totals
    assert charged is not None and charged.commission > 0
    world.clock.at = LATER
    assert _reverse(world, receipt.payment_id).status == 200
    _, second = _settle(world, "agency-a", date(2026, 1, 23))
    corrected = second["C1"]
    assert corrected.reversal_count == 1
    assert corrected.totals is not None
    assert corrected.totals.commission == -charged.commission
