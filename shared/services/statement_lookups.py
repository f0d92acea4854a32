"""The matcher's lookups answered from Table Storage, for one client or a pooled account.

Each lookup is one point or small range read of the matching index (``MatchIndex``), the
learned payer accounts (``LearnedIbans``), a debtor's invoice rows (``Invoices``) or a debtor
row, so a statement line costs a
bounded number of requests whatever the size of the portfolio. Debtor names (for "payer name
matches") are read once per debtor and statement file.
"""

from __future__ import annotations

import threading
from collections.abc import (
    Callable,
    Hashable,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    Sequence,
)
from dataclasses import replace
from datetime import date
from typing import TypeVar

from shared.adapters.tables.banking_repo import KnownPayers
from shared.adapters.tables.debtor_open_invoices import read_open_of_debtor
from shared.domain.ledger.model import ClaimFigures
from shared.domain.money import Cents
from shared.domain.parties import Client, Debtor
from shared.domain.references import betalingskenmerk
from shared.domain.statements.letter_asks import asked_in_term
from shared.domain.statements.matching import (
    PARTY_SEP,
    Allocation,
    Asked,
    MatchSettings,
    OpenInvoice,
)
from shared.services.ledger.service import LedgerService
from shared.services.plan_designation import PlanMemo, plan_of_reference
from shared.services.repositories import Repositories

SEP = PARTY_SEP  # joins client id and invoice number (or debtor) on a pooled account
T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

# (client, the candidate invoices, the booking date) -> {invoice number: open total in cents}
OpenTotalsProvider = Callable[[Client, Sequence[OpenInvoice], date], dict[str, Cents]]


def principal_totals(client: Client, invoices: Sequence[OpenInvoice], on: date) -> dict[str, Cents]:
    """Today's default: the principal still open. The ledger's whole claim (principal, costs,
    VAT on costs, interest on ``on``) plugs in here, so that a line paying all of it matches
    exactly."""
    return {i.number: i.open_amount for i in invoices}


def ledger_totals(ledger: LedgerService) -> OpenTotalsProvider:
    """The whole open claim of each invoice on ``on`` from the claim ledger (principal, costs
    and their VAT once owed, interest accrued): a line paying all of it is an exact match.
    An invoice the ledger does not know is taken at its open principal.

    The index rows name each invoice's debtor, so the claims are read per debtor (the debtor,
    its invoices and its ledger: one point and two range reads), never by invoice number
    first."""

    def totals(client: Client, invoices: Sequence[OpenInvoice], on: date) -> dict[str, Cents]:
        by_debtor: dict[str, list[OpenInvoice]] = {}
        for inv in invoices:
            by_debtor.setdefault(inv.debtor, []).append(inv)
        out: dict[str, Cents] = {}
        for number, invs in by_debtor.items():
            found = ledger.repos.debtors.get(client.client_id, number)
            if found is None:  # not a debtor on file: the ledger finds the invoices' debtors
                figures = ledger.open_claims(client, [i.number for i in invs], on)
            else:
                figures = ledger.open_claims(client, [i.number for i in invs], on, debtor=found[0])
            out.update(
                {
                    i.number: claim_total(figures[i.number])
                    if i.number in figures
                    else i.open_amount
                    for i in invs
                }
            )
        return out

    def asked(client: Client, invoices: Sequence[OpenInvoice], on: date) -> dict[str, Asked]:
        """What letters whose term still runs asked for these invoices (letter_asks)."""
        by_debtor: dict[str, list[OpenInvoice]] = {}
        for inv in invoices:
            by_debtor.setdefault(inv.debtor, []).append(inv)
        out: dict[str, Asked] = {}
        for number, invs in by_debtor.items():
            found = ledger.repos.debtors.get(client.client_id, number)
            debtor = found[0] if found is not None else None
            numbers = [i.number for i in invs]
            figures = ledger.open_claims(client, numbers, on, debtor=debtor)
            out.update(
                asked_in_term(
                    number,
                    figures,
                    on,
                    lambda day, numbers=numbers, debtor=debtor: ledger.open_claims(  # type: ignore[misc]
                        client, numbers, day, debtor=debtor
                    ),
                )
            )
        return out

    totals.from_ledger = True  # type: ignore[attr-defined]  # a window computes the same itself
    totals.asked = asked  # type: ignore[attr-defined]  # what running letters asked (F7)
    return totals


def claim_total(figures: ClaimFigures) -> Cents:
    """What a line can pay on the claim: its open total, or on a written-off claim what is
    still written off (a payment recovers it, ledger31; womatch31)."""
    return figures.written_off.total if figures.is_written_off else figures.open.total


