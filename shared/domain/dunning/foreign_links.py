"""A link in a dunning text that leads anywhere but the app's own pages or the client's
registered domains (people27 F8).

The account check (:mod:`shared.domain.dunning.foreign_ibans`) keeps debtors' money on the
payees' accounts; "Betaal via https://tikkie.me/pay/…" sends it elsewhere without naming an
account. The message's own links (the portal's, the payment's, the house style's images) come
from the context; any other link must be on a domain the agency registered for the client
(``PUT /v1/clients/{c}/link-domains``), else it is refused like a foreign account: at the
save and before a message goes. A bare "tikkie.me/x" or "www.example.nl" is read as a link
too, as a debtor types it in all the same.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from html import unescape

import idna

from shared.domain.dunning.look_alike_domains import look_alike_of
from shared.domain.dunning.reading_order import with_shown

# a link with a scheme, or a bare host: labels of letters, digits and hyphens joined by dots,
# not glued to a word, an e-mail's "@" or a template's "{{ client.iban }}" before it. Letters
# of any script (review31: "tikkië.me/pay" or a Cyrillic "і" in "tіkkie.me/pay" broke the
# label, and a browser opens either); not followed by a dot and a digit ("FAC.NL.2024-001",
# "2024.NL.001": an invoice number, no top-level domain is a number) nor by more of the word
LABEL = r"[^\W_](?:(?:[^\W_]|-){0,61}[^\W_])?"
# a scheme with fewer slashes or backslashes ("https:/tikkie.me", "https:\\tikkie.me": a browser
# reads both as "https://"), or none before a host ("//tikkie.me/pay" in an e-mail's link is
# the page's own scheme's, review31)
_SCHEMED = re.compile(
    rf"(?i)(?:\b(?:https?|ftp):[/\\]*|(?<![\w:/\\])//(?=(?:{LABEL}\.)+[^\W\d_]))"
    r"([^\s/?#<>\"'\\]+)"
)
_BARE = re.compile(rf"(?i)(?<![\w@.\-/])((?:{LABEL}\.)+([^\W\d_]{{2,24}}))(?!\w|\.\d)(?=([/:?#]?))")
# a bare IPv4 address with a port or a path after it ("10.1.2.3:443/pay" opens like a host;
# leftover32): not part of a longer dotted number ("2024.001", a version) nor a time ("10:30")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
ADDRESS = rf"(?<![\w.:/\\-]){_OCTET}(?:\.{_OCTET}){{3}}(?=:\d{{1,5}}(?![\w.:])|/)"
_ADDRESS = re.compile(ADDRESS)
# the full stops an address bar reads as a dot (UTS #46), beyond the full-width one NFKC maps:
# "tikkie。me/pay" opens tikkie.me
_DOTS = str.maketrans({"\u3002": ".", "\uff61": "."})
# an XML namespace names a document type, no page anyone opens (the payment QR code's SVG)
_NAMESPACE = re.compile(r"""(?i)\bxmlns(?::[\w-]+)?\s*=\s*(?:"[^"]*"|'[^']*')""")
_TEMPLATE_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)

# the endings a bare host is taken as a link for without a path after it: the common ones and
# the short ones link shorteners and payment requests use ("betaald.Wij" or "o.a." are words)
LINK_ENDINGS = frozenset(
    {
        "nl", "be", "de", "eu", "com", "net", "org", "info", "biz", "io", "me", "co", "uk",
        "fr", "es", "it", "at", "ch", "lu", "dk", "se", "no", "fi", "pl", "us", "ly", "gl",
        "to", "app", "link", "page", "pay", "shop", "store", "online", "site", "xyz", "top",
        "click", "money", "cash", "bank", "finance", "club", "live", "tk", "ml", "ga", "cf",
        "gq", "ru", "cn", "cc", "tv", "ai", "gg", "sh", "la", "ws", "su", "icu", "vip", "cloud",
    }
)  # fmt: skip
# the endings that are Dutch words opening a sentence: "bijlage.De factuur" is a missed space,
# not the German site bijlage.de
SENTENCE_WORDS = frozenset({"de", "app", "bank", "info", "link", "online", "top", "live"})


