"""Matching bank statement credits to open invoices.

Each candidate (one invoice, or a set of one debtor's invoices) gets a score in [0, 1] with
its reasons. A line is booked automatically only when the best candidate reaches the
threshold *and* leads the runner-up by the margin (both per-client settings); anything else is
a suggestion for staff. A wrong automatic booking costs far more than a missed one, so every
weight below errs on the side of suggesting.

Signals, strongest first:
- a structured reference (betalingskenmerk, RF, Belgian) equal to the invoice's reference;
- invoice numbers in the remittance text, tolerant to spacing and prefixes ("factuur", "F-");
  the number's numeric tail alone ("voor nr 01483" for 2024-01483); one wrong, missing or
  extra character;
- the amount against the claim's open total (``open_totals``: principal by default, the whole
  claim with costs and interest where the ledger provides it): equal to one open invoice, or
  to a set of the debtor's open invoices (bounded subset search), or less (a partial payment);
- the payer's IBAN, learned from earlier booked payments;
- the payer's name against the debtor's name.

The rules a careful credit manager books by, each named in the reasons:
- reference: a structured reference of one open invoice, the amount at most its open total;
- number: the invoice number in the text, amount and/or payer agreeing;
- known payer: a debtor's known IBAN paying exactly the open total, or the open principal, of
  exactly one of that debtor's open invoices (no other invoice or set of his fitting by either),
  with no reference or number in the text pointing elsewhere;
- known payer, letter's total: a debtor's known IBAN paying exactly what a 14-day letter whose
  term still runs asked for its invoices together (principal and interest to the term's last
  day, ``asked_totals``), no other invoice or set of his fitting, nothing pointing elsewhere;
- number without prefix/year, or with one typo: when the payer and the amount agree;
- written-off claim (womatch31): only by its own reference, or its number written whole from
  an account known for its debtor (a recovery, ledger31); never by its tail, a typo or amount.
The precision guard: a booking is automatic only when the best candidate reaches the
threshold and leads every other candidate by the margin (no other open claim fits as well).
A booking that leans on the payer's account is a suggestion when that account is known to
more than one party whose money arrives there (:meth:`Lookups.payer_of_several`: two clients
of a pooled account), as the payer alone would pick one of them. On a pooled account numbers
are unique within a client only: a client's code in the text (:mod:`client_code`, the
portal's quote for a handed-over invoice) keeps that client's candidates alone, and a line
whose text names invoices of two clients and no code is a suggestion.

Candidates come from point or small range lookups (:class:`Lookups`: reference, numeric tail,
payer IBAN, debtor, amount), never from a scan of all invoices: a line costs a bounded number
of lookups whatever the portfolio's size. :class:`InvoiceIndex` answers them in memory (the
CLI's ``inning match``); the statement service answers them from Table Storage.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import combinations
from typing import Protocol

from shared.domain.money import Cents
from shared.domain.references.finder import FoundReference, ReferenceKind, find_references
from shared.domain.references.iban_in_text import without_ibans
from shared.domain.statements.client_code import client_code, codes_in
from shared.domain.statements.lookup_plan import ideal_id, ideal_ids, plan_tails
from shared.domain.statements.model import StatementLine

WEIGHT_REFERENCE = 0.8
WEIGHT_NUMBER = 0.6
WEIGHT_NUMBER_DIGITS = 0.5
WEIGHT_NUMBER_FUZZY = 0.4
WEIGHT_AMOUNT_EXACT = 0.2
WEIGHT_AMOUNT_PARTIAL = 0.1
PENALTY_OVERPAID = 0.1
WEIGHT_IBAN = 0.3
WEIGHT_NAME = 0.15
WEIGHT_NAME_PARTIAL = 0.05
BONUS_ONLY_OPEN_AMOUNT = 0.35  # known payer, exact open total of exactly one invoice
BONUS_ONLY_OPEN_SET = 0.25  # known payer, exact open total of exactly one set of invoices
BONUS_LETTER_TOTAL = 0.35  # known payer, exactly what one letter asked for its invoices
BONUS_PAYER_AND_AMOUNT = 0.1  # a typo'd number is trusted when payer and amount agree
# the most an invoice found only by the amount lookup can score: a typo'd number, the exact
# amount, the payer's name and the typo bonus (never the payer's account: not his debtor)
AMOUNT_CANDIDATE_MAX = round(
    WEIGHT_NUMBER_FUZZY + WEIGHT_AMOUNT_EXACT + WEIGHT_NAME + BONUS_PAYER_AND_AMOUNT, 4
)
MAX_SUBSET_INVOICES = 20
MAX_SUBSET_SIZE = 4
MAX_TAIL_LOOKUPS = 3  # digit groups of a description looked up, longest first
MAX_DEBTORS_PER_IBAN = 2  # a shared account (a parent paying for two debtors) and no more
AMOUNT_LOOKUP_LIMIT = 200  # one range read of small rows; a full page: claims left unread
MAX_AMOUNT_NAME_DEBTORS = 4  # debtors owing a line's amount whose names are compared with the payer
RANGE_CAP = 50  # rows one lookup reads; a key shared by more is no key to book by
MAX_LOOKUPS_PER_LINE = 5  # point or small range reads of the index for one statement line
# a pooled account's lookups key each invoice (and debtor) by its client: "<client id>" SEP
# "<number>", as the numbers alone are unique within a client only
PARTY_SEP = "\x1f"
_NAME_NOISE = frozenset(
    [
        "BV",
        "NV",
        "VOF",
        "DE",
        "HET",
        "VAN",
        "DER",
        "DEN",
        "EN",
        "HR",
        "MW",
        "DHR",
        "MEVR",
        "HOLDING",
        "LTD",
        "GMBH",
        "INZAKE",
        "EO",
    ]
)
_PREFIXES = (
    "FACTUURNUMMER",
    "FACTUURNR",
    "FACTUUR",
    "INVOICE",
    "FACT",
    "FAKTUUR",
    "NOTA",
    "INV",
    "NR",
    "NO",
)


@dataclass(frozen=True)
class OpenInvoice:
    number: str
    debtor: str  # debtor number (or name when the caller has no numbers)
    debtor_name: str
    open_amount: Cents
    payment_reference: str | None = None
    due_date: date | None = None
    debtor_ibans: tuple[str, ...] = ()
    # the debtor's kind ("b2b"/"b2c") as the storage index carried it with the name; None:
    # not carried (the name, if any, came from elsewhere)
    debtor_kind: str | None = None
    # found by the own betalingskenmerk of the payment plan it runs under (the lookup by
    # reference fell back on the plan): that reference names the plan's invoices together
    plan_reference: str | None = None
    # written off by the creditor (ledger31): ``open_amount`` is the principal not yet
    # recovered. Only an exact key names it (:func:`_exact_for_written_off`, womatch31)
    written_off: bool = False


@dataclass(frozen=True)
class MatchSettings:
    auto_threshold: float = 0.85
    margin: float = 0.15
    auto_book: bool = True  # the client's switch: off, every match is a suggestion


def strictest(settings: Sequence[MatchSettings]) -> MatchSettings:
    """The thresholds that book only what each of ``settings`` books (none: the defaults)."""
    if not settings:
        return MatchSettings()
    return MatchSettings(
        auto_threshold=max(s.auto_threshold for s in settings),
        margin=max(s.margin for s in settings),
        auto_book=all(s.auto_book for s in settings),
    )


@dataclass
class Candidate:
    invoices: tuple[OpenInvoice, ...]
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    base_score: float = 0.0  # the evidence of the text alone, before amount and payer
    base_reasons: int = -1
    via_payer: bool = False  # found among a known payer's invoices (not by the text)
    payer_weight: float = 0.0  # what the payer's known account added to the score
    # found by a structured reference: on a pooled account the lookup answers only the one
    # client whose invoice carries it (PooledLookups.by_reference), so it names the client
    by_reference: bool = False

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(sorted(i.number for i in self.invoices))


@dataclass(frozen=True)
class Allocation:
    invoice_number: str
    amount: Cents
    # the invoice's debtor (on a pooled account keyed by its client, as the number is): a
    # suggestion of one debtor's invoices is filed under him (newcomer27 F5). Not compared:
    # it follows from the invoice
    debtor: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class LineMatch:
    index: int
    amount: Cents
    booked: tuple[Allocation, ...]
    suggested: tuple[tuple[Allocation, float], ...]
    reasons: tuple[str, ...]
    best: Candidate | None
    # on a pooled account: the invoices the text names that their client, let in by its code
    # alone, never handed over to the agency (pooled22): the item is the agency's
    not_handed: tuple[str, ...] = ()


def normalise_number(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def _strip_prefix(norm: str) -> str:
    for prefix in _PREFIXES:
        if norm.startswith(prefix) and len(norm) > len(prefix) + 2:
            return norm[len(prefix) :]
    return norm


def _bare(norm: str) -> str:
    """The number without its letter prefix (``F202401483`` -> ``202401483``)."""
    bare = norm.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return bare if len(bare) >= 3 else norm


def numeric_tail(number: str) -> str:
    """The last group of digits of an invoice number without its leading zeros:
    ``F2024-01483`` -> ``1483``. What debtors write when they leave out prefix and year."""
    groups = re.findall(r"\d+", number)
    if not groups:
        return ""
    return groups[-1].lstrip("0") or "0"


def one_edit_apart(a: str, b: str) -> bool:
    """One character wrong, missing or extra (Levenshtein distance exactly 1)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def digit_groups(text: str, exclude: Iterable[str] = ()) -> list[str]:
    """Digit groups of at least three digits that could end an invoice number, longest
    first: not a year or series followed by more digits (``2024`` in ``2024-01483``), not
    inside a structured reference already looked up. A long run (``202401483``, the hyphen
    left out) is also tried by its last five and four digits. At most ``MAX_TAIL_LOOKUPS``
    of them (:func:`all_digit_groups` has every one)."""
    return all_digit_groups(text, exclude)[:MAX_TAIL_LOOKUPS]


