"""words10: the page after linking at Microsoft or Mollie speaks the browser's language: Dutch
unless English is asked first; a refusal nobody gave a code still leads with a sentence the
reader understands and keeps the provider's text for support."""

from __future__ import annotations

from shared.api.console.link_text import callback_page, language
from shared.services.errors import Invalid


def test_the_browser_decides_and_dutch_is_the_default():
    assert [language(a) for a in (None, "", "nl-NL,nl;q=0.9", "de-DE", "en-US,en;q=0.5", "EN")] == [
        "nl", "nl", "nl", "nl", "en", "en"]  # fmt: skip


def test_a_coded_refusal_is_its_sentence_and_an_unforeseen_one_leads_in_dutch():
    coded = Invalid("Mollie sent no authorisation code", code="link_mollie_no_code")
    status, page = callback_page("mollie", "nl", coded)
    assert (
        status == 400 and "<p>Mollie stuurde geen autorisatiecode terug: begin opnieuw.</p>" in page
    )
    assert "sent no" not in page
    status, page = callback_page("office365", None, RuntimeError("Graph said <b>503</b>"))
    assert status == 400 and "<h1>Mailbox niet gekoppeld</h1>" in page
    assert "<p>Het koppelen is niet gelukt; begin opnieuw." in page
    assert "<p>Graph said &lt;b&gt;503&lt;/b&gt;</p>" in page  # escaped, kept for support
    status, page = callback_page("office365", "en", None)
    assert (status, "<html lang=en>") == (200, page[len("<!doctype html>") :][:14])
    assert "<h1>Mailbox linked</h1>" in page
