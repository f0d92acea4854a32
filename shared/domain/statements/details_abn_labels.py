"""ABN AMRO's labelled :86: (the MT940 its internet banking downloads, also in 2024):

    SEPA OVERBOEKING                 IBAN: NL13INGB0001234567
    BIC: INGBNL2A                    NAAM: HR TEST PERSON
    OMSCHRIJVING: RENT + DEPOSIT     KENMERK: NOTPROVIDED

The kind of payment, then label and value in 32-character columns, wrapped at 65 characters:
``IBAN:`` ``BIC:`` ``NAAM:`` before the payer's description (``OMSCHRIJVING:``, or a structured
``BETALINGSKENM.:`` instead), his end-to-end id (``KENMERK:``) last. A direct debit names the
creditor (``INCASSANT:``, ``NAAM:``, ``MACHTIGING:``) before the description and its account
after it (``IBAN:``, ``KENMERK:``).

What the payer writes (his name, description and id) may hold a label too: the bank's fields
before the description are each its first (``IBAN:`` and ``BIC:`` only before ``NAAM:``), the
id is the last ``KENMERK:`` (a description saying "KENMERK: x" stays text), and the
description is what lies between. Read as free
text before (bankfiles24), the payer had no name, no end-to-end id and a remittance full of
the bank's labels."""

from __future__ import annotations

import re

_LABEL = re.compile(
    r"(?<!\S)(IBAN|BIC|NAAM|OMSCHRIJVING|KENMERK|BETALINGSKENM\.|MACHTIGING|INCASSANT):(?=\s|$)"
)
_KINDS = re.compile(r"^SEPA [A-Z .]+?(?=\s{2,}|\s*(?:IBAN|INCASSANT|NAAM|BIC):)")
_DIGITS = re.compile(r"\d[\d ]*\d")


def read_abn_labels(raw: str, width: int, first_width: int) -> dict[str, str] | None:
    """The bank's fields of a labelled :86: (its lines as sent), or None when it is not that
    layout: it starts with the SEPA kind and names the payer's account or name."""
    text = _unwrapped(raw, width, first_width)
    kind = _KINDS.match(text.lstrip())
    if kind is None:
        return None
    text = text.lstrip()
    found = list(_LABEL.finditer(text))
    if not any(m.group(1) in ("IBAN", "NAAM") for m in found):
        return None
    out: dict[str, str] = {"KIND": " ".join(kind.group(0).split())}
    last_id = next((m for m in reversed(found) if m.group(1) == "KENMERK"), None)
    if last_id is not None:
        out["KENMERK"] = _value(text[last_id.end() :])
    description = next((n for n, m in enumerate(found) if m.group(1) == "OMSCHRIJVING"), None)
    head = found if description is None else found[:description]
    # the bank writes IBAN: and BIC: before NAAM:, so one after it is in the payer's name, his
    # text: read as the bank's (no IBAN: before it) it named the account he typed as his
    named = next((n for n, m in enumerate(head) if m.group(1) == "NAAM"), len(head))
    head = [m for n, m in enumerate(head) if n <= named or m.group(1) not in ("IBAN", "BIC")]
    after_head = found[description].start() if description is not None else len(text)
    for n, m in enumerate(head):
        if m is last_id or m.group(1) == "KENMERK":
            continue
        end = head[n + 1].start() if n + 1 < len(head) else after_head
        out.setdefault(m.group(1), _value(text[m.end() : end]))
    if description is None:
        return out
    tail = found[description + 1 :]
    stop = last_id.start() if last_id is not None and last_id in tail else len(text)
    if "IBAN" not in out and "INCASSANT" in out:  # the creditor's account after the text
        account = next(
            (m for m in reversed(tail) if m.group(1) == "IBAN" and m.start() < stop), None
        )
        if account is not None:
            out["IBAN"] = _value(text[account.end() : stop])
            stop = account.start()
    out["OMSCHRIJVING"] = _value(text[found[description].end() : stop])
    return out


def structured_reference(value: str | None) -> str | None:
    """A ``BETALINGSKENM.:`` value's digits (the 16-digit kenmerk, spaces the column left)."""
    if value is None or (m := _DIGITS.search(value)) is None:
        return None
    return m.group(0).replace(" ", "")


def _unwrapped(raw: str, width: int, first_width: int) -> str:
    """The lines as one text: a line filled to the width was cut and goes on without a
    separator, unless the next starts with a label (a column's field that filled the line
    ended there: "NAAM: AA NETHERLANDS B.V." then "OMSCHRIJVING: ..")."""
    rows = raw.replace("\r", "").split("\n")
    out = [rows[0]]
    for n in range(1, len(rows)):
        full = len(rows[n - 1]) >= (first_width if n == 1 else width)
        out.append(rows[n] if full and not _LABEL.match(rows[n]) else " " + rows[n])
    return "".join(out)


def _value(text: str) -> str:
    return " ".join(text.split())