def all_digit_groups(text: str, exclude: Iterable[str] = ()) -> list[str]:
    """Every group :func:`digit_groups` ranks, before it keeps the first few."""
    written = _written_at(text, exclude)
    ending: set[str] = set()  # the last group of a number written whole ("201303-088")
    groups: set[str] = set()
    derived: set[str] = set()
    for m in re.finditer(r"\d{3,}", text):
        after = text[m.end() :]
        # more digits continue the number, but a date after a slash is the payer's invoice
        # date ("201303-111/11.3.2013", "2013-0456/15-03-2013"), not a part of it
        if re.match(r"[-/.]?\d", after) and not _DATE_AFTER.match(after):
            continue
        group = m.group()
        if any(a < m.end() and m.start() < b for a, b in written) or (
            len(group) == 4 and _DATE_BEFORE.search(text[: m.start()])
        ):
            continue  # a reference's digits, or the year of a date ("11.3.2013")
        groups.add(group)
        if re.search(r"[0-9A-Za-z][-/.]$", text[: m.start()]):
            ending.add(group)
        if len(group) > 6:
            derived.update({group[-5:], group[-4:]})
    # a number's own last group before the tails of a long run: "12420/20001512 201303-088"
    # must look up 088, which the run's 01512 and 1512 pushed out (newcomer5 finding 1)
    ranked = sorted(groups, key=lambda g: (g not in ending, -len(g), g))
    ranked += sorted(derived - groups, key=lambda g: (-len(g), g))
    return ranked


def _written_at(text: str, references: Iterable[str]) -> list[tuple[int, int]]:
    """Where in ``text`` the references are written, as far as its digit groups go: whole or
    grouped by spaces, dots, dashes or slashes ("5000 0567 8901 2345", "+++010/8068/17183+++").
    A group is skipped there only: one whose digits merely occur inside a reference's ("1234"
    of "FAC1234" in the kenmerk "0123456789012345") is a number of its own (match32 left)."""
    spans: list[tuple[int, int]] = []
    for reference in {re.sub(r"[^0-9A-Za-z]", "", r) for r in references}:
        if reference:
            shape = r"[\s./\-+*]{0,3}".join(re.escape(ch) for ch in reference)
            found = re.finditer(r"(?<!\d)" + shape + r"(?!\d)", text, re.IGNORECASE)
            spans += [m.span() for m in found]
    return spans


def _glued_letters(text: str, group: str) -> set[str]:
    """The letters written right before each occurrence of ``group`` as a number of its own
    ("K" of "K061"; "" where nothing is glued to it, or where the group is only the tail of a
    longer run)."""
    found = set()
    for m in re.finditer(r"(?<!\d)" + re.escape(group) + r"(?!\d)", text):
        start = m.start()  # walked back by hand: a pattern's letters before it backtrack
        while start > 0 and text[start - 1].isascii() and text[start - 1].isalpha():
            start -= 1
        found.add(text[start : m.start()].upper())
    return found or {""}


def _tail_of(inv: OpenInvoice, letters: set[str]) -> bool:
    """Whether digits written after ``letters`` can be the tail of ``inv``: written bare, after
    a prefix word ("nr061"), or after the invoice's own letters ("F061" of F2026-061). A debtor
    or order number ("K061", the debtor number of a reminder's or a case's quote) is not the
    tail of invoice 2026-0061 (newcomer26 F6)."""
    norm = normalise_number(own_number(inv.number))
    return any(
        not glued or norm.startswith(glued) or glued.startswith(_PREFIXES) for glued in letters
    )


_DATE_BEFORE = re.compile(r"(?<!\d)\d{1,2}[-./]\d{1,2}[-./]$")
_DATE_AFTER = re.compile(r"/\d{1,2}[-./]\d{1,2}[-./](?:\d{4}|\d{2})(?!\d)")


# a prefix word before a bare short number ("factuur 57", "nr. 7", "factuurnr: 12")
_SHORT_PREFIX = re.compile(r"(?:" + "|".join(_PREFIXES) + r")\W{0,3}$", re.IGNORECASE)
_JOINERS = "-/."


def _joined_end(text: str) -> str | None:
    """The number joined by ``-``/``/``/``.`` that ends ``text`` ("2026-7" of "factuur 2026-"
    less its dash), found walking back from the end: a ``$``-anchored pattern searched from every
    start of the text, for every short number in it, took 0.45 s of CPU for one 951-character
    remittance and 28 s for 3,801 (attack19 F5)."""
    end = len(text) - 1 if text.endswith("\n") else len(text)  # as "$" before a last newline
    start = end
    while start > 0:
        ch = text[start - 1]
        if ch.isascii() and ch.isalnum():
            start -= 1
        elif ch in _JOINERS and start < end and text[start] in _JOINERS:
            break  # two joiners together: the number starts after them
        elif ch in _JOINERS and start < end:
            start -= 1
        else:
            break
    while start < end and text[start] in _JOINERS:
        start += 1  # a number starts with a letter or digit
    return text[start:end] or None


def short_numbers(text: str) -> list[tuple[str, str]]:
    """Invoice numbers whose last digit group has one or two digits (``2026-7``, ``F-12``,
    ``09.2021/01``, ``factuur 57``: unpadded numbering tools), as (tail, whole number
    normalised). Only where the text writes a whole number: the group ends a number joined by
    ``-``/``/``/``.`` (``2026-7``, not the ``7`` of ``7.9.2021``) or follows a prefix word
    (``factuur 57``, not ``7 dozen``). Such a tail is no key by itself: only an invoice whose
    whole number is the one written counts (see :func:`candidates`)."""
    out: list[tuple[str, str]] = []
    for m in re.finditer(r"(?<!\d)(\d{1,2})(?![0-9A-Za-z])", text):
        if re.match(r"[-/.,]\d", text[m.end() :]):
            continue  # a day or a part of an amount or date
        before = text[: m.start()]
        if before.endswith(("-", "/", ".")) and (joined := _joined_end(before[:-1])):
            whole = normalise_number(joined + m.group())
        elif before[-1:].isalpha() and (joined := _joined_end(before)):
            whole = normalise_number(joined + m.group())  # "F12", "INV7"
        elif _SHORT_PREFIX.search(before):
            whole = m.group()
        else:
            continue
        tail = m.group().lstrip("0") or "0"
        if (tail, whole) not in out:
            out.append((tail, whole))
    return out[:2]


