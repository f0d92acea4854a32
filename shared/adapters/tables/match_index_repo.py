"""The matching index of open invoices on Table Storage: what a statement line looks up.

One partition per client in the ``MatchIndex`` table; every open invoice (open, partially
paid, disputed, money open) has up to three small rows, each a key a bank line can carry:

| RowKey                          | a line finds it by                                  |
| ``r|<reference>|<number>``      | its betalingskenmerk / RF reference (point range)   |
| ``t|<numeric tail>|<number>``   | the last digit group of its number ("nr 01483")      |
| ``a|<open amount>|<number>``    | its open amount                                      |

A written-off invoice (ledger31) with principal still to recover keeps its ``r|`` and ``t|``
rows, marked ``WrittenOff`` and carrying that principal as open, never an ``a|`` row: a line
quoting its own reference or its whole number may book a recovery, its amount alone never
(womatch31). The write-off writes them as any invoice change does; a write-off made before
gets them when ``inning backfill written-off`` marks it; a build reads written-off invoices
too (``InvoiceRepository.indexed_invoices``). The rows keep their shape: no new version.

Until version 5 a fourth row, ``d|<debtor>|<number>``, gave the debtor a known payer account
belongs to. The debtor's own invoice rows (``Invoices``, ``i|<debtor>|``) answer that
(:mod:`shared.adapters.tables.debtor_open_invoices`), and a statement reads them anyway for the
claims it books (perf26): the rows are written no more, and an index of an earlier version has
them deleted the first time a statement meets its client (:meth:`MatchIndexRepository.
ensure_built`); until then nothing reads them.

Each row carries what the matcher needs (number, debtor, open amount, reference, due date,
and since version 2 the debtor's name and kind), so a lookup is one point or small range read
whatever the size of the portfolio, and neither a candidate nor the debtor booked on needs a
read of its debtor: the name is compared with the payer's, the kind (consumer or business)
gives the claim's open total and the terms it is booked on.

Since version 3 the rows are authoritative for the name and kind: every write of index rows
carries them (a writer without the debtor at hand has :meth:`MatchIndexRepository.update` read
it, one batched read), and a debtor whose name or kind changes has its open invoices' rows
written again before the debtor itself (:meth:`MatchIndexRepository.debtor_changed`, called by
the import, the only place a debtor's name or kind changes). A row without a kind (an index
built before) still has its debtor read, as before.

The index is kept only for a client whose statements (or replies quoting a betalingskenmerk)
were matched: it is built the first time one meets the client (:meth:`MatchIndexRepository.
ensure_built`, which marks the client before it reads), and until then the invoices' writers
write no rows (:meth:`MatchIndexRepository.kept`; perf27: an import of a client without
statements writes five rows an open invoice, not eight).

The invoice repository keeps it current wherever an invoice row is written (import, payment,
credit, withdrawal, dispute): the rows of the old state that the new state lacks are deleted,
the new state's rows written, in entity-group transactions. Writing it after the invoice's own
transaction means a crash in between leaves it stale, never wrong in a way that books: the
statement service checks a booking's invoices against their rows first and repairs the index
(:meth:`MatchIndexRepository.repair`) when they disagree.

Two writers compute rows from a read made well before they write them: an import's follow-ups
(once after all chunks of a request) and the one-time build. Neither may put back rows another
writer has changed meanwhile (a credit note, a payment, a corrected re-send), so both read the
invoices again after their write and bring the rows of those that moved to the stored version
(``InvoiceRepository.follow_up``, :meth:`MatchIndexRepository.ensure_built`).

Since version 6 (perf31) the build also writes a copy of the marker, ``~matched`` in the
client's ``ConsoleSearch`` partition (:data:`shared.adapters.tables.search_repo.MATCHED`),
before it reads: next to the console's own markers, so that an import learns whether either
index is kept with one range read (:meth:`MatchIndexRepository.kept` with ``copy``). An import
trusts the copy's absence and writes no rows; so the readers trust a marker only beside its
copy (:meth:`MatchIndexRepository.ensure_built`, :meth:`MatchIndexRepository.readable`): an
index without one (built before version 6, by a worker of the previous version, or a restore
that brought back ``ConsoleSearch`` from before the build) may lack an import's rows and is
built again whole, its copy written first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from shared.adapters.tables.codec import get_date, put_date
from shared.adapters.tables.keys import encode
from shared.adapters.tables.search_repo import CONSOLE_SEARCH, MATCHED
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.parties import Debtor
from shared.domain.statements.matching import (
    RANGE_CAP,
    OpenInvoice,
    normalise_number,
    numeric_tail,
)
from shared.ports.tables import (
    MAX_BATCH,
    Conflict,
    Op,
    OpKind,
    PreconditionFailed,
    Row,
    StorageError,
    TableStore,
    Value,
    all_rows,
    prefix_range,
)

MATCH_INDEX = "MatchIndex"
TABLES = (MATCH_INDEX,)
MATCHABLE = (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.DISPUTED)
BUILT = "~built"  # marker row: this client's open invoices have been indexed
# the shape of the rows: 2 carries the debtor's name and kind, 3 on every row and kept up to
# date with the debtor (authoritative); an index built before is built again (once) the first
# time a statement meets its client; 4: the build's read of every debtor also learns the
# debtors' own IBANs as known payers (shared/services/known_payers.py), once per client; 5: no
# ``d|`` rows (an index of version 4 has them deleted, the rest kept as it is); 6: the marker's
# copy (``~matched``) beside the console's markers, which an import reads instead (perf31): an
# index of an earlier version may lack the rows of an import that found no copy, and is built
# again whole
VERSION = 6
BUILDING = -1  # the marker's version while a first build runs (perf27): the index is kept
LEGACY_DEBTOR = "d|"  # the prefix of the rows versions 1 to 4 wrote per open invoice
RANGE_LIMIT = RANGE_CAP  # a lookup reads at most this many rows (a full page: no auto-booking)


def is_matchable(inv: Invoice) -> bool:
    return inv.status in MATCHABLE and inv.open_amount > 0


def is_written_off(inv: Invoice) -> bool:
    """Written off by the creditor with principal still to recover (ledger31): indexed by
    its exact keys alone, its reference and number (womatch31)."""
    return (
        inv.status is InvoiceStatus.WITHDRAWN
        and inv.written_off_on is not None
        and inv.amount > inv.paid
    )


def is_indexed(inv: Invoice) -> bool:
    """The invoice has index rows: open, or written off and not wholly recovered."""
    return is_matchable(inv) or is_written_off(inv)


def indexed_open(inv: Invoice) -> int:
    """The principal the index rows carry as open: a written-off invoice's not recovered."""
    return inv.amount - inv.paid if is_written_off(inv) else inv.open_amount


