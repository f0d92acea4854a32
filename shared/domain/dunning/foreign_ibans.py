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

import re
import unicodedata
from collections.abc import Iterable

from shared.domain.dunning.reading_order import with_shown
from shared.domain.dunning.templates import RenderedMessage
from shared.domain.inbound.text import html_to_text
from shared.domain.references import iban as iban_check
from shared.domain.references.iban_in_text import iban_spans

# a run of letters and digits, and what may stand between the groups of an account a reader
# still copies: up to three characters that are neither (a hyphen, dots, a slash, spaces of
# any kind, a line break), or up to eight of white space alone (a blank line between two lines
# with Windows line ends, "\r\n\r\n", and the indent of the next: attack28)
_GROUP = re.compile(r"[A-Za-z0-9]+")
_BETWEEN = 3
_BLANK = 8
# the shape of each SEPA country's BBAN (SWIFT IBAN registry: n digits, a letters, c either):
# an account read across groups must have it, so that prose is never joined into one (review27
# F1: "bedrag is € 51,79 en moet binnen veertien" read as IS5179ENMOETBINNENVEERTIEN, an
# Icelandic account with valid check digits: ~1 % of such amounts, the message not sent)
_BBAN_FORMATS = {
    "AD": "4n4n12c", "AT": "5n11n", "BE": "3n7n2n", "BG": "4a4n2n8c", "CH": "5n12c",
    "CY": "3n5n16c", "CZ": "4n6n10n", "DE": "8n10n", "DK": "4n9n1n", "EE": "2n2n11n1n",
    "ES": "4n4n1n1n10n", "FI": "3n11n", "FR": "5n5n11c2n", "GB": "4a6n8n", "GI": "4a15c",
    "GR": "3n4n16c", "HR": "7n10n", "HU": "3n4n1n15n1n", "IE": "4a6n8n", "IS": "4n2n6n10n",
    "IT": "1a5n5n12c", "LI": "5n12c", "LT": "5n11n", "LU": "3n13c", "LV": "4a13c",
    "MC": "5n5n11c2n", "MT": "4a5n18c", "NL": "4a10n", "NO": "4n6n1n", "PL": "8n16n",
    "PT": "4n4n11n2n", "RO": "4a16c", "SE": "3n16n1n", "SI": "5n8n2n", "SK": "4n6n10n",
    "SM": "1a5n5n12c", "VA": "3n15n",
}  # fmt: skip
_KIND = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Z0-9]"}
_BBAN = {
    country: re.compile(
        "".join(f"{_KIND[kind]}{{{n}}}" for n, kind in re.findall(r"([0-9]+)([nac])", shape))
    )
    for country, shape in _BBAN_FORMATS.items()
}
# an account glued to the word before it ("naarNL91ABNA…", attack28): its country's capitals
# and check digits inside a group start a candidate as a group's beginning does
_GLUED = re.compile(r"[A-Z]{2}[0-9]{2}")
# Cyrillic and Greek letters drawn as Latin ones (review31: "NL91 АВNA …" with a Cyrillic А
# and В read as ABNA, and the debtor types the Latin letters): read as the Latin letter
_LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТХУІЈЅаеорсхуіјѕΑΒΕΖΗΙΚΜΝΟΡΤΥΧοικνρτυχ",
    "ABEKMHOPCTXYIJSaeopcxyijsABEZHIKMNOPTYXoikvptux",
)


def ibans_in(texts: Iterable[str]) -> list[str]:
    """Every account number written in ``texts`` (solid or in groups), normalised, once each;
    also as a text is shown where direction characters reorder it (attack33)."""
    found: dict[str, None] = {}
    for text in with_shown(list(texts)):
        for start, end in iban_spans(text):
            found[iban_check.normalise(text[start:end])] = None
        for account in _grouped(text):
            found[account] = None
    return list(found)


def _grouped(text: str) -> list[str]:
    """Accounts written in groups split by anything a reader skips: "NL20-INGB-0001-2345-67",
    "NL20.INGB…", no-break or double spaces, "NL 20 INGB …", a line break, an invisible
    zero-width space (people27 F3: each passed the check the bank-statement reader's single
    spaces make, and the debtor reads an account all the same), one character at a time
    ("N L 2 0 I N G B …"), a blank line between two groups, glued to the word before it
    (attack28). Full-width digits read as digits, Cyrillic and Greek look-alikes as the
    Latin letters they look like. A candidate begins with a SEPA country's two
    letters and ends at the end of a group with the country's length, valid check digits and
    its BBAN's shape (review27: a Dutch one a bank code and ten digits, a German one digits
    only), so no word or amount around it is taken in."""
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch) != "Cf"
    ).translate(_LOOKALIKES)
    groups = list(_GROUP.finditer(plain))
    out: list[str] = []
    for i, first in enumerate(groups):
        word = first.group()
        # glued to a non-ASCII letter before it (a word's end): not a start
        glued = first.start() > 0 and plain[first.start() - 1].isalnum()
        starts = [] if glued else [0]
        starts += [m.start() for m in _GLUED.finditer(word) if m.start() > 0]
        for at in starts:
            account = _account_from(plain, groups, i, word[at:].upper())
            if account is not None:
                out.append(account)
    return out


def _account_from(plain: str, groups: list[re.Match[str]], i: int, head: str) -> str | None:
    """The account that begins with ``head`` (of group ``i``) and runs on over the groups after
    it, when it is one."""
    account, j, want = head, i, None
    while True:
        if want is None and len(account) >= 2:
            if not account[:2].isalpha():
                return None
            want = iban_check.LENGTHS.get(account[:2])
            if want is None:
                return None
        if (want is not None and len(account) >= want) or j + 1 >= len(groups):
            break
        gap = plain[groups[j].end() : groups[j + 1].start()]
        if len(gap) > _BETWEEN and not (gap.isspace() and len(gap) <= _BLANK):
            break
        j += 1
        account += groups[j].group().upper()
    if (
        len(account) == want
        and iban_check.is_valid(account)
        and (bban := _BBAN.get(account[:2])) is not None
        and bban.fullmatch(account[4:]) is not None
    ):
        return account
    return None


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