def name_tokens(name: str) -> frozenset[str]:
    tokens = re.findall(r"[A-Z0-9]+", name.upper().replace(".", ""))
    return frozenset(t for t in tokens if t not in _NAME_NOISE and len(t) > 1)


def name_similarity(a: str | None, b: str | None) -> float:
    if not a or not b:
        return 0.0
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


_GLUED = re.compile(r"(?<=\d)[-./_](?=[A-Z])")


def _text_tokens(text: str) -> set[str]:
    """Every way an invoice number could be written in this text, normalised."""
    upper = text.upper()
    raw = re.findall(r"[0-9A-Z][0-9A-Z./_-]*[0-9A-Z]|[0-9A-Z]", upper)
    out: set[str] = set()
    for i in range(len(raw)):
        for span in (raw[i : i + 1], raw[i : i + 2], raw[i : i + 3]):
            norm = normalise_number("".join(span))
            if len(norm) >= 3:
                out.add(norm)
                out.add(_strip_prefix(norm))
    # a number glued to the payer's own reference ("1000122-P5549161": ours, then his order
    # number) is also read piece by piece; the whole token stays, so no number is widened
    for piece in (p for token in raw if _GLUED.search(token) for p in _GLUED.split(token)):
        norm = normalise_number(piece)
        if len(norm) >= 3:
            out.update((norm, _strip_prefix(norm)))
    return out


class Lookups(Protocol):
    """Where candidates come from: each call one point or small range read at most."""

    def by_reference(self, reference: str) -> list[OpenInvoice]: ...

    def by_tail(self, tail: str) -> list[OpenInvoice]: ...

    def debtors_for_iban(self, iban: str) -> set[str]: ...

    def payer_of_several(self, iban: str) -> bool:
        """The account is known (in any way) to more than one of the parties whose money
        arrives here (a pooled account's clients): a booking that leans on it would pick one
        of them by the payer alone, so it is a suggestion."""
        ...

    def of_debtor(self, debtor: str) -> list[OpenInvoice]: ...

    def by_amount(self, amount: Cents, limit: int) -> list[OpenInvoice]:
        """May leave ``debtor_name`` empty: the matcher asks :meth:`with_names` for the few
        it compares names of (an amount many debtors owe would cost a read per debtor)."""
        ...

    def with_names(self, invoices: Sequence[OpenInvoice]) -> list[OpenInvoice]:
        """The same invoices with their debtors' names filled in."""
        ...

    def consume(self, allocations: Iterable[Allocation]) -> None:
        """Booked amounts leave what is open (storage-backed lookups see it by themselves)."""
        ...


OpenTotals = Callable[[Sequence[OpenInvoice]], dict[str, Cents]]


@dataclass(frozen=True)
class Asked:
    """What a letter whose term still runs asked for one invoice (its principal and interest
    to the term's last day: the letter's total is the sum over its invoices), and which letter
    (invoices with the same ``letter`` were asked together)."""

    amount: Cents
    letter: str


# the invoices' letters, for those a letter's term still runs on (the others left out)
AskedTotals = Callable[[Sequence[OpenInvoice]], dict[str, Asked]]


def principal_open(invoices: Sequence[OpenInvoice]) -> dict[str, Cents]:
    """The default open total of a claim: its principal still open."""
    return {i.number: i.open_amount for i in invoices}


class InvoiceIndex:
    """Every lookup answered from dictionaries built once: for ``inning match`` on a CSV."""

    def __init__(
        self, invoices: Iterable[OpenInvoice], learned_ibans: dict[str, set[str]] | None = None
    ):
        self.invoices = [i for i in invoices if i.open_amount > 0]
        self.remaining: dict[str, Cents] = {i.number: i.open_amount for i in self.invoices}
        self._by_reference: dict[str, list[OpenInvoice]] = defaultdict(list)
        self._by_tail: dict[str, list[OpenInvoice]] = defaultdict(list)
        self._by_debtor: dict[str, list[OpenInvoice]] = defaultdict(list)
        self._by_amount: dict[Cents, list[OpenInvoice]] = defaultdict(list)
        self._debtors_by_iban: dict[str, set[str]] = defaultdict(set)
        for inv in self.invoices:
            if inv.payment_reference:
                self._by_reference[normalise_number(inv.payment_reference)].append(inv)
            self._by_tail[numeric_tail(inv.number)].append(inv)
            if not inv.written_off:  # its exact keys only, as the storage index (womatch31)
                self._by_debtor[inv.debtor].append(inv)
                self._by_amount[inv.open_amount].append(inv)
            for iban in inv.debtor_ibans:
                self._debtors_by_iban[iban.upper()].add(inv.debtor)
        for iban, debtors in (learned_ibans or {}).items():
            self._debtors_by_iban[iban.upper()].update(debtors)

    def _live(self, invoices: list[OpenInvoice]) -> list[OpenInvoice]:
        return [
            replace(i, open_amount=self.remaining[i.number])
            for i in invoices
            if self.remaining[i.number] > 0
        ]

    def by_reference(self, reference: str) -> list[OpenInvoice]:
        return self._live(self._by_reference.get(reference, []))

    def by_tail(self, tail: str) -> list[OpenInvoice]:
        return self._live(self._by_tail.get(tail, []))

    def debtors_for_iban(self, iban: str) -> set[str]:
        return set(self._debtors_by_iban.get(iban.upper(), set()))

    def payer_of_several(self, iban: str) -> bool:
        return False  # one party's invoices

    def of_debtor(self, debtor: str) -> list[OpenInvoice]:
        return self._live(self._by_debtor.get(debtor, []))

    def by_amount(self, amount: Cents, limit: int) -> list[OpenInvoice]:
        live = self._live(self._by_amount.get(amount, []))
        return [i for i in live if i.open_amount == amount][:limit]

    def with_names(self, invoices: Sequence[OpenInvoice]) -> list[OpenInvoice]:
        return list(invoices)  # built with their names

    def consume(self, allocations: Iterable[Allocation]) -> None:
        """Take booked amounts off what is open, so no later line pays the same euro."""
        for a in allocations:
            self.remaining[a.invoice_number] -= a.amount

    def candidates(self, line: StatementLine) -> dict[tuple[str, ...], Candidate]:
        return candidates(line, self)


LOOKUPS_SPENT = (
    "not booked: more to look up than one line may (many numbers in its text, or a payer "
    "account of many debtors): check the suggestion"
)


class LookupBudget:
    """At most ``limit`` lookups for one line. A line that needs more (many digit groups, a
    shared payer account) is matched on what was read and never booked automatically: a
    lookup not made could have shown a claim that fits as well."""

    def __init__(self, limit: int = MAX_LOOKUPS_PER_LINE) -> None:
        self.left = limit
        self.exhausted = False

    def take(self) -> bool:
        if self.left <= 0:
            self.exhausted = True
            return False
        self.left -= 1
        return True

    def full(self, hits: list[OpenInvoice], cap: int | None = None) -> list[OpenInvoice]:
        """A lookup that filled its page may have left claims unread: no automatic booking."""
        if len(hits) >= (cap or RANGE_CAP):
            self.exhausted = True
        return hits