def amount_key(cents: int) -> str:
    return f"{cents:015d}"


def index_rows(inv: Invoice, debtor: Debtor | None = None) -> dict[str, Row]:
    """The index rows of an invoice's current state; none once nothing is open. With the
    invoice's ``debtor``, the rows carry its name and kind. A written-off invoice keeps its
    reference and number rows (marked ``WrittenOff``, its principal not recovered as open),
    never its amount's: only an exact key may book a recovery (womatch31)."""
    if not is_indexed(inv):
        return {}
    pk = encode(inv.client_id)
    data: dict[str, Value] = {
        "Number": inv.number,
        "Debtor": inv.debtor_number,
        "Open": indexed_open(inv),
        "Reference": inv.payment_reference,
        "Due": put_date(inv.due_date),
    }
    if debtor is not None and debtor.number == inv.debtor_number:
        data["Name"] = debtor.name
        data["Kind"] = debtor.kind.value
    if is_written_off(inv):
        data["WrittenOff"] = True
        keys = _named_keys(inv)
    else:
        keys = [_amount_rk(inv.number, inv.open_amount), *_named_keys(inv)]
    return {rk: Row(pk, rk, dict(data)) for rk in keys}


def _amount_rk(number: str, cents: int) -> str:
    return f"a|{amount_key(cents)}|{encode(number)}"


