"""An account or a link in the free text a debtor reads around a dunning text (attack31).

The dunning texts themselves are checked (:mod:`shared.domain.dunning.foreign_ibans`,
:mod:`shared.domain.dunning.foreign_links`), but the words around them were anyone's: a
client's footer ("betaal voortaan op NL91 ABNA …"), its postal address in the letterhead, an
invoice or debtor number, a debtor's name. Whoever holds a client's account typed "pay to
NL.. instead" there and every letter, e-mail and portal page carried it. Those words are
refused when they name an account or link elsewhere; the services say which accounts and
places are the party's own.
"""

from __future__ import annotations

import re

from shared.domain.dunning.foreign_ibans import ibans_in
from shared.domain.dunning.foreign_links import ADDRESS, LABEL, as_read, host_of, hosts_in
from shared.domain.references.iban import mask

# a link written out as one: with a scheme, after "www.", or a host with a path after it
# ("tikkie.me/pay/…": a payment request needs its path) or a port ("tikkie.me:443/pay", an
# address "10.1.2.3:443"; leftover32). A bare "Bol.com B.V." or "Burg.de
# Withstraat" is a business's name or an address, not a link: names and addresses are read
# with this; a footer and a number with every host (hosts_in)
_PORT_OR_PATH = r"(?::\d{1,5}(?![\w.:])|(?::\d{1,5})?/\S)"
_WRITTEN = re.compile(
    r"(?i)(?:\b[a-z][a-z0-9+.-]*://[^\s/?#<>\"']+|\b(?:https?|ftp):[/\\]*[^\s/?#<>\"'\\]+"
    rf"|(?<![\w:/\\])//(?:{LABEL}\.)+[^\W\d_]{{2,24}}|\bwww\.[^\s/?#<>\"']+"
    rf"|(?<![\w@.\-/])(?:{LABEL}\.)+[^\W\d_]{{2,24}}{_PORT_OR_PATH}"
    rf"|{ADDRESS}(?::\d{{1,5}})?/?)"
)


def accounts_named(text: str) -> list[str]:
    """The account numbers ``text`` names (solid, in groups, glued to a word), normalised."""
    return ibans_in([text]) if text else []


def hosts_linked(text: str) -> list[str]:
    """The hosts every link in ``text`` leads to, a bare host ("tikkie.me") included."""
    return hosts_in([text]) if text else []


def link_written(text: str) -> str | None:
    """The host of the first link written out as one in ``text`` (a scheme, ``www.`` or a
    path after the host); None when there is none."""
    # read as the debtor reads it (review31: "tikkie\u200b.me/pay" or "tikkie․me/pay" passed)
    found = _WRITTEN.search(as_read(text or ""))
    if found is None:
        return None
    return host_of(found.group()) or found.group()


# the characters that turn, embed or isolate the reading direction: "\u202e0034617140ANBA19LN"
# names no account in its stored order, the order the checks read, and shows a debtor
# NL91ABNA0417164300 (attack33; names and address lines refuse them by their pattern)
_DIRECTION = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def number_fault(text: str) -> str | None:
    """Why ``text`` cannot be an invoice's or a debtor's number, which debtors read in every
    letter, e-mail and on the portal (None: it can): a character that turns the reading
    direction, an account, or a link to any host."""
    if _DIRECTION.search(text):
        return "holds a character that turns the reading direction"
    if found := accounts_named(text):
        return f"names the account {mask(found[0])}"
    if hosts := hosts_linked(text):
        return f"links to {hosts[0]}"
    return None


def name_fault(text: str) -> str | None:
    """Why ``text`` cannot be a debtor's name or an address line (None: it can): an account,
    or a link written out as one (a business named "Bol.com B.V." keeps its name)."""
    if found := accounts_named(text):
        return f"names the account {mask(found[0])}"
    if host := link_written(text):
        return f"links to {host}"
    return None