def candidates(
    line: StatementLine,
    lookups: Lookups,
    open_totals: OpenTotals = principal_open,
    settings: MatchSettings | None = None,
    budget: LookupBudget | None = None,
    asked_totals: AskedTotals | None = None,
) -> dict[tuple[str, ...], Candidate]:
    """Every plausible way to explain ``line``, scored, with reasons. Lookups are made in
    order of strength and stop as soon as the answer cannot change: a reference or number
    that settles the line alone needs no payer or amount lookup."""
    spend = budget or LookupBudget()
    chosen = settings or MatchSettings()
    found: dict[tuple[str, ...], Candidate] = {}

    def add(invoices: Sequence[OpenInvoice], weight: float, reason: str) -> Candidate:
        cand = Candidate(tuple(invoices))
        cand = found.setdefault(cand.key, cand)
        cand.score += weight
        cand.reasons.append(reason)
        return cand

    # an IBAN in the text (the payer's, as older exports write it) is neither a reference nor
    # an invoice number: its digits would spend the lookups a real reference needs
    remittance = without_ibans(line.remittance or "", payer_account(line))
    text = " ".join(x for x in (remittance, line.reference) if x)
    in_text = find_references(text)
    found_refs = [r.value for r in in_text]
    # an iDEAL transaction id is the bank's number, never a reference of ours, though one in
    # eleven passes a kenmerk's check digit: no reference lookup, and no reference "pointing
    # elsewhere"; as a digit group it is read last, when nothing else is written (match32)
    bank_id = ideal_id(line)
    found_refs = [r for r in found_refs if r != bank_id]
    ordered = [r for r in _ordered_references(line, in_text) if r != bank_id]
    refs = set(ordered)
    valid = {normalise_number(r) for r in found_refs}  # their check digits hold
    mentioned: dict[str, tuple[OpenInvoice, float, str]] = {}
    referenced: set[str] = set()  # invoices a check-digit-valid reference points to alone
    for ref in ordered[:2]:
        hits = spend.full(lookups.by_reference(ref)) if spend.take() else []
        if len(hits) == 1:
            mentioned[hits[0].number] = (
                hits[0],
                WEIGHT_REFERENCE,
                f"rule reference: payment reference {ref} of invoice {shown_number(hits[0].number)}",
            )
            if ref in valid:
                referenced.add(hits[0].number)
        elif hits and all(i.plan_reference == ref for i in hits):
            # a plan's reference names all its invoices: one candidate, never one of them
            numbers = shown_numbers(hits)
            add(
                hits,
                WEIGHT_REFERENCE,
                f"rule reference: payment reference {ref} of the payment plan over {numbers}",
            ).by_reference = True
    tokens = _text_tokens(remittance) if remittance else set()
    # a short final group (2026-7, F-12, factuur 57): looked up by its tail, and only an
    # invoice whose whole number is the one written counts, never the digits alone
    # (not when a check-digit-valid reference already named its invoice: the weaker key
    # would only spend a lookup). A number written whole is the strongest evidence the text
    # has: it is read before any bare digit group (match32, newcomer32 F6)
    shorts = ([] if referenced else short_numbers(remittance))[:MAX_TAIL_LOOKUPS]
    for tail, whole in shorts:
        for inv in spend.full(lookups.by_tail(tail)) if spend.take() else []:
            norm = normalise_number(own_number(inv.number))
            known = mentioned.get(inv.number, (inv, 0.0, ""))[1]
            if {whole, _strip_prefix(whole)} & {
                norm,
                _strip_prefix(norm),
            } and known < WEIGHT_NUMBER:
                mentioned[inv.number] = (
                    inv,
                    WEIGHT_NUMBER,
                    f"rule number: invoice number {shown_number(inv.number)} in the description",
                )
    every_group = plan_tails(
        remittance,
        all_digit_groups(remittance, exclude=[*found_refs, *refs]),
        ideal_ids(line),
        written_elsewhere=bool(shorts),
    )
    # a text with more numbers than the lookups may read (a reminder's own wording names every
    # invoice it covers): once a number read is one debtor's, his claims are read instead of
    # the rest one by one, within the same number of lookups (newcomer26 F2)
    many = len(shorts) + len(every_group) > MAX_TAIL_LOOKUPS and not referenced
    looked, debtor_read = len(shorts), False
    for planned in every_group:
        group, tail = planned.group, planned.tail
        if looked >= MAX_TAIL_LOOKUPS:
            break
        if many and _explained(tail, mentioned):
            continue
        if planned.weak and any(w == WEIGHT_NUMBER for _, w, _ in mentioned.values()):
            continue  # a run's cut tail or a bank's id, where a number written whole explains
        looked += 1
        for inv in spend.full(lookups.by_tail(tail)) if spend.take() else []:
            norm = normalise_number(own_number(inv.number))
            if norm in tokens or _strip_prefix(norm) in tokens or _bare(norm) in tokens:
                evidence = (
                    inv,
                    WEIGHT_NUMBER,
                    f"rule number: invoice number {shown_number(inv.number)} in the description",
                )
            elif _tail_of(inv, _glued_letters(remittance, group)):
                evidence = (
                    inv,
                    WEIGHT_NUMBER_DIGITS,
                    f"rule number without prefix/year: {group} is the tail of invoice "
                    f"{shown_number(inv.number)}",
                )
            else:
                continue
            if mentioned.get(inv.number, (inv, 0.0, ""))[1] < evidence[1]:
                mentioned[inv.number] = evidence
        if many and not debtor_read and looked < MAX_TAIL_LOOKUPS:
            debtor_read = _read_the_rest(mentioned, tokens, lookups, spend)
            looked += debtor_read
    payer_debtors = _PayerDebtors(line, lookups, spend)
    _exact_for_written_off(mentioned, payer_debtors)
    for inv, weight, reason in mentioned.values():
        add([inv], weight, reason).by_reference = weight == WEIGHT_REFERENCE
    by_debtor: dict[str, list[OpenInvoice]] = defaultdict(list)
    for inv, _, _ in mentioned.values():
        by_debtor[inv.debtor].append(inv)
    for invs in by_debtor.values():
        if 1 < len(invs) <= MAX_SUBSET_SIZE * 2:
            weight = max(mentioned[i.number][1] for i in invs)
            add(
                invs,
                weight,
                f"rule number: invoice numbers {shown_numbers(invs)} in the description",
            )
    totals = open_totals([inv for inv, _, _ in mentioned.values()])
    # what the text names: no other invoice's principal is "the exact amount" (ncfix15)
    named = set(mentioned) | ({"?"} if refs and not mentioned else set())
    for cand in found.values():
        _score_support(cand, line, totals, set(), named)
    if _settled(found, chosen) or _settled_by_reference(found, referenced, line, totals, chosen):
        return found
    # the payer: a known account brings that debtor's open invoices
    debtors: set[str] = set()
    payer = payer_account(line)
    if payer:
        debtors = set(sorted(payer_debtors.get(payer))[:MAX_DEBTORS_PER_IBAN])
    pool: list[OpenInvoice] = []
    for debtor in sorted(debtors):
        pool += spend.full(_not_written_off(lookups.of_debtor(debtor))) if spend.take() else []
    pool_totals = open_totals(pool)
    totals.update(pool_totals)
    # what letters still running asked, of a known payer's invoices and those the text names
    asked: dict[str, Asked] = {}
    if asked_totals is not None and debtors:
        named_of_payer = [inv for inv, _, _ in mentioned.values() if inv.debtor in debtors]
        seen = {i.number: i for i in [*pool, *named_of_payer]}
        asked = asked_totals(list(seen.values()))
    for cand in found.values():  # re-score the text candidates with the payer known
        cand.score, cand.reasons = _base(cand)
        cand.payer_weight = 0.0
        _score_support(cand, line, totals, debtors, named, asked)
    # a structured reference that matches no open invoice points elsewhere too
    conflicting = named
    for debtor in sorted(debtors):
        invoices = sorted(
            (i for i in pool if i.debtor == debtor and pool_totals[i.number] > 0),
            key=lambda i: (i.due_date or date.min, i.number),
        )
        _payer_candidates(invoices, line, conflicting, found, add, totals, debtors, tokens, asked)
    if _settled(found, chosen):
        return found
    if settings is not None and not _amount_can_tell(line, tokens, found, chosen):
        return found
    # the amount: an invoice of exactly this open amount, when the payer's name agrees
    found_amount = lookups.by_amount(line.amount, AMOUNT_LOOKUP_LIMIT) if spend.take() else []
    spend.full(found_amount, AMOUNT_LOOKUP_LIMIT)
    found_amount = _not_written_off(found_amount)
    fresh = [i for i in found_amount if (i.number,) not in found and i.debtor not in debtors]
    by_name = [i for i in fresh if not _typo_in(i, tokens)] if line.counterparty_name else []
    if len({i.debtor for i in by_name}) > MAX_AMOUNT_NAME_DEBTORS:
        # an amount that many debtors owe singles nobody out by a name resembling the payer's
        # (and such a candidate never books by itself): only typo'd numbers among them count,
        # so a line reads a bounded number of names whatever the size of the portfolio
        by_name = []
    keep = {i.number for i in by_name} | {i.number for i in fresh if _typo_in(i, tokens)}
    for inv in lookups.with_names([i for i in fresh if i.number in keep]):
        if name_similarity(line.counterparty_name, inv.debtor_name) < 0.8 and not _typo_in(
            inv, tokens
        ):
            continue
        totals.update(open_totals([inv]))
        cand = add(
            [inv], 0.0, f"amount equals the open amount of invoice {shown_number(inv.number)}"
        )
        if _typo_in(inv, tokens):
            cand.score += WEIGHT_NUMBER_FUZZY
            cand.reasons.append(f"invoice number {shown_number(inv.number)} with one character off")
        _score_support(cand, line, totals, debtors, named)
    return found


