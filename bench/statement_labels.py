"""A labelled set of statement lines shaped like Dutch receivables, with a fixed seed.

Each line carries the invoices a careful credit manager would book it on (empty: a person must
look first, or nothing of ours). The shapes and their shares:

- betalingskenmerk, the full amount or a part of it;
- the invoice number in the text (spacing, prefixes), the payer's name agreeing;
- the number without its prefix and year ("voor nr 01483"), payer and amount agreeing;
- the number with one typo, payer and amount agreeing;
- several invoices of one debtor in one transfer, numbers in the text;
- a partial payment naming its invoice;
- a payer known only by IBAN, no text, paying exactly one of their open invoices;
and what must NOT be booked automatically:
- a known payer paying an amount two of their invoices share (which one?);
- a known payer whose text names a reference that is not theirs;
- unrelated credits (rent, refunds) from unknown accounts;
- decoys: an unknown payer paying exactly the open amount of somebody's invoice, no text;
- a number's tail alone from an unknown payer (another debtor's invoice has that tail too);
- iDEAL credits (match32): the shop's payment reference, the bank's 16-digit transaction id
  (also in the end-to-end id after the moment paid) and the invoice number written, which
  book; a transaction id whose tail is another debtor's invoice number, which must not.

Invoice numbers repeat their tail across years (2024-01483 and 2025-01483), as real series do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from shared.domain.references import betalingskenmerk
from shared.domain.statements.matching import LineMatch, OpenInvoice
from shared.domain.statements.model import StatementLine

FIRST = ["Jan", "Piet", "Klaas", "Anna", "Sanne", "Fatima", "Mohamed", "Eva", "Daan", "Lotte"]
LAST = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos"]
TRADE = ["Bouw", "Installatie", "Transport", "Advies", "Bakkerij", "Garage", "Schilders"]
DAY = date(2025, 6, 2)


@dataclass(frozen=True)
class Portfolio:
    invoices: list[OpenInvoice]
    learned: dict[str, set[str]]  # payer IBAN -> debtor numbers (from earlier payments)
    iban_of: dict[str, str]  # debtor -> their IBAN when known


def portfolio(rng: random.Random, invoices: int, debtors: int) -> Portfolio:
    names = []
    for d in range(debtors):
        if d % 3 == 0:
            names.append(f"{rng.choice(TRADE)} {rng.choice(LAST)} B.V.")
        else:
            names.append(f"{rng.choice(FIRST)} {rng.choice(LAST)} {d}")
    out = []
    for i in range(invoices):
        d = rng.randrange(debtors)
        year = 2024 + i % 2
        out.append(
            OpenInvoice(
                number=f"F{year}-{i // 2:05d}",
                debtor=f"D{d:06d}",
                debtor_name=names[d],
                open_amount=rng.choice([1995, 4950, 12100, 7500, 25000]) + rng.randrange(0, 400)
                if rng.random() < 0.5
                else rng.randrange(1_000, 500_000),
                payment_reference=betalingskenmerk.from_number(10**9 + i)
                if rng.random() < 0.7
                else None,
                due_date=DAY - timedelta(days=30 + i % 300),
            )
        )
    iban_of = {f"D{d:06d}": f"NL{d % 90 + 10:02d}BANK{d:010d}" for d in range(debtors)}
    learned: dict[str, set[str]] = {}
    for d in range(debtors):
        if d % 5 < 3:  # three in five debtors have paid before from their account
            learned.setdefault(iban_of[f"D{d:06d}"], set()).add(f"D{d:06d}")
    return Portfolio(out, learned, iban_of)


def _typo(rng: random.Random, text: str) -> str:
    i = rng.randrange(2, len(text))
    kind = rng.randrange(3)
    digit = rng.choice([c for c in "0123456789" if c != text[i]])
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + digit + text[i + 1 :]
    return text[:i] + digit + text[i:]


def _name_variant(rng: random.Random, name: str) -> str:
    parts = [p for p in name.replace(" B.V.", "").split() if not p.isdigit()]
    choice = rng.randrange(3)
    if choice == 0:
        return name.upper()
    if choice == 1 and len(parts) > 1:
        return f"{parts[0][0]}. {' '.join(parts[1:])} {name.split()[-1]}"
    return name


def labelled_lines(
    rng: random.Random, book: Portfolio, count: int, *, short_numbers: bool = True
) -> list[tuple[StatementLine, frozenset[str]]]:
    """``count`` labelled lines, and (``short_numbers``) the unpadded-number pairs after them:
    at least 120 lines more, whose invoices are added to ``book`` (not to a portfolio seeded
    already: statement_scale asks for exactly ``count`` lines of the seeded portfolio)."""
    by_debtor: dict[str, list[OpenInvoice]] = {}
    for inv in book.invoices:
        by_debtor.setdefault(inv.debtor, []).append(inv)
    used: set[str] = set()
    out: list[tuple[StatementLine, frozenset[str]]] = []

    def pick(*, known: bool | None = None, with_ref: bool = False) -> OpenInvoice:
        while True:
            inv = rng.choice(book.invoices)
            is_known = book.iban_of[inv.debtor] in book.learned
            if inv.number in used or (known is not None and is_known != known):
                continue
            if with_ref and not inv.payment_reference:
                continue
            used.add(inv.number)
            return inv

    def stranger() -> str:
        return f"NL{rng.randrange(10, 99)}XXXX{rng.randrange(10**10):010d}"

    def line(amount: int, iban: str | None, name: str | None, text: str | None) -> StatementLine:
        return StatementLine(DAY, None, amount, "EUR", iban, name, remittance=text)

    while len(out) < count:
        roll = rng.random()
        if roll < 0.22:  # betalingskenmerk, full amount
            inv = pick(with_ref=True)
            ref = inv.payment_reference or ""
            text = betalingskenmerk.display(ref) if rng.random() < 0.5 else ref
            out.append(
                (line(inv.open_amount, stranger(), inv.debtor_name, text), frozenset({inv.number}))
            )
        elif roll < 0.26:  # betalingskenmerk, a part
            inv = pick(with_ref=True)
            part = max(100, inv.open_amount // 3)
            out.append(
                (
                    line(part, stranger(), None, f"kenmerk {inv.payment_reference}"),
                    frozenset({inv.number}),
                )
            )
        elif roll < 0.38:  # the full number, the payer's name
            inv = pick()
            number = rng.choice(
                [inv.number, inv.number.replace("-", " "), "factuur " + inv.number[1:]]
            )
            payer = _name_variant(rng, inv.debtor_name)
            out.append(
                (
                    line(
                        inv.open_amount, stranger(), payer, f"{number} {rng.choice(['', 'dank u'])}"
                    ),
                    frozenset({inv.number}),
                )
            )
        elif roll < 0.46:  # the number without prefix and year, payer and amount agree
            inv = pick()
            tail = inv.number.split("-")[1]
            known = book.iban_of[inv.debtor] in book.learned
            iban = book.iban_of[inv.debtor] if known else stranger()
            payer = _name_variant(rng, inv.debtor_name)
            out.append(
                (line(inv.open_amount, iban, payer, f"voor nr {tail}"), frozenset({inv.number}))
            )
        elif roll < 0.53:  # the number with one typo, payer and amount agree
            inv = pick()
            payer = _name_variant(rng, inv.debtor_name)
            iban = (
                book.iban_of[inv.debtor] if book.iban_of[inv.debtor] in book.learned else stranger()
            )
            out.append(
                (
                    line(inv.open_amount, iban, payer, f"factuur {_typo(rng, inv.number)}"),
                    frozenset({inv.number}),
                )
            )
        elif roll < 0.59:  # several invoices of one debtor, numbers in the text
            inv = pick()
            group = [inv, *[i for i in by_debtor[inv.debtor] if i.number not in used][:2]]
            used.update(i.number for i in group)
            text = " en ".join(i.number for i in group)
            payer = _name_variant(rng, inv.debtor_name)
            out.append(
                (
                    line(sum(i.open_amount for i in group), stranger(), payer, text),
                    frozenset(i.number for i in group),
                )
            )
        elif roll < 0.64:  # a partial payment naming its invoice
            inv = pick()
            payer = _name_variant(rng, inv.debtor_name)
            out.append(
                (
                    line(
                        max(100, inv.open_amount // 2),
                        stranger(),
                        payer,
                        f"deelbetaling {inv.number}",
                    ),
                    frozenset({inv.number}),
                )
            )
        elif roll < 0.76:  # a known payer, no text, exactly one of their open invoices
            inv = pick(known=True)
            same = [
                i
                for i in by_debtor[inv.debtor]
                if i.number not in used and i.open_amount == inv.open_amount
            ]
            truth = frozenset({inv.number}) if not same else frozenset()
            out.append((line(inv.open_amount, book.iban_of[inv.debtor], None, None), truth))
        elif roll < 0.80:  # a known payer, an amount two of their invoices share
            inv = pick(known=True)
            twin = OpenInvoice(
                inv.number + "-B", inv.debtor, inv.debtor_name, inv.open_amount, None, inv.due_date
            )
            book.invoices.append(twin)
            by_debtor[inv.debtor].append(twin)
            used.add(twin.number)
            out.append((line(inv.open_amount, book.iban_of[inv.debtor], None, None), frozenset()))
        elif roll < 0.84:  # a known payer, text naming a reference that is not theirs
            inv = pick(known=True)
            foreign = betalingskenmerk.from_number(9 * 10**9 + rng.randrange(10**6))
            out.append(
                (
                    line(inv.open_amount, book.iban_of[inv.debtor], None, f"kenmerk {foreign}"),
                    frozenset(),
                )
            )
        elif roll < 0.90:  # unrelated credit
            unrelated = rng.choice(["terugbetaling", "huur juni", "", "retour 5521"]) or None
            out.append(
                (
                    line(
                        rng.randrange(100, 90_000),
                        stranger(),
                        f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        unrelated,
                    ),
                    frozenset(),
                )
            )
        elif roll < 0.95:  # decoy: exactly somebody's open amount, unknown payer, no text
            inv = rng.choice(book.invoices)
            out.append(
                (
                    line(inv.open_amount, stranger(), f"{rng.choice(FIRST)} Onbekend", None),
                    frozenset(),
                )
            )
        else:  # a tail alone from an unknown payer with a foreign name
            inv = rng.choice(book.invoices)
            tail = inv.number.split("-")[1]
            out.append(
                (
                    line(inv.open_amount + 1, stranger(), "Onbekende Betaler", f"nr {tail}"),
                    frozenset(),
                )
            )
    if short_numbers:
        out += _short_number_lines(random.Random(rng.random()), book, max(60, count // 30))
        out += _ideal_lines(random.Random(rng.random()), book, max(60, count // 30))
    return out


def _ideal_lines(
    rng: random.Random, book: Portfolio, count: int
) -> list[tuple[StatementLine, frozenset[str]]]:
    """iDEAL credits as Rabobank and ING write them (review14's real line, newcomer32 F6):
    end-to-end id "dd-mm-yyyy hh:mm <transaction id>", description "<payment reference>
    <transaction id> <text>". Labelled: the invoice number written ("F-7", "2026-0012") with
    the payer's name and the exact amount books it; a transaction id ending in the digits of
    another debtor's invoice that owes the amount, with no number written, books nothing."""
    out: list[tuple[StatementLine, frozenset[str]]] = []
    debtors = sorted({i.debtor for i in book.invoices})
    names = {i.debtor: i.debtor_name for i in book.invoices}
    for k in range(count):
        payer, other = rng.sample(debtors, 2)
        amount = rng.choice([1995, 4950, 12100, 7500]) + k
        decoy = f"I{k}-{rng.randrange(10_000, 99_999)}"  # its tail ends the transaction id
        trx = f"70200000000{decoy.split('-')[1]}"
        number = [f"I{k}-F-{k % 9 + 1}", f"I{k}-2026-{k:04d}", f"FAC{1000 + k}"][k % 3]
        for num, debtor in ((number, payer), (decoy, other)):
            inv = OpenInvoice(num, debtor, names[debtor], amount, None, DAY - timedelta(days=40))
            book.invoices.append(inv)
        moment = f"02-06-2025 {k % 24:02d}:{k % 60:02d} {trx}"
        shop = f"{rng.randrange(10**15, 10**16)}"
        for text, name, truth in (
            (f"{shop} {trx} {number}", _name_variant(rng, names[payer]), frozenset({number})),
            (f"{shop} {trx} Webshop bestelling", "Iemand Onbekend", frozenset()),
        ):
            out.append(
                (
                    StatementLine(
                        DAY, None, amount, "EUR", f"NL{rng.randrange(10, 99)}XXXX{k:010d}", name,
                        remittance=text, end_to_end_id=moment,
                    ),
                    truth,
                )
            )  # fmt: skip
    return out


def _short_number_lines(
    rng: random.Random, book: Portfolio, count: int
) -> list[tuple[StatementLine, frozenset[str]]]:
    """Unpadded numbering (review newcomer4, finding 2): small clients' tools number
    ``2026-7``, ``F-12``, ``57``; consecutive invoices of the same amount to other debtors sit
    one character away. Labelled: the number written whole with the payer's name books it;
    short digits that are no invoice number (a quantity, a house number, a date) book nothing."""
    out: list[tuple[StatementLine, frozenset[str]]] = []
    debtors = sorted({i.debtor for i in book.invoices})
    names = {i.debtor: i.debtor_name for i in book.invoices}
    for k in range(count):
        style = k % 4
        n = rng.randrange(1, 99)
        number, neighbour = [
            (f"2026-{n}", f"2026-{n + 1}"),
            (f"F-{n}", f"F-{n + 1}"),
            (f"{k + 10}", f"{k + 11}"),  # bare: k steps by 4, so no two series meet
            (f"S{k:03d}/{n:02d}", f"S{k:03d}/{n + 1:02d}"),
        ][style]
        if style in (0, 1):  # one series per client, in one index: the k-th client's
            number, neighbour = f"C{k}-{number}", f"C{k}-{neighbour}"
        payer, other = rng.sample(debtors, 2)
        amount = rng.choice([1995, 4950, 12100, 7500]) + k
        for num, debtor in ((number, payer), (neighbour, other)):
            inv = OpenInvoice(num, debtor, names[debtor], amount, None, DAY - timedelta(days=40))
            book.invoices.append(inv)
        written = number if style != 2 else f"factuur {number}"
        text = rng.choice([f"Factuur {written}", f"betaling {written}", f"{written} dank u"])
        name = _name_variant(rng, names[payer])
        stranger = f"NL{rng.randrange(10, 99)}XXXX{rng.randrange(10**10):010d}"
        out.append(
            (
                StatementLine(DAY, None, amount, "EUR", stranger, name, remittance=text),
                frozenset({number}),
            )
        )
        noise = rng.choice([f"{n} dozen", f"huisnummer {n}", f"op {n % 28 + 1}-6-2025"])
        out.append(
            (
                StatementLine(
                    DAY, None, amount, "EUR", stranger, "Iemand Onbekend", remittance=noise
                ),
                frozenset(),
            )
        )
    return out


def precision_recall(
    results: list[LineMatch], labelled: list[tuple[StatementLine, frozenset[str]]]
) -> dict[str, float | int | None]:
    """Precision: automatic bookings on exactly the right invoices, of all automatic bookings.
    Recall: those, of all lines a careful credit manager would book."""
    booked = correct = bookable = 0
    for result, (_, truth) in zip(results, labelled, strict=True):
        bookable += bool(truth)
        if result.booked:
            booked += 1
            correct += bool(truth) and {a.invoice_number for a in result.booked} == truth
    return {
        "labelled_lines": len(labelled),
        "bookable": bookable,
        "auto_booked": booked,
        "correct": correct,
        "precision": round(correct / booked, 4) if booked else None,
        "recall": round(correct / bookable, 4) if bookable else None,
    }
