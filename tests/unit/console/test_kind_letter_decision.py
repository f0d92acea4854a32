"""law11b F5 in the console: the kind_letter_check item offers an administrator to confirm the
letter sent as a business (with the confirmation box: it makes the consumer owe 625.00 from
22-1); a client's staff member sees no such form and closing the item keeps the costs off."""

from __future__ import annotations

from shared.domain.people.authorisation import Role
from tests.unit.api.test_debtor_kind_letter_held import CLAIM, _corrected
from tests.unit.api.test_debtor_kind_restates_payments import _items
from tests.unit.console.conftest import csrf_of, desk_for, forms_of


def test_an_admin_confirms_the_letter_on_the_items_page(world):  # type: ignore[no-untyped-def]
    a = _corrected(world)
    c1 = world.services.repos.clients.id_for_number("agency-a", "C1")
    [check] = _items(a, "kind_letter_check")
    page_of = f"/actions/{check['action_id']}"
    staff = desk_for(world, Role.CLIENT_STAFF, c1, "s@c1.example")
    assert not any('value="letter-qualified"' in f for f in forms_of(staff.get(page_of)))
    admin = desk_for(world, Role.CLIENT_ADMIN, c1, "a@c1.example")
    page = admin.get(page_of + "?lang=nl")
    [form] = [f for f in forms_of(page) if 'value="letter-qualified"' in f]
    assert 'name="confirm"' in form and "art. 6:96 lid 6" in form
    unticked = admin.post(page_of, {"csrf": csrf_of(page), "do": "letter-qualified"})
    assert unticked.status == 422
    assert a.call("GET", CLAIM, on="2026-02-15").body["open"]["costs"] == "0.00"
    done = admin.post(page_of, {"csrf": csrf_of(page), "do": "letter-qualified", "confirm": "yes"})
    assert done.status == 303, done.encoded()[:600]
    assert a.call("GET", CLAIM, on="2026-02-15").body["open"]["costs"] == "625.00"
    shown = admin.get(page_of + "?lang=nl").encoded().decode()
    assert "bevestigd als veertiendagenbrief" in shown and "F1 2026-01-22" in shown


def test_a_claim_paid_as_told_is_explained_and_the_item_decided(world):  # type: ignore[no-untyped-def]
    """He paid the 5,049.32 he was told on 15-2: the page says in nl and en that a claim paid
    as told stays paid; confirmed, the item is resolved and says why no costs are claimed
    (kindletter13 #2: the confirm was refused and the item stayed open)."""
    from datetime import date

    from shared.domain.records import PaymentSource

    a = _corrected(world)
    c1 = world.services.repos.clients.id_for_number("agency-a", "C1")
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "C1")
    world.services.payments.book(client, payment_id="p1", amount=504_932,
                                 received_on=date(2026, 2, 15), source=PaymentSource.BANK,
                                 invoice_numbers=["F1"])  # fmt: skip
    [check] = _items(a, "kind_letter_check")
    page_of = f"/actions/{check['action_id']}"
    admin = desk_for(world, Role.CLIENT_ADMIN, c1, "a@c1.example")
    en = admin.get(page_of + "?lang=en").encoded().decode()
    assert "stays paid: no costs are claimed on it" in en
    page = admin.get(page_of + "?lang=nl")
    assert "blijft betaald: daarop worden geen kosten gevorderd" in page.encoded().decode()
    done = admin.post(page_of, {"csrf": csrf_of(page), "do": "letter-qualified", "confirm": "yes"})
    assert done.status == 303, done.encoded()[:600]
    shown = admin.get(page_of + "?lang=nl").encoded().decode()
    assert "geen kosten gevorderd, volledig betaald zoals gezegd" in shown
    assert a.call("GET", CLAIM, on="2026-02-20").body["open"]["total"] == "0.00"