def _read_the_rest(
    mentioned: dict[str, tuple[OpenInvoice, float, str]],
    tokens: set[str],
    lookups: Lookups,
    spend: LookupBudget,
) -> bool:
    """A text with more numbers than the tail lookups read: a reminder's own wording names
    every invoice it covers ("K006 2026-0026 2026-0027 2026-0029 2026-0030"). When the numbers
    read whole so far are all of one debtor, that debtor's open claims are read (one lookup)
    and each the text writes whole is named too; whether that read was made. Before, the
    fourth was never read, and the exact amount of all four "exceeded the open amount" of
    three (newcomer26 F2)."""
    debtors = {inv.debtor for inv, weight, _ in mentioned.values() if weight == WEIGHT_NUMBER}
    if len(debtors) != 1 or len({inv.debtor for inv, _, _ in mentioned.values()}) != 1:
        return False  # none yet, or another debtor's claim named too (a bare tail)
    if not spend.take():
        return False
    for inv in _not_written_off(spend.full(lookups.of_debtor(debtors.pop()))):
        norm = normalise_number(own_number(inv.number))
        known = mentioned.get(inv.number, (inv, 0.0, ""))[1]
        if known < WEIGHT_NUMBER and {norm, _strip_prefix(norm), _bare(norm)} & tokens:
            mentioned[inv.number] = (
                inv,
                WEIGHT_NUMBER,
                f"rule number: invoice number {shown_number(inv.number)} in the description",
            )
    return True


WRITTEN_OFF_NOTE = " (written off: a recovery)"


class _PayerDebtors:
    """The debtors known for a payer's account, read once a line (one lookup): asked for a
    written-off claim the text names by number, then by the payer step."""

    def __init__(self, line: StatementLine, lookups: Lookups, spend: LookupBudget) -> None:
        self.line, self.lookups, self.spend = line, lookups, spend
        self._read: dict[str, set[str]] = {}

    def get(self, iban: str) -> set[str]:
        if iban not in self._read:
            self._read[iban] = self.lookups.debtors_for_iban(iban) if self.spend.take() else set()
        return self._read[iban]


def _exact_for_written_off(
    mentioned: dict[str, tuple[OpenInvoice, float, str]], payer_debtors: _PayerDebtors
) -> None:
    """Keep a written-off claim (ledger31) among what the text names only on an exact key:
    its own payment reference, or its number written whole with the money from an account
    the bank names and that is known for its debtor. Its tail alone, a typo or the amount
    never name it: the creditor gave it up, and money that merely could be for it belongs
    to a claim still in collection or to a person's judgement (womatch31)."""
    for number, (inv, weight, reason) in list(mentioned.items()):
        if not inv.written_off:
            continue
        iban = payer_debtors.line.counterparty_iban
        exact = weight == WEIGHT_REFERENCE or (
            weight == WEIGHT_NUMBER and iban is not None and inv.debtor in payer_debtors.get(iban)
        )
        if exact:
            mentioned[number] = (inv, weight, reason + WRITTEN_OFF_NOTE)
        else:
            del mentioned[number]


def _not_written_off(invoices: list[OpenInvoice]) -> list[OpenInvoice]:
    """A payer's or an amount's claims: never a written-off one (no exact key names it)."""
    return [i for i in invoices if not i.written_off]


def _explained(tail: str, mentioned: Mapping[str, tuple[OpenInvoice, float, str]]) -> bool:
    """A digit group whose invoice is named whole already: no lookup for it."""
    return any(
        weight == WEIGHT_NUMBER and numeric_tail(own_number(inv.number)) == tail
        for inv, weight, _ in mentioned.values()
    )


def _base(cand: Candidate) -> tuple[float, list[str]]:
    """A candidate's evidence from the text alone (its first reasons), before support."""
    base = cand.base_score
    return base, list(cand.reasons[: cand.base_reasons])


def _ordered_references(line: StatementLine, in_text: Sequence[FoundReference]) -> list[str]:
    """The references to look up, strongest first: the one the bank gave as structured, then
    full-length ones (a 16-digit kenmerk, RF, Belgian) before short kenmerken (9 to 14 digits,
    which random digit runs pass more often), each in the order of the text."""
    out = [normalise_number(line.reference)] if line.reference else []
    short = [r for r in in_text if r.kind is ReferenceKind.BETALINGSKENMERK and len(r.value) < 16]
    for r in [*(r for r in in_text if r not in short), *short]:
        value = normalise_number(r.value)
        if value not in out:
            out.append(value)
    return out


def _settled_by_reference(
    found: dict[tuple[str, ...], Candidate],
    referenced: set[str],
    line: StatementLine,
    totals: dict[str, Cents],
    settings: MatchSettings,
) -> bool:
    """The reference rule decides the line alone: the best candidate is the one open invoice
    a check-digit-valid reference points to, the amount is at most its open total, it reaches
    the threshold and nothing the text names comes within the margin. The payer and the
    amount are then not looked up: with the text pointing at this invoice a known payer's
    other claims are not the known-payer rule, and an equal amount elsewhere weighs less than
    the margin. So a line's lookup budget never vetoes what its reference settled."""
    ranked = sorted(found.values(), key=lambda c: (-c.score, c.key))
    if not ranked or len(ranked[0].invoices) != 1:
        return False
    best, inv = ranked[0], ranked[0].invoices[0]
    if inv.number not in referenced or line.amount > totals.get(inv.number, inv.open_amount):
        return False
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    return best.score >= settings.auto_threshold and best.score - runner_up >= settings.margin


def _settled(found: dict[tuple[str, ...], Candidate], settings: MatchSettings) -> bool:
    """The best candidate is at the top of the scale and nothing comes within the margin:
    no further lookup can change the decision."""
    ranked = sorted((c.score for c in found.values()), reverse=True)
    if not ranked or ranked[0] < 1.0:
        return False
    return len(ranked) == 1 or ranked[0] - ranked[1] >= settings.margin + 0.35


def _amount_can_tell(
    line: StatementLine,
    tokens: set[str],
    found: dict[tuple[str, ...], Candidate],
    settings: MatchSettings,
) -> bool:
    """Whether the amount lookup can change the line's outcome (else it is not made: a
    storage request a line, on the labelled set one line in six of those that made it).

    It adds a candidate only for a payer's name to compare with the debtor's, or for a text
    token of five characters or more that an invoice number could be one typo away from
    (``_typo_in``); a line with neither gets no candidate from it, whatever it reads. Its
    other effect is the lookup budget: a page it fills (or no lookup left for it) vetoes an
    automatic booking, and only that. So a line with neither that ``found`` does not book as
    it stands (scores final: the amount step changes none of them; the test is ``decide``'s,
    with the settings the line is decided with) ends the same without it: the same
    candidates, suggestions and reasons."""
    ranked = sorted((c.score for c in found.values()), reverse=True)
    runner_up = ranked[1] if len(ranked) > 1 else 0.0
    books = (
        bool(ranked)
        and ranked[0] >= settings.auto_threshold
        and ranked[0] - runner_up >= settings.margin
    )
    if line.counterparty_name or any(len(t) >= 5 for t in tokens):
        # a line that books as it stands, by more than the margin over the best an amount
        # candidate can reach (another debtor's claim of this amount, one typo off the text,
        # his name the payer's), ends the same without it: a letter's description naming the
        # debtor's number and invoices spent the lookups on its numbers (newcomer17 F7)
        return not (books and ranked[0] - AMOUNT_CANDIDATE_MAX >= settings.margin)
    if not ranked or not settings.auto_book:
        return False
    return books


