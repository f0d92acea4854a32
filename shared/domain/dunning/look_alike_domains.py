"""A domain label written wholly in another script's letters that look like Latin ones
("аррӏе.com", every letter Cyrillic): a whole-script confusable (UTS #39), which no
mixed-script check sees, since the label has one script (leftover32 left). Browsers show such a label as
``xn--`` unless the domain is under a top-level domain of that script (Chromium's IDN spoof
checker); a client's texts may not link to one unless the client's own domains use that script.

The letters are the lowercase ones of UTS #39's confusables that look like a Latin letter (the
form a domain is compared in is lowercase): Chromium's set of Latin-alike Cyrillic letters,
and the like of Greek and Armenian.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import idna

LATIN_ALIKE = {
    "CYRILLIC": dict(zip("асԁеһіјӏорԛѕԝхуъьҽпгѵѡ", "acdehijlopqswxybbenrvw", strict=True)),
    "GREEK": dict(zip("αβγικνορτυχηϲϳ", "abyikvoptuxncj", strict=True)),
    "ARMENIAN": dict(zip("ահոսօզցւ", "whnuoqgl", strict=True)),
}
# the country domains of those scripts, in ASCII: a label of their letters is what a .ru or
# .gr name is written in (Chromium shows a Latin-alike Cyrillic label under .ru in Unicode)
_TLD_SCRIPTS = {
    **dict.fromkeys(
        ("bg", "by", "kg", "kz", "mk", "mn", "rs", "ru", "su", "tj", "ua", "uz"), "CYRILLIC"
    ),
    **dict.fromkeys(("gr", "cy"), "GREEK"),
    "am": "ARMENIAN",
}  # fmt: skip


def _shown(host: str) -> list[str]:
    try:
        return idna.decode(host).split(".")
    except (idna.IDNAError, UnicodeError):
        return host.lower().split(".")


def _script(label: str) -> str | None:
    """The one script of the letters of ``label`` (None: none, or more than one)."""
    scripts = {unicodedata.name(ch, "?").split(" ")[0] for ch in label if ch.isalpha()}
    return scripts.pop() if len(scripts) == 1 else None


def _look_alike(label: str) -> str | None:
    """The Latin name ``label`` imitates, when every letter of it is another script's letter
    that looks like a Latin one ("аррӏе" -> "apple"); None for any other label."""
    script = _script(label)
    letters = LATIN_ALIKE.get(script or "")
    if letters is None or not all(ch in letters for ch in label if ch.isalpha()):
        return None
    return "".join(letters.get(ch, ch) for ch in label)


def scripts_used(domains: Iterable[str]) -> frozenset[str]:
    """The scripts ``domains`` are written in as words of that script: a label in one script
    with a letter that looks like no Latin one ("пример"), or a top-level domain's."""
    used: set[str] = set()
    for domain in domains:
        labels = _shown(domain)
        used.update(s for s in (_TLD_SCRIPTS.get(labels[-1]),) if s)
        used.update(s for label in labels if (s := _script(label)) and not _look_alike(label))
    return frozenset(used)


def look_alike_of(host: str, own: Iterable[str] = ()) -> str | None:
    """The Latin name ``host`` (any form) imitates ("apple.com" for "аррӏе.com"), when a label
    of it is written wholly in Latin-alike letters of a script that neither its top-level domain
    nor the client's ``own`` domains are written in; None for any other host."""
    labels = _shown(host)
    allowed = scripts_used([host, *own])
    imitated = [_look_alike(label) for label in labels]
    if not any(
        name is not None and _script(label) not in allowed
        for label, name in zip(labels, imitated, strict=True)
    ):
        return None
    return ".".join(name or label for label, name in zip(labels, imitated, strict=True))