def _named_keys(inv: Invoice) -> list[str]:
    """The keys the invoice's number and reference give, whatever it owes."""
    number = encode(inv.number)
    keys = []
    if tail := numeric_tail(inv.number):  # a number without digits has no tail to look up
        keys.append(f"t|{encode(tail)}|{number}")
    if inv.payment_reference and (reference := normalise_number(inv.payment_reference)):
        keys.append(f"r|{encode(reference)}|{number}")
    return keys


def _open_invoice(row: Row) -> OpenInvoice:
    """``debtor_kind`` is set only when the row carries its debtor (then so is the name)."""
    d = row.data
    kind = d.get("Kind")
    return OpenInvoice(
        number=d["Number"],
        debtor=d["Debtor"],
        debtor_name=str(d.get("Name") or "") if kind else "",
        open_amount=int(d["Open"]),
        payment_reference=d.get("Reference"),
        due_date=get_date(d.get("Due")),
        debtor_kind=str(kind) if kind else None,
        written_off=bool(d.get("WrittenOff")),
    )


class MatchIndexRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store
        # clients whose index this process saw built at VERSION (marker read or written): a
        # marker is never deleted nor its version lowered while the app runs (a restore runs
        # with the app stopped, docs/operations.md section 7; a new VERSION is a new deploy),
        # so a statement after the first one a worker books for a client reads it no more
        self._built: set[str] = set()
        # clients whose index is kept (a marker, built or being built, read or written): the
        # writers index their invoices; a marker is never deleted while the app runs
        self._kept: set[str] = set()

    # -- maintenance -------------------------------------------------------------------------
    def update(
        self,
        client_id: str,
        changes: Iterable[tuple[Invoice | None, Invoice]],
        debtors: Mapping[str, Debtor] | None = None,
    ) -> None:
        """Bring the index from each invoice's old state to its new one. The rows written
        carry their debtors' names and kinds: from ``debtors`` (by number) where the caller
        has them, else read here (one batched read of the debtors missing)."""
        ops: list[Op] = []
        changes = list(changes)
        if not any(rows_change(old, new) for old, new in changes) or not self.kept(client_id):
            return
        known = self._with_debtors(client_id, changes, debtors or {})
        for old, new in changes:
            # the old state's rows as written (with the same debtor): unchanged ones stay
            before = index_rows(old, known.get(old.debtor_number)) if old is not None else {}
            after = index_rows(new, known.get(new.debtor_number))
            ops += _moving(before, after)
        self._write(ops)

    def kept(self, client_id: str, copy: Callable[[], bool] | None = None) -> bool:
        """Whether the client's index is kept: built, or its first build begun (the marker
        row). A client none of whose statements or replies was ever matched has no index, and
        its invoices' writers write no rows (perf27: three of an open invoice's eight rows);
        the first statement or reply quoting a kenmerk builds it (:meth:`ensure_built`).
        ``copy``: whether the marker's copy is in the console's partition, from the import's
        one read of both indexes' markers (perf31), asked instead of the marker.

        Read after the caller's invoice write, and the build marks (and copies) before it
        reads: an invoice written before the mark is in the build's read, one written after
        finds the mark and writes its own rows. One point read until the marker is seen, none
        after (cached)."""
        if client_id in self._kept or client_id in self._built:
            return True
        if copy is not None:
            found = copy()
        else:
            found = self.store.get(MATCH_INDEX, encode(client_id), BUILT) is not None
        if found:
            self._kept.add(client_id)
        return found

    def _with_debtors(
        self,
        client_id: str,
        changes: Sequence[tuple[Invoice | None, Invoice]],
        debtors: Mapping[str, Debtor],
    ) -> Mapping[str, Debtor]:
        """``debtors`` and the debtors of the invoices whose rows will be written that it
        lacks, read from the ``Debtors`` table (an invoice whose rows stay as they are, a
        dunning step say, costs no read)."""
        missing = sorted(
            {new.debtor_number for old, new in changes if _moves(old, new)} - set(debtors)
        )
        if not missing:
            return debtors
        from shared.adapters.tables.parties_repo import DebtorRepository

        found = DebtorRepository(self.store).get_many(client_id, missing)
        return {**debtors, **{n: d for n, (d, _) in found.items()}}

    def debtor_changed(self, debtor: Debtor, invoices: Iterable[Invoice]) -> None:
        """The debtor's name or kind changes: its open invoices' rows (``invoices``: every
        invoice of the debtor, as stored) are written again with the new ones, so that the
        rows stay authoritative. Called before the debtor's own row is written: a crash in
        between leaves the import unfinished, and sending it again writes both again."""
        mine = [i for i in invoices if i.debtor_number == debtor.number and is_indexed(i)]
        self.update(debtor.client_id, [(None, i) for i in mine], {debtor.number: debtor})

    def repair(
        self, client_id: str, stale: Sequence[OpenInvoice], current: Sequence[Invoice]
    ) -> None:
        """The index said ``stale``, the invoices say ``current``: make the index agree."""
        pk = encode(client_id)
        ops = [Op(OpKind.DELETE, Row(pk, _amount_rk(s.number, s.open_amount))) for s in stale]
        self._write(ops)
        self.update(client_id, [(None, inv) for inv in current])
        for inv in current:
            if not is_indexed(inv):
                for rk, row in _all_keys(inv).items():
                    self._delete(row.pk, rk)

    def _write(self, ops: list[Op]) -> None:
        by_partition: dict[str, list[Op]] = {}
        for op in ops:
            by_partition.setdefault(op.row.pk, []).append(op)
        for part in by_partition.values():
            for start in range(0, len(part), MAX_BATCH):
                chunk = part[start : start + MAX_BATCH]
                try:
                    self.store.transact(MATCH_INDEX, chunk)
                except StorageError:
                    # a row to delete was already gone (a retried write): one at a time
                    for op in chunk:
                        if op.kind is OpKind.DELETE:
                            self._delete(op.row.pk, op.row.rk)
                        else:
                            self.store.upsert(MATCH_INDEX, op.row)

    def _delete(self, pk: str, rk: str) -> None:
        try:
            self.store.delete(MATCH_INDEX, pk, rk)
        except StorageError:
            pass  # gone already: what a delete wanted
        except Exception as exc:  # the SDK's not-found is not a StorageError
            if "NotFound" not in type(exc).__name__:
                raise

    # -- lookups (one request each) ----------------------------------------------------------
    def _range(self, client_id: str, prefix: str) -> list[OpenInvoice]:
        page = self.store.query(
            MATCH_INDEX,
            pk=encode(client_id),
            rk_range=prefix_range(prefix),
            page_size=RANGE_LIMIT,
        )
        return [_open_invoice(r) for r in page.rows]

    def by_reference(self, client_id: str, reference: str) -> list[OpenInvoice]:
        return self._range(client_id, f"r|{encode(reference)}|")

    def by_tail(self, client_id: str, tail: str) -> list[OpenInvoice]:
        return self._range(client_id, f"t|{encode(tail)}|")

    def of_debtor(self, client_id: str, debtor: str) -> list[OpenInvoice]:
        """The index's rows of a debtor's invoices as stored, in number order, at most a page:
        his invoice rows read (every page), then their keys (:meth:`rows_of`). What the index
        holds, stale or not, for checks and repairs; the matcher reads his open invoices from
        his invoice rows (:mod:`shared.adapters.tables.debtor_open_invoices`)."""
        from shared.adapters.tables import schema
        from shared.adapters.tables.invoices_repo import invoice_from_row  # imports this module

        invoices = [
            invoice_from_row(row)
            for row in all_rows(
                self.store,
                schema.INVOICES,
                pk=encode(client_id),
                rk_range=prefix_range(schema.debtor_invoices_prefix(debtor)),
            )
        ]
        found = self.rows_of(client_id, invoices)
        return [found[i.number] for i in invoices if i.number in found][:RANGE_LIMIT]

    def rows_of(self, client_id: str, invoices: Iterable[Invoice]) -> dict[str, OpenInvoice]:
        """The index's row of each invoice (by number; none where it holds none), found by the
        keys the invoice's fields give: its number's tail, its reference, its open amount. An
        invoice given in several states (the redo gives the state before its payment too) has
        the keys of each read. The rows of an invoice are written together with the same data:
        the first found answers. One ``get_many``."""
        keys: dict[str, str] = {}  # row key -> invoice number, in the order to prefer
        for inv in invoices:
            named = _named_keys(inv)
            owed = [_amount_rk(inv.number, inv.open_amount)] if inv.open_amount > 0 else []
            for rk in [*named, *owed]:
                keys.setdefault(rk, inv.number)
        if not keys:
            return {}
        rows = self.store.get_many(MATCH_INDEX, encode(client_id), list(keys))
        found: dict[str, OpenInvoice] = {}
        for rk, number in keys.items():
            if rk in rows and number not in found:
                found[number] = _open_invoice(rows[rk])
        return found

    def by_amount(self, client_id: str, amount: int, limit: int) -> list[OpenInvoice]:
        if amount <= 0:
            return []
        page = self.store.query(
            MATCH_INDEX,
            pk=encode(client_id),
            rk_range=prefix_range(f"a|{amount_key(amount)}|"),
            page_size=limit,
        )
        return [_open_invoice(r) for r in page.rows]

    def rebuild(
        self,
        client_id: str,
        invoices: Iterable[Invoice],
        debtors: Mapping[str, Debtor] | None = None,
        *,
        mark: bool = True,
    ) -> int:
        """Write the index of these invoices from scratch (after a migration, or to repair);
        with their ``debtors`` (by number) the rows carry names and kinds (version 2).
        ``mark``: write the BUILT marker too (``ensure_built`` writes it after its repair)."""
        known = debtors or {}
        rows = [
            row
            for inv in invoices
            for row in index_rows(inv, known.get(inv.debtor_number)).values()
        ]
        self._write([Op(OpKind.UPSERT, r) for r in rows])
        if mark:
            self._mark(client_id, len(rows), VERSION if debtors is not None else 1)
            if debtors is None:  # marked as the first version: built again when met
                self._built.discard(client_id)
        return len(rows)

    def _mark(self, client_id: str, rows: int, version: int) -> None:
        self.store.upsert(
            MATCH_INDEX, Row(encode(client_id), BUILT, {"Rows": rows, "Version": version})
        )

    def ensure_built(
        self,
        client_id: str,
        open_invoices: Callable[[], Iterable[Invoice]],
        debtors: Callable[[], Iterable[Debtor]] | None = None,
    ) -> bool:
        """Invoices written before the index existed are indexed once, the first time a
        statement meets the client (one point read and one of the marker's copy afterwards,
        once per process); an index of an earlier :data:`VERSION`, or one whose copy is
        missing, is written again once, whole, when ``debtors`` (every debtor of the client)
        is given: an import that found no copy wrote none of its rows (perf31). True when it
        built.

        The rows are written from a read of every open invoice (and debtor), and plain upserts
        would put back the rows of an invoice another writer changed in between (a credit
        note, a payment, an import: their own index writes undone). So once written, the
        open invoices (and debtors) are read again and the rows of those that moved are
        brought from the version written to the one stored: one more read of each, once per
        build. A writer still between its invoice and its index write ends the same.

        The build copies the marker (:meth:`_copy`) and a first build marks the client
        (:data:`BUILDING`) before it reads: from then on the invoices' writers keep their rows
        (:meth:`kept`). Rows the partition holds that the read does not give are deleted: rows
        left by writers before perf27 (which indexed every client) and no longer kept, the
        ``d|`` rows of versions up to 4 (one range read of the partition's keys)."""
        if client_id in self._built:
            return False
        marker = self.store.get(MATCH_INDEX, encode(client_id), BUILT)
        version = _version(marker)
        if marker is not None:  # built or begun: kept, the writers ask no more
            self._kept.add(client_id)
        if version >= VERSION and self._copied(client_id):
            self._built.add(client_id)
            return False
        if marker is not None and version != BUILDING and debtors is None:
            return False  # an earlier version is built again only with every debtor
        self._copy(client_id)  # before the read: an import that reads it keeps its own rows
        # a first build (or one that did not finish) marks the client; another worker's may
        # have finished meanwhile
        first = marker is None or version == BUILDING
        if first and not self._begin(client_id):
            self._built.add(client_id)
            return False
        present = self._row_keys(client_id)
        known = {d.number: d for d in debtors()} if debtors is not None else None
        read = list(open_invoices())
        rows = self.rebuild(client_id, read, known, mark=False)
        # rows a writer left before perf27 and stopped keeping, d| rows: stale, they go
        wanted = {rk for inv in read for rk in index_rows(inv)}
        pk = encode(client_id)
        self._write([Op(OpKind.DELETE, Row(pk, rk)) for rk in sorted(present - wanted)])
        known_now = {d.number: d for d in debtors()} if debtors is not None else None
        self._settle_build(client_id, read, known or {}, list(open_invoices()), known_now or {})
        # the marker last: a crash or outage before it (in the repair too) builds again on the
        # redelivery, whose upserts and repair are idempotent (failure4 finding 5)
        self._mark(client_id, rows, VERSION if known is not None else 1)
        if known is not None:
            self._built.add(client_id)
        return True

    def readable(self, client_id: str) -> tuple[bool, bool]:
        """Whether the client's index answers lookups, and whether it is current (nothing
        left to build): both only for a finished build of :data:`VERSION` beside its copy
        (perf31: an index of an earlier version, or without its copy, may lack the rows of an
        import that found no copy). One point read of each until it is current, none after
        (cached as :meth:`ensure_built` does). Builds nothing: a reader that must not wait
        asks for the build on the queue instead (ops28)."""
        if client_id in self._built:
            return True, True
        marker = self.store.get(MATCH_INDEX, encode(client_id), BUILT)
        if marker is not None:
            self._kept.add(client_id)
        if _version(marker) < VERSION or not self._copied(client_id):
            return False, False
        self._built.add(client_id)
        return True, True

    def _copy(self, client_id: str) -> None:
        """The marker's copy in the console's partition (perf31), where the import reads it
        with the console's markers: upserted, never deleted while the app runs."""
        self.store.upsert(CONSOLE_SEARCH, copy_row(client_id))
        self._kept.add(client_id)

    def _copied(self, client_id: str) -> bool:
        return self.store.get(CONSOLE_SEARCH, encode(client_id), MATCHED) is not None

    def _begin(self, client_id: str) -> bool:
        """Mark a first build begun (:data:`BUILDING`), never over another's marker: False
        when another worker's build has finished since this one read none (nothing to do). A
        marker still "begun" (a build running or one that died) is built over: idempotent."""
        try:
            self.store.insert(
                MATCH_INDEX, Row(encode(client_id), BUILT, {"Rows": 0, "Version": BUILDING})
            )
            return True
        except Conflict:
            return _version(self.store.get(MATCH_INDEX, encode(client_id), BUILT)) < VERSION

    def _row_keys(self, client_id: str) -> set[str]:
        """The keys of every index row the client's partition holds (the markers aside)."""
        rows = all_rows(self.store, MATCH_INDEX, pk=encode(client_id), rk_range=("", "~"))
        return {row.rk for row in rows}

    def drop_debtor_rows(self, client_id: str) -> int:
        """Delete the client's ``d|`` rows (versions 1 to 4 wrote one per open invoice; nothing
        reads them since version 5): a page read of them (1,000 rows) and their deletes in full
        transactions, page after page. Idempotent: a row another worker deleted first makes its
        transaction fail and the deletes go one at a time (:meth:`_write`). Returns how many
        were read."""
        pk = encode(client_id)
        dropped = 0
        token: str | None = None
        while True:
            page = self.store.query(
                MATCH_INDEX, pk=pk, rk_range=prefix_range(LEGACY_DEBTOR), continuation=token
            )
            self._write([Op(OpKind.DELETE, Row(pk, row.rk)) for row in page.rows])
            dropped += len(page.rows)
            token = page.continuation
            if not token:
                return dropped

    def _settle_build(
        self,
        client_id: str,
        read: Sequence[Invoice],
        known: Mapping[str, Debtor],
        now: Sequence[Invoice],
        known_now: Mapping[str, Debtor],
    ) -> None:
        """Bring the rows the build wrote (``read`` with ``known``) to the invoices and
        debtors as read after it (``now``, ``known_now``). An invoice no longer open has its
        rows deleted; one that opened meanwhile was indexed by its own writer."""
        current = {inv.number: inv for inv in now}
        ops: list[Op] = []
        for inv in read:
            before = index_rows(inv, known.get(inv.debtor_number))
            stored = current.get(inv.number)
            after = (
                index_rows(stored, known_now.get(stored.debtor_number))
                if stored is not None
                else {}
            )
            ops += _moving(before, after)
        self._write(ops)

    def adopt(
        self,
        client_id: str,
        open_invoices: Callable[[], Iterable[Invoice]],
        debtors: Callable[[], Iterable[Debtor]],
    ) -> Adopted:
        """Give an index built before its copy (:data:`ADOPTABLE`: version 5, or 6 whose copy
        a restore lost) the copy and the current version, when its rows are what a build
        would write now: the upgrade's ``inning backfill match-copies`` (matchcopy31), which
        spares the full build the next statement would make (3,300 requests and minutes per
        100,000 open invoices, replies waiting for it).

        The rows' shape is the same in versions 5 and 6, but since version 6 runs an import
        that found no copy wrote none of its rows: the marker alone proves nothing once a
        worker of version 6 has imported for the client. So the rows are checked: the copy is
        written first (an import from then on keeps its rows; a version-6 marker is lowered
        to 5 before, so that the copy does not make an unchecked index trusted), then every
        open invoice and debtor is read and the rows they give compared with the partition's
        rows: all there, with the same data, and none more. Only then is the marker raised
        to :data:`VERSION` (on its ETag: a build that marked meanwhile is left as it is). An
        index that differs keeps version 5 and is built again whole at its next statement;
        a writer busy during the check can make it differ: run it again later.

        The reads of a build (a page per 1,000 invoices, per 1,000 debtors and per 1,000
        rows) and two rows written (the copy, the marker) instead of every row. Idempotent: a
        current index costs a point read and one of its copy."""
        pk = encode(client_id)
        marker = self.store.get(MATCH_INDEX, pk, BUILT)
        version = _version(marker)
        if marker is None:
            return Adopted(NO_INDEX)
        if version == BUILDING:
            return Adopted(UNFINISHED)
        if version >= VERSION and self._copied(client_id):
            return Adopted(CURRENT)
        if version not in ADOPTABLE:
            return Adopted(EARLIER)
        if version >= VERSION:  # not trusted without its copy: it must stay so until checked
            marker = self._marked(marker, ADOPTABLE[0])
            if marker is None:
                return Adopted(BUSY)
        self._copy(client_id)  # before the reads: an invoice written after them keeps its rows
        known = {d.number: d for d in debtors()}
        wanted = {
            rk: _plain(row.data)
            for inv in open_invoices()
            for rk, row in index_rows(inv, known.get(inv.debtor_number)).items()
        }
        stored = {
            row.rk: _plain(row.data)
            for row in all_rows(self.store, MATCH_INDEX, pk=pk, rk_range=("", "~"))
        }
        found = Adopted(
            DIFFERS,
            missing=len(wanted.keys() - stored.keys()),
            stale=len(stored.keys() - wanted.keys()),
            changed=sum(1 for rk in wanted.keys() & stored.keys() if wanted[rk] != stored[rk]),
        )
        if found.missing or found.stale or found.changed:
            return found
        if self._marked(marker, VERSION, len(wanted)) is None:
            return Adopted(BUSY)
        self._built.add(client_id)
        return Adopted(ADOPTED)

    def _marked(self, marker: Row, version: int, rows: int | None = None) -> Row | None:
        """The marker at ``version`` (and ``rows``), written on its ETag; None when it changed
        since it was read."""
        data: dict[str, Value] = {**marker.data, "Version": version}
        if rows is not None:
            data["Rows"] = rows
        try:
            return self.store.replace(MATCH_INDEX, Row(marker.pk, marker.rk, data, marker.etag))
        except PreconditionFailed:
            return None


