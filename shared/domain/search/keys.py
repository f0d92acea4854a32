"""The keys a person finds a debtor or an invoice by in the console: prefixes of folded text.

Table Storage sorts row keys and answers a key range cheaply, so every way of finding something
is a key that starts with what the person typed: a debtor by its number or by any word of its
name, an invoice by its number, its betalingskenmerk (digits only) or its amount (exact cents).
Text is folded (lower case, accents dropped, only letters and digits) on both sides, so
"Müller" is found by "mull" and "F-2024/001" by "f2024".
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from shared.domain.invoices import Invoice
from shared.domain.money import AmountError, Cents, parse_amount
from shared.domain.parties import Debtor

_NOT_WORD = re.compile(r"[^a-z0-9]+")
MAX_FOLDED = 60  # a search key never needs more; long names stay within the key limit


class DebtorBy(StrEnum):
    NAME = "name"
    NUMBER = "number"


class InvoiceBy(StrEnum):
    NUMBER = "number"
    DEBTOR = "debtor"  # the debtor's name (through the debtor keys)
    REFERENCE = "reference"
    AMOUNT = "amount"


# the first letters of each kind of key; one range per kind. Two maps: DebtorBy.NUMBER and
# InvoiceBy.NUMBER are equal StrEnum members ("number"), so the one map this was held a single
# entry for both and a debtor's number keys went into the invoices' "in" range (attack29 F2)
DEBTOR_PREFIX = {DebtorBy.NAME: "dw", DebtorBy.NUMBER: "dn"}
INVOICE_PREFIX = {InvoiceBy.NUMBER: "in", InvoiceBy.REFERENCE: "ir", InvoiceBy.AMOUNT: "ia"}


def prefix(by: DebtorBy | InvoiceBy) -> str:
    """The key prefix of a way to search (by its class: equal members are different ways)."""
    return DEBTOR_PREFIX[by] if isinstance(by, DebtorBy) else INVOICE_PREFIX[by]


def fold(text: str) -> str:
    """Lower case, without accents, letters and digits only."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NOT_WORD.sub("", plain)[:MAX_FOLDED]


def words(text: str) -> list[str]:
    """The folded words of a name, each once, in order."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    out: list[str] = []
    for word in _NOT_WORD.split(plain):
        word = word[:MAX_FOLDED]
        if word and word not in out:
            out.append(word)
    return out


def amount_key(cents: Cents) -> str:
    return f"{cents:015d}"


def debtor_terms(debtor: Debtor) -> list[tuple[str, str]]:
    """(kind prefix, folded term) for every way a debtor is found."""
    terms = [(prefix(DebtorBy.NUMBER), fold(debtor.number))]
    terms += [(prefix(DebtorBy.NAME), w) for w in words(debtor.name)]
    return [(p, t) for p, t in terms if t]


def invoice_terms(invoice: Invoice) -> list[tuple[str, str]]:
    """(kind prefix, folded term) for every way an invoice is found (the debtor's name is
    searched through the debtor's own terms: a renamed debtor leaves no stale invoice keys)."""
    terms = [
        (prefix(InvoiceBy.NUMBER), fold(invoice.number)),
        (prefix(InvoiceBy.AMOUNT), amount_key(invoice.amount)),
    ]
    if invoice.payment_reference:
        terms.append((prefix(InvoiceBy.REFERENCE), re.sub(r"\D", "", invoice.payment_reference)))
    return [(p, t) for p, t in terms if t]


def query_term(by: DebtorBy | InvoiceBy, typed: str) -> str | None:
    """The folded prefix to look up for what was typed; None when it cannot match anything
    (an amount that is not an amount, a reference without digits)."""
    raw, typed = typed, typed.strip()
    if by is InvoiceBy.AMOUNT:
        try:
            return amount_key(parse_amount(_plain_amount(typed)))
        except AmountError:
            return None
    if by is InvoiceBy.REFERENCE:
        return re.sub(r"\D", "", typed) or None
    if by in (DebtorBy.NAME, InvoiceBy.DEBTOR):
        return _name_range(raw.lstrip())
    return fold(typed) or None


# an amount as the pages show it: "18.150,00" (nl) or "18,150.00" (en), thousands grouped
_GROUPED = re.compile(
    r"^\d{1,3}(?:(?P<sep>[.,\s\u00a0\u202f])\d{3})(?:(?P=sep)\d{3})*(?P<dec>[.,]\d{1,2})?$"
)


def _plain_amount(typed: str) -> str:
    """What was typed, without the euro sign and, where the grouping is certain (a decimal
    part with the other separator, or a space), without the thousands separators: a search
    finds an amount written as the console writes it (console7 finding 10). Money entered
    elsewhere refuses grouping on purpose (:func:`parse_amount`)."""
    text = typed.replace("€", "").replace("EUR", "").strip()
    found = _GROUPED.match(text)
    if found is None:
        return text
    sep, dec = found.group("sep"), found.group("dec")
    if sep in ".," and (dec is None or dec[0] == sep):
        return text  # "1.234" or "1,234": a thousand or a decimal, not for a search to guess
    digits = text[: len(text) - len(dec)] if dec else text
    return re.sub(r"\D", "", digits) + (dec or "")


def _name_range(typed: str) -> str | None:
    ranges = name_ranges(typed)
    return ranges[0] if ranges else None


def name_ranges(typed: str) -> list[str]:
    """The key ranges a name search may read, the likeliest narrowest first; it reads one and
    the other words filter what it finds. A word followed by a space was typed whole, so its
    range is the word itself (``de|``: not "dekker", "den" or "der"); the word being typed is
    a prefix. Longer words come first (a whole word on a tie); which range is really the
    narrowest only the index knows (``debtor 12`` among 10,000 "Debtor n": the short one)."""
    typed_words = words(typed)
    if not typed_words:
        return []
    whole = typed_words if typed != typed.rstrip() else typed_words[:-1]
    candidates = [(len(w) + 0.5, f"{w}|") for w in whole]
    if len(whole) < len(typed_words):
        candidates.append((float(len(typed_words[-1])), typed_words[-1]))
    return [term for _, term in sorted(candidates, reverse=True)]


def name_matches(name: str, typed: str) -> bool:
    """Every typed word starts a word of the name ("bak jans" finds "Bakkerij Jansen")."""
    have = words(name)
    return all(any(h.startswith(w) for h in have) for w in words(typed))
