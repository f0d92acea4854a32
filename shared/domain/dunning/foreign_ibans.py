"""An account number in a dunning text that is not one debtors may pay to (attack26 F3).

Where debtors pay is an administrator's decision, proved before it counts: a client's own
accounts (``PUT …/ibans``, its proof, ``manage_bank_accounts``) or the agency's third-party
account. A template is the daily work's (a client's staff, the integration's key): "maak over
naar ons nieuwe rekeningnummer NL91 ABNA …" in the reminder every debtor gets sent their money
to whoever typed it, past both. A template names the account with ``{{ client.iban }}``; any
other account in what a debtor reads is refused, at the save (the source and the sample) and
before a message goes (what this debtor would read: text built from pieces, a branch the
sample never takes).
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.domain.dunning.templates import RenderedMessage
from shared.domain.inbound.text import html_to_text
from shared.domain.references import iban as iban_check
from shared.domain.references.iban_in_text import iban_spans


def ibans_in(texts: Iterable[str]) -> list[str]:
    """Every account number written in ``texts`` (solid or in groups), normalised, once each."""
    found: dict[str, None] = {}
    for text in texts:
        for start, end in iban_spans(text):
            found[iban_check.normalise(text[start:end])] = None
    return list(found)


def shown_parts(subject: str, text: str, html: str | None) -> list[str]:
    """What a debtor may read of a message: its subject, text, HTML and the HTML as text."""
    return [subject, text, *([html, html_to_text(html)] if html else [])]


def foreign_in_message(
    rendered: RenderedMessage, allowed: Iterable[str], links: Iterable[str | None] = ()
) -> list[str]:
    """The accounts a rendered message names that are not in ``allowed``; ``links``: the
    context's own links (the portal's and the payment's, the house style's images), left out:
    a signed token is letters and digits between ``-`` and ``_``, and one that read as an
    account would hold that debtor's every message, every day."""
    ours = {iban_check.normalise(a) for a in allowed if a}
    shown = shown_parts(rendered.subject, rendered.text, rendered.html)
    for link in sorted((k for k in links if k), key=len, reverse=True):
        shown = [part.replace(link, " ") for part in shown]
    return [i for i in ibans_in(shown) if i not in ours]
