"""docs15: prescription's action items (verjaring: the warning before the date, the hold past
it, a claim under a bankruptcy or WSNP, a date resting on unproven demands) and the contact
log's record of a staff decision read English on Dutch pages, where every other title the
services write has its Dutch shape (action_text, contact_text). Each sentence the watch can
write now reads Dutch on a Dutch page (and as written on an English one); the watch no longer
cuts a title at 500 characters, which left the longest ones (about 800) of no known shape."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.adapters.tables.messaging_repo import OutboxRepository
from shared.api.console.action_text import title
from shared.api.console.contact_text import summary
from shared.domain.law.prescription import (
    CLIENT_LETTER,
    ClaimKind,
    filed_warning,
    prescription_warning,
    unproven_warning,
)
from shared.domain.people.authorisation import Role
from shared.domain.records import PaymentSource
from shared.services.prescription_watch import PrescriptionWatch
from tests.unit.api.conftest import client_row, debtor_row, invoice_row
from tests.unit.console.conftest import desk_for

DATE, BEFORE, AFTER = date(2026, 3, 1), date(2026, 1, 5), date(2026, 4, 1)
DEMAND = date(2024, 1, 1)
# the counted phrase's three starts: nothing, a demand that reached him, his own act
FROM = [((), frozenset()), ((DEMAND,), frozenset()), ((DEMAND,), frozenset({DEMAND}))]
KINDS = [None, ClaimKind.CONSUMER_SALE, ClaimKind.OTHER]
# English words of the sentences that must not be left on a Dutch page
ENGLISH = re.compile(r"\b(Invoice|counted|years|from|demand|debtor|prescri\w*|may|the|record)\b")


def _every_title() -> list[str]:
    out = []
    for kind, consumer, (by, ack), today in itertools.product(
        KINDS, [True, False], FROM, [BEFORE, AFTER]
    ):
        years = 2 if consumer and kind is not ClaimKind.OTHER else 5
        said = dict(consumer=consumer, interrupted_by=by, today=today, acknowledged=ack)
        out.append(prescription_warning("F-2024/0001", kind, DATE, years, **said))  # type: ignore[arg-type]
        # the client's words on a claim at the agency (told24, stuiting25)
        out.append(prescription_warning("F-2024/0001", kind, DATE, years, **said,  # type: ignore[arg-type]
                                        held_by="Incasso Noord B.V."))  # fmt: skip
        for wsnp in (True, False):
            out.append(filed_warning("F-2024/0001", kind, DATE, years, **said, wsnp=wsnp,  # type: ignore[arg-type]
                                     since=date(2025, 5, 6)))  # fmt: skip
    # Inning's demands, the client's imported letter (law17 P2), both
    client_letter = (date(2024, 3, 4), CLIENT_LETTER)
    for today, weak in itertools.product(
        (BEFORE, AFTER),
        (
            ((DEMAND, "letter"), (date(2024, 2, 3), "e-mail")),
            (client_letter,),
            ((DEMAND, "letter"), client_letter),
        ),
    ):
        out.append(unproven_warning("F-2024/0001", DATE, weak, 5, today=today))
        out.append(unproven_warning("F-2024/0001", DATE, weak, 5, today=today,
                                    held_by="Incasso Noord B.V."))  # fmt: skip
    return out


@pytest.mark.parametrize("english", _every_title())
def test_every_prescription_title_reads_dutch_on_a_dutch_page(english: str) -> None:
    dutch = title(english, "nl")
    assert dutch.startswith("Factuur F-2024/0001 "), dutch
    assert ENGLISH.search(dutch) is None, dutch
    assert title(english, "en") == english


def test_a_held_claim_counted_from_his_acknowledgement_reads_so() -> None:
    english = prescription_warning(
        "F-1", ClaimKind.OTHER, DATE, 5, consumer=False, interrupted_by=(DEMAND,), today=AFTER,
        acknowledged=frozenset({DEMAND}),
    )  # fmt: skip
    assert title(english, "nl") == (
        "Factuur F-1 is mogelijk verjaard op 01-03-2026: geteld 5 jaar (art. 3:307 BW) vanaf de "
        "dag nadat de debiteur de vordering erkende met een eigen handeling die Inning "
        "vastlegde (een betaling van hem erop, een betalingsregeling waarmee hij zelf instemde, "
        "zijn schriftelijke voorstel of verzoek in het portaal, een bericht van hem dat als "
        "erkenning is gemarkeerd; 01-01-2024, art. 3:318 en 3:319 BW); een aanmaning kan de "
        "vordering nu niet meer doen herleven (art. 3:317 BW). Het aanmanen staat stil (geen "
        "veertiendagenbrief, geen incassokosten, geen overdracht): heeft een aanmaning die de "
        "opdrachtgever zelf stuurde of een erkenning door de debiteur (een betalingsregeling "
        "waarmee hij instemde, een deelbetaling, art. 3:318 BW) de verjaring gestuit, leg dat dan "
        "vast met de datum; anders beslist een medewerker of de factuur wordt vrijgegeven (art. "
        "3:322 BW: de debiteur moet zelf een beroep op verjaring doen)"
    )


def test_a_staff_decision_on_the_contact_log_reads_dutch() -> None:
    english = ("Prescription of invoice F-1: interrupted on 03-02-2025 (recorded by staff); "
               "released for dunning past its prescription date; reason: brief van de klant")  # fmt: skip
    assert summary(english, "nl") == (
        "Verjaring van factuur F-1: gestuit op 03-02-2025 (vastgelegd door medewerker); "
        "vrijgegeven voor aanmanen na de verjaringsdatum; reden: brief van de klant"
    )
    assert summary("Prescription of invoice F-1: released for dunning past its prescription "
                   "date", "nl") == (
        "Verjaring van factuur F-1: vrijgegeven voor aanmanen na de verjaringsdatum"
    )  # fmt: skip


def test_the_watchs_longest_item_is_kept_whole_and_the_action_list_shows_it_dutch(
    world: Any, tenants: Any
) -> None:
    """B1 (business): B-1 due 30-6-2019 prescribes 1-7-2024 (3:307); his payment naming it on
    15-1-2020 moved that to 16-1-2025. On 1-2-2025 the claim is held, counted from his act: the
    longest sentence, over 500 characters."""
    a = world.agency_a
    world.clock.at = datetime(2020, 1, 10, 8, 0, tzinfo=UTC)
    a.call("POST", "/v1/clients", {"items": [client_row("CP")]})
    a.call("POST", "/v1/clients/CP/debtors", {"items": [debtor_row("B1", name="BV", kind="b2b")]})
    row = invoice_row("B-1", "B1", invoice_date="2019-06-01", due_date="2019-06-30",
                      amount="800.00")  # fmt: skip
    assert a.call("POST", "/v1/clients/CP/invoices", {"items": [row]}).body["created"] == 1
    client = world.services.access.client_for(world.services.access.authenticate(a.key), "CP")
    world.clock.at = datetime(2020, 1, 15, 9, 0, tzinfo=UTC)
    world.services.payments.book(
        client, payment_id="bank-1", amount=1_000, received_on=date(2020, 1, 15),
        source=PaymentSource.BANK, invoice_numbers=["B-1"],
    )  # fmt: skip
    repos = world.services.repos
    watch = PrescriptionWatch(repos, OutboxRepository(repos.store), world.clock)
    world.clock.at = datetime(2025, 2, 1, 9, 0, tzinfo=UTC)
    debtor = repos.debtors.get(client.client_id, "B1")[0]
    review = watch.review(client, debtor, repos.invoices.for_debtor(client.client_id, "B1"),
                          date(2025, 2, 1))  # fmt: skip
    assert review.held == {"B-1"}
    items, _ = repos.actions.list(client.client_id)
    [held] = [i for i in items if i.kind == "prescription"]
    assert len(held.title) > 500 and held.title.endswith("invoke prescription himself)")
    staff = desk_for(world, Role.CLIENT_STAFF, client.client_id, "s@cp.example")
    page = staff.get(f"/actions/{held.action_id}?lang=nl").encoded().decode()
    assert "Factuur B-1 is mogelijk verjaard op 16-01-2025" in page
    assert "may have prescribed" not in page
