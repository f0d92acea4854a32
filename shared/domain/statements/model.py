"""One statement model for every bank format."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum

from shared.domain.money import Cents, format_eur_nl


class StatementError(ValueError):
    """A file Inning refuses: not a statement, or broken. Says where and what."""

    def __init__(self, message: str, *, line: int | None = None, field: str | None = None):
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{where}{message}")
        self.line = line
        self.field = field
        self.reason = message

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "field": self.field, "error": self.reason}


MAX_AMOUNT_CENTS = 10**11  # EUR 1,000,000,000: more on one statement line is a broken file


def check_amount(cents: int, where: str) -> int:
    """Refuse an amount no receivables account sees (``1E+30``, EUR 10^17): such a number is
    a broken or hostile file, and booking it would poison every total downstream."""
    if abs(cents) > MAX_AMOUNT_CENTS:
        raise StatementError(f"{where}: amount {cents / 100:.2e} is beyond any plausible statement")
    return cents


@dataclass(frozen=True)
class StatementLine:
    booking_date: date
    value_date: date | None
    amount: Cents  # negative for debits
    currency: str
    counterparty_iban: str | None = None
    counterparty_name: str | None = None
    counterparty_bic: str | None = None
    remittance: str | None = None
    reference: str | None = None  # structured creditor reference (kenmerk, RF)
    end_to_end_id: str | None = None
    bank_reference: str | None = None
    return_reason: str | None = None  # e.g. MS03, AC04: a returned payment
    transaction_code: str | None = None
    reversal: bool = False
    source_line: int | None = None  # where it starts in the file
    # one booking for a whole batch (MT940 /PREF/, CAMT Btch/PmtInfId): the payment
    # information id, e.g. of a direct-debit file's collections credited as one sum
    batch_id: str | None = None
    # one of several transactions of a batch entry, each with its own details (CAMT: one
    # ``TxDtls`` per collection under ``Btch``): ``batch_id`` still names the batch, so a
    # split of one of our own direct-debit files is known as the collection it is
    batch_part: bool = False
    # what the account holder's bank kept of a credit as its own charges (positive cents;
    # CAMT ``Chrgs``, ING MT940 ``/CHGS/`` with ``/OCMT/``): ``amount`` is then what the payer
    # sent, the debt paid (art. 6:114 BW; PSD2 art. 81(2), 7:520 BW: the bank must state
    # the full amount and its charges apart), and the account moved ``amount - charges``
    charges: Cents = 0
    # an IBAN the payer wrote in his description where the bank gave no account (free text,
    # a slash :86: without /CNTP/): anybody's account, so never the payer's. Matching may
    # take it as a hint, with its reason; nothing is learned, proved or paid by it (iban24)
    iban_in_text: str | None = None
    # the booking day an MT940 line was read with before banks27 put its entry date inside its
    # statement (a return back-valued weeks before New Year: the value date's year), only where
    # that differs: a line booked before that deploy is stored under the identity of that day
    # (:func:`former_identities`). Not part of what the line is.
    dated_before: date | None = field(default=None, compare=False)
    # the reference the line's text was read with before leftover33 made a kenmerk of zeros no
    # reference (ASN's ICS lines), only where that differs: as ``dated_before``, the line
    # keeps the identity it was booked under (:func:`former_identities`)
    referenced_before: str | None = field(default=None, compare=False)

    @property
    def is_credit(self) -> bool:
        return self.amount > 0

    @property
    def moved(self) -> Cents:
        """What the account moved on this line (the statement's balances add these up)."""
        return self.amount - self.charges

    @property
    def is_return(self) -> bool:
        # ":61:...NRTI": the SWIFT transaction type "returned item" (ING's structured spec)
        return self.reversal or self.return_reason is not None or self.transaction_code == "NRTI"


@dataclass(frozen=True)
class Balance:
    amount: Cents
    on: date


# a statement of the day without its closing balance (MT940 ``:62F:``, camt.053 ``CLBD``:
# both mandatory): opening + lines cannot be checked against it, so a missing entry would go
# unnoticed; the rest is booked and staff are told (newcomer12 #2). An intraday MT942 has no
# balances at all and is not meant; a page closed by an intermediate balance neither
NO_CLOSING = (
    "no closing balance ({tag}): the statement's completeness was not checked (a missing "
    "entry would go unnoticed); the next statement's opening is compared with this one's "
    "opening plus its lines"
)


def implied_closing(statement: Statement) -> Balance | None:
    """What a statement without a closing balance implies: its opening plus its lines, on
    its last day; the next statement's opening is compared with it, so the day that could
    not be checked raises no false "statement missing" (None: no opening either)."""
    if statement.closing is not None or statement.opening is None:
        return None
    days = [statement.opening.on, *(x.booking_date for x in statement.lines)]
    if statement.on is not None:
        days.append(statement.on)
    return Balance(statement.opening.amount + sum(x.moved for x in statement.lines), max(days))


@dataclass(frozen=True)
class Statement:
    account: str  # IBAN where the bank gives one, else the bank's account number
    currency: str
    opening: Balance | None
    closing: Balance | None
    lines: tuple[StatementLine, ...]
    statement_id: str | None = None
    format: str = "mt940"
    warnings: tuple[str, ...] = field(default=())
    sequence: str | None = None  # MT940 :28C: statement/sequence number, CAMT ElctrncSeqNb
    on: date | None = None  # the statement's date (closing balance or period end)
    # the bank's own account number when :25: carries one (ABN AMRO, old Triodos): ``account``
    # is then the IBAN derived from it
    bank_account: str | None = None
    # what the bank calls an account it names by its own id, not an IBAN (CAMT ``Othr``:
    # ``SchmeNm`` and ``Issr``, e.g. "Wise Account ID, Wise Payments Ltd."): said in a refusal
    account_scheme: str | None = None
    # the file of a ZIP archive it came from (archive.parse_zip): a refusal names it
    member: str | None = field(default=None, compare=False)

    def identity(self) -> str:
        """Which statement this is, the same in every file that carries it: account,
        statement number/sequence and date. Two files with the same day book it once.
        Balances and the line count are part of it too: banks that number every statement
        ``0`` (Rabobank) or send two statements a day must not have the second one skipped."""
        on = self.on or (self.closing.on if self.closing else None)
        parts = [
            self.account,
            self.sequence or "",
            on.isoformat() if on else "",
            str(self.opening.amount if self.opening else ""),
            str(self.closing.amount if self.closing else ""),
            str(len(self.lines)),
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]

    def balance_difference(self) -> Cents | None:
        """Closing minus (opening + lines); ``None`` when a balance is missing."""
        if self.opening is None or self.closing is None:
            return None
        return self.closing.amount - (self.opening.amount + sum(x.moved for x in self.lines))


def line_identities(statement: Statement) -> list[str]:
    """A stable identity per line, the same whichever file the line arrives in, so that
    overlapping statements book each line once. Identical lines on one day (two payments of
    the same amount by the same payer) are told apart by their order of occurrence in the
    statement; an identical line of another statement (the day's next one, the next page) is
    told apart by where it sits (:func:`balances_before`, :func:`twin_of`), and the service
    gives it the next free occurrence, so the first keeps the identity it always had."""
    seen: dict[str, int] = {}
    out = []
    for line in statement.lines:
        parts = [
            statement.account,
            line.booking_date.isoformat(),
            # what the account moved: a charged credit keeps the identity it had when it was
            # booked net, so a file read before charges were read books nothing twice
            str(line.moved),
            line.currency,
            line.bank_reference or "",
            line.end_to_end_id or "",
            # an IBAN of the text was read as the counterparty's before iban24: a line keeps
            # the identity it was booked under
            line.counterparty_iban or line.iban_in_text or "",
            " ".join((line.remittance or "").split()),
            line.reference or "",
        ]
        base = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
        seen[base] = seen.get(base, 0) + 1
        out.append(f"{base}-{seen[base]}")
    return out


def former_identities(statement: Statement) -> list[tuple[str, ...]]:
    """The identities each line had before, newest first (computed as :func:`line_identities`
    did then), none for a line whose identity never changed. A line stored under a former
    identity keeps it, so a delivery across a deploy books it once:
    - before leftover33 a kenmerk of zeros was read as the line's reference (``referenced_before``);
    - before banks27 a re-dated line had its former day (``dated_before``, review27 F4), and
      the reference then read."""

    def before_leftover33(x: StatementLine) -> StatementLine:
        return replace(x, reference=x.referenced_before or x.reference)

    def before_banks27(x: StatementLine) -> StatementLine:
        return replace(before_leftover33(x), booking_date=x.dated_before or x.booking_date)

    out: list[tuple[str, ...]] = [() for _ in statement.lines]
    for era, changed in (
        (before_leftover33, "referenced_before"),
        (before_banks27, "dated_before"),
    ):
        if not any(getattr(x, changed) for x in statement.lines):
            continue
        then = replace(statement, lines=tuple(era(x) for x in statement.lines))
        for n, (line, old) in enumerate(zip(statement.lines, line_identities(then), strict=True)):
            if getattr(line, changed):
                out[n] += (old,)
    return out


def balances_before(statement: Statement) -> list[Cents | None]:
    """The account's balance just before each line, as the statement tells it: its opening
    plus the lines above (or its closing less this line and those below). A transaction has
    the same balance before it in every statement that carries it (an interim and the final
    statement of a day, a week's statement and the day's), while a second identical transfer
    in the day's next statement, or on the next page, has another: that is how two equal
    lines of different statements are told apart. ``None`` for a statement with no balance."""
    if statement.opening is not None:
        running = statement.opening.amount
        out: list[Cents | None] = []
        for line in statement.lines:
            out.append(running)
            running += line.moved
        return out
    if statement.closing is not None:
        running = statement.closing.amount
        back: list[Cents | None] = []
        for line in reversed(statement.lines):
            running -= line.moved
            back.append(running)
        return back[::-1]
    return [None] * len(statement.lines)


@dataclass(frozen=True)
class Where:
    """Where a line sits: its statement and index (``<statement identity>:<index>``), the
    account's balance just before it as that statement tells it (:func:`balances_before`),
    and the stretch of the account's history the statement covers (its balance before the
    first line and after the last, :func:`span_of`). ``None`` where the statement has no
    balance, or on a line stored before these were kept."""

    place: str | None
    before: Cents | None = None
    span: tuple[Cents, Cents] | None = None
    # the statement's number (:func:`statement_number`): two statements of the day that start
    # at the same balance are the same stretch only under the same number (None: not known)
    number: str | None = None


def statement_number(statement: Statement) -> str | None:
    """The bank's number of the statement without its page (MT940 ``:28C:`` 00012/001 and
    camt ``ElctrncSeqNb`` 12 are both ``12``); ``None`` where the file gives none."""
    if not statement.sequence:
        return None
    return statement.sequence.split("/", 1)[0].strip().lstrip("0") or "0"


def span_of(statement: Statement) -> tuple[Cents, Cents] | None:
    """The balance before the statement's first line and after its last, from its opening
    or else its closing (a page's ``:60M:`` is no opening); ``None`` without a balance."""
    if statement.opening is not None:
        start = statement.opening.amount
    elif statement.closing is not None:
        start = statement.closing.amount - sum(x.moved for x in statement.lines)
    else:
        return None
    return start, start + sum(x.moved for x in statement.lines)


def charges_note(where: str, paid: Cents, charges: Cents) -> str:
    """The warning of a credit the bank booked less its own charges: the payer is credited
    what he sent; the charges are for the account holder to book as a cost, or to take up
    with the bank (``where``: "entry 3", "line 12")."""
    return (
        f"{where}: the bank kept {format_eur_nl(charges)} charges of a credit of "
        f"{format_eur_nl(paid)} ({format_eur_nl(paid - charges)} arrived): the payer is "
        f"credited the {format_eur_nl(paid)} sent; the charges are the account holder's cost"
    )


def payer_charges_note(where: str, sent: Cents, charges: Cents, why: str) -> str:
    """The warning of a credit less charges that are the payer's (the file says the payer
    bears them, or an agent took them before the money reached the account: camt053.Kept):
    the payer is credited only what arrived, the rest stays open on the invoice, for the
    account holder to claim or waive (art. 6:47 lid 1 BW: the costs of payment are the
    debtor's)."""
    return (
        f"{where}: {format_eur_nl(charges)} charges of a credit of {format_eur_nl(sent)} were "
        f"{why}: the payer is credited only the {format_eur_nl(sent - charges)} that arrived; "
        f"the {format_eur_nl(charges)} stays open: claim it from the payer or waive it"
    )


class Twin(Enum):
    """What a stored line with the same identity is to a line being read."""

    SAME = "same"  # this very line (a redelivery) or the same transaction in another statement
    OTHER = "other"  # an identical transfer of another statement: a transaction of its own
    UNKNOWN = "unknown"  # nothing tells: a person decides (credits), never booked twice


# what banks write where they have no reference of their own for a line
_NO_REFERENCE = frozenset({"", "NONREF", "NOTPROVIDED", "NONE"})
REFERENCE_KEPT = 140  # a SEPA description's length: a description kept as a reference


def findable_reference(
    end_to_end_id: str | None,
    bank_reference: str | None,
    reference: str | None,
    remittance: str | None,
    payer_iban: str | None = None,
) -> str | None:
    """What a person finds a credit by on a bank statement, the first a bank gave: the
    payer's end-to-end id, the bank's own reference, the payer's structured reference, or
    the description he wrote (whitespace folded). Kept on the payment so a settlement
    statement names it; never the line's identity hash, which no bank shows (agency21 N1),
    nor the payer's account (``payer_iban``): ASN writes it in :61:'s reference subfield,
    and the settlement CSV's ``payment_reference`` showed "NL56INGB0001234501" (newcomer26 F8)."""
    account = _compact(payer_iban)
    for candidate in (end_to_end_id, bank_reference, reference):
        if not candidate or candidate.strip().upper() in _NO_REFERENCE:
            continue
        if account and _compact(candidate) == account:
            continue
        return candidate.strip()
    text = " ".join((remittance or "").split())
    return text[:REFERENCE_KEPT] or None


def line_reference(line: StatementLine) -> str | None:
    """:func:`findable_reference` of a statement line."""
    return findable_reference(
        line.end_to_end_id, line.bank_reference, line.reference, line.remittance,
        payer_iban=line.counterparty_iban,
    )  # fmt: skip


def _compact(iban: str | None) -> str:
    return "".join((iban or "").split()).upper()


def twin_of(stored: Where, new: Where, bank_reference: str | None = None) -> Twin:
    """Compare a stored line with a line of the same identity (same day, amount, payer,
    text and bank reference) by where each sits.

    - The same place is the same line (a redelivery).
    - Statements of the same stretch of the account (the same balance before their first
      line and the same number: an interim and the day's final statement, a re-export) carry
      the same transactions, in whatever order: the same transaction.
    - Another statement that starts at the same balance (another number) may be a re-export
      numbered anew or the stretch after the balance came back there (a payout of the same
      sum, a zero-balancing sweep: failure10 #3): nothing tells, and a person decides.
    - A statement that starts where the other ended (or ends where it started) covers the
      next stretch (the day's next statement, the next page): a transfer of its own.
    - Both at once (the stretch between sums to zero) or neither (a week's statement and the
      day's): the balance just before each line decides only when equal (the same
      transaction); otherwise nothing tells, and a person decides.
    - Where a side has no balance (an intraday MT942 has none), the bank's own reference for
      the booking says it is the same transaction: banks give each booking its own (``:61:``
      after ``//``, camt ``AcctSvcrRef``); without one nothing tells."""
    if stored.place == new.place:
        return Twin.SAME
    if stored.before is None or new.before is None:
        distinctive = (bank_reference or "").strip().upper() not in _NO_REFERENCE
        return Twin.SAME if distinctive else Twin.UNKNOWN
    if stored.span is not None and new.span is not None:
        same_start = stored.span[0] == new.span[0]
        next_stretch = new.span[0] == stored.span[1] or new.span[1] == stored.span[0]
        if same_start:
            renumbered = None not in (stored.number, new.number) and stored.number != new.number
            return Twin.UNKNOWN if renumbered or next_stretch else Twin.SAME
        if next_stretch:
            return Twin.OTHER
        return Twin.SAME if stored.before == new.before else Twin.UNKNOWN
    # a line stored before stretches were kept: the balance before, as then
    return Twin.SAME if stored.before == new.before else Twin.OTHER


def statements_as_dict(statements: list[Statement]) -> dict[str, object]:
    """The shape ``inning statement parse --json`` prints: amounts in cents, debits negative,
    ``None`` where the file has nothing."""
    return {
        "statements": [
            {
                "account": s.account,
                "currency": s.currency,
                "format": s.format,
                "opening": s.opening.amount if s.opening else None,
                "closing": s.closing.amount if s.closing else None,
                "balance_difference": s.balance_difference(),
                "lines": [
                    {
                        "date": x.booking_date.isoformat(),
                        "amount": x.amount,
                        "charges": x.charges,
                        "counterparty_iban": x.counterparty_iban,
                        "iban_in_text": x.iban_in_text,
                        "counterparty_name": x.counterparty_name,
                        "remittance": x.remittance,
                        "reference": x.reference,
                        "end_to_end_id": x.end_to_end_id,
                        "return_reason": x.return_reason,
                    }
                    for x in s.lines
                ],
            }
            for s in statements
        ]
    }