def _typo_in(inv: OpenInvoice, tokens: set[str]) -> bool:
    norm = normalise_number(own_number(inv.number))
    if len(norm) < 5:
        return False
    stripped = _strip_prefix(norm)
    return any(
        len(t) >= 5 and (one_edit_apart(norm, t) or one_edit_apart(stripped, t)) for t in tokens
    )


def _payer_candidates(
    invoices: list[OpenInvoice],
    line: StatementLine,
    conflicting: set[str],
    found: dict[tuple[str, ...], Candidate],
    add: Callable[[Sequence[OpenInvoice], float, str], Candidate],
    totals: dict[str, Cents],
    debtors: set[str],
    tokens: set[str],
    asked: dict[str, Asked] | None = None,
) -> None:
    """Candidates from one known payer's open invoices."""
    if not invoices:
        return
    asked = asked or {}

    def new(invs: Sequence[OpenInvoice], weight: float, reason: str) -> Candidate | None:
        if tuple(sorted(i.number for i in invs)) in found:
            return None  # already found by its reference or number; the payer supported it
        cand = add(invs, weight, reason)
        cand.base_score, cand.base_reasons = cand.score, len(cand.reasons)
        cand.via_payer = True
        _score_support(cand, line, totals, debtors, conflicting, asked)
        return cand

    for inv in invoices:  # a typo'd number of one of the payer's own invoices
        if _typo_in(inv, tokens):
            new(
                [inv],
                WEIGHT_NUMBER_FUZZY,
                f"rule number with one typo: invoice number {shown_number(inv.number)} with one character off",
            )
    reason = _payer_reason(line)
    # a bill paid to the cent: its whole claim on the day, or its open principal (he pays the
    # bill he received; the day's interest he cannot know to the cent, docs/law.md "The tacit
    # designation"): the one rule of ``inning match`` and the app, whatever totals they have
    exact = [i for i in invoices if _pays_exactly(line.amount, [i], totals)]
    subset = subset_with_sum(invoices[:MAX_SUBSET_INVOICES], line.amount, totals)
    if len(exact) == 1 and not subset:
        subset = (exact[0],)  # its principal only: no set of whole claims sums to the amount
    letters = _letters_paid(invoices, line.amount, asked)
    if not subset and not exact and len(letters) == 1:
        _letter_candidate(letters[0], line, conflicting, new)
        return
    if not subset:  # a partial or unexplained amount: the oldest invoices first (6:43 BW)
        new(invoices[:MAX_SUBSET_SIZE], WEIGHT_IBAN, reason)
        return
    cand = new(subset, WEIGHT_IBAN, reason)
    if cand is None:
        return
    if conflicting - {i.number for i in subset}:
        cand.reasons.append("not the known-payer rule: the description points elsewhere")
    elif len(subset) == 1 and len(exact) == 1:
        cand.score = round(min(cand.score + BONUS_ONLY_OPEN_AMOUNT, 1.0), 4)
        cand.reasons.append(
            "rule known payer: the exact open amount of the only open invoice of this "
            "debtor with that amount, no reference pointing elsewhere"
        )
    elif len(subset) > 1 and not exact:
        cand.score = round(min(cand.score + BONUS_ONLY_OPEN_SET, 1.0), 4)
        cand.reasons.append("known payer: the exact open amount of one set of their invoices")
    elif exact and set(exact) != set(subset):
        # one bill's principal and another bill or set's whole claim fit alike: the amount
        # singles out neither (the precision guard), a person decides
        cand.reasons.append("not the known-payer rule: another open invoice fits the amount too")


def _letters_paid(
    invoices: Sequence[OpenInvoice], amount: Cents, asked: dict[str, Asked]
) -> list[tuple[OpenInvoice, ...]]:
    """The letters (each with every one of its invoices still open) whose total is ``amount``
    to the cent: the debtor paid what the letter's table and QR code asked."""
    by_letter: dict[str, list[OpenInvoice]] = defaultdict(list)
    for inv in invoices:
        if inv.number in asked:
            by_letter[asked[inv.number].letter].append(inv)
    return [
        tuple(invs)
        for _, invs in sorted(by_letter.items())
        if sum(asked[i.number].amount for i in invs) == amount
    ]


def _letter_candidate(
    invoices: tuple[OpenInvoice, ...],
    line: StatementLine,
    conflicting: set[str],
    new: Callable[[Sequence[OpenInvoice], float, str], Candidate | None],
) -> None:
    """The known payer paid exactly one letter's total (and no invoice or set of his fits
    the amount otherwise): the letter's invoices, booked when nothing points elsewhere."""
    reason = _payer_reason(line)
    cand = new(invoices, WEIGHT_IBAN, reason)
    if cand is None:
        return
    if conflicting - {i.number for i in invoices}:
        cand.reasons.append("not the known-payer rule: the description points elsewhere")
        return
    cand.score = round(min(cand.score + BONUS_LETTER_TOTAL, 1.0), 4)
    cand.reasons.append(
        "rule known payer, letter's total: exactly what the letter over "
        + shown_numbers(invoices)
        + " asked (principal and interest to its term's last day), no other invoice or set "
        "of this debtor fitting, no reference pointing elsewhere"
    )


def _pays_exactly(amount: Cents, invoices: Sequence[OpenInvoice], totals: dict[str, Cents]) -> bool:
    """The amount is these invoices' whole open claim on the day or their open principal,
    to the cent (one measure over all of them)."""
    return amount in (
        sum(totals.get(i.number, i.open_amount) for i in invoices),
        sum(i.open_amount for i in invoices),
    )


def _score_support(
    cand: Candidate,
    line: StatementLine,
    totals: dict[str, Cents],
    iban_debtors: set[str],
    elsewhere: Collection[str] = (),
    asked: dict[str, Asked] | None = None,
) -> None:
    """``elsewhere``: the invoices the line's text names (``?``: a reference of none); the
    open principal counts as the exact amount only where the text names no other invoice than
    the candidate's (a payer naming F1 and paying F2's principal has not paid F2's bill)."""
    if cand.base_reasons < 0:
        cand.base_score, cand.base_reasons = cand.score, len(cand.reasons)
    total = sum(totals.get(i.number, i.open_amount) for i in cand.invoices)
    exact = line.amount == total or (
        not set(elsewhere) - {i.number for i in cand.invoices}
        and _pays_exactly(line.amount, cand.invoices, totals)
    )
    if line.amount == total:
        cand.score += WEIGHT_AMOUNT_EXACT
        cand.reasons.append("amount equals the open amount")
    elif exact:  # the bill's principal, the interest of the days since unknown to him
        cand.score += WEIGHT_AMOUNT_EXACT
        cand.reasons.append("amount equals the open principal")
    elif _asked_exactly(line.amount, cand.invoices, asked or {}, elsewhere):
        # paid before the term's last day: the letter's interest runs a few days ahead
        cand.score += WEIGHT_AMOUNT_EXACT
        cand.reasons.append("amount equals what the letter asked for these invoices")
    elif line.amount < total:
        cand.score += WEIGHT_AMOUNT_PARTIAL
        cand.reasons.append("amount is part of the open amount")
    else:
        cand.score -= PENALTY_OVERPAID
        cand.reasons.append("amount exceeds the open amount")
    debtor_set = {i.debtor for i in cand.invoices}
    payer = False
    if iban_debtors & debtor_set:
        payer = True
        if not any("payer account" in r for r in cand.reasons):
            cand.score += WEIGHT_IBAN / 2
            cand.payer_weight += WEIGHT_IBAN / 2
            cand.reasons.append("payer account is known for this debtor")
    similarity = max(name_similarity(line.counterparty_name, i.debtor_name) for i in cand.invoices)
    if similarity >= 0.8:
        payer = True
        cand.score += WEIGHT_NAME
        cand.reasons.append("payer name matches the debtor")
    elif similarity >= 0.5:
        cand.score += WEIGHT_NAME_PARTIAL
        cand.reasons.append("payer name resembles the debtor")
    if payer and exact and any("one character off" in r for r in cand.reasons):
        cand.score += BONUS_PAYER_AND_AMOUNT
        cand.reasons.append("rule number with one typo: payer and amount agree")
    cand.score = round(min(cand.score, 1.0), 4)


