"""The dossier in Dutch all the way: the timeline's summaries the services write in English,
the codes (debtor kind, invoice and plan status, channel) and the message form's reasons a
channel cannot be used are words on ``?lang=nl``; the English page and what the API returns
keep the stored words; a summary of unknown shape is shown as it is (newcomer4 finding 4)."""

from __future__ import annotations

from datetime import date

from shared.api.console.contact_text import channel_reason, summary
from shared.domain.people.authorisation import Role
from shared.domain.records import ContactEntry, ContactKind, PaymentSource
from tests.unit.api.conftest import debtor_row
from tests.unit.console.conftest import csrf_of, desk_for
from tests.unit.figures.test_console_figures import seed


def _history(world, tenants):  # type: ignore[no-untyped-def]
    """D1's dossier after a bank payment, a credit note, a dispute and a pause, by the services
    and the page's own forms (the words the services really write)."""
    seed(world)
    client = world.services.repos.clients.get(tenants.c1)[0]
    world.services.payments.book(client, payment_id="p1", amount=4, received_on=date(2025, 3, 2),
                                 source=PaymentSource.BANK, invoice_numbers=["F2"])  # fmt: skip
    world.services.invoice_status.credit(client, "F1", "s@c1.example")
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    token = csrf_of(staff.get("/dossier/D1"))
    assert staff.post("/dossier/D1", {"csrf": token, "do": "dispute", "invoice": "F2",
                                      "reason": "nooit geleverd"}).status == 303  # fmt: skip
    assert staff.post("/dossier/D1", {"csrf": token, "do": "pause", "reason": "belt terug",
                                      "until": "2025-04-01"}).status == 303  # fmt: skip
    return staff


def test_the_dutch_timeline_reads_dutch(world, tenants):
    staff = _history(world, tenants)
    page = staff.get("/dossier/D1?lang=nl&system=1").encoded().decode()
    assert "Betaling van € 0,04 ontvangen (bank) voor F2" in page
    assert "Factuur F1 gecrediteerd" in page and "Factuur F2 betwist: nooit geleverd" in page
    assert "Gepauzeerd: belt terug tot 2025-04-01" in page
    for english in ("Payment of", "received (bank)", "credited<", "Invoice F", "Paused:",
                    "disputed:", "· b2c", ">credited", ">disputed", "(no "):  # fmt: skip
        assert english not in page, english
    assert "· consument" in page and "gecrediteerd" in page and "betwist" in page
    assert "user:" not in page and "<td>s@c1.example</td>" in page  # who did it, by name
    # the English page and the API keep the words the services wrote
    english = staff.get("/dossier/D1?lang=en&system=1").encoded().decode()
    assert (
        "Payment of EUR 0.04 received (bank) for F2" in english and "Invoice F1 credited" in english
    )
    reply = world.agency_a.call("GET", "/v1/clients/C1/debtors/D1/contacts")
    assert reply.status == 200 and "Invoice F1 credited" in str(reply.body)


def test_the_message_form_says_in_dutch_why_a_channel_cannot_be_used(world, tenants):
    seed(world)
    row = debtor_row("D7", mobile=None, emails=[])
    del row["address"]
    assert world.agency_a.call("POST", "/v1/clients/C1/debtors",
                               {"items": [row]}).status == 200  # fmt: skip
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D7?lang=nl&hand=sms").encoded().decode()
    assert "(geen mobiel nummer)" in page and "Sms kan nu niet: geen mobiel nummer" in page
    assert "(geen e-mailadres)" in page and "(geen postadres)" in page
    assert "no mobile number" not in page and "no e-mail address" not in page
    english = staff.get("/dossier/D7?lang=en&hand=sms").encoded().decode()
    assert "(no mobile number)" in english


def test_a_summary_of_unknown_shape_or_typed_words_stay_as_they_are(world, tenants):
    seed(world)
    now = world.clock.now()
    for entry_id, text in (("e1", "Recomputed by the run"), ("e2", "Paid? Invoice F1 credited")):
        world.services.repos.contacts.add(
            ContactEntry(tenants.c1, "D1", entry_id, now, ContactKind.NOTE, text, channel="fax")
        )
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/dossier/D1?lang=nl").encoded().decode()
    assert "Recomputed by the run" in page and "Paid? Invoice F1 credited" in page
    assert "· fax" in page  # an unknown channel as it is
    assert summary("Something new", "nl") == "Something new"
    assert channel_reason("a reason nobody wrote yet", "nl") == "a reason nobody wrote yet"