# what :meth:`MatchIndexRepository.adopt` found (``inning backfill match-copies``)
ADOPTED = "copied"  # rows as a build would write them: copy written, marker current
CURRENT = "current"  # already current beside its copy: nothing to do
DIFFERS = "differs"  # rows differ from a build's: built again whole at the next statement
EARLIER = "earlier"  # built before version 5 (other rows): built again at the next statement
NO_INDEX = "none"  # never built: the first statement or reply quoting a kenmerk builds it
UNFINISHED = "unfinished"  # a first build begun and not finished: the next one finishes it
BUSY = "busy"  # the marker changed during the check (a build ran): run the command again
ADOPTABLE = (5, VERSION)  # versions whose rows have today's shape (no d| rows since 5)
INDEX_FIELDS = ("Number", "Debtor", "Open", "Reference", "Due", "Name", "Kind", "WrittenOff")


@dataclass(frozen=True)
class Adopted:
    """What :meth:`MatchIndexRepository.adopt` did for a client, and for an index that
    differs, how: rows a build would write that are missing, rows it would delete (stale),
    rows whose data it would write otherwise (changed)."""

    outcome: str
    missing: int = 0
    stale: int = 0
    changed: int = 0


def _plain(data: Mapping[str, Value]) -> dict[str, Value]:
    """An index row's own fields, as compared: a field left empty is not stored, an amount
    may come back from the service as another integer type."""
    kept = {k: data[k] for k in INDEX_FIELDS if data.get(k) is not None}
    if "Open" in kept:
        kept["Open"] = int(str(kept["Open"]))
    return kept


