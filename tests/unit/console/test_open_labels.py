"""Review debtor6 #14: Today's "open" is the invoices' principal, the dossier's is principal
plus costs plus interest; each page's label says which, in Dutch and in English."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from shared.domain.money import format_eur_en, format_eur_nl
from shared.domain.people.authorisation import Role
from tests.unit.console.conftest import desk_for
from tests.unit.figures.test_console_figures import seed

CARD = re.compile(r'<section class="card"><h2>([^<]+)</h2><p class="figure[^"]*">([^<]+)</p>')
SUM = re.compile(r'<h2 id="s-h">([^<]+)</h2>\s*<p class="figure">([^<]+)</p>')

LABELS = {
    "nl": ("Openstaande hoofdsom", "Vervallen hoofdsom", "Totaal openstaand (hoofdsom, kosten en rente)"),
    "en": ("Open principal", "Overdue principal", "Total open (principal, costs and interest)"),
}  # fmt: skip


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_today_says_principal_and_the_dossier_says_principal_costs_and_interest(
    world, tenants, lang
):
    world.clock.at = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    seed(world)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    today = dict(CARD.findall(staff.get(f"/today?lang={lang}").encoded().decode()))
    open_label, overdue_label, dossier_label = LABELS[lang]
    assert open_label in today and overdue_label in today
    portfolio = world.services.console_figures.portfolio(tenants.c1)
    assert today[open_label] == money(portfolio.open, lang)
    dossier = staff.get(f"/dossier/D1?lang={lang}").encoded().decode()
    ((label, figure),) = SUM.findall(dossier)
    assert label == dossier_label
    # the figures differ, and each label says why: the dossier's has interest on top
    client = world.services.repos.clients.get(tenants.c1)[0]
    found = world.services.dossier.open(client, "D1")
    principal = sum(i.open_amount for i in found.invoices)
    total = sum(c.open.total for c in found.claims.values())
    assert total > principal and figure == money(total, lang)


def money(cents: int, lang: str) -> str:
    return format_eur_nl(cents) if lang == "nl" else format_eur_en(cents)
