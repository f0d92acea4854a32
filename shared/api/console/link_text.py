"""The short page a client's administrator lands on after linking an account at Microsoft or
Mollie (functions/linking.py), in the person's language.

The provider sends the browser back without Inning's session or a ``?lang=``, so the language
is the browser's: English when its Accept-Language asks English first, else Dutch (as the
console's sign-in page decides). A refusal is said by its code (refusal_words_linking.py); one
without a code (a provider's failure nobody foresaw) gets the Dutch or English lead sentence
and its own text as the technical detail, so support can still tell what happened."""

from __future__ import annotations

import html

from shared.api.console.refusal_text import REFUSALS, refusal

# provider -> language -> (title when linked, text when linked, title when not linked)
_WORDS: dict[str, dict[str, tuple[str, str, str]]] = {
    "office365": {
        "nl": ("Mailbox gekoppeld",
               "Inning verstuurt de e-mail van deze opdrachtgever nu vanuit haar eigen mailbox.",
               "Mailbox niet gekoppeld"),
        "en": ("Mailbox linked", "Inning now sends this client's e-mail from its own mailbox.",
               "Mailbox not linked"),
    },
    "mollie": {
        "nl": ("Mollie-account gekoppeld",
               "Debiteuren van deze opdrachtgever betalen nu op haar eigen Mollie-account.",
               "Mollie-account niet gekoppeld"),
        "en": ("Mollie account linked",
               "Debtors of this client now pay into its own Mollie account.",
               "Mollie account not linked"),
    },
}  # fmt: skip
_UNFORESEEN = {
    "nl": (
        "Het koppelen is niet gelukt; begin opnieuw. Lukt het dan weer niet, geef deze "
        "melding door aan uw incassopartij:"
    ),
    "en": "Linking did not succeed; start again. If it fails again, pass this on to your "
    "collection agency:",
}


def language(accept_language: str | None) -> str:
    """``en`` when the browser asks English first, else ``nl``."""
    return "en" if (accept_language or "").strip().lower().startswith("en") else "nl"


def callback_page(
    provider: str, accept_language: str | None, refused: Exception | None = None
) -> tuple[int, str]:
    """The status and the HTML of the page after linking at ``provider`` (``office365`` or
    ``mollie``): linked, or ``refused`` said in the browser's language."""
    lang = language(accept_language)
    linked_title, linked_text, refused_title = _WORDS[provider][lang]
    if refused is None:
        return 200, _document(lang, linked_title, [linked_text])
    if getattr(refused, "code", None) in REFUSALS:
        return 400, _document(lang, refused_title, [refusal(refused, lang)])
    return 400, _document(lang, refused_title, [_UNFORESEEN[lang], str(refused)])


def _document(lang: str, title: str, paragraphs: list[str]) -> str:
    said = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (f"<!doctype html><html lang={lang}><meta charset=utf-8><title>{html.escape(title)}</title>"
            f"<body style='font-family:system-ui;max-width:32rem;margin:2rem auto'>"
            f"<h1>{html.escape(title)}</h1>{said}</body></html>")  # fmt: skip