_SCHEME_START = re.compile(r"(?i)^(?:(?:https?|ftp):)?[/\\]*")


def host_of(link: str) -> str:
    """The host of a link (with or without its scheme), lower case, without port or user."""
    rest = link.split("://", 1)[-1] if "://" in link else _SCHEME_START.sub("", link, count=1)
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
    return host.strip(".").lower()


def canonical_host(host: str) -> str:
    """``host`` in the one form hosts are stored and compared in: its ASCII form (IDNA 2008
    with the UTS #46 mapping, as browsers read an address), so "Bücher.example" and
    "xn--bcher-kva.example" are one host (leftover32: only the ``xn--`` form could be
    registered). A host that is no valid international name stays as written, lower case."""
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return host.lower()


def normalise_domain(domain: str) -> str:
    """A registered domain as compared: its host in its canonical (ASCII) form, without
    ``www.``."""
    host = canonical_host(host_of(domain.strip()))
    return host[4:] if host.startswith("www.") else host


def as_read(text: str) -> str:
    """``text`` as a reader's eye and a browser take a link in it: compatibility forms folded
    (full-width letters, "․"), invisible characters dropped, every kind of full stop a dot."""
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch) != "Cf"
    )
    return plain.translate(_DOTS)


# an HTML attribute's value, quoted or not: an href, a src, a refresh's content
_ATTRIBUTE_VALUE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
# what the URL parser drops anywhere in a link (WHATWG URL: ASCII tab and line breaks)
_URL_DROPS = str.maketrans("", "", "\t\n\r")


def opened_values(text: str) -> list[str]:
    """The attribute values of the HTML in ``text`` that a browser opens otherwise than they
    are written: character references decoded ("&#104;ttps://…", "&sol;&sol;host"), tabs and
    line breaks dropped ("ht&#9;tps://…"), a backslash read as a slash ("\\\\host"). The raw
    source hid each link from the check (attack33)."""
    if "<" not in text:
        return []
    found = []
    for m in _ATTRIBUTE_VALUE.finditer(text):
        written = next(v for v in m.groups() if v is not None)
        opened = as_read(unescape(written)).translate(_URL_DROPS).replace("\\", "/").strip()
        if opened != written:
            found.append(opened)
    return found


def hosts_in(texts: Iterable[str]) -> list[str]:
    """Every host a link in ``texts`` leads to (with a scheme, or bare), once each; in HTML
    also as its attribute values are opened (:func:`opened_values`)."""
    found: dict[str, None] = {}
    for text in with_shown(list(texts)):  # also as direction characters show it (attack33)
        plain = _NAMESPACE.sub(" ", as_read(text))
        _hosts_of(plain, found)
        if values := opened_values(plain):  # read together: one pass, as the text's own
            _hosts_of(" \n ".join(dict.fromkeys(values)), found)
    return list(found)


def _hosts_of(plain: str, found: dict[str, None]) -> None:
    """Add to ``found`` the host of every link in ``plain``."""
    for m in _SCHEMED.finditer(plain):
        if host := host_of(m.group(1)):
            found[host] = None
    unschemed = _SCHEMED.sub(" ", plain)
    for m in _BARE.finditer(unschemed):
        host, after = m.group(1).lower(), m.group(3)
        if after or host.startswith("www.") or _bare_host(m):
            found[host] = None
    for m in _ADDRESS.finditer(unschemed):
        found[m.group()] = None


def _bare_host(m: re.Match[str]) -> bool:
    """A host without path or ``www.`` is a link when its ending is one of
    :data:`LINK_ENDINGS` in any case ("Tikkie.ME", "BUNQ.Me": a debtor's browser reads them
    all the same; sec28), but for a missed space before a Dutch sentence going on: a lower-case
    word, a capitalised :data:`SENTENCE_WORDS` ending, a space and more words ("zie
    bijlage.De factuur")."""
    name, ending = m.group(1)[: -len(m.group(2)) - 1], m.group(2)
    if ending.lower() not in LINK_ENDINGS:
        return False
    missed_space = (
        ending.lower() in SENTENCE_WORDS
        and ending == ending.capitalize()
        and name.islower()
        and "." not in name
        and re.match(r"[ \t]+\w", m.string[m.end() :]) is not None
    )
    return not missed_space


