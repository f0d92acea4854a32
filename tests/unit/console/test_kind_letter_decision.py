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
