"""The client's e-mail on a hand-over says "1 factuur" for one invoice and names the agency it
now pays and asks (newcomer19 F8: "Het dossier van Café 't Hoekje (K101) met 1 facturen, samen
€ 4.050,00, is overgedragen aan het incassobureau", though the agency's name was known)."""

from __future__ import annotations

from shared.domain.parties import Debtor, DebtorKind
from shared.domain.statements.client_code import client_code
from shared.services.cases import _handed_over_text
from tests.unit.dunning.test_case_withdrawal_by_client import handed_over
from tests.unit.dunning.test_daily_run import engine  # noqa: F401


def test_the_mail_names_the_agency(engine):  # type: ignore[no-untyped-def]  # noqa: F811
    world, client = engine
    case_id = handed_over(world, client)
    outbox = world.services.messaging.outbox.list(client.client_id)[0]
    [told] = [m for m in outbox if m.key == f"case-{case_id}"]
    text = world.services.messaging.content(client.client_id, told.key).text
    assert " met 2 facturen, samen € 171,00 hoofdsom, is overgedragen aan incassobureau " in text
    # the case by its name (client code, debtor), not its id (cases22)
    assert f"AGENCY-A (zaak {client_code(client.client_id)} D1)." in text
    assert case_id not in text


def test_one_invoice_is_one_factuur():
    debtor = Debtor("c1", "K101", DebtorKind.B2B, "Café 't Hoekje")
    text = _handed_over_text(debtor, 1, 405_000, "Noord Incasso", "case-1")
    assert text == (
        "Het dossier van Café 't Hoekje (K101) met 1 factuur, samen € 4.050,00 hoofdsom, is "
        "overgedragen aan incassobureau Noord Incasso (zaak case-1)."
    )
    nameless = _handed_over_text(debtor, 3, 100, None, "case-2")
    assert "met 3 facturen" in nameless and "aan het incassobureau (zaak case-2)" in nameless
