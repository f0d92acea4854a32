"""newcomer14 #4: the dossier's timeline showed a standing set or lifted in English with the
API's codes on the Dutch page ("Standing set: wsnp since …", "Standing lifted: normal
(clean_slate)"), and a payment's amount in Dutch notation on the English page ("Payment of
€ 50,17 received" beside "EUR 121.00")."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from shared.api.console.contact_text import summary
from shared.domain.people.authorisation import Role
from shared.domain.records import PaymentSource
from shared.domain.standing import LiftReason, Standing
from tests.unit.console.conftest import desk_for
from tests.unit.console.test_console_claim_work import seed


def test_a_standings_entries_read_in_words_of_the_pages_language() -> None:
    assert summary("Standing set: wsnp since 2025-05-01", "nl") == (
        "Status vastgelegd: in de schuldsanering (WSNP) sinds 2025-05-01"
    )
    assert summary("Standing lifted: normal (clean_slate)", "nl") == (
        "Status opgeheven: normaal (schone lei, art. 358 Fw)"
    )
    assert summary("Standing set: deceased since 2025-05-01", "en") == (
        "Standing set: deceased since 2025-05-01"
    )
    assert summary("Standing lifted: normal (clean_slate)", "en") == (
        "Standing lifted: normal (clean slate, art. 358 Fw)"
    )
    assert summary("Standing lifted: normal (mistake)", "en") == (
        "Standing lifted: normal (a mistake: as if never set)"
    )


def test_an_english_page_writes_a_payments_amount_as_it_does_elsewhere() -> None:
    said = "Payment of € 1.050,17 received (mollie) for F1, F2"
    assert summary(said, "en") == "Payment of EUR 1,050.17 received (Mollie) for F1, F2"
    assert summary(said, "nl") == "Betaling van € 1.050,17 ontvangen (Mollie) voor F1, F2"
    back = "Payment of € 5,00 reversed: the payer wrote € 5,00"  # his words stay his
    assert summary(back, "en") == "Payment of EUR 5.00 reversed: the payer wrote € 5,00"


def test_the_dossier_timeline_says_the_standing_in_the_pages_language(
    world: Any, tenants: Any
) -> None:
    seed(world)
    api = world.agency_a
    client = world.services.access.client_for(world.services.access.authenticate(api.key), "C1")
    world.services.payments.book(client, payment_id="p1", amount=5017, received_on=date(2025, 1, 20),
                                 source=PaymentSource.BANK, invoice_numbers=["F1"])  # fmt: skip
    standing = world.services.debtor_standing
    standing.set(client, "D1", Standing.WSNP, date(2025, 2, 1), "t", by_agency=True)
    standing.lift(client, "D1", "t", LiftReason.CLEAN_SLATE, by_agency=True)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    nl = staff.get("/dossier/D1?lang=nl").encoded().decode()
    assert "Status vastgelegd: in de schuldsanering (WSNP) sinds 2025-02-01" in nl
    assert "Status opgeheven: normaal (schone lei, art. 358 Fw)" in nl
    assert "Standing set" not in nl and "clean_slate" not in nl
    en = staff.get("/dossier/D1?lang=en").encoded().decode()
    assert "Standing lifted: normal (clean slate, art. 358 Fw)" in en
    assert "Payment of EUR 50.17 received (bank) for F1" in en
    assert not re.search(r"Payment of € \d", en)
    assert "Betaling van € 50,17 ontvangen (bank) voor F1" in nl
