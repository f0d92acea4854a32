"""The fresh part of a reply and its quoted history, from real-shaped messages."""

from __future__ import annotations

from shared.domain.inbound.text import html_to_text, number_tokens, split_reply
from tests.unit.inbound.fixtures import graph_message


def test_an_outlook_reply_keeps_what_the_debtor_wrote_and_quotes_the_reminder():
    message = graph_message("reply_with_quote")
    text = split_reply(html_to_text(message["body"]["content"]))
    assert "al betaald" in text.fresh
    assert "F-2002" not in text.fresh, "the reminder's invoice list is history"
    assert "F-2002" in text.quoted and "Van:" in text.quoted
    assert "P {margin" not in text.fresh + text.quoted, "styles are not text"


def test_a_forwarded_mail_is_content_and_names_its_original_sender():
    message = graph_message("forwarded")
    text = split_reply(html_to_text(message["body"]["content"]))
    assert "bellen" in text.fresh
    assert text.forwarded_from == ("jan@devries.example",)
    assert text.quoted == ""


def test_plain_text_quotes_in_four_languages():
    for header in (
        "On Mon, 3 Mar 2025 at 09:12, Bakkerij <facturen@korenbloem.example> wrote:",
        "Op ma 3 mrt 2025 om 09:12 schreef Bakkerij <facturen@korenbloem.example>:",
        "Am Mo., 3. März 2025 um 09:12 Uhr schrieb Bakkerij <facturen@korenbloem.example>:",
        "Le lun. 3 mars 2025 à 09:12, Bakkerij <facturen@korenbloem.example> a écrit :",
        "-----Oorspronkelijk bericht-----",
    ):
        text = split_reply(f"Betaald, zie bijlage.\n\n{header}\nFactuur F-9 staat open.")
        assert text.fresh == "Betaald, zie bijlage." and "F-9" in text.quoted, header


def test_angle_quoted_lines_are_history():
    text = split_reply("Klopt niet.\n> Factuur F-77 staat open\n> Betaal binnen 14 dagen")
    assert text.fresh == "Klopt niet." and "F-77" in text.quoted


def test_an_outlook_header_block_without_separator_starts_the_history():
    text = split_reply("Zie bijlage\nVan: Bakkerij\nVerzonden: maandag\nOnderwerp: F-5 open")
    assert text.fresh == "Zie bijlage" and "F-5" in text.quoted


def test_number_tokens_leave_out_dates_and_amounts():
    tokens = number_tokens(
        "Factuur 2025-0042 en F/123 van 12-03-2025, bedrag 1.250,00 of 121,00; nr. 98765"
    )
    assert "2025-0042" in tokens and "F/123" in tokens and "98765" in tokens
    assert "12-03-2025" not in tokens and "1.250,00" not in tokens and "121,00" not in tokens