def without_template_code(source: str) -> str:
    """A template's source with its expressions and tags blanked: ``{{ client.name }}`` is
    no host; what they render is judged in the sample and before sending."""
    return _TEMPLATE_CODE.sub(" ", source)


def allowed(host: str, domains: Iterable[str]) -> bool:
    """``host`` is one of ``domains`` or under one of them (``pay.bakkerij.nl`` under
    ``bakkerij.nl``; ``bakkerij.nl.evil.io`` is not)."""
    return any(host == d or host.endswith("." + d) for d in domains if d)


def foreign_hosts(
    texts: Iterable[str], domains: Iterable[str], links: Iterable[str | None] = ()
) -> list[str]:
    """The hosts links in ``texts`` lead to that are neither the hosts of ``links`` (the
    message's own) nor under ``domains`` (the client's registered ones)."""
    own = [normalise_domain(d) for d in domains if d]
    # a link's host exactly (and under it), in the ASCII form a found host is compared in:
    # as written, "bücher.nl" or "www.bakkerij.nl" never met the found host's "xn--bcher-kva.nl"
    # or "bakkerij.nl", and the client's own procedure was refused in its own notice (review32)
    hosts = [canonical_host(host_of(k)) for k in links if k]
    # a whole-script look-alike ("аррӏе.com") registered before it was refused (leftover33)
    # is still foreign, unless the client's domains are written in its script
    return [h for h in hosts_in(texts)
            if (not allowed(normalise_domain(h), own)
                and not allowed(canonical_host(host_of(h)), hosts))
            or look_alike_of(normalise_domain(h), own)]  # fmt: skip


# a host name in its ASCII form: a top-level domain of letters or an international one
# ("xn--p1ai")
_HOST = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,24}|xn--[a-z0-9-]{1,59})"
)
# the scripts a browser shows together in one label (Chromium's IDN policy): Latin with the
# Japanese, Chinese or Korean ones; any other mix ("pаypal" with a Cyrillic "а") is shown as
# xn-- because it imitates another name
_SCRIPTS_TOGETHER = (
    frozenset({"LATIN", "CJK", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "CJK", "BOPOMOFO"}),
    frozenset({"LATIN", "CJK", "HANGUL"}),
)


def _scripts(label: str) -> frozenset[str]:
    """The scripts of the letters of ``label``, by the first word of their Unicode name (the
    prolonged sound mark "ー" of nearly every katakana word, "KATAKANA-HIRAGANA ...", is
    Japanese: no script of its own, review32)."""
    words = (unicodedata.name(ch, "?").split(" ")[0] for ch in label if ch.isalpha())
    return frozenset("KATAKANA" if w == "KATAKANA-HIRAGANA" else w for w in words)


def mixed_scripts(host: str) -> bool:
    """``host`` (any form) has a label that mixes scripts a browser would not show together:
    a look-alike of another domain."""
    try:
        shown = idna.decode(host)
    except (idna.IDNAError, UnicodeError):
        return False
    for label in shown.split("."):
        scripts = _scripts(label)
        if len(scripts) > 1 and not any(scripts <= s for s in _SCRIPTS_TOGETHER):
            return True
    return False


def domain_refused(domain: str, own: Iterable[str] = ()) -> str | None:
    """Why ``domain`` cannot be registered as a client's (None: it can): a host name with a
    dot, no path, no address of a person, in its ASCII or Unicode form ("bücher.example"),
    its labels each in one script (or one a browser shows together), and none written wholly
    in another script's Latin-alike letters ("аррӏе.com") unless its top-level domain or the
    client's ``own`` domains (the others registered with it) are written in that script."""
    host = normalise_domain(domain)
    if "@" in domain or not _HOST.fullmatch(host) or len(host) > 253:
        return "is not a domain name like bakkerij.nl"
    if mixed_scripts(host):
        return "mixes scripts (a look-alike of another domain name)"
    if imitated := look_alike_of(host, [normalise_domain(d) for d in own]):
        return (
            "is written in another script's letters that look like Latin ones "
            f"(a look-alike of {imitated})"
        )
    return None
