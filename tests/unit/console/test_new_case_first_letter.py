"""The agency's ``new_case`` item says what the law asks of its first letter (lawyer26 F1).

Inning sends the debtor no hand-over notice (handed24, newcomer24 F8), and the item said only
"New case from ...: debtor D1, € 1.000,00": nothing reminded the agency to write, what to put
in its letter (the client, the claim built up, its register entry, how to object, whom to
pay), nor whether it may charge collection costs. For a consumer that turns on the client's
14-day letter (art. 6:96 lid 6 BW): owed after its term, not yet while it runs, and not at all
without one until the agency sends its own. The hand-over itself never adds costs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.parties import Agency
from shared.domain.people.authorisation import Role
from shared.domain.scopes import agency_scope
from tests.unit.api.conftest import client_iban, client_row, debtor_row, invoice_row
from tests.unit.console.conftest import desk_for
from tests.unit.services.test_pooled_handed_over_quote import client_of

POOLED = client_iban("POOL")


def _handed_over(world, *, kind: str, owed: dict[str, date | None], costs: int):  # type: ignore[no-untyped-def]
    world.services.repos.agencies.save(Agency("agency-a", "Noord Incasso", POOLED))
    a = world.agency_a
    a.call("POST", "/v1/clients", {"items": [client_row("TULP", name="Tulp Energie")]})
    a.call("POST", "/v1/clients/TULP/debtors",
           {"items": [debtor_row("T1", kind=kind, name="Jan de Vries")]})  # fmt: skip
    a.call("POST", "/v1/clients/TULP/invoices", {"items": [
        invoice_row(n, "T1", amount="500.00") for n in owed
    ]})  # fmt: skip
    tulp = client_of(world, "TULP")
    repos = world.services.repos
    debtor = repos.debtors.get(tulp.client_id, "T1")[0]
    invoices = [repos.invoices.get(tulp.client_id, n).invoice for n in owed]
    case = world.services.dunning.cases.hand_over(
        tulp, debtor, invoices, date(2026, 12, 3), costs=costs, interest=0, costs_owed_from=owed
    )
    items, _ = repos.actions.list(agency_scope("agency-a"), kind="new_case")
    [item] = [i for i in items if i.detail.get("case_id") == case.case_id]
    return item


@pytest.fixture
def staff(world):  # type: ignore[no-untyped-def]
    # the day of the hand-over, before the person signs in (a session outlived by a jump ends)
    world.clock.at = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    return desk_for(world, Role.AGENCY_STAFF, None, "staff@agency-a.example")


def _page(staff, item, lang):  # type: ignore[no-untyped-def]
    return " ".join(
        staff.get(f"/agency-actions/{item.action_id}?lang={lang}").encoded().decode().split()
    )


def test_a_consumer_whose_costs_are_owed_gets_no_new_term_and_no_more_costs(world, staff):  # type: ignore[no-untyped-def]
    item = _handed_over(world, kind="b2c", owed={"F-1": date(2026, 11, 20)}, costs=10_000)
    page = _page(staff, item, "nl")
    assert "Uw eerste brief aan de debiteur" in page
    assert "Inning stuurt de debiteur geen bericht over de overdracht" in page
    assert "dat Tulp Energie de vordering aan u overdroeg" in page
    assert "register incassodienstverlening" in page
    assert f"betaalt op {POOLED} onder vermelding van " in page
    assert "(sinds: F-1 2026-11-20); een nieuwe veertiendagenbrief is daarvoor niet nodig" in page
    assert "Vraag niet meer dan € 100,00" in page
    assert "stuit de verjaring" in page
    assert "(POST …/invoices/{factuur}/prescription, interrupted_on)" in page
    english = _page(staff, item, "en")
    assert "Your first letter to the debtor" in english
    assert "Ask no more than EUR 100.00" in english


def test_a_consumer_without_a_14_day_letter_owes_no_costs_until_the_agency_sends_one(world, staff):  # type: ignore[no-untyped-def]
    item = _handed_over(world, kind="b2c", owed={"F-1": None, "F-2": date(2026, 12, 10)}, costs=0)
    page = _page(staff, item, "nl")
    assert "Op F-1 ging geen veertiendagenbrief uit: een consument is daarop geen incassokosten verschuldigd tot u zelf een veertiendagenbrief stuurt" in page  # fmt: skip
    assert "voor al deze facturen in één brief (art. 6:96 lid 6 en 7 BW" in page
    # the client's term still runs: its last day is the day before the costs' day
    assert "op F-2 loopt nog tot en met 2026-12-09: vraag daarop geen incassokosten voor 2026-12-10" in page  # fmt: skip
    assert "Vraag niet meer dan" not in page
    english = _page(staff, item, "en")
    assert "No 14-day letter went out on F-1: a consumer owes no collection costs" in english


def test_a_business_owes_costs_without_a_reminder(world, staff):  # type: ignore[no-untyped-def]
    item = _handed_over(world, kind="b2b", owed={"F-1": None}, costs=7_500)
    page = _page(staff, item, "nl")
    assert "Een zakelijke debiteur: de incassokosten zijn zonder aanmaning verschuldigd" in page
    assert "geen veertiendagenbrief uit" not in page


def test_the_notice_goes_once_the_item_is_resolved(world, staff):  # type: ignore[no-untyped-def]
    item = _handed_over(world, kind="b2c", owed={"F-1": None}, costs=0)
    world.services.repos.actions.resolve_if_open(agency_scope("agency-a"), item.action_id, "brief verstuurd",
                                                 world.clock.now())  # fmt: skip
    assert "Uw eerste brief aan de debiteur" not in _page(staff, item, "nl")
