"""An invoice handed over to a collection agency (``handed_over_to``) is the agency's to
collect now (Wki): the portal asked it of the debtor as before (misc17b: ticked in the total,
'Betaal € 172,32' paid it online to the client, the transfer to the client's IBAN and the plan
offer included it). It now says whom to pay (the agency, its third-party account, what to
quote and where to ask) and refuses the client's payment link, a postponement and a plan for
it; the debtor's other invoices are paid as before."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from shared.api.portal_app import PortalApp
from shared.domain.portal.tokens import PortalAccess
from shared.domain.statements.client_code import client_code
from shared.services.errors import Invalid
from tests.support.page_words import words
from tests.unit.payments.test_portal import enter


@pytest.fixture
def handed(shop: Any) -> Any:
    """The shop's D1 owes F1 (121.00) and F2 (50.00); F2 went to the agency on 20-3-2025."""
    world, client = shop
    services = world.services
    agency = services.repos.agencies.get(client.agency_id)
    services.repos.agencies.save(replace(
        agency, name="Incasso Noord B.V.", third_party_iban="NL20INGB0001234567",
        contact_email="zaken@incassonoord.example",
    ))  # fmt: skip
    debtor = services.repos.debtors.get(client.client_id, "D1")[0]
    stored = services.repos.invoices.get(client.client_id, "F2")
    services.dunning.cases.hand_over(client, debtor, [stored.invoice], date(2025, 3, 20),
                                     costs=0, interest=0)  # fmt: skip
    services.repos.invoices.save(replace(stored.invoice, handed_over_to=client.agency_id), stored)
    me = PortalAccess(client.client_id, "D1", 0, world.clock.now() + timedelta(days=1))
    return world, client, me


def test_the_portal_says_whom_to_pay_and_asks_only_the_client_s_own(handed: Any) -> None:
    world, client, me = handed
    browser = enter(world, PortalApp(world.services))
    page = browser.page()
    form = page.split('action="/api/portal/pay"')[1].split("</form>")[0]
    assert 'value="F1"' in form and 'value="F2"' not in form  # not ticked, not in the total
    assert "Betaal € 121,93" in page and "172,32" not in page
    section = page.split('id="ho-h"')[1].split("</section>")[0]
    assert "F2: overgedragen aan Incasso Noord B.V." in section
    assert "Betaal ze niet aan Client C1, maar aan Incasso Noord B.V." in section
    assert (
        "NL20INGB0001234567" in section
        and f"onder vermelding van {client_code(client.client_id)} D1 F2" in section
    )
    assert "zaken@incassonoord.example" in section
    transfer = page.split('id="tr-h"')[1].split("</section>")[0]
    assert "Maak € 121,93 over" in transfer and "F2" not in words(transfer)  # F1 only
    postpone = page.split('action="/api/portal/postpone"')[1].split("</form>")[0]
    assert 'value="F2"' not in postpone
    portal = world.services.portal
    assert portal.payable(me) == ["F1"]
    assert world.services.portal_plans.view(me).invoice_numbers == ("F1",)
    english = browser.page(lang="en")
    assert "Do not pay them to Client C1, but to Incasso Noord B.V." in english


def test_the_client_s_payment_link_and_a_postponement_are_refused_for_it(handed: Any) -> None:
    world, _, me = handed
    portal = world.services.portal
    with pytest.raises(Invalid) as refused:
        portal.pay(me, ["F1", "F2"], "http://localhost:7071")
    assert refused.value.code == "invoice_handed_over"
    assert refused.value.params == {"invoice": "F2", "agency": "Incasso Noord B.V."}
    with pytest.raises(Invalid) as asked:
        portal.postpone(me, ["F2"], date(2025, 4, 1), "salaris komt later")
    assert asked.value.code == "invoice_handed_over"
    # the page's form posted with F2 (a page from before): refused in the debtor's words
    browser = enter(world, PortalApp(world.services))
    answer = browser.post("/portal/pay", invoice=["F1", "F2"])
    shown = answer.encoded().decode()
    assert answer.status == 400
    assert ("Dat lukte niet: factuur F2 is overgedragen aan Incasso Noord B.V.: het "
            "incassobureau int deze, dus betaling, uitstel of een betalingsregeling loopt via het "
            "incassobureau, niet hier") in shown  # fmt: skip
    assert portal.pay(me, ["F1"], "http://localhost:7071")  # his own invoice: paid as before


def test_only_handed_over_invoices_leave_nothing_to_pay_here(handed: Any) -> None:
    world, client, _ = handed
    repos = world.services.repos
    stored = repos.invoices.get(client.client_id, "F1")
    repos.invoices.save(replace(stored.invoice, handed_over_to=client.agency_id), stored)
    page = enter(world, PortalApp(world.services)).page()
    assert 'action="/api/portal/pay"' not in page
    assert "U hoeft hier niets te betalen: wat nog openstaat, int het incassobureau." in page
    assert "F1, F2: overgedragen aan Incasso Noord B.V." in page
