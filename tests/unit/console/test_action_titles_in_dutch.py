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
}  # fmt: skip


@pytest.mark.parametrize(("english", "dutch"), TITLES.items())
def test_the_title_reads_dutch_on_dutch_pages(english: str, dutch: str) -> None:
    assert title(english, "nl") == dutch
    assert title(english, "en") == english


def test_the_inbound_mail_kind_and_further_details_have_words() -> None:
    assert kind_label("inbound_mail", "nl") == "Binnengekomen e-mail"
    assert detail_label("counterparty_iban", "nl") == "IBAN tegenpartij"
    assert detail_label("end_to_end_id", "en") == "End-to-end id"