def _asked_exactly(
    amount: Cents,
    invoices: Sequence[OpenInvoice],
    asked: dict[str, Asked],
    elsewhere: Collection[str],
) -> bool:
    """The amount is, to the cent, what one letter asked for these invoices (none of another
    letter, none without a running term), and the text names no other invoice."""
    letters = {asked[i.number].letter for i in invoices if i.number in asked}
    if len(letters) != 1 or any(i.number not in asked for i in invoices):
        return False
    if set(elsewhere) - {i.number for i in invoices}:
        return False
    return amount == sum(asked[i.number].amount for i in invoices)


def subset_with_sum(
    invoices: Sequence[OpenInvoice], amount: Cents, remaining: dict[str, Cents]
) -> tuple[OpenInvoice, ...] | None:
    """The smallest set (at most MAX_SUBSET_SIZE of at most MAX_SUBSET_INVOICES invoices) whose
    open amounts add up to ``amount``; ``None`` when there is none, or more than one of that
    size (ambiguous: a person decides)."""
    for size in range(1, min(MAX_SUBSET_SIZE, len(invoices)) + 1):
        hits = [
            c for c in combinations(invoices, size) if sum(remaining[i.number] for i in c) == amount
        ]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            return None
    return None


def allocate(
    candidate: Candidate, amount: Cents, open_: dict[str, Cents]
) -> tuple[Allocation, ...]:
    """Spread a payment over the candidate's invoices, oldest first (art. 6:43 BW); what is
    left over stays unallocated (an overpayment, for staff)."""
    remaining = amount
    out = []
    for inv in sorted(candidate.invoices, key=lambda i: (i.due_date or date.min, i.number)):
        take = min(remaining, open_[inv.number])
        if take > 0:
            out.append(Allocation(inv.number, take, inv.debtor))
            remaining -= take
    return tuple(out)


def decide(
    index: int,
    line: StatementLine,
    found: dict[tuple[str, ...], Candidate],
    settings: MatchSettings,
    open_: dict[str, Cents],
) -> LineMatch:
    ranked = sorted(found.values(), key=lambda c: (-c.score, c.key))
    if not ranked:
        return LineMatch(index, line.amount, (), (), ("no candidate invoice found",), None)
    best = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    reasons = list(best.reasons)
    auto = best.score >= settings.auto_threshold and best.score - runner_up >= settings.margin
    if auto and not settings.auto_book:
        auto = False
        reasons.append("not booked: automatic booking is switched off for this client")
    elif best.score >= settings.auto_threshold and not auto:
        reasons.append(f"not booked: runner-up scores {runner_up:.2f}, too close")
    elif not auto:
        reasons.append(f"not booked: score {best.score:.2f} below {settings.auto_threshold:.2f}")
    if auto:
        return LineMatch(
            index, line.amount, allocate(best, line.amount, open_), (), tuple(reasons), best
        )
    # each invoice once, at its best candidate's score: the top three candidates share
    # invoices (one alone, then with its siblings), and staff read "2026-0026 (0.65), 2026-0026
    # (0.65), 2026-0027 ..." (newcomer26 F2)
    suggested: dict[str, tuple[Allocation, float]] = {}
    for cand in ranked[:3]:
        for alloc in allocate(cand, line.amount, open_):
            suggested.setdefault(alloc.invoice_number, (alloc, cand.score))
    return LineMatch(index, line.amount, (), tuple(suggested.values()), tuple(reasons), best)


def match_line(
    n: int,
    line: StatementLine,
    lookups: Lookups,
    settings: MatchSettings,
    open_totals: OpenTotals = principal_open,
    asked_totals: AskedTotals | None = None,
    code_only: Mapping[str, MatchSettings] | None = None,
    handed: Mapping[str, frozenset[str]] | None = None,
) -> LineMatch:
    """Candidates, then the decision: booked (automatically) or suggested, with reasons.
    ``asked_totals``: what letters whose term still runs asked (none: no such rule).
    ``code_only``: the clients of a pooled account whose invoices only a line quoting their
    code may pay (they allow no matching there; a case of theirs let them in), each with its
    own thresholds, which hold the lines that may pay it. ``handed``: of those clients the
    invoices of the agency's open cases, the only ones the agency's account may pay."""
    budget = LookupBudget()
    found = candidates(line, lookups, open_totals, settings, budget, asked_totals)
    codes = codes_in(_line_text(line)) if any(_party(c) for c in found.values()) else set()
    if code_only:
        # another line of the file quoting the code let the client in, not this one
        # (codereview20 F1: "factuur 24-0503" booked beside a case's quote, not alone); a
        # line quoting the agency's plan on a case names that client as surely as its code
        # (agencyplan26; ``handed`` below keeps it to the invoices of the open cases)
        found = {
            k: c
            for k, c in found.items()
            if _party(c) not in code_only
            or client_code(_party(c)) in codes
            or _by_plan_reference(c)
        }
        # its switch and thresholds hold its own lines, not the file's (codereview20 F5)
        named = sorted({_party(c) for c in found.values()} & code_only.keys())
        settings = strictest([settings, *(code_only[p] for p in named)])
    withheld: list[OpenInvoice] = []
    payers: list[OpenInvoice] = []
    if handed:
        # the client's code opens only what it handed over: its other invoices it collects
        # itself, and money for them on the agency's account is the client's, which the
        # settlement would take the agency's commission on (agency21 N2)
        kept = {k: c for k, c in found.items() if _handed_over(c, handed)}
        withheld = _kept_back(found, kept, handed, by_payer=False)
        # those of the payer's known invoices only: said when the line is not booked on what
        # the agency was given (its quote of the case pays the case; booked24: else dropped
        # without a word, and nobody told the money may be the client's)
        payers = _kept_back(found, kept, handed, by_payer=True)
        found = kept
    if codes:  # the text names its client(s): only their invoices can be what it pays
        found = {k: c for k, c in found.items() if client_code(_party(c)) in codes}
    totals = open_totals([i for c in found.values() for i in c.invoices])
    result = decide(n, line, found, settings, totals)
    if budget.exhausted and result.booked:
        # says why and what to do: "more lookups needed" told a credit manager neither (newcomer32 F6)
        result = _suggested(result, LOOKUPS_SPENT)
    elif result.booked and len(codes) > 1:
        result = _suggested(result, "not booked: the text names more than one client's code")
    elif (
        result.booked
        and result.best is not None
        and (rivals := _named_elsewhere(result.best, found))
    ):
        # the other clients' invoices the text names are suggested too: the item is then the
        # agency's (StatementService._action_scope), as the money may be either client's. With
        # a code they are those of a client whose code is the same (seven letters of a hash:
        # among an agency's thousands of clients two now and then share one; codereview18 F4)
        result = _suggested(
            result,
            "not booked: the text names invoices of more than one client of this account "
            + ("and no client's code" if not codes else "and its code is more than one's"),
        )
        others = tuple((a, c.score) for c in rivals[:2] for a in allocate(c, line.amount, totals))
        result = replace(result, suggested=result.suggested + others)
    elif (
        result.booked
        and result.best is not None
        and line.counterparty_iban is None
        and line.iban_in_text
        and _leans_on_payer(result.best, settings)
    ):
        # an account the payer wrote may be anybody's (iban24): it points, a person books
        result = _suggested(
            result,
            "not booked: the payer's account is not the bank's, only named in the description",
        )
    elif (
        result.booked
        and result.best is not None
        and line.counterparty_iban
        and _leans_on_payer(result.best, settings)
        and lookups.payer_of_several(line.counterparty_iban)
    ):
        result = _suggested(
            result, "not booked: the payer's account is known to more than one client here"
        )
    if withheld:
        result = _not_handed(result, withheld)
    elif payers and not result.booked:
        result = _not_handed(result, payers, PAYER_NOT_HANDED)
    lookups.consume(result.booked)
    return result