def copy_row(client_id: str) -> Row:
    """The marker's copy (perf31), in ``ConsoleSearch``: what a seeder that writes an index
    and its marker itself writes too, or the readers build it again."""
    return Row(encode(client_id), MATCHED, {"Version": VERSION})


def _version(marker: Row | None) -> int:
    """The marker's version: 0 without one, :data:`BUILDING` for a first build begun (1 for a
    marker of the first version, which wrote none)."""
    if marker is None:
        return 0
    version = marker.data.get("Version")
    return 1 if version is None else int(version)


def _moving(before: dict[str, Row], after: dict[str, Row]) -> list[Op]:
    """What takes the index from ``before`` to ``after``: rows gone deleted, rows new or
    changed upserted, rows as they were left alone."""
    return [Op(OpKind.DELETE, row) for rk, row in before.items() if rk not in after] + [
        Op(OpKind.UPSERT, row)
        for rk, row in after.items()
        if rk not in before or before[rk].data != row.data
    ]


def rows_change(old: Invoice | None, new: Invoice) -> bool:
    """Whether bringing the index from ``old`` to ``new`` writes or deletes any row (names
    aside: both states' rows carry the same debtor's). One that does not cannot undo another
    writer's rows."""
    before = {rk: row.data for rk, row in index_rows(old).items()} if old is not None else {}
    return before != {rk: row.data for rk, row in index_rows(new).items()}


def _moves(old: Invoice | None, new: Invoice) -> bool:
    """Whether the new state writes index rows the old state's lack (names aside: both
    states' rows carry the same debtor's)."""
    if not is_indexed(new):
        return False
    if old is None:
        return True
    before = {rk: row.data for rk, row in index_rows(old).items()}
    return any(before.get(rk) != row.data for rk, row in index_rows(new).items())


def _all_keys(inv: Invoice) -> dict[str, Row]:
    """Every key the invoice could have had, whatever its status (to clear a closed one)."""
    return index_rows(replace(inv, status=InvoiceStatus.OPEN, paid=0, written_off_on=None))
