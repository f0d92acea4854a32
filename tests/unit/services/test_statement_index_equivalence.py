"""The matching index in Table Storage answers like the in-memory index: on the labelled set
(bench/statement_labels.py, fixed seed), every line gets the same decision through the
storage-backed lookups as through :class:`InvoiceIndex`, automatic bookings are all right,
and no line costs more than a bounded number of lookups."""

from __future__ import annotations

import random
from datetime import timedelta

from bench.statement_labels import DAY, labelled_lines, portfolio, precision_recall
from shared.adapters.tables.banking_repo import LEARNED_IBANS
from shared.adapters.tables.codec import put_json
from shared.adapters.tables.keys import encode
from shared.adapters.tables.memory import InMemoryTableStore
from shared.domain.invoices import Invoice
from shared.domain.parties import Client, Debtor, DebtorKind
from shared.domain.statements.matching import InvoiceIndex, MatchSettings, match_line
from shared.ports.tables import Row
from shared.services.repositories import Repositories
from shared.services.statement_lookups import ClientLookups
from tests.support.match_index import keep_index


class CountingLookups(ClientLookups):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = 0

    def __getattribute__(self, name):
        if name in ("by_reference", "by_tail", "debtors_for_iban", "of_debtor", "by_amount"):
            object.__setattr__(self, "calls", object.__getattribute__(self, "calls") + 1)
        return object.__getattribute__(self, name)


def test_storage_lookups_decide_like_the_memory_index():
    rng = random.Random(7)
    book = portfolio(rng, 1_500, 300)
    labelled = labelled_lines(rng, book, 250)
    repos = Repositories.over(InMemoryTableStore())
    repos.ensure_tables()
    client = Client("c1", "a1", "C1", "Client")
    keep_index(repos.store, "c1")  # a statement met the client: its index is kept (perf27)
    for debtor, name in {i.debtor: i.debtor_name for i in book.invoices}.items():
        repos.debtors.save(Debtor("c1", debtor, DebtorKind.B2B, name), None)
    for o in book.invoices:  # written as the import writes them: the index follows
        due = o.due_date or DAY
        inv = Invoice("c1", o.number, o.debtor, due - timedelta(days=30), due, o.open_amount,
                      payment_reference=o.payment_reference)  # fmt: skip
        repos.invoices.save(inv, None)
    for iban, debtors in book.learned.items():
        repos.store.upsert(
            LEARNED_IBANS, Row(encode("c1"), encode(iban), {"Debtors": put_json(sorted(debtors))})
        )
    memory = InvoiceIndex(book.invoices, book.learned)
    stored = CountingLookups(repos, client, prefixed=False)
    settings = MatchSettings()
    mine, theirs, worst = [], [], 0
    for n, (line, _) in enumerate(labelled):
        before = stored.calls
        got = match_line(n, line, stored, settings)
        worst = max(worst, stored.calls - before)
        want = match_line(n, line, InvoiceIndex(book.invoices, book.learned), settings)
        assert (got.booked, got.reasons) == (want.booked, want.reasons), line
        mine.append(got)
        theirs.append(want)
    figures = precision_recall(mine, labelled)
    assert figures["precision"] == 1.0
    assert figures["recall"] is not None and figures["recall"] >= 0.9
    assert worst <= 5  # references, tails, payer, debtor, amount: bounded, not the portfolio
    assert memory.invoices  # the in-memory index stays for `inning match`
