"""More of the titles the services write on the action list read Dutch on Dutch pages (the
channel and delivery status as words), English pages keep them; the sweep of finding 4."""

from __future__ import annotations

import pytest

from shared.api.console.action_text import detail_label, kind_label, title

TITLES = {
    "sms to debtor D1 bounced: no reason given": "Sms aan debiteur D1 onbestelbaar: geen reden opgegeven",
    "email to debtor D1 failed: 550 mailbox full": "E-mail aan debiteur D1 mislukt: 550 mailbox full",
    "Debtor D1 replied on WhatsApp": "Debiteur D1 antwoordde via WhatsApp",
    "A WhatsApp from ••••5678 that no single client's message explains":
        "Een WhatsApp van ••••5678 die bij geen bericht van één opdrachtgever past",
    "Payment of € 5,00 came back (AC04)": "Betaling van € 5,00 teruggekomen (AC04)",
    "New case from Bakkerij De Korenbloem: debtor D-1001, € 121,00":
        "Nieuwe zaak van Bakkerij De Korenbloem: debiteur D-1001, € 121,00",
    "Case K1 withdrawn; Bakkerij was told": "Zaak K1 ingetrokken; Bakkerij is ingelicht",
    "The agency withdrew case K1 (debtor D1): betaald":
        "Het incassobureau trok zaak K1 in (debiteur D1): betaald",
    "Bakkerij withdrew case K1 (debtor D1): betaald": "Bakkerij trok zaak K1 in (debiteur D1): betaald",
    "Mailbox a@b.nl reached 500 messages today; the rest waits for tomorrow":
        "Mailbox a@b.nl zit vandaag aan 500 berichten; de rest wacht tot morgen",
    "Reminder to debtor D1 closed unsent (no address); plan it for F1, F2 by hand":
        "Herinnering aan debiteur D1 onverzonden gesloten (no address); plan F1, F2 met de hand in",
    # console7 F5: a debtor's plan proposal waiting for a person
    "Debtor D-1002 proposes payment plan PL01a2: 3 installments, EUR 164.32 (the client approves debtors' plans)":
        "Debiteur D-1002 stelt betalingsregeling PL01a2 voor: 3 termijnen, € 164,32 "
        "(de opdrachtgever keurt regelingen van debiteuren zelf goed)",
    "Debtor D1 proposes payment plan PL9: 6 installments, EUR 1200.00 (an earlier plan lapsed on 2025-02-03)":
        "Debiteur D1 stelt betalingsregeling PL9 voor: 6 termijnen, € 1200,00 "
        "(een eerdere regeling verviel op 03-02-2025)",
}  # fmt: skip


@pytest.mark.parametrize(("english", "dutch"), TITLES.items())
def test_the_title_reads_dutch_on_dutch_pages(english: str, dutch: str) -> None:
    assert title(english, "nl") == dutch
    assert title(english, "en") == english


def test_the_inbound_mail_kind_and_further_details_have_words() -> None:
    assert kind_label("inbound_mail", "nl") == "Binnengekomen e-mail"
    assert detail_label("counterparty_iban", "nl") == "IBAN tegenpartij"
    assert detail_label("end_to_end_id", "en") == "End-to-end id"


STATEMENT = {
    "Statement day1.sta for NL02ABNA0123456789: opening + lines differs from closing by € 0,04":
        "Afschrift day1.sta van NL02ABNA0123456789: beginsaldo plus regels wijkt € 0,04 af van het eindsaldo",
    "Opening balance of NL02ABNA0123456789 on 2025-03-03 is € 10,00, the last statement closed at € 9,00: "
    "a statement may be missing":
        "Beginsaldo van NL02ABNA0123456789 op 2025-03-03 is € 10,00, het vorige afschrift eindigde op € 9,00: "
        "er ontbreekt misschien een afschrift",
    "Statement day1.sta for NL02ABNA0123456789 is in USD, not euros: 3 line(s) not booked; "
    "book them by hand at the bank's rate":
        "Afschrift day1.sta van NL02ABNA0123456789 is in USD, niet in euro: 3 regel(s) niet geboekt; "
        "boek ze met de hand tegen de koers van de bank",
}  # fmt: skip


def test_a_statement_files_problems_read_dutch_on_the_payments_page(world, tenants) -> None:  # type: ignore[no-untyped-def]
    from shared.domain.people.authorisation import Role
    from shared.services.statements import INBOX, IngestReport
    from tests.unit.console.conftest import desk_for

    name = f"agency-a/console/{tenants.c1}/20250303T090000-day1.sta"
    world.services.files.put(INBOX, name, b"-")
    report = IngestReport(name, "booked", statements=1, warnings=[*STATEMENT, "a new warning"])
    world.services.payment_overview.remember(report)
    staff = desk_for(world, Role.CLIENT_STAFF, tenants.c1, "s@c1.example")
    page = staff.get("/payments?lang=nl").encoded().decode()
    for english, dutch in STATEMENT.items():
        assert dutch in page and english not in page
        assert title(english, "nl") == dutch
    assert "a new warning" in page  # a shape the console does not know: as it is
    assert next(iter(STATEMENT)) in staff.get("/payments?lang=en").encoded().decode()


def test_a_resolution_reads_in_dutch_with_the_persons_name():
    """Services write "booked on F1 (user:u…)"; the Dutch page showed that as it was, with an
    id no credit manager can read (newcomer5 finding 5)."""
    from shared.api.console.action_text import resolution

    names = {"user:u195edfec2391e311": "Anna de Vries"}.get
    assert (
        resolution("booked on 201303-111, 201303-112 (user:u195edfec2391e311)", "nl", names)
        == "geboekt op 201303-111, 201303-112 (Anna de Vries)"
    )
    assert resolution("resolved (user:ugone)", "nl", names) == "afgehandeld (een collega)"
    assert resolution("paid by phone (key:k1)", "en", names) == "paid by phone (an API key)"
    assert resolution("booked on F1 (user:u195edfec2391e311)", "en", names) == (
        "booked on F1 (Anna de Vries)"
    )


def test_an_email_that_may_concern_debtors_reads_dutch_with_its_evidence():
    """The phone crawl of every action found this title and its candidates English (and the
    candidates as a Python dict) on a Dutch page."""
    from shared.api.console import action_text

    title = "E-mail from jan@devries.example may concern: D-1001 (invoice: F-0001); D-7 (sender: x)"
    assert action_text.title(title, "nl") == (
        "E-mail van jan@devries.example gaat mogelijk over: D-1001 (factuur: F-0001); "
        "D-7 (afzender: x)"
    )
    assert action_text.title(title, "en") == title
    found = {"debtor": "D-1001", "reasons": ["invoice: F-0001", "thread: m-1"]}
    assert (
        action_text.candidate(found, "nl")
        == "D-1001 (factuur: F-0001, antwoord op ons bericht: m-1)"
    )
    assert action_text.candidate(found, "en") == "D-1001 (invoice: F-0001, thread: m-1)"
