"""newcomer24 F8: after the hand-over the debtor hears nothing more from the client, and his
portal said only whom to pay (the agency, its account, what to quote), not how much: D1 owed
2,207.68 on the case and the page named no amount. It now says what is open on the handed-over
invoices as the ledger books the case (principal, costs with their VAT, interest), that the
client's reminders stop and the agency writes to him itself; still no payment asked here."""

from __future__ import annotations

from shared.api.portal_app import PortalApp
from shared.clock import amsterdam_date
from shared.domain.money import format_eur_en, format_eur_nl
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401
from tests.unit.payments.test_portal import enter


def test_the_page_says_what_is_open_on_the_case_and_who_writes(engine):  # noqa: F811
    world, client = engine
    handed_over(world, client)  # the workflow's letter charged costs, then F1 and F2 went over
    today = amsterdam_date(world.clock.now())
    figures = world.services.ledger.open_claims(client, ["F1", "F2"], today)
    owed = [figures[n].open for n in ("F1", "F2")]
    principal = sum(o.principal for o in owed)
    costs, vat = sum(o.costs for o in owed), sum(o.costs_vat for o in owed)
    interest = sum(o.interest for o in owed)
    assert costs > 0 and interest > 0 and principal == 171_00  # a case with all three

    page = enter(world, PortalApp(world.services)).page()
    assert 'action="/api/portal/pay"' not in page  # nothing of the client's to pay here
    section = page.split('id="ho-h"')[1].split("</section>")[0]
    m = format_eur_nl
    assert (
        f"Openstaand op {today:%d-%m-%Y}: {m(principal + costs + vat + interest)}: hoofdsom "
        f"{m(principal)}, incassokosten {m(costs + vat)}"
    ) in section
    if vat:
        assert f"(waarvan btw {m(vat)})" in section
    assert f"rente {m(interest)}." in section
    assert "U ontvangt over deze facturen geen herinneringen meer van Client C1." in section
    assert "AGENCY-A stuurt u zelf een brief" in section
    english = enter(world, PortalApp(world.services)).page(lang="en")
    assert f"principal {format_eur_en(principal)}" in english
    assert "AGENCY-A will send you its own letter" in english