def test_every_shape_the_services_write_reads_dutch():
    shapes = {
        "Payment of € 1,00 received (mollie) for no invoice":
            "Betaling van € 1,00 ontvangen (Mollie) voor geen factuur",
        "Payment of € 1,00 reversed: AC04 rekening opgeheven":
            "Betaling van € 1,00 teruggeboekt: AC04 rekening opgeheven",
        "Refund of € 5,00 on an online payment (2 this year)":
            "Terugbetaling van € 5,00 op een online betaling (2 dit jaar)",
        "Invoice F9 paused until 2025-05-01": "Factuur F9 gepauzeerd tot 2025-05-01",
        "Invoice F9 resumed": "Factuur F9 hervat",
        "Dispute on invoice F9 resolved": "Betwisting van factuur F9 opgelost",
        "Promise to pay invoice F9 by 2025-03-20": "Betaaltoezegging voor factuur F9 uiterlijk 2025-03-20",
        "Paused: op vakantie": "Gepauzeerd: op vakantie",
        "Resumed": "Hervat",
        "Herinnering (task for staff)": "Herinnering (taak voor een medewerker)",
        "portal link opened from the console": "portaallink geopend vanuit de console",
        "portal link handed out through the API": "portaallink uitgegeven via de API",
        "Payment plan PL1 agreed: 3 installments": "Betalingsregeling PL1 afgesproken: 3 termijnen",
        "Payment plan PL1 cancelled (debtor asked)": "Betalingsregeling PL1 geannuleerd (debtor asked)",
        "Payment plan PL1 lapsed; dunning resumes":
            "Betalingsregeling PL1 vervallen; de incasso loopt weer",
        "Direct debit of installment 2 failed (MD06)": "Incasso van termijn 2 mislukt (MD06)",
        "sms by hand queued: Bel ons": "Sms met de hand klaargezet: Bel ons",
        "email by hand queued: Herinnering; waits for the contact hours until 2025-03-03T07:00:00+00:00":
            "E-mail met de hand klaargezet: Herinnering; wacht op de contacturen tot 2025-03-03T07:00:00+00:00",
        "email sent via smtp: Aanmaning F1 (sandbox, meant for a@b.nl)":
            "E-mail verstuurd via smtp: Aanmaning F1 (sandbox, bedoeld voor a@b.nl)",
        "letter failed: no postal address": "Brief mislukt: no postal address",
        "email bounced: 550 no such user": "E-mail onbestelbaar: 550 no such user",
        "WhatsApp received: ok": "WhatsApp ontvangen: ok",
        "E-mail received from a@b.nl: Factuur (2 attachment(s))":
            "E-mail ontvangen van a@b.nl: Factuur (2 bijlage(n))",
        "Automatic reply from a@b.nl: Afwezig": "Automatisch antwoord van a@b.nl: Afwezig",
        "Handed over to the collection agency (case K1)":
            "Overgedragen aan het incassobureau (zaak K1)",
        "Message through the portal: ik betaal vrijdag": "Bericht via het portaal: ik betaal vrijdag",
        "Asked for postponement until 2025-04-01: ziek": "Uitstel gevraagd tot 2025-04-01: ziek",
        "WhatsApp opt-in received (START): WhatsApp messages again":
            "WhatsApp-aanmelding ontvangen (START): weer WhatsApp-berichten",
        "WhatsApp opt-in received (START): the STOP is lifted; no WhatsApp consent at this client "
        "(there was none when the STOP came)":
            "WhatsApp-aanmelding ontvangen (START): de STOP is opgeheven; geen toestemming voor "
            "WhatsApp bij deze opdrachtgever (die was er niet toen de STOP kwam)",
        "Invoice F1: claim kind not given -> other by key:k1 after the 14-day letter (import)":
            "Factuur F1: soort vordering niet opgegeven -> overig door key:k1 na de "
            "veertiendagenbrief (import)",
    }  # fmt: skip
    # on English pages the amounts in English notation and the codes as words (newcomer14 #4)
    as_said = {"€ 1,00": "EUR 1.00", "€ 5,00": "EUR 5.00", "(mollie)": "(Mollie)"}
    for english, dutch in shapes.items():
        assert summary(english, "nl") == dutch, english
        page = english
        for said, shown in as_said.items():
            page = page.replace(said, shown)
        assert summary(english, "en") == page