def _kept_back(
    found: Mapping[tuple[str, ...], Candidate],
    kept: Mapping[tuple[str, ...], Candidate],
    handed: Mapping[str, frozenset[str]],
    *,
    by_payer: bool,
) -> list[OpenInvoice]:
    """The invoices never handed over among the candidates ``kept`` left out: those the text
    names (``by_payer`` False), or those found among the payer's known invoices alone."""
    return sorted(
        {
            i.number: i
            for c in found.values()
            if c.key not in kept
            and (c.via_payer if by_payer else c.base_score > 0 and not c.via_payer)
            for i in c.invoices
            if not _handed_over(Candidate((i,)), handed)
        }.values(),
        key=lambda i: i.number,
    )


def _by_plan_reference(cand: Candidate) -> bool:
    """The candidate is a payment plan's invoices, found by the plan's own betalingskenmerk
    the line quotes (drawn at random per plan: it names that plan's client alone)."""
    return bool(cand.invoices) and all(i.plan_reference for i in cand.invoices)


def _handed_over(cand: Candidate, handed: Mapping[str, frozenset[str]]) -> bool:
    """Every invoice of the candidate may be paid on the agency's account: its client
    allows matching there, or handed it over in a case the agency holds."""
    party = _party(cand)
    return party not in handed or all(own_number(i.number) in handed[party] for i in cand.invoices)


NOT_HANDED = (
    "not booked: the text names invoice {numbers}, which its client did not hand over to the "
    "agency: the money is the client's, not the agency's; pay it on to the client, or book it "
    "once the client hands the invoice over"
)


PAYER_NOT_HANDED = (
    "not booked: the payer's account is known for invoice {numbers}, which its client did not "
    "hand over to the agency: the money may be the client's, not the agency's; pay it on to "
    "the client, or book it once the client hands the invoice over"
)


def _not_handed(
    result: LineMatch, invoices: Sequence[OpenInvoice], words: str = NOT_HANDED
) -> LineMatch:
    """The line names an invoice its client never handed over (or, ``PAYER_NOT_HANDED``,
    its payer owes one and it pays nothing the agency was given): never booked (not even on
    a handed-over invoice beside it: part of the money may be the client's), a person's."""
    reason = words.format(numbers=shown_numbers(invoices))
    if result.booked:
        result = _suggested(result, reason)
    else:
        result = replace(result, reasons=(*result.reasons, reason))
    return replace(result, not_handed=tuple(i.number for i in invoices))


def own_number(number: str) -> str:
    """An invoice's number as its client wrote it: on a pooled account the candidates' keys
    carry the client's id before it, which no statement text does, so a number quoted exactly
    counted only as a tail there (newcomer19 F11: "PRDNXZB K101 24-0502", the case's own
    quote, was "0502 is the tail of invoice cl…\x1f24-0502", a suggestion)."""
    return number.rsplit(PARTY_SEP, 1)[-1]


def shown_number(number: str) -> str:
    """An invoice's number as a reason shows it to people: as its client wrote it, and on a
    pooled account with that client's code, which the portal has the debtor quote there (the
    same number can be an invoice of every client of the account). Never the index's key: it
    carried the client's internal id and a control character (reasons20, newcomer19 F11)."""
    if PARTY_SEP not in number:
        return number
    party, own = number.split(PARTY_SEP, 1)
    return f"{own} of client {client_code(party)}"


def shown_numbers(invoices: Iterable[OpenInvoice]) -> str:
    """Several invoices' numbers for a reason ("24-0501, 24-0502 of client PRDNXZB"): each
    client named once, after its numbers."""
    by_party: dict[str, list[str]] = defaultdict(list)
    for inv in invoices:
        party, _, own = inv.number.rpartition(PARTY_SEP)
        by_party[party].append(own)
    return ", ".join(
        ", ".join(sorted(owns)) + (f" of client {client_code(party)}" if party else "")
        for party, owns in sorted(by_party.items())
    )


_WRITTEN_KEY = re.compile(rf"([^\s{PARTY_SEP},]+){PARTY_SEP}([^\s{PARTY_SEP},]+)")


def readable_reason(text: str) -> str:
    """A reason as :func:`shown_number` writes it, of one stored before it did: an index key
    ("cl…" SEP "24-0502") in it becomes the number and its client's code. Items outlive the
    wording of their reasons, and the agency's list and the API still hold such reasons."""
    return _WRITTEN_KEY.sub(lambda m: shown_number(f"{m[1]}{PARTY_SEP}{m[2]}"), text)


def _party(cand: Candidate) -> str:
    """The client a pooled account's candidate is of ("" on a client's own account)."""
    number = cand.invoices[0].number
    return number.split(PARTY_SEP, 1)[0] if PARTY_SEP in number else ""


def _line_text(line: StatementLine) -> str:
    return " ".join(x for x in (line.remittance, line.reference) if x)


def _named_elsewhere(best: Candidate, found: dict[tuple[str, ...], Candidate]) -> list[Candidate]:
    """On a pooled account the text that led to ``best`` also names an invoice of another
    client (newcomer17b F5: "D-1001 F-0001" is an invoice of every client numbering like
    that): the amount, the payer's name or account would pick the client, and a debtor of
    one client paying what another's debtor owes is the one mistake that books money on the
    wrong client. A reference names its client (:attr:`Candidate.by_reference`). Those
    other clients' candidates, best first (none: ``best`` is the only client's named)."""
    mine = _party(best)
    if not mine or best.by_reference:
        return []
    # what the text names scores before the payer and amount; a known payer's own invoices
    # are the payer's rivals, weighed by the margin and ``payer_of_several``
    rivals = [c for c in found.values() if c.base_score > 0 and not c.via_payer]
    return sorted((c for c in rivals if _party(c) != mine), key=lambda c: (-c.score, c.key))


def _suggested(result: LineMatch, reason: str) -> LineMatch:
    """A booking the matcher decided, made a suggestion for a person, with the reason."""
    assert result.best is not None
    score = result.best.score
    return LineMatch(
        result.index,
        result.amount,
        (),
        tuple((a, score) for a in result.booked),
        (*result.reasons, reason),
        result.best,
    )


def payer_account(line: StatementLine) -> str | None:
    """The account matching looks the payer up by: the bank's, else one the payer wrote in
    his description (as older exports write it), a hint that never books alone."""
    return line.counterparty_iban or line.iban_in_text


def _payer_reason(line: StatementLine) -> str:
    if line.counterparty_iban:
        return f"payer account {line.counterparty_iban} is known for this debtor"
    return (
        f"account {line.iban_in_text} in the payer's description is known for this debtor "
        "(the bank names no payer's account: a hint, not the payer)"
    )


def _leans_on_payer(best: Candidate, settings: MatchSettings) -> bool:
    """The candidate would not book without its payer's known account: it was found among
    the payer's invoices, or the text, amount and name alone stay below the threshold."""
    return best.via_payer or best.score - best.payer_weight < settings.auto_threshold


def match_lines(
    lines: Sequence[StatementLine], index: Lookups, settings: MatchSettings | None = None
) -> list[LineMatch]:
    """One result per credit line, in order. Booked amounts are taken off the index's open
    amounts so that two lines cannot pay the same euro twice."""
    chosen = settings or MatchSettings()
    results = []
    for n, line in enumerate(lines):
        if line.amount <= 0 or line.is_return:
            continue
        results.append(match_line(n, line, index, chosen))
    return results
