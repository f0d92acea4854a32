"""The action list speaks the page's language: kinds as words, detail names as labels, the
titles and matcher reasons the services write in English translated on the Dutch pages, and
anything of unknown shape shown as it is (newcomer4 finding 4)."""

from __future__ import annotations

from dataclasses import replace

from shared.api.console.action_text import KINDS, kind_label, reason, title
from shared.domain.people.authorisation import Role
from shared.domain.records import ActionItem
from tests.unit.console.conftest import desk_for
from tests.unit.console.test_page_actions import NOW, suggestion


def test_the_dutch_action_list_and_item_read_dutch(world, tenants):
    item = suggestion(tenants.c1)
    item = replace(item, detail={**item.detail, "reasons": [
        "amount equals the open amount", "not booked: score 0.70 below 0.85"]})  # fmt: skip
    world.services.repos.actions.add(item)
    world.services.repos.actions.add(
        ActionItem(tenants.c1, "a-disp", "dispute", "Dispute on invoice F-0004", NOW)
    )
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    listed = staff.get("/actions?lang=nl").encoded().decode()
    assert "Controleer betaling van € 121,00" in listed and "Betaling controleren" in listed
    assert "Betwisting van factuur F-0004" in listed and ">Betwisting<" in listed
    assert "payment_suggestion<" not in listed and "Check payment" not in listed
    one = staff.get("/actions/a-sug?lang=nl").encoded().decode()
    assert "Rekening" in one and "Naam betaler" in one and "payer_name" not in one
    assert (
        "bedrag is gelijk aan het openstaande bedrag; niet geboekt: score 0,70 lager dan 0,85"
        in one
    )
    english = staff.get("/actions/a-sug?lang=en").encoded().decode()
    assert "Check payment of € 121,00" in english and "Payer&#39;s name" in english


def test_unknown_shapes_are_shown_as_they_are():
    assert title("Something new happened", "nl") == "Something new happened"
    assert reason("a reason nobody wrote yet", "nl") == "a reason nobody wrote yet"
    assert kind_label("brand_new_kind", "nl") == "brand new kind"
    assert title("Veertiendagenbrief: debtor D1", "nl") == "Veertiendagenbrief: debiteur D1"
    assert all(nl and en for nl, en in KINDS.values())


def test_a_restores_money_hold_reads_dutch():
    """restore26's item (shared/services/operations/money_hold.py) showed English on Dutch pages."""
    from shared.services.operations.money_hold import ITEM_KIND

    english = (
        "Payouts and collections held after a restore of the 2026-11-29 backup, until the "
        "operator has reconciled with the bank"
    )
    assert title(english, "nl") == (
        "Uitbetalingen en incasso's aangehouden na het terugzetten van de back-up van "
        "2026-11-29, tot de beheerder met de bank heeft afgestemd"
    )
    assert title(english, "en") == english
    assert kind_label(ITEM_KIND, "nl") == "Uitbetalingen en incasso's aangehouden na herstel"