class SingleFlight:
    """Reads kept in a cache, each made once however many threads ask for it at the same
    moment: a statement window's prefetch matches its lines in parallel threads, and two
    lines naming the same thing (a year read as a number's tail, the same payer, the same
    debtor) each read it when both asked before either had it (perf17: one to two requests a
    20-line file, and the count varied with the threads' order). A thread asking for what
    another is reading waits for it; a read that fails is made again by the next asker."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reading: dict[tuple[int, Hashable], threading.Event] = {}

    def get(self, cache: MutableMapping[K, T], key: K, read: Callable[[], T]) -> T:
        flight = (id(cache), key)
        while True:
            with self._lock:
                if key in cache:
                    return cache[key]
                event = self._reading.get(flight)
                if event is None:
                    event = self._reading[flight] = threading.Event()
                    break
            event.wait()  # read by another thread: found in the cache (or read here if it failed)
        try:
            value = read()
            with self._lock:
                cache[key] = value
            return value
        finally:
            with self._lock:
                del self._reading[flight]
            event.set()


class ClientLookups:
    def __init__(self, repos: Repositories, client: Client, *, prefixed: bool) -> None:
        self.repos = repos
        self.client = client
        self.prefix = f"{client.client_id}{SEP}" if prefixed else ""
        self._debtors: dict[str, Debtor | None] = {}
        self._once = SingleFlight()
        # the plans this file's references are (the window's booking asks them again)
        self.plans_by_reference: PlanMemo = {}

    def debtor(self, number: str) -> Debtor | None:
        """The debtor (unprefixed number), read once per statement file."""

        def debtor() -> Debtor | None:  # named as the method: the benchmark's call sites
            found = self.repos.debtors.get(self.client.client_id, number)
            return found[0] if found else None

        return self._once.get(self._debtors, number, debtor)

    def known(self, number: str) -> Debtor | None:
        """The debtor when this statement read it already (no read)."""
        return self._debtors.get(number)

    def _named(self, invoices: Iterable[OpenInvoice]) -> list[OpenInvoice]:
        """Prefixed, with the debtor's name: as the index row carried it (version 2 rows),
        else read (once per debtor and statement file)."""
        out = []
        for inv in invoices:
            if inv.debtor_kind is not None:
                name = inv.debtor_name
            else:
                debtor = self.debtor(inv.debtor)
                name = debtor.name if debtor else ""
            out.append(
                replace(
                    inv,
                    number=self.prefix + inv.number,
                    debtor=self.prefix + inv.debtor,
                    debtor_name=name,
                )
            )
        return out

    def _local(self, key: str) -> str | None:
        if not self.prefix:
            return key
        return key[len(self.prefix) :] if key.startswith(self.prefix) else None

    def by_reference(self, reference: str) -> list[OpenInvoice]:
        """The invoices carrying this reference; none carrying it, those of the client's
        payment plan whose own betalingskenmerk it is (the plan's notice tells the debtor to
        pay under it, law14 F0): still open, as the index holds them."""
        index = self.repos.invoices.match_index
        hits = index.by_reference(self.client.client_id, reference)
        if hits:
            # an open invoice's own reference names that invoice, not a plan (a plan's is drawn
            # at random: the two never meet): the booking's designation asks no plan for it
            self.plans_by_reference.setdefault((self.client.client_id, reference), None)
            return self._named(hits)
        plan = plan_of_reference(
            self.repos.store, self.client.client_id, reference, self.plans_by_reference
        )
        if plan is None:
            return []
        numbers = set(plan.invoice_numbers)
        held = self._open_of(plan.debtor_number)
        return self._named(
            replace(i, plan_reference=reference) for i in held if i.number in numbers
        )

    def by_tail(self, tail: str) -> list[OpenInvoice]:
        index = self.repos.invoices.match_index
        return self._named(index.by_tail(self.client.client_id, tail))

    def known_payers(self, iban: str) -> KnownPayers:
        return self.repos.banking.known_payers(self.client.client_id, iban)

    def debtors_for_iban(self, iban: str) -> set[str]:
        """On the client's own account every debtor known for the account; on a pooled one
        (keys prefixed) only those paid from it: there the client's word is no evidence
        (known_payers)."""
        known = self.known_payers(iban)
        debtors = known.paid if self.prefix else known.paid | known.said
        return {self.prefix + d for d in debtors}

    def payer_of_several(self, iban: str) -> bool:
        return False  # the client's own account: only its money arrives

    def of_debtor(self, debtor: str) -> list[OpenInvoice]:
        local = self._local(debtor)
        if local is None:
            return []
        return self._named(self._open_of(local))

    def _open_of(self, number: str) -> list[OpenInvoice]:
        """The debtor's open invoices (unprefixed number) from his invoice rows, named from his
        row (read once a file, only when something is open): what the index's ``d|`` rows
        answered until its version 5."""
        return read_open_of_debtor(
            self.repos.store, self.client.client_id, number, lambda: self.debtor(number)
        )

    def by_amount(self, amount: Cents, limit: int) -> list[OpenInvoice]:
        """Without names: many debtors may owe one amount (the matcher names the few it
        compares, :meth:`with_names`)."""
        index = self.repos.invoices.match_index
        return [
            replace(i, number=self.prefix + i.number, debtor=self.prefix + i.debtor)
            for i in index.by_amount(self.client.client_id, amount, limit)
        ]

    def with_names(self, invoices: Sequence[OpenInvoice]) -> list[OpenInvoice]:
        mine = [i for i in invoices if self._local(i.number) is not None]
        local = [
            replace(i, number=i.number[len(self.prefix) :], debtor=i.debtor[len(self.prefix) :])
            for i in mine
        ]
        return self._named(local)

    def consume(self, allocations: Iterable[Allocation]) -> None:
        return None  # a booking rewrites the index rows: the next read sees what is left


def settings_of(client: Client) -> MatchSettings:
    """A client's own booking thresholds and switch."""
    return MatchSettings(
        auto_threshold=client.auto_book_threshold,
        margin=client.auto_book_margin,
        auto_book=client.auto_book,
    )


class PooledLookups:
    """A third-party funds account: every allowing client's lookups, keys prefixed with the
    client id so that equal invoice numbers of two clients stay apart."""

    def __init__(
        self, parts: list[ClientLookups], handed: Mapping[str, frozenset[str]] | None = None
    ) -> None:
        self.parts = parts
        # taken in only for a line quoting their code (``StatementService._clients_for``),
        # each with its own thresholds for those lines
        self.code_only = {
            p.client.client_id: settings_of(p.client)
            for p in parts
            if not p.client.allow_third_party_matching
        }
        # of those, the invoices of the agency's open cases: the only ones their code opens
        # (``match_line``'s ``handed``; none known: none of theirs)
        given = handed or {}
        self.handed = {c: given.get(c, frozenset()) for c in self.code_only}
        self._last: tuple[str, dict[str, KnownPayers]] | None = None

    def by_reference(self, reference: str) -> list[OpenInvoice]:
        hits = [i for p in self.parts for i in p.by_reference(reference)]
        if len({i.number.split(SEP, 1)[0] for i in hits}) <= 1:
            return hits
        # one reference on invoices of two clients: a client may supply its own references,
        # and another's is printed on every reminder, so one client could make the other's
        # payments ambiguous. The reference Inning generated for an invoice is that
        # invoice's: when exactly one client's hits carry their generated reference, theirs
        wanted = "".join(ch for ch in reference if ch.isdigit())
        own = [i for i in hits if betalingskenmerk.for_invoice(*i.number.split(SEP, 1)) == wanted]
        return own if len({i.number.split(SEP, 1)[0] for i in own}) == 1 else hits

    def by_tail(self, tail: str) -> list[OpenInvoice]:
        return [i for p in self.parts for i in p.by_tail(tail)]

    def debtors_for_iban(self, iban: str) -> set[str]:
        """Every client's debtors paid from the account (the client's word counts not
        here, :meth:`ClientLookups.debtors_for_iban`)."""
        known = self._known(iban)
        return {p.prefix + d for p in self.parts for d in known[p.client.client_id].paid}

    def payer_of_several(self, iban: str) -> bool:
        return sum(k.any() for k in self._known(iban).values()) > 1

    def _known(self, iban: str) -> dict[str, KnownPayers]:
        """Each client's debtors known for the account, read once for the line that asks
        (the last account asked is kept: a line asks for its payer and then whether several
        clients know it)."""
        if self._last is None or self._last[0] != iban:
            self._last = (iban, {p.client.client_id: p.known_payers(iban) for p in self.parts})
        return self._last[1]

    def of_debtor(self, debtor: str) -> list[OpenInvoice]:
        return [i for p in self.parts for i in p.of_debtor(debtor)]

    def by_amount(self, amount: Cents, limit: int) -> list[OpenInvoice]:
        return [i for p in self.parts for i in p.by_amount(amount, limit)][:limit]

    def with_names(self, invoices: Sequence[OpenInvoice]) -> list[OpenInvoice]:
        named = {i.number: i for p in self.parts for i in p.with_names(invoices)}
        return [named[i.number] for i in invoices if i.number in named]

    def consume(self, allocations: Iterable[Allocation]) -> None:
        self._last = None  # the line is decided: its booking may have taught a payer


def every_debtor(repos: Repositories, client_id: str) -> Iterator[Debtor]:
    """All the client's debtors, page by page: the names and kinds the matching index's rows
    carry when it is built."""
    token: str | None = None
    while True:
        page, token = repos.debtors.list(client_id, page_size=1000, continuation=token)
        yield from page
        if not token:
            return
